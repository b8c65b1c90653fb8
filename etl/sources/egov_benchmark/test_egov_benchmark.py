"""eGovernment Benchmark: curation from the EC workbooks; broken workbooks are clear errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl.curate import CurateContext, load_catalog
from etl.readers import ReadError
from etl.sources import get
from tests.conftest import curated_rows

FIX = Path(__file__).resolve().parent / "fixtures"


def fake_context(path: str, sheet: str, folder: Path) -> CurateContext:
    source = get("egov_benchmark")
    spec = {**source.reference_files[0], "path": path, "sheet": sheet, "sha256": ""}
    fake = type(source)(source.name, source.folder, {**source.metadata, "curate": {**source.curate_options,
                                                                                   "files": [spec]}})
    return CurateContext(fake, folder, load_catalog())


def test_not_a_workbook():
    with pytest.raises(ReadError, match="fixtures/not_a_workbook.xlsx: not a readable .xlsx workbook") as info:
        get("egov_benchmark").curate(fake_context("fixtures/not_a_workbook.xlsx", "1. Scores 2022", FIX.parent))
    assert info.value.kind == "malformed"


def test_renamed_sheet(tmp_path):
    """A workbook without the results sheet (synthetic workbook written here, the benchmark's sheet naming)."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "1. Scores 2025"
    wb.save(tmp_path / "renamed.xlsx")
    with pytest.raises(ReadError, match="renamed.xlsx: no sheet '1. Scores 2022' \\(sheets: 1. Scores 2025\\)"):
        get("egov_benchmark").curate(fake_context("renamed.xlsx", "1. Scores 2022", tmp_path))


def test_life_event_break_is_flagged_once_per_life_event():
    from tests.conftest import SHARED, shared_file

    source = get("egov_benchmark")
    for spec in source.reference_files:
        shared_file(spec["path"])
    rows = source.curate(CurateContext(source, SHARED, load_catalog()))
    life = [r for r in rows if "_life_event_" in r["indicator_id"]]
    assert life
    for indicator in {r["indicator_id"] for r in life}:
        new_method = sorted({r["period"] for r in life if r["indicator_id"] == indicator and int(r["period"]) >= 2020})
        flagged = {r["period"] for r in life if r["indicator_id"] == indicator and "break_in_series" in r["flags"]}
        assert flagged == set(new_method[:1])


def _ranks(indicator: str) -> dict[tuple[str, str], str]:
    """{(period, source_org): value} of Norway's rank rows in the curated files."""
    return {(r["period"], r["source_org"]): r["value"] for r in curated_rows()
            if r["indicator_id"] == indicator and r["geo"] == "NO"}


def test_overall_rank_from_the_ec_workbook_beside_digdirs_citation():
    """The EC's results workbook puts Norway 9th on the overall score in the 2019 and 2020 reports (data 2017-2018,
    2018-2019); Digdir's annual report 2021 says 7th and 8th. Both are kept, each with its provenance."""
    ranks = _ranks("egovbench_rank")
    assert ranks[("2017-2018", "European Commission (Capgemini et al.)")] == "9"
    assert ranks[("2018-2019", "European Commission (Capgemini et al.)")] == "9"
    assert ranks[("2017-2018", "Digdir (årsrapport 2021), EU eGovernment Benchmark")] == "7"
    assert ranks[("2018-2019", "Digdir (årsrapport 2021), EU eGovernment Benchmark")] == "8"
    assert ranks[("2022-2023", "European Commission (Capgemini et al.)")] == "11"


def test_derived_ranks_say_how_and_agree_with_digdir_where_the_method_is_the_same():
    """Every derived row is flagged and names the sheet, column and country count; from the 2020 method update on,
    Digdir's overall and key-enabler ranks are the ranks of the workbook's scores."""
    derived = [r for r in curated_rows() if "derived" in r["flags"].split(";")]
    assert {r["indicator_id"] for r in derived} == {"egovbench_rank", "egovbench_transparency_rank",
                                                    "egovbench_key_enablers_rank",
                                                    "egovbench_digital_availability_rank"}
    assert all("countries scored in column" in r["note"] and "sheet '1. Scores" in r["note"] for r in derived)
    ec = "European Commission (Capgemini et al.)"
    for indicator in ("egovbench_rank", "egovbench_key_enablers_rank"):
        ranks = _ranks(indicator)
        cited = {p: v for (p, org), v in ranks.items() if org != ec and p >= "2019-2020"}
        assert cited and all(ranks[(p, ec)] == v for p, v in cited.items()), (indicator, cited)


def test_digdirs_digital_availability_rank_is_the_user_centricity_rank():
    """Why the catalogue calls egovbench_digital_availability_rank the same measurement as user centricity: each of
    Digdir's four published values is Norway's user-centricity rank in the workbook for the same report."""
    ranks = _ranks("egovbench_digital_availability_rank")
    cited = {p: v for (p, org), v in ranks.items() if org.startswith("Digdir")}
    assert len(cited) == 4
    assert all(ranks[(p, "European Commission (Capgemini et al.)")] == v for p, v in cited.items())


def test_rank_rule_counts_only_countries_with_a_higher_score(tmp_path):
    """Competition ranking on a synthetic sheet (the benchmark's layout): ties share a place, EU averages are not
    countries, and Norway's place is 1 + the countries scoring higher."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "1. Scores 2022"
    ws.append(["Country", "Indicator", "Biennial average 2021 + 2022"])
    for code, value in [("MT", 90), ("EE", 85), ("IS", 85), ("NO", 80), ("DK", 80), ("FI", 70),
                        ("AVERAGE_EU27", 95), ("EU27+", 99)]:
        ws.append([code, "0. OVERALL SCORE", value])
    wb.save(tmp_path / "ranks.xlsx")
    rows = get("egov_benchmark").curate(fake_context("ranks.xlsx", "1. Scores 2022", tmp_path))
    rank = [r for r in rows if r["indicator_id"] == "egovbench_rank"]
    assert [(r["period"], r["value"], r["flags"]) for r in rank] == [("2021-2022", "4", "derived")]
    assert "among the 6 countries" in rank[0]["note"]
