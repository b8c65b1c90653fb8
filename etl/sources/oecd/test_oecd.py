"""OECD: curation of the pinned index files, and broken files (wrong encoding, changed header, truncated)."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl.curate import CurateContext, load_catalog
from etl.readers import ReadError
from etl.sources import get

FIX = Path(__file__).resolve().parent / "fixtures"


def context_for(path: str | None = None) -> CurateContext:
    from tests.conftest import SHARED

    source = get("oecd")
    if path is None:
        return CurateContext(source, SHARED, load_catalog())
    spec = {**source.reference_files[0], "path": path, "sha256": ""}
    fake = type(source)(source.name, source.folder, {**source.metadata, "curate": {"files": [spec]}})
    return CurateContext(fake, source.folder, load_catalog())


def test_curated_rows_are_the_catalogue_indicators_of_the_pinned_files():
    from tests.conftest import shared_file

    ctx = context_for()
    for spec in ctx.source.reference_files:
        shared_file(spec["path"])
    rows = get("oecd").curate(ctx)
    catalogue_oecd = {i for i in ctx.catalog if i.startswith("oecd_")}
    assert rows and {r["indicator_id"] for r in rows} <= catalogue_oecd
    assert {r["geo"] for r in rows} == {"NO", "SE", "DK", "FI"}
    assert {r["source_url"] for r in rows} == {s["source_url"] for s in ctx.source.reference_files}


@pytest.mark.parametrize("fixture,kind,text", [
    ("oecd_dgi_utf16.csv", "malformed", "UTF-16 or binary data"),
    ("oecd_dgi_changed_header.csv", "schema", "changed header, missing column(s) cc_iso3c, variable, ref_year, value"),
    ("oecd_dgi_truncated.csv", "malformed", "unexpected end of data) (truncated file"),
])
def test_broken_files_are_clear_errors(fixture, kind, text):
    with pytest.raises(ReadError) as info:
        get("oecd").curate(context_for(f"fixtures/{fixture}"))
    assert info.value.kind == kind and text in str(info.value) and f"fixtures/{fixture}" in str(info.value)


def test_a_changed_pinned_file_is_refused(tmp_path):
    """A reference file whose bytes differ from the sha256 in source.toml stops curation, naming the source."""
    from etl.curate import CurateError

    source = get("oecd")
    spec = source.reference_files[0]
    (tmp_path / spec["path"]).parent.mkdir(parents=True)
    (tmp_path / spec["path"]).write_text('"cc_iso3c","ref_year","variable","value"\n', encoding="utf-8")
    with pytest.raises(CurateError, match="oecd: .* is not the pinned file"):
        source.curate(CurateContext(source, tmp_path, load_catalog()))
