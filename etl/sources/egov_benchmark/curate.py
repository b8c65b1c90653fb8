"""eGovernment Benchmark: the EC results workbooks (pinned in source.toml) → curated rows.

Biennial-average scores (key dimensions and sub-indicators) and the overall score of the benchmark's life events
that match the strategy's, for NO, SE, DK, FI, EU27 and EU27+. The 2024 workbook repeats the back-series of the
2023 workbook; only its new data are taken from it (`biennial_periods`, `life_event_years` per file).
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
    """Yield (geo, scoring label, {column title: value}) for the benchmarked peers in a '1. Scores' sheet."""
    header: list[str] | None = None
    country_col = 0
    for values in sheet_rows(path, sheet, label=label):
        if "Country" in values:
            country_col = values.index("Country")
            header = [" ".join(str(title or "").split()) for title in values]
            continue
        if header is None or len(values) <= country_col + 1 or values[country_col] not in GEOS:
            continue
        cells = {title: value for title, value in zip(header, values) if title and isinstance(value, (int, float))}
        yield GEOS[values[country_col]], str(values[country_col + 1] or "").strip(), cells


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
        for geo, label, cells in scores_sheet(ctx.path(spec["path"]), sheet, spec["path"]):
            indicator = scores.get(label.lower())
            for title, value in cells.items():
                biennial = re.fullmatch(r"biennial average (\d{4}) \+ (\d{4})", title.lower())
                single = re.fullmatch(r"(.+?) \((\d{4})\)", title)
                if indicator and biennial:
                    first, second = sorted(biennial.groups())
                    if periods is None or f"{first}-{second}" in periods:
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
