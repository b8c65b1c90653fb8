"""Build the curated observation snapshot (data/snapshot/*.csv) from the shared reference material.

Usage (from the repository root):

    .venv/bin/python tools/curate_snapshot.py            # write data/snapshot/*.csv
    .venv/bin/python tools/curate_snapshot.py --check    # exit 1 if the committed files differ

Inputs, all read-only:
- ``$MONITOR_SHARED`` (default ``../shared`` next to the repository):
  - ``reference-data/published-figures.csv``: published values with source URLs and provenance notes;
  - raw publisher files: ``un-egdi/*.csv``, ``eurostat/isoc_sk_dskl_i21.csv``, ``oecd/*.csv`` and the two
    eGovernment Benchmark workbooks;
- ``tools/curated_extra.csv``: the hand-curated RDT / OECD values that are printed in
  ``../shared/domain/strategy.md`` but not yet in ``published-figures.csv`` (each row names its source URL);
- ``indicators/catalog.toml``: only indicators in the catalogue are kept, and each row gets the catalogue's unit id.

Rules (docs/data-model.md):
- real published figures only: nothing is computed, summed, interpolated or ranked here;
- raw-file values are cross-checked against ``published-figures.csv``; where both give the same figure for the
  same source URL, one row is kept (the published-figures row, which carries the provenance note); a
  disagreement stops the script;
- provenance markers in the notes become flags (SECONDARY → secondary, INFERRED YEAR → inferred_year,
  UNCERTAIN / UNVERIFIED → uncertain, approx. → approximate, lower bound → lower_bound, not comparable →
  break_in_series, provisional → provisional);
- the output is deterministic: one file per publisher group, rows sorted, fixed column order, LF line ends.
"""
from __future__ import annotations

import argparse
import csv
import io
import math
import os
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CATALOG = REPO / "indicators" / "catalog.toml"
EXTRA = REPO / "tools" / "curated_extra.csv"
OUT_DIR = REPO / "data" / "curated"

COLUMNS = [
    "indicator_id", "geo", "breakdown", "period", "value", "unit", "source_org", "source_dataset",
    "source_url", "published", "flags", "note",
]
FLAG_ORDER = [
    "secondary", "inferred_year", "break_in_series", "provisional", "uncertain", "lower_bound", "approximate",
]
PERIOD_OK = re.compile(r"^\d{4}(-\d{2}(-\d{2})?|-\d{4})?$")

UN_URL = "https://publicadministration.un.org/egovkb/en-us/Data-Center"
EUROSTAT_SKILLS_URL = "https://ec.europa.eu/eurostat/databrowser/view/isoc_sk_dskl_i21/default/table"
OECD_DGI_2023_URL = "https://www.oecd-ilibrary.org/governance/2023-oecd-digital-government-index_1a89ed5e-en"
OECD_OURDATA_2023_URL = (
    "https://www.oecd-ilibrary.org/governance/2023-oecd-open-useful-and-re-usable-data-ourdata-index_a37f51c3-en"
)
EGOVBENCH_2023_URL = "https://digital-strategy.ec.europa.eu/en/library/egovernment-benchmark-2023"
EGOVBENCH_2024_URL = "https://digital-strategy.ec.europa.eu/en/library/digital-decade-2024-egovernment-benchmark"

NORDICS = {"Norway": "NO", "Sweden": "SE", "Denmark": "DK", "Finland": "FI"}
ISO3 = {"NOR": "NO", "SWE": "SE", "DNK": "DK", "FIN": "FI"}

# Series breaks stated by the publisher (not visible in the figures file's notes).
SERIES_BREAKS = {
    # eGovernment Benchmark: the EC updated the method in 2020 ("comparison with earlier biennial averages is not
    # feasible, since the samples are different" — Cover sheet of the 2023 and 2024 results workbooks); the
    # 2019-2020 biennial average is the first one that contains data collected with the new method.
    ("egovbench_", "2019-2020"): (
        "break in series: the EC updated the benchmark method in 2020 and states that biennial averages "
        "from before and after the update are not comparable (results workbook, Cover sheet)"
    ),
    # Eurostat: I_IUGOV12 (interaction with public authorities) was discontinued after 2021; later rows are the
    # 'used a website or app of a public authority' concept (see published-figures.md, group 4).
    ("eurostat_egov_interaction_12m", "2023"): (
        "break in series: Eurostat's I_IUGOV12 was discontinued after 2021; from 2022 the headline is I_IUGOV1"
    ),
}


# ----------------------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------------------

def shared_dir() -> Path:
    return Path(os.environ.get("MONITOR_SHARED") or (REPO.parent / "shared")).resolve()


def load_catalog() -> dict[str, dict]:
    with CATALOG.open("rb") as fh:
        raw = tomllib.load(fh)
    return {ind["id"]: ind for ind in raw["indicators"]}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "") for k, v in row.items()} for row in csv.DictReader(fh)]


def clean_number(text: str) -> str:
    """Trim binary float artefacts (0.8116800000000001 → 0.81168) but keep the published precision otherwise."""
    text = text.strip()
    if re.fullmatch(r"-?\d+(\.\d{1,10})?", text):
        return text
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {text!r}")
    return format(round(number, 10), ".10g")


def split_geo(geo: str) -> tuple[str, str]:
    """`NO:age16-24` → (`NO`, `age=16-24`); `NO:central_government` → (`NO`, `government_level=central_government`)."""
    if ":" not in geo:
        return geo, ""
    country, detail = geo.split(":", 1)
    age = re.fullmatch(r"age(\d.*)", detail)
    if age:
        return country, f"age={age.group(1)}"
    if detail in {"central_government", "county_municipalities", "municipalities"}:
        return country, f"government_level={detail}"
    return country, f"region={detail}"


def flags_from_text(notes: str, unit_text: str = "", source_org: str = "") -> set[str]:
    text = f"{notes} | {unit_text}"
    flags: set[str] = set()
    if "SECONDARY" in notes or "third-party transcription" in source_org:
        flags.add("secondary")
    if re.search(r"INFERRED (YEAR|DATE)", notes):
        flags.add("inferred_year")
    if "UNCERTAIN" in notes or "UNVERIFIED" in notes:
        flags.add("uncertain")
    if re.search(r"lower bound", text, re.IGNORECASE):
        flags.add("lower_bound")
    if re.search(r"approx", text, re.IGNORECASE):
        flags.add("approximate")
    if re.search(r"not comparable|break in series|series break", notes, re.IGNORECASE):
        flags.add("break_in_series")
    if re.search(r"provisional", notes, re.IGNORECASE):
        flags.add("provisional")
    return flags


def join_flags(flags: set[str]) -> str:
    unknown = flags - set(FLAG_ORDER)
    if unknown:
        raise ValueError(f"unknown flags {sorted(unknown)}")
    return ";".join(f for f in FLAG_ORDER if f in flags)


def apply_series_breaks(row: dict[str, str]) -> None:
    for (prefix, period), text in SERIES_BREAKS.items():
        if row["indicator_id"].startswith(prefix) and row["period"] == period and "rank" not in row["indicator_id"]:
            flags = set(filter(None, row["flags"].split(";"))) | {"break_in_series"}
            row["flags"] = join_flags(flags)
            row["note"] = f"{row['note']}; {text}" if row["note"] else text


def group_of(row: dict[str, str]) -> str:
    """The snapshot file (publisher group) a row belongs to."""
    org, url = row["source_org"], row["source_url"]
    if org == "UN DESA":
        return "un_egdi"
    if org.startswith("European Commission"):
        return "egov_benchmark"
    if org == "OECD" or org.startswith("OECD "):
        return "oecd"
    if org.startswith("Eurostat"):
        return "eurostat"
    if org.startswith("Statistics Norway"):
        return "ssb"
    if org.startswith("DFØ"):
        return "dfo"
    if org.startswith("Oxford Insights"):
        return "rdt_international"
    if "digdir.no/rikets-digitale-tilstand" in url or "aarsrapport" in url or "digitalisering-og-samordning" in url:
        if any(word in org for word in (
                "Benchmark", "UN ", "Open Data Maturity", "Interoperability", "DESI", "OECD", "Eurostat")):
            return "rdt_international"
        if any(word in row["source_dataset"] for word in ("IT i praksis", "Innbyggerundersøkelsen", "survey")):
            return "rdt_it_i_praksis"
        return "digdir"
    if org.startswith(("Digdir", "Difi")):
        return "digdir"
    return "press"


# ----------------------------------------------------------------------------------------------------------
# sources
# ----------------------------------------------------------------------------------------------------------

def from_published_figures(shared: Path, catalog: dict[str, dict]) -> list[dict[str, str]]:
    rows = []
    for src in read_csv(shared / "reference-data" / "published-figures.csv"):
        ind = catalog.get(src["indicator"])
        if ind is None or not PERIOD_OK.match(src["period"]):
            continue  # not in the catalogue, or an undated / day-span figure (e.g. 'n.d.', '2018-04-04/05')
        geo, breakdown = split_geo(src["geo"])
        note = src["notes"].strip()
        unit_text = src["unit"].strip()
        if re.search(r"approx|lower bound|published|estimate|average", unit_text, re.IGNORECASE):
            note = f"{note}; unit as published: {unit_text}" if note else f"unit as published: {unit_text}"
        rows.append({
            "indicator_id": src["indicator"],
            "geo": geo,
            "breakdown": breakdown,
            "period": src["period"],
            "value": clean_number(src["value"]),
            "unit": ind["unit"],
            "source_org": src["source_org"].strip(),
            "source_dataset": src["source_dataset"].strip(),
            "source_url": src["source_url"].strip(),
            "published": "",
            "flags": join_flags(flags_from_text(src["notes"], unit_text, src["source_org"])),
            "note": note,
        })
    return rows


def from_curated_extra(catalog: dict[str, dict]) -> list[dict[str, str]]:
    rows = []
    for src in read_csv(EXTRA):
        if src["indicator_id"] not in catalog:
            raise SystemExit(f"{EXTRA.name}: unknown indicator {src['indicator_id']!r}")
        row = {c: src.get(c, "").strip() for c in COLUMNS}
        row["unit"] = catalog[row["indicator_id"]]["unit"]
        row["value"] = clean_number(row["value"])
        row["flags"] = join_flags(set(filter(None, row["flags"].split(";"))))
        rows.append(row)
    return rows


UN_COLUMNS_UNU = {
    "egdi_rank": "e-gov-rank", "egdi_value": "e-gov-index", "un_epart_index": "e-pat-index",
    "un_online_service_index": "osi", "un_human_capital_index": "hci", "un_telecom_infrastructure_index": "tii",
}
UN_COLUMNS_2022 = {
    "egdi_rank": "E-Government Rank", "egdi_value": "E-Government Index", "un_epart_index": "E-Participation Index",
    "un_online_service_index": "Online Service Index", "un_human_capital_index": "Human Capital Index",
    "un_telecom_infrastructure_index": "Telecommunication Infrastructure Index",
}
UN_COLUMNS_2024 = {
    "egdi_rank": "Rank", "egdi_value": "E_Index", "un_epart_index": "E_Participation",
    "un_online_service_index": "Online_Service", "un_human_capital_index": "Human_Capital",
    "un_telecom_infrastructure_index": "Tele_Infra",
}


def from_un_egdi(shared: Path, catalog: dict[str, dict]) -> list[dict[str, str]]:
    base = shared / "reference-data" / "un-egdi"
    specs = [
        (f"egdi-{y}.csv", y, "country-name", UN_COLUMNS_UNU, f"UN E-Government Survey {y} (EGDI data)",
         f"copied from GitHub UNU-EGOV/datasets egdi/egdi-{y}.csv @3b9c43567eb9f749e7497b0491449b24a91e5248 "
         "(UNU-EGOV copy of UN Data Center file)")
        for y in ("2014", "2016", "2018")
    ] + [
        ("EGOV_DATA_2022.csv", "2022", "Country Name", UN_COLUMNS_2022,
         "UN E-Government Survey 2022 (EGOV_DATA_2022.csv)",
         "copied from GitHub pluralitybook/plurality figs/data/egovernment/EGOV_DATA_2022.csv "
         "@86158859464aee75633acd854c656928121a7fd8 (unmodified UN Data Center export)"),
        ("EGOV_DATA_2024.csv", "2024", "Country", UN_COLUMNS_2024,
         "UN E-Government Survey 2024 (EGOV_DATA_2024.csv)",
         "copied from GitHub MaryliaCruzS/Estadistica1CienciaPolitica EGOV_DATA_2024.csv "
         "@a1f17e3a3090cf0ead465be6b16821efb5a63f5d (third-party copy: column headers renamed and a Region column "
         "added by the repository author; values look unmodified - verify against the UN Data Center)"),
    ]
    rows = []
    for filename, year, country_col, columns, dataset, note in specs:
        for src in read_csv(base / filename):
            geo = NORDICS.get(src[country_col].strip())
            if geo is None:
                continue
            for indicator, column in columns.items():
                if indicator not in catalog:
                    continue
                rows.append({
                    "indicator_id": indicator, "geo": geo, "breakdown": "", "period": year,
                    "value": clean_number(src[column]), "unit": catalog[indicator]["unit"],
                    "source_org": "UN DESA", "source_dataset": dataset, "source_url": UN_URL,
                    "published": "", "flags": "", "note": note,
                })
    return rows


EUROSTAT_INDIC = {
    "Individuals with basic or above basic overall digital skills (all five component indicators are at basic "
    "or above basic level)": ("eurostat_basic_or_above_basic_digital_skills", "I_DSK2_BAB"),
    "Individuals with above basic overall digital skills (all five component indicators are at above basic level)":
        ("eurostat_above_basic_digital_skills", "I_DSK2_AB"),
}
EUROSTAT_GEO = dict(NORDICS, **{"European Union - 27 countries (from 2020)": "EU27"})


def from_eurostat_skills(shared: Path, catalog: dict[str, dict]) -> list[dict[str, str]]:
    rows = []
    for src in read_csv(shared / "reference-data" / "eurostat" / "isoc_sk_dskl_i21.csv"):
        mapped = EUROSTAT_INDIC.get(src["indic_is"])
        geo = EUROSTAT_GEO.get(src["geo"])
        if not mapped or not geo or src["unit"] != "Percentage of individuals" or src["ind_type"] != "All individuals":
            continue
        if not src["OBS_VALUE"].strip():
            continue
        indicator, code = mapped
        day, month, year = src["LAST UPDATE"].split(" ")[0].split("/")
        flags = {"provisional"} if "p" in src["OBS_FLAG"] else set()
        if "b" in src["OBS_FLAG"]:
            flags.add("break_in_series")
        rows.append({
            "indicator_id": indicator, "geo": geo, "breakdown": "", "period": src["TIME_PERIOD"],
            "value": clean_number(src["OBS_VALUE"]), "unit": catalog[indicator]["unit"], "source_org": "Eurostat",
            "source_dataset": f"isoc_sk_dskl_i21 ({code}, IND_TOTAL)", "source_url": EUROSTAT_SKILLS_URL,
            "published": f"20{year}-{month}-{day}", "flags": join_flags(flags),
            "note": "copied from GitHub ByteToMight/New-Portfolio-Project data/isoc_sk_dskl_i21.csv "
                    "@b6a60e0774b7dbf024a0e30d80023252edf8f400 (Eurostat SDMX-CSV export, LAST UPDATE 17/12/24)"
                    + (f"; Eurostat flag '{src['OBS_FLAG']}'" if src["OBS_FLAG"].strip() else ""),
        })
    return rows


OECD_DGI = {
    "composite_index": "oecd_dgi_composite", "composite_rank": "oecd_dgi_rank", "digital_design": "oecd_dgi_digital_by_design",
    "data_driven": "oecd_dgi_data_driven", "govt_as_platform": "oecd_dgi_government_as_platform",
    "open_default": "oecd_dgi_open_by_default", "user_driven": "oecd_dgi_user_driven",
    "proactiveness": "oecd_dgi_proactiveness",
}
OECD_OURDATA = {
    "availability_score": "oecd_ourdata_data_availability", "accessibility_score": "oecd_ourdata_data_accessibility",
    "reuse_score": "oecd_ourdata_government_support_for_reuse",
}


def from_oecd(shared: Path, catalog: dict[str, dict]) -> list[dict[str, str]]:
    rows = []
    base = shared / "reference-data" / "oecd"
    for filename, mapping, period, url, dataset, note in (
        ("oecd_dgi_2023.csv", OECD_DGI, "2023", OECD_DGI_2023_URL,
         "2023 OECD Digital Government Index (OECD Public Governance Policy Papers)",
         "copied from GitHub blavatnik-index/bipa2024_sourcedata data_raw/OECD_DGI_2023/oecd_dgi_2023.csv "
         "@088271d0d6a9c1717d925073166fde8a54f0428b (values extracted from OECD PDF by Blavatnik School); "
         "reference period 2020-2022"),
        ("oecd_ourdata_2023.csv", OECD_OURDATA, "2022", OECD_OURDATA_2023_URL,
         "2023 OECD OURdata Index (reference year 2022)",
         "copied from GitHub blavatnik-index/bipa2024_sourcedata data_raw/OECD_OURDATA_2023/oecd_ourdata_2023.csv "
         "@088271d0d6a9c1717d925073166fde8a54f0428b (extracted from OECD PDF); composite OURdata score not in file"),
    ):
        for src in read_csv(base / filename):
            geo = ISO3.get(src["cc_iso3c"])
            indicator = mapping.get(src["variable"])
            if not geo or not indicator or indicator not in catalog:
                continue
            if src["ref_year"] != ("2023" if filename.startswith("oecd_dgi") else "2022"):
                continue
            rows.append({
                "indicator_id": indicator, "geo": geo, "breakdown": "", "period": period,
                "value": clean_number(src["value"]), "unit": catalog[indicator]["unit"], "source_org": "OECD",
                "source_dataset": dataset, "source_url": url, "published": "", "flags": "", "note": note,
            })
    return rows


EGOVBENCH_SCORES = {
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
EGOVBENCH_GEO = {"NO": "NO", "SE": "SE", "DK": "DK", "FI": "FI", "AVERAGE_EU27": "EU27", "EU27+": "EU27+"}
EGOVBENCH_2023_FILE = "6_eGovernment_Benchmark_2023__Final_Results_Bgn33TdFY2NnN7GOeUd64VCE84_98712.xlsx"
EGOVBENCH_2024_FILE = "6_eGovernment_Benchmark_2024__Final_Results.xlsx"
EGOVBENCH_WORKBOOKS = (
    # file, sheet with the scores, publication URL, biennial periods taken, single data-collection years taken.
    # The 2024 workbook repeats the back-series of the 2023 workbook; only its new data are taken from it.
    (EGOVBENCH_2023_FILE, "1. Scores 2022", EGOVBENCH_2023_URL, None, range(2016, 2023)),
    (EGOVBENCH_2024_FILE, "1. Scores 2024", EGOVBENCH_2024_URL, {"2022-2023"}, range(2023, 2024)),
)
# The benchmark's own life events that correspond to the strategy's life events (see the catalogue); their score is
# the overall score of the life event in one data-collection year ('0. OVERALL SCORE' row, '<life event> (<year>)').
EGOVBENCH_LIFE_EVENTS = {
    "business start-up": "egovbench_life_event_business_start_up",
    "regular business operations": "egovbench_life_event_regular_business_operations",
    "family": "egovbench_life_event_family",
    "career": "egovbench_life_event_career",
    "losing and finding a job": "egovbench_life_event_career",
    "studying": "egovbench_life_event_studying",
}
EGOVBENCH_BREAK = (
    "break in series: the EC updated the benchmark method and service sample in 2020 and states that results "
    "before and after the update are not comparable (results workbook, Cover sheet)"
)


def _benchmark_sheet(path: Path, sheet: str):
    """Yield (geo, scoring label, {column title: value}) for the benchmarked peers in a '1. Scores' sheet."""
    import openpyxl  # noqa: PLC0415 (only the benchmark sources need it)

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        header: list[str] | None = None
        country_col = 0
        for values in wb[sheet].iter_rows(values_only=True):
            values = list(values)
            if "Country" in values:
                country_col = values.index("Country")
                header = [" ".join(str(title or "").split()) for title in values]
                continue
            if header is None or len(values) <= country_col + 1 or values[country_col] not in EGOVBENCH_GEO:
                continue
            cells = {title: value for title, value in zip(header, values) if title and isinstance(value, (int, float))}
            yield EGOVBENCH_GEO[values[country_col]], str(values[country_col + 1] or "").strip(), cells
    finally:
        wb.close()


def _benchmark_row(indicator: str, geo: str, period: str, value: float, dataset: str, url: str, note: str,
                   catalog: dict[str, dict]) -> dict[str, str]:
    return {
        "indicator_id": indicator, "geo": geo, "breakdown": "", "period": period,
        "value": clean_number(repr(round(float(value), 10))), "unit": catalog[indicator]["unit"],
        "source_org": "European Commission (Capgemini et al.)", "source_dataset": dataset, "source_url": url,
        "published": "", "flags": "", "note": note + "; value rounded to 10 decimals (the reports print integers)",
    }


def from_egovbench(shared: Path, catalog: dict[str, dict]) -> list[dict[str, str]]:
    """From the EC results workbooks: biennial-average scores (key dimensions and sub-indicators) and the
    overall score of the life events that match the strategy's, for NO, SE, DK, FI, EU27 and EU27+."""
    base = shared / "reference-data" / "egov-benchmark"
    scores = {label.lower(): ind for label, ind in EGOVBENCH_SCORES.items() if ind in catalog}
    rows = []
    for filename, sheet, url, periods, years in EGOVBENCH_WORKBOOKS:
        source = f"read from sheet '{sheet}' of {filename} (official EC results file)"
        for geo, label, cells in _benchmark_sheet(base / filename, sheet):
            indicator = scores.get(label.lower())
            for title, value in cells.items():
                biennial = re.fullmatch(r"biennial average (\d{4}) \+ (\d{4})", title.lower())
                single = re.fullmatch(r"(.+?) \((\d{4})\)", title)
                if indicator and biennial:
                    first, second = sorted(biennial.groups())
                    if periods is None or f"{first}-{second}" in periods:
                        rows.append(_benchmark_row(
                            indicator, geo, f"{first}-{second}", value,
                            f"eGovernment Benchmark {int(second) + 1} (biennial average {first}+{second})", url,
                            source, catalog))
                elif label == "0. OVERALL SCORE" and single and int(single.group(2)) in years:
                    event, year = single.groups()
                    life_event = EGOVBENCH_LIFE_EVENTS.get(event.lower())
                    if life_event in catalog:
                        note = f"{source}, column '{event} ({year})', row '0. OVERALL SCORE'"
                        if event.lower() == "losing and finding a job":
                            note += "; the benchmark's life event 'Losing and Finding a Job' (until 2018) became 'Career' (from 2020)"
                        rows.append(_benchmark_row(
                            life_event, geo, year, value,
                            f"eGovernment Benchmark, life event '{event}' ({year} data collection)", url, note, catalog))
    # the 2020 method update: flag the first life-event year under the new method (biennial rows: SERIES_BREAKS)
    first_new: dict[str, str] = {}
    for row in rows:
        if "_life_event_" in row["indicator_id"] and int(row["period"]) >= 2020:
            first_new[row["indicator_id"]] = min(first_new.get(row["indicator_id"], "9999"), row["period"])
    for row in rows:
        if first_new.get(row["indicator_id"]) == row["period"]:
            row["flags"] = "break_in_series"
            row["note"] += "; " + EGOVBENCH_BREAK
    return rows


# ----------------------------------------------------------------------------------------------------------
# assembly
# ----------------------------------------------------------------------------------------------------------

def key(row: dict[str, str]) -> tuple[str, str, str, str, str]:
    return row["indicator_id"], row["geo"], row["breakdown"], row["period"], row["source_url"]


def merge(primary: list[dict], raw: list[dict], problems: list[str], label: str) -> list[dict]:
    """Add raw-file rows whose key is not already present; report disagreements with existing rows and take over
    a publication date the existing row lacks."""
    seen = {key(r): r for r in primary}
    added = []
    for row in raw:
        existing = seen.get(key(row))
        if existing is None:
            seen[key(row)] = row
            added.append(row)
            continue
        if not existing["published"] and row["published"]:
            existing["published"] = row["published"]  # e.g. Eurostat's LAST UPDATE date from the raw export
        if not math.isclose(float(existing["value"]), float(row["value"]), rel_tol=0, abs_tol=1e-9):
            problems.append(f"{label}: {key(row)[:4]} raw file {row['value']} vs published-figures {existing['value']}")
    return primary + added


def build(shared: Path) -> dict[str, list[dict[str, str]]]:
    catalog = load_catalog()
    problems: list[str] = []
    rows = from_published_figures(shared, catalog)
    rows = merge(rows, from_un_egdi(shared, catalog), problems, "UN EGDI")
    rows = merge(rows, from_eurostat_skills(shared, catalog), problems, "Eurostat skills")
    rows = merge(rows, from_oecd(shared, catalog), problems, "OECD")
    rows = merge(rows, from_egovbench(shared, catalog), problems, "eGovernment Benchmark workbooks")
    rows = merge(rows, from_curated_extra(catalog), problems, "curated_extra.csv")

    for row in rows:
        apply_series_breaks(row)

    counts: dict[tuple, int] = {}
    for row in rows:
        counts[key(row)] = counts.get(key(row), 0) + 1
        if not row["source_url"]:
            problems.append(f"no source_url: {key(row)}")
    problems += [f"duplicate key within one source: {k}" for k, n in counts.items() if n > 1]
    missing = sorted(set(catalog) - {r["indicator_id"] for r in rows})
    problems += [f"catalogue indicator without observations: {m}" for m in missing]
    if problems:
        raise SystemExit("curate_snapshot: cannot build the snapshot:\n  " + "\n  ".join(problems))

    groups: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(group_of(row), []).append(row)
    for group in groups.values():
        group.sort(key=lambda r: (r["indicator_id"], r["geo"], r["breakdown"], r["period"], r["source_url"]))
    return dict(sorted(groups.items()))


def render(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = parser.parse_args(argv)

    shared = shared_dir()
    if not (shared / "reference-data" / "published-figures.csv").exists():
        print(f"curate_snapshot: shared reference data not found at {shared} (set MONITOR_SHARED)", file=sys.stderr)
        return 2
    outputs = {f"{name}.csv": render(rows) for name, rows in build(shared).items()}

    existing = {p.name for p in OUT_DIR.glob("*.csv")}
    if args.check:
        stale = sorted(n for n in outputs if not (OUT_DIR / n).exists()
                       or (OUT_DIR / n).read_text(encoding="utf-8") != outputs[n])
        stale += sorted(existing - set(outputs))
        if stale:
            print("curate_snapshot: out of date: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("curate_snapshot: data/snapshot is up to date")
        return 0

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name in sorted(existing - set(outputs)):
        (OUT_DIR / name).unlink()
    total = 0
    for name, text in outputs.items():
        (OUT_DIR / name).write_text(text, encoding="utf-8", newline="")
        n = text.count("\n") - 1
        total += n
        print(f"{name}: {n} rows")
    print(f"total: {total} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
