"""eGovernment Benchmark: the EC results workbooks (pinned in source.toml) → curated rows.

Biennial-average scores (key dimensions and sub-indicators) and the overall score of the benchmark's life events
that match the strategy's, for NO, SE, DK, FI, EU27 and EU27+; Norway's rank on the scores the catalogue has a rank
indicator for, from the scores of every country in the same column (the workbooks give scores only; the reports
rank them), flagged `derived`. The 2024 workbook repeats the back-series of the 2023 workbook; only its new data are
taken from it (`biennial_periods`, `life_event_years` per file).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from etl.curate import CurateContext, clean_number
from etl.readers.xlsx import sheet_rows

SCORES = {
    "0. OVERALL SCORE": "egovbench_overall",
    "1. User centricity": "egovbench_user_centricity",
    "1.1 Online availability": "egovbench_online_availability",
    "1.2 Mobile friendliness": "egovbench_mobile_friendliness",
    "1.3 User support": "egovbench_user_support",
    "2. Transparency": "egovbench_transparency",
    "3. Key enablers": "egovbench_key_enablers",
    "3.1 eID": "egovbench_eid",
    "3.3 Pre-filled forms": "egovbench_prefilled_forms",
    "3.4 Digital post": "egovbench_digital_post",
    "4. Cross-border services": "egovbench_cross_border_services",
}
# Norway's rank on these scores (the benchmark's own labels, lower case): competition ranking, 1 + the number of
# benchmarked countries with a higher score in the same column; the EU averages are not countries.
RANKS = {
    "0. overall score": "egovbench_rank",
    "1. user centricity": "egovbench_digital_availability_rank",  # Digdir's «digital tilgjengelighet»
    "2. transparency": "egovbench_transparency_rank",
    "3. key enablers": "egovbench_key_enablers_rank",
}
AGGREGATES = {"AVERAGE_EU27", "EU27+"}
GEOS = {"NO": "NO", "SE": "SE", "DK": "DK", "FI": "FI", "AVERAGE_EU27": "EU27", "EU27+": "EU27+"}
# The benchmark's own life events that correspond to the strategy's life events (see the catalogue); their score is
# the overall score of the life event in one data-collection year ('0. OVERALL SCORE' row, '<life event> (<year>)').
LIFE_EVENTS = {
    "business start-up": "egovbench_life_event_business_start_up",
    "regular business operations": "egovbench_life_event_regular_business_operations",
    "family": "egovbench_life_event_family",
    "career": "egovbench_life_event_career",
    "losing and finding a job": "egovbench_life_event_career",
    "studying": "egovbench_life_event_studying",
}
ORG = "European Commission (Capgemini et al.)"


def scores_sheet(path: Path, sheet: str, label: str) -> Iterator[tuple[str, str, dict[str, float]]]:
    """Yield (country code as in the sheet, scoring label, {column title: value}) for every row of a '1. Scores'
    sheet: the benchmarked countries and the EU averages."""
    header: list[str] | None = None
    country_col = 0
    for values in sheet_rows(path, sheet, label=label):
        if "Country" in values:
            country_col = values.index("Country")
            header = [" ".join(str(title or "").split()) for title in values]
            continue
        if header is None or len(values) <= country_col + 1 or not isinstance(values[country_col], str):
            continue
        cells = {title: value for title, value in zip(header, values) if title and isinstance(value, (int, float))}
        yield values[country_col].strip(), str(values[country_col + 1] or "").strip(), cells


def biennial_period(title: str) -> str | None:
    """'Biennial average 2019 + 2020' (either order, any case) → '2019-2020'."""
    found = re.fullmatch(r"biennial average (\d{4}) \+ (\d{4})", title.lower())
    return "-".join(sorted(found.groups())) if found else None


def rank_rows(columns: dict[tuple[str, str], dict[str, float]], ctx: CurateContext,
              spec: dict) -> list[dict[str, str]]:
    """Norway's rank per (scoring label, biennial column), from the scores of every country in that column."""
    rows = []
    periods = set(spec["biennial_periods"]) if "biennial_periods" in spec else None
    filename = Path(spec["path"]).name
    for (label, title), scores in columns.items():
        indicator, period = RANKS.get(label.lower()), biennial_period(title)
        if indicator not in ctx.catalog or period is None or "NO" not in scores:
            continue
        if periods is not None and period not in periods:
            continue
        rank = 1 + sum(1 for value in scores.values() if value > scores["NO"])
        note = (f"derived: Norway's rank among the {len(scores)} countries scored in column '{title}', row "
                f"'{label}' of sheet '{spec['sheet']}' of {filename} (official EC results file): 1 + the number of "
                "countries with a higher score; the workbook gives the scores, the report ranks them")
        rows.append(ctx.row(indicator_id=indicator, geo="NO", period=period, value=str(rank), source_org=ORG,
                            source_dataset=f"eGovernment Benchmark {int(period[-4:]) + 1} "
                                           f"(biennial average {period.replace('-', '+')})",
                            source_url=spec["source_url"], flags="derived", note=note))
    return rows


def curate(ctx: CurateContext) -> list[dict[str, str]]:
    def row(indicator: str, geo: str, period: str, value: float, dataset: str, url: str, note: str) -> dict[str, str]:
        return ctx.row(indicator_id=indicator, geo=geo, period=period, value=clean_number(repr(round(float(value), 10))),
                       source_org=ORG, source_dataset=dataset, source_url=url,
                       note=note + "; value rounded to 10 decimals (the reports print integers)")

    scores = {label.lower(): ind for label, ind in SCORES.items() if ind in ctx.catalog}
    rows = []
    for spec in ctx.source.reference_files:
        filename, sheet, url = Path(spec["path"]).name, spec["sheet"], spec["source_url"]
        periods = set(spec["biennial_periods"]) if "biennial_periods" in spec else None
        years = range(*spec["life_event_years"])
        source = f"read from sheet '{sheet}' of {filename} (official EC results file)"
        columns: dict[tuple[str, str], dict[str, float]] = {}
        for code, label, cells in scores_sheet(ctx.path(spec["path"]), sheet, spec["path"]):
            if code not in AGGREGATES:
                for title, value in cells.items():
                    columns.setdefault((label, title), {})[code] = value
            if code not in GEOS:
                continue
            geo, indicator = GEOS[code], scores.get(label.lower())
            for title, value in cells.items():
                biennial = biennial_period(title)
                single = re.fullmatch(r"(.+?) \((\d{4})\)", title)
                if indicator and biennial:
                    first, second = biennial.split("-")
                    if periods is None or biennial in periods:
                        rows.append(row(indicator, geo, f"{first}-{second}", value,
                                        f"eGovernment Benchmark {int(second) + 1} (biennial average {first}+{second})",
                                        url, source))
                elif label == "0. OVERALL SCORE" and single and int(single.group(2)) in years:
                    event, year = single.groups()
                    life_event = LIFE_EVENTS.get(event.lower())
                    if life_event in ctx.catalog:
                        note = f"{source}, column '{event} ({year})', row '0. OVERALL SCORE'"
                        if event.lower() == "losing and finding a job":
                            note += ("; the benchmark's life event 'Losing and Finding a Job' (until 2018) became "
                                     "'Career' (from 2020)")
                        rows.append(row(life_event, geo, year, value,
                                        f"eGovernment Benchmark, life event '{event}' ({year} data collection)", url,
                                        note))
        rows += rank_rows(columns, ctx, spec)
    # the 2020 method update: flag the first life-event year under the new method (biennial rows: series_breaks)
    method_break = ctx.source.curate_options["life_event_break_note"]
    first_new: dict[str, str] = {}
    for r in rows:
        if "_life_event_" in r["indicator_id"] and int(r["period"]) >= 2020:
            first_new[r["indicator_id"]] = min(first_new.get(r["indicator_id"], "9999"), r["period"])
    for r in rows:
        if first_new.get(r["indicator_id"]) == r["period"]:
            r["flags"] = "break_in_series"
            r["note"] += "; " + method_break
    return rows
