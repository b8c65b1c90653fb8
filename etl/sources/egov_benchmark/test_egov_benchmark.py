"""eGovernment Benchmark: curation from the EC workbooks; broken workbooks are clear errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl.curate import CurateContext, load_catalog
from etl.readers import ReadError
from etl.sources import get

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
