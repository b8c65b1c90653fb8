"""Curation as a stage: `python -m etl curate --check` against the committed files, and its cross-checks."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from etl import curate
from etl.paths import CURATED_DIR, ROOT
from etl.sources import all_sources
from tests.conftest import SHARED, shared_file


def test_committed_curated_files_are_what_the_code_produces():
    shared_file(curate.PUBLISHED_FIGURES)
    proc = subprocess.run([sys.executable, "-m", "etl", "curate", "--check"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "MONITOR_SHARED": str(SHARED)}, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "up to date" in proc.stdout


def test_check_names_stale_files_and_write_restores_them(tmp_path):
    shared_file(curate.PUBLISHED_FIGURES)
    out = tmp_path / "curated"
    out.mkdir()
    for path in CURATED_DIR.glob("*.csv"):
        (out / path.name).write_bytes(path.read_bytes())
    victim = sorted(out.glob("*.csv"))[0]
    victim.write_bytes(victim.read_bytes().replace(b"\n", b"\r\n", 1))  # one CRLF is already stale
    (out / "leftover.csv").write_text("x\n", encoding="utf-8")
    err = io.StringIO()
    assert curate.cli_curate(out, shared=SHARED, check=True, out=io.StringIO(), err=err) == curate.EXIT_STALE
    assert victim.name in err.getvalue() and "leftover.csv" in err.getvalue()
    assert curate.cli_curate(out, shared=SHARED, out=io.StringIO(), err=io.StringIO()) == curate.EXIT_OK
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == {p.name: p.read_bytes() for p in CURATED_DIR.glob("*.csv")}


def test_output_files_are_one_per_source_with_rows(tmp_path):
    shared_file(curate.PUBLISHED_FIGURES)
    produced = curate.outputs(SHARED)
    assert set(produced) == {p.name for p in CURATED_DIR.glob("*.csv")}
    assert {n[:-4] for n in produced} <= set(all_sources())
    for text in produced.values():
        assert text.startswith(",".join(curate.COLUMNS) + "\n") and "\r" not in text and text.count("\n") > 1


def test_missing_shared_folder_is_exit_2(tmp_path):
    err = io.StringIO()
    assert curate.cli_curate(tmp_path, shared=tmp_path / "nowhere", check=True, err=err) == curate.EXIT_NO_SHARED
    assert "shared reference data not found" in err.getvalue()


def _first_curating_source():
    return next(s for _, s in sorted(all_sources().items()) if s.curate is not None)


def test_raw_file_disagreeing_with_published_figures_stops_curation(monkeypatch):
    """A raw-file value that differs from published-figures.csv for the same key and URL is a problem."""
    shared_file(curate.PUBLISHED_FIGURES)
    pf = curate.from_published_figures(SHARED, curate.load_catalog())
    source = _first_curating_source()
    raw = source.curate(curate.CurateContext(source, SHARED, curate.load_catalog()))
    keys = {curate.key(r) for r in pf}
    overlap = next(r for r in raw if curate.key(r) in keys)  # the data have overlaps: they are cross-checked
    overlap["value"] = str(float(overlap["value"]) + 1)
    monkeypatch.setattr(curate, "all_sources", lambda folder=None: {source.name: _with_curate(source, [overlap])})
    with pytest.raises(curate.CurateError, match="raw file .* vs published-figures"):
        curate.curate_all(SHARED)


def _with_curate(source, rows):
    return type(source)(source.name, source.folder, source.metadata, lambda ctx: [dict(r) for r in rows], None)


def test_catalogue_indicator_without_observations_and_duplicates_stop_curation(monkeypatch, tmp_path):
    shared_file(curate.PUBLISHED_FIGURES)
    catalog = tmp_path / "catalog.toml"
    text = (ROOT / "indicators" / "catalog.toml").read_text(encoding="utf-8")
    catalog.write_text(text + '\n[[indicators]]\nid = "no_data_yet"\nunit = "' +
                       curate.load_catalog()[next(iter(curate.load_catalog()))]["unit"] + '"\n', encoding="utf-8")
    with pytest.raises(curate.CurateError, match="catalogue indicator without observations: no_data_yet"):
        curate.curate_all(SHARED, catalog)
    source = _first_curating_source()
    row = source.curate(curate.CurateContext(source, SHARED, curate.load_catalog()))[0]
    monkeypatch.setattr(curate, "all_sources", lambda folder=None: {source.name: _with_curate(source, [row])})
    monkeypatch.setattr(curate, "merge", lambda primary, raw, problems, label: primary + raw + raw)
    with pytest.raises(curate.CurateError, match="duplicate key within one source"):
        curate.curate_all(SHARED)


def test_series_breaks_declared_by_sources_are_flagged():
    shared_file(curate.PUBLISHED_FIGURES)
    breaks = [b for s in all_sources().values() for b in s.series_breaks]
    assert breaks
    rows = [r for group in curate.curate_all(SHARED).values() for r in group]
    for brk in breaks:
        hit = [r for r in rows if r["indicator_id"].startswith(brk["indicator_prefix"]) and r["period"] == brk["period"]
               and not any(t in r["indicator_id"] for t in brk.get("except_containing", []))]
        assert hit and all("break_in_series" in r["flags"] and brk["note"] in r["note"] for r in hit)


def test_flags_from_provenance_markers():
    assert curate.flags_from_text("SECONDARY copy; INFERRED YEAR; UNVERIFIED", "approx. %") == {
        "secondary", "inferred_year", "uncertain", "approximate"}
    assert curate.join_flags({"uncertain", "secondary"}) == "secondary;uncertain"
    assert curate.clean_number("0.8116800000000001") == "0.81168" and curate.clean_number("12.50") == "12.50"
