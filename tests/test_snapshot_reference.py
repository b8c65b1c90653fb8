"""The committed catalogue and curated snapshot, checked on their own and against the reference data in ../shared.

Tests that read ../shared skip when it is absent, except under CI=true where its absence is a failure.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import math
import re
import tomllib
from collections import Counter

import pandas as pd
import pytest

from etl.curate import _matches as curate_matches
from etl.schema import CURATED_COLUMNS as COLUMNS
from etl.schema import FILE_KEY as KEY
from etl.schema import FLAGS
from etl.sources import SOURCES_DIR, publishers
from tests.conftest import ROOT, SHARED
from tests.conftest import shared_file as shared_path

CATALOG_PATH = ROOT / "indicators" / "catalog.toml"
SNAPSHOT_DIR = ROOT / "data" / "curated"
GEOS = {"NO", "SE", "DK", "FI", "EU27", "EU28", "EU27+", "OECD"}
PEERS = {"SE", "DK", "FI", "EU27", "EU28", "EU27+", "OECD"}

MIN_INDICATORS = 40
MIN_PER_GOAL = 5
MIN_OBSERVATIONS = 400


@pytest.fixture(scope="module")
def catalog() -> dict:
    with CATALOG_PATH.open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def indicators(catalog) -> dict[str, dict]:
    return {ind["id"]: ind for ind in catalog["indicators"]}


@pytest.fixture(scope="module")
def snapshot() -> pd.DataFrame:
    frames = []
    for path in sorted(SNAPSHOT_DIR.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        frame["file"] = path.name
        frames.append(frame)
    assert frames, "no snapshot files"
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def published_figures() -> pd.DataFrame:
    path = shared_path("reference-data/published-figures.csv")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _split_geo(geo: str) -> tuple[str, str]:
    if ":" not in geo:
        return geo, ""
    country, detail = geo.split(":", 1)
    if detail.startswith("age"):
        return country, f"age={detail[3:]}"
    return country, f"government_level={detail}"


# --------------------------------------------------------------------------------------------------------------
# catalogue
# --------------------------------------------------------------------------------------------------------------

def test_goals_are_the_six_with_exact_norwegian_wording(catalog):
    goals = {g["id"]: g for g in catalog["goals"]}
    assert sorted(goals) == ["G1", "G2", "G3", "G4", "G5", "G6"]
    assert goals["G1"]["name_nb"] == "Offentlig sektor digitaliseres på en åpen, inkluderende og tillitvekkende måte."
    assert goals["G3"]["name_nb"].startswith("Alle innbyggere, næringsdrivende og frivillige organisasjoner")
    assert goals["G6"]["name_nb"] == "Kommunale og statlige virksomheter henter gevinster fra digitalisering på en systematisert måte."
    for number, goal in enumerate(sorted(goals.values(), key=lambda g: g["number"]), start=1):
        assert goal["id"] == f"G{number}"
        assert goal["source_url"].startswith("https://www.digdir.no/rikets-digitale-tilstand/mal-")
        for field in ("name_en", "short_nb", "short_en"):
            assert goal[field].strip()


def test_enough_indicators_per_goal(catalog):
    per_goal = Counter(ind["goal"] for ind in catalog["indicators"])
    assert sum(per_goal.values()) >= MIN_INDICATORS
    for goal in ("G1", "G2", "G3", "G4", "G5", "G6"):
        assert per_goal[goal] >= MIN_PER_GOAL, f"{goal} has only {per_goal[goal]} indicators"


def test_indicator_entries_are_complete_and_consistent(catalog):
    units = {u["id"]: u for u in catalog["units"]}
    events = {e["id"] for e in catalog["life_events"]}
    ids = [ind["id"] for ind in catalog["indicators"]]
    assert len(ids) == len(set(ids)), "duplicate indicator ids"
    for ind in catalog["indicators"]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", ind["id"]), ind["id"]
        for field in ("name_nb", "name_en", "definition_nb", "definition_en", "source_org", "source_dataset"):
            assert str(ind.get(field, "")).strip(), f"{ind['id']}: {field} missing"
        assert ind["unit"] in units, ind["id"]
        assert ind["direction"] in ("higher", "lower"), ind["id"]
        if units[ind["unit"]]["kind"] == "rank":
            assert ind["direction"] == "lower", f"{ind['id']}: a rank is better when lower"
        assert set(ind.get("life_events", [])) <= events, ind["id"]
        assert isinstance(ind.get("breakdowns", []), list), ind["id"]


def test_units_have_kinds_and_sensible_limits(catalog):
    for unit in catalog["units"]:
        assert unit["kind"] in ("percent", "index", "score", "rank", "count")
        assert unit["label_nb"].strip() and unit["label_en"].strip()
        if unit["kind"] == "rank":
            assert "limit" not in unit
        if unit["kind"] == "percent":
            assert unit.get("limit") == 100


def test_life_events_are_the_seven_secondary_ones(catalog):
    events = catalog["life_events"]
    assert len(events) == 7
    assert {e["name_nb"] for e in events} >= {"Å få barn", "Ny i Norge", "Dødsfall og arv"}
    for event in events:
        assert event["secondary"] is True
        assert event["source_url"].startswith("https://www.cw.no/")
        assert event["ministry"]


def test_targets_are_only_the_eu_reference_targets(catalog):
    targets = {ind["id"]: ind["target"] for ind in catalog["indicators"] if "target" in ind}
    assert targets.keys() == {
        "eurostat_basic_or_above_basic_digital_skills",
        "desi_digital_public_services_citizens",
        "desi_digital_public_services_businesses",
    }
    assert targets["eurostat_basic_or_above_basic_digital_skills"]["value"] == 80
    for target in targets.values():
        assert target["kind"] == "eu_reference"
        assert target["period"] == "2030"
        assert target["source_url"].startswith("https://digital-strategy.ec.europa.eu/")
        assert "ikke bundet" in target["note_nb"] and "not bound" in target["note_en"]


def test_connectors_have_the_shapes_their_connector_reads(indicators):
    from etl.sources import connectors
    from etl.sources.un_egdi.reader import FIELDS

    un_fields = set(FIELDS)
    for ind in indicators.values():
        connector = ind.get("connector")
        if connector is None:
            continue
        assert connector["source"] in connectors(), ind["id"]
        if connector["source"] == "un_egdi":
            assert connector["field"] in un_fields
        elif connector["source"] == "eurostat":
            assert connector["dataset"] and connector["filters"]["unit"] == "PC_IND", ind["id"]
            assert connector["filters"]["indic_is"], ind["id"]
        elif connector["source"] == "datanorge":
            assert connector["query"] in ("datasets", "dataservices", "open_datasets")
    assert indicators["egdi_value"]["connector"] == {"source": "un_egdi", "field": "egdi"}


# --------------------------------------------------------------------------------------------------------------
# snapshot on its own
# --------------------------------------------------------------------------------------------------------------

def test_snapshot_files_have_exactly_the_documented_columns():
    for path in sorted(SNAPSHOT_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        assert header == COLUMNS, path.name


def test_snapshot_size_and_coverage(snapshot, indicators, catalog):
    assert len(snapshot) >= MIN_OBSERVATIONS
    observed = set(snapshot["indicator_id"])
    assert observed <= set(indicators), sorted(observed - set(indicators))
    assert set(indicators) <= observed, f"indicators without observations: {sorted(set(indicators) - observed)}"
    per_goal = Counter(indicators[i]["goal"] for i in observed)
    assert all(per_goal[g["id"]] >= MIN_PER_GOAL for g in catalog["goals"])


def test_snapshot_rows_are_valid(snapshot, indicators):
    assert (snapshot["source_url"].str.match(r"^https?://")).all(), "every row needs a source_url"
    assert set(snapshot["geo"]) <= GEOS
    assert (snapshot["unit"] == snapshot["indicator_id"].map(lambda i: indicators[i]["unit"])).all()
    assert pd.to_numeric(snapshot["value"], errors="coerce").notna().all()
    assert snapshot["value"].str.fullmatch(r"-?\d+(\.\d+)?").all(), "values use a decimal point, no exponent"
    assert snapshot["period"].str.fullmatch(r"\d{4}(-\d{2}(-\d{2})?|-\d{4})?").all()
    assert snapshot["breakdown"].str.fullmatch(r"|[a-z_]+=[A-Za-z0-9_-]+").all()
    for flags in snapshot["flags"]:
        assert set(filter(None, flags.split(";"))) <= set(FLAGS), flags
    assert not snapshot.duplicated(KEY).any(), snapshot[snapshot.duplicated(KEY, keep=False)][KEY]


def test_breakdowns_are_declared_in_the_catalogue(snapshot, indicators):
    for ind_id, breakdown in snapshot.loc[snapshot["breakdown"] != "", ["indicator_id", "breakdown"]].itertuples(index=False):
        dimension = breakdown.split("=", 1)[0]
        assert dimension in indicators[ind_id].get("breakdowns", []), f"{ind_id}: {dimension} not declared"


def test_snapshot_files_are_sorted(snapshot):
    for _, frame in snapshot.groupby("file", sort=True):
        keys = list(frame[KEY].itertuples(index=False, name=None))
        assert keys == sorted(keys)


def test_norway_egdi_2022_anchor(snapshot):
    row = snapshot[(snapshot["indicator_id"] == "egdi_value") & (snapshot["geo"] == "NO")
                   & (snapshot["period"] == "2022") & (snapshot["breakdown"] == "")]
    assert len(row) == 1
    assert math.isclose(float(row["value"].iloc[0]), 0.8879, abs_tol=1e-9)
    # read from a copy of the UN's export: the row links the copy, the UN's address is in the note, not secondary
    assert row["source_url"].iloc[0].startswith("https://github.com/pluralitybook/plurality/blob/")
    assert "published at https://publicadministration.un.org/egovkb/en-us/Data-Center" in row["note"].iloc[0]
    assert "secondary" not in str(row["flags"].iloc[0])


def test_peer_values_exist_for_many_indicators(snapshot):
    with_peers = snapshot[snapshot["geo"].isin(PEERS)]["indicator_id"].nunique()
    assert with_peers >= 20


def test_markers_are_kept(snapshot):
    by_flag = Counter(f for flags in snapshot["flags"] for f in filter(None, flags.split(";")))
    assert by_flag["secondary"] > 0 and by_flag["uncertain"] > 0 and by_flag["inferred_year"] > 0
    secondary_notes = snapshot[snapshot["note"].str.contains("SECONDARY")]
    assert secondary_notes["flags"].str.contains("secondary").all()


def test_publishers_cover_every_source_org(snapshot):
    info = publishers()  # from etl/sources/*/source.toml; a name declared twice is an error there
    assert set(snapshot["source_org"]) <= set(info), sorted(set(snapshot["source_org"]) - set(info))
    for publisher in info.values():
        assert publisher["licence"].strip() and publisher["url"].startswith("http")


# --------------------------------------------------------------------------------------------------------------
# snapshot against ../shared
# --------------------------------------------------------------------------------------------------------------

@functools.cache
def _rules(table: str) -> tuple[dict, ...]:
    """The [[curate.<table>]] rules every source.toml declares (read once: the checks ask for them per row)."""
    return tuple(rule for path in sorted(SOURCES_DIR.glob("*/source.toml"))
                 for rule in tomllib.loads(path.read_text(encoding="utf-8")).get("curate", {}).get(table, []))


def _report_year_rules() -> list[dict]:
    return _rules("report_year_periods")


def _matches(rule: dict, row) -> bool:
    return curate_matches({"note": row.notes, "source_org": row.source_org, "source_url": row.source_url}, rule)


def _curated_url(row) -> str | None:
    """Where the curated row says the figure was read; None when the sources leave the figure out."""
    if any(_matches(rule, row) for rule in _rules("exclude")):
        return None
    copies = [rule["source_url"] for rule in _rules("read_from") if "source_url" in rule and _matches(rule, row)]
    return copies[0] if copies else row.source_url


def _curated_period(indicator: str, period: str) -> str:
    """The period a published figure cited by report year Y gets in the curated files: (Y-2)-(Y-1)."""
    for rule in _report_year_rules():
        if (indicator.startswith(rule["indicator_prefix"]) and all(t in indicator for t in rule.get("containing", []))
                and re.fullmatch(r"\d{4}", period)):
            return f"{int(period) - 2}-{int(period) - 1}"
    return period


def test_report_year_citations_are_dated_by_the_years_they_measure(snapshot, published_figures):
    """Digdir and the press cite eGovernment Benchmark ranks by report year; the curated row measures the two years
    before and keeps the report year as `published` (one dating convention)."""
    cited = published_figures[published_figures["indicator"].str.startswith("egovbench_")
                              & published_figures["indicator"].str.contains("rank")
                              & published_figures["period"].str.fullmatch(r"\d{4}")]
    assert len(cited) >= 8
    rows = snapshot.set_index(["indicator_id", "geo", "source_url", "period"])
    for r in cited.itertuples(index=False):
        year = int(r.period)
        row = rows.loc[(r.indicator, _split_geo(r.geo)[0], r.source_url, f"{year - 2}-{year - 1}")]
        assert str(row["published"]) == str(year) and float(row["value"]) == float(r.value)
    assert not snapshot[snapshot["indicator_id"].str.startswith("egovbench_")
                        & snapshot["indicator_id"].str.contains("rank")]["period"].str.fullmatch(r"\d{4}").any()


def test_rows_from_published_figures_carry_the_same_value(snapshot, published_figures):
    reference = {}
    for row in published_figures.itertuples(index=False):
        geo, breakdown = _split_geo(row.geo)
        reference[(row.indicator, geo, breakdown, _curated_period(row.indicator, row.period), _curated_url(row))] = \
            row.value
    matched = 0
    for row in snapshot.itertuples(index=False):
        value = reference.get((row.indicator_id, row.geo, row.breakdown, row.period, row.source_url))
        if value is not None:
            matched += 1
            assert math.isclose(float(row.value), float(value), rel_tol=0, abs_tol=1e-9), (row.indicator_id, row.geo, row.period)
    assert matched >= 700


def test_published_figures_for_catalogue_indicators_are_all_in_the_snapshot(snapshot, published_figures, indicators):
    have = set(snapshot[KEY].itertuples(index=False, name=None))
    missing = []
    for row in published_figures.itertuples(index=False):
        if row.indicator not in indicators or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?|-\d{4})?", row.period):
            continue
        geo, breakdown = _split_geo(row.geo)
        url = _curated_url(row)
        if url is not None and (row.indicator, geo, breakdown, _curated_period(row.indicator, row.period), url) not in have:
            missing.append((row.indicator, row.geo, row.period))
    assert not missing, missing[:10]


def test_egdi_2022_matches_the_un_file(snapshot):
    path = shared_path("reference-data/un-egdi/EGOV_DATA_2022.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        norway = next(r for r in csv.DictReader(fh) if r["Country Name"].strip() == "Norway")
    assert norway["E-Government Index"] == "0.88790"
    row = snapshot[(snapshot["indicator_id"] == "egdi_value") & (snapshot["geo"] == "NO") & (snapshot["period"] == "2022")]
    assert float(row["value"].iloc[0]) == float(norway["E-Government Index"])


def test_digital_skills_match_the_eurostat_file(snapshot):
    path = shared_path("reference-data/eurostat/isoc_sk_dskl_i21.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw[(raw["geo"] == "Norway") & (raw["unit"] == "Percentage of individuals")
              & raw["indic_is"].str.startswith("Individuals with basic or above basic overall digital skills")]
    expected = dict(zip(raw["TIME_PERIOD"], raw["OBS_VALUE"]))
    rows = snapshot[(snapshot["indicator_id"] == "eurostat_basic_or_above_basic_digital_skills") & (snapshot["geo"] == "NO")]
    got = dict(zip(rows["period"], rows["value"]))
    assert {p: float(v) for p, v in got.items()} == {p: float(v) for p, v in expected.items()}
    assert math.isclose(float(got["2023"]), 81.09)


def test_snapshot_is_exactly_what_the_curation_stage_produces():
    from etl.curate import outputs

    shared_path("reference-data/published-figures.csv")
    pytest.importorskip("openpyxl")
    built = outputs(SHARED.resolve())
    committed = {p.name: p.read_text(encoding="utf-8") for p in SNAPSHOT_DIR.glob("*.csv")}
    assert built.keys() == committed.keys()
    for name, text in built.items():
        assert text == committed[name], f"{name} differs from what python -m etl curate produces"


def test_no_raw_reference_file_is_copied_into_the_repository():
    reference = shared_path("reference-data")
    raw_hashes = {
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in reference.rglob("*") if p.is_file() and p.suffix in (".csv", ".xlsx")
    }
    files = [p for p in list((ROOT / "data").rglob("*")) + list(SOURCES_DIR.rglob("*"))
             if p.is_file() and p.suffix in (".csv", ".xlsx")]
    for path in files:
        assert hashlib.sha256(path.read_bytes()).hexdigest() not in raw_hashes, path


def test_ourdata_composite_and_pillars_share_one_dating(snapshot):
    """One dating convention: OURdata's composite and its pillars are dated by the reference year each edition
    measures (the 2023 edition: 2022), never the composite by edition and the pillars by reference year."""
    ourdata = snapshot[snapshot["indicator_id"].str.startswith("oecd_ourdata_") & (snapshot["geo"] == "NO")]
    composite = set(ourdata.loc[ourdata["indicator_id"] == "oecd_ourdata_composite", "period"])
    for pillar, rows in ourdata[ourdata["indicator_id"] != "oecd_ourdata_composite"].groupby("indicator_id"):
        assert set(rows["period"]) <= composite, (pillar, set(rows["period"]), composite)
    assert "2022" in composite
    inferred = ourdata[ourdata["flags"].str.contains("inferred_year")]
    assert len(inferred) and (inferred["published"] != "").all()
