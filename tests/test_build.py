"""The build: a pure function of the catalogue and the data files, strict about what it accepts, atomic."""
import os
from pathlib import Path

import duckdb
import pytest

from etl import schema
from etl.__main__ import main as etl_main
from etl.build import BuildError, build_warehouse
from tests.conftest import ROOT, SNAPSHOT_HEADER

CATALOG = ROOT / "indicators" / "catalog.toml"
LIVE_HEADER = SNAPSHOT_HEADER.rstrip("\n") + ",origin,origin_row\n"


def _rows(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _build(target, catalog, curated, live=None):
    return build_warehouse(target, catalog_path=catalog, curated_dir=curated, live_dir=live or curated.parent / "live")


def test_build_loads_every_row_and_marks_one_preferred(tmp_path, small_catalog, small_snapshot):
    target = tmp_path / "w.duckdb"
    result = _build(target, small_catalog, small_snapshot)
    assert result.n_observations == 6
    assert _rows(target, "SELECT count(*) FROM observations") == [(6,)]
    # the publisher's 88.5 beats the secondary copy's 88 for NO 2023
    assert _rows(target, """SELECT value, source_url, is_preferred FROM observations
                            WHERE indicator_id='share_online' AND geo='NO' AND period='2023' AND breakdown=''
                            ORDER BY value""") == [
        (88.0, "https://example.org/blog", False), (88.5, "https://example.org/s1", True)]
    assert _rows(target, "SELECT year FROM observations WHERE period = '2021-2022'") == [(2021,)]
    assert _rows(target, "SELECT count(*) FROM observations WHERE is_preferred") == [(5,)]
    (origin, origin_row, kind, source), = _rows(
        target, "SELECT origin, origin_row, origin_kind, source FROM observations WHERE indicator_id='rank_x'")
    assert origin.endswith("b_secondary.csv") and origin_row == 3 and kind == "curated" and source == "b_secondary"
    assert _rows(target, "SELECT n_observations, build_id FROM build") == [(6, result.build_id)]
    assert _rows(target, "SELECT count(*) FROM sources") == [(3,)]


def test_every_table_has_the_columns_and_types_of_the_schema(real_warehouse):
    for table, columns in schema.TABLES.items():
        found = _rows(real_warehouse, f"SELECT column_name, data_type FROM information_schema.columns "
                                      f"WHERE table_name = '{table}' ORDER BY ordinal_position")
        assert found == [(c.name, c.type) for c in columns], table


def test_same_inputs_are_not_rewritten_and_a_rebuild_from_nothing_is_identical(tmp_path):
    """Delete the warehouse, build again: the observations and every score table are the same."""
    target = tmp_path / "w.duckdb"
    first = build_warehouse(target)
    again = build_warehouse(target)
    assert (again.rewritten, again.build_id) == (False, first.build_id)
    tables = ["observations", "sources", *schema.SCORE_TABLES]
    before = {t: _rows(target, f'SELECT * FROM "{t}" ORDER BY ALL') for t in tables}
    target.unlink()
    rebuilt = build_warehouse(target)
    assert rebuilt.rewritten and rebuilt.build_id == first.build_id
    for table in tables:
        assert _rows(target, f'SELECT * FROM "{table}" ORDER BY ALL') == before[table], table
    assert len(before["indicator_scores"]) > 0 and len(before["goal_scores"]) > 0


def test_live_rows_come_from_their_files_not_from_the_previous_warehouse(tmp_path, small_catalog, small_snapshot):
    live = tmp_path / "live"
    (live / "rows").mkdir(parents=True)
    (live / "rows" / "api.csv").write_text(
        LIVE_HEADER + "share_online,DK,,2024,91,pct,Test org,Test API,https://example.org/api,2025-01-02,,test row,"
                      "raw/api/2025-01-02_abc.json,7\n", encoding="utf-8")
    target = tmp_path / "w.duckdb"
    _build(target, small_catalog, small_snapshot, live)
    assert _rows(target, "SELECT origin_kind, source, origin, origin_row FROM observations WHERE geo = 'DK'") == [
        ("live", "api", "raw/api/2025-01-02_abc.json", 7)]
    target.unlink()  # deleting the warehouse loses nothing: the live rows are files
    _build(target, small_catalog, small_snapshot, live)
    assert _rows(target, "SELECT value FROM observations WHERE geo = 'DK'") == [(91.0,)]


BROKEN_ROWS = {
    "unknown indicator": ("nonexistent,NO,,2020,1,pct,O,D,https://x.org,,,\n", "unknown indicator 'nonexistent'"),
    "non-numeric value": ("share_online,NO,,2020,about 9,pct,O,D,https://x.org,,,\n", "value 'about 9' is not a finite number"),
    "infinite value": ("share_online,NO,,2020,inf,pct,O,D,https://x.org,,,\n", "value 'inf' is not a finite number"),
    "overflowing value": ("share_online,NO,,2020,1e400,pct,O,D,https://x.org,,,\n", "value '1e400' is not a finite number"),
    "negative percent": ("share_online,NO,,2020,-5,pct,O,D,https://x.org,,,\n", "value -5 is outside what unit 'pct' allows (0–100)"),
    "percent over 100": ("share_online,NO,,2020,250,pct,O,D,https://x.org,,,\n", "value 250 is outside what unit 'pct' allows (0–100)"),
    "rank zero": ("rank_x,NO,,2020,0,rank,O,D,https://x.org,,,\n", "value 0 is outside what unit 'rank' allows (≥ 1)"),
    "missing source": ("share_online,NO,,2020,9,pct,O,D,,,,\n", "no source_url"),
    "duplicate key": ("share_online,NO,,2019,81,pct,Test org,Test survey,https://example.org/s1,,,\n",
                      "duplicate key (indicator share_online, geo NO, breakdown '', period 2019) within one source"),
    "bad period": ("share_online,NO,,last year,9,pct,O,D,https://x.org,,,\n", "period 'last year' is not"),
    "month 13": ("share_online,NO,,2019-13,9,pct,O,D,https://x.org,,,\n", "month 13 does not exist"),
    "31 February": ("share_online,NO,,2019-02-31,9,pct,O,D,https://x.org,,,\n", "day 31 does not exist in 2019-02"),
    "year 0000": ("share_online,NO,,0000,9,pct,O,D,https://x.org,,,\n", "year 0 is outside"),
    "backward span": ("share_online,NO,,2019-1999,9,pct,O,D,https://x.org,,,\n", "a span must end"),
    "wrong unit": ("share_online,NO,,2020,9,rank,O,D,https://x.org,,,\n", "unit 'rank' differs"),
    "unknown flag": ("share_online,NO,,2020,9,pct,O,D,https://x.org,,guessed,\n", "unknown flag(s) in 'guessed'"),
    # text fields: no control character anywhere, the schema's grammar for each (issue 13)
    "NUL in a text": ("share_online,NO,,2020,9,pct,O\x00rg,D,https://x.org,,,\n", "source_org has a control character (U+0000)"),
    "ESC and BEL in a text": ("share_online,NO,,2020,9,pct,O,a\x1b[31mb\x07,https://x.org,,,\n",
                              "source_dataset has a control character (U+001B)"),
    "line break in a period": ('share_online,NO,,"2020\n",9,pct,O,D,https://x.org,,,\n', "period has a control character (U+000A)"),
    "fullwidth digits": ("share_online,NO,,２０２０,9,pct,O,D,https://x.org,,,\n", "period '２０２０' is not"),
    "published yesterday": ("share_online,NO,,2020,9,pct,O,D,https://x.org,yesterday,,\n",
                            "published 'yesterday' is not YYYY or YYYY-MM-DD"),
    "published month 13": ("share_online,NO,,2020,9,pct,O,D,https://x.org,2019-13-01,,\n",
                           "published '2019-13-01': month 13 does not exist"),
    "published a month": ("share_online,NO,,2020,9,pct,O,D,https://x.org,2019-05,,\n", "published '2019-05' is not"),
    "breakdown ==": ("share_online,NO,==,2020,9,pct,O,D,https://x.org,,,\n", "breakdown '==' is not empty (the total) or "
                                                                             "dimension=value"),
    "breakdown without value": ("share_online,NO,age,2020,9,pct,O,D,https://x.org,,,\n", "breakdown 'age' is not"),
    "undeclared breakdown": ("share_online,NO,sex=F,2020,9,pct,O,D,https://x.org,,,\n",
                             "the catalogue declares no breakdown 'sex' for share_online (declared: age)"),
    "javascript url": ("share_online,NO,,2020,9,pct,O,D,javascript:alert(1),,,\n",
                       "source_url 'javascript:alert(1)' is not an absolute http(s) address"),
    "not a url": ("share_online,NO,,2020,9,pct,O,D,not a url,,,\n", "source_url 'not a url' is not an absolute http(s)"),
    "url with a line break": ('share_online,NO,,2020,9,pct,O,D,"https://x.org/\nx",,,\n', "source_url has a control character"),
    "relative url": ("share_online,NO,,2020,9,pct,O,D,//x.org/a,,,\n", "source_url '//x.org/a' is not an absolute"),
    "empty flag": ("share_online,NO,,2020,9,pct,O,D,https://x.org,,secondary;;,\n",
                   "flags 'secondary;;' have an empty or repeated entry"),
    "repeated flag": ("share_online,NO,,2020,9,pct,O,D,https://x.org,,secondary;secondary,\n", "have an empty or repeated"),
    "unknown geo": ("share_online,XX,,2020,9,pct,O,D,https://x.org,,,\n", "geo 'XX' is not one of NO, SE, DK, FI"),
    "lower-case geo": ("share_online,no,,2020,9,pct,O,D,https://x.org,,,\n", "geo 'no' is not one of"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_ROWS))
def test_broken_row_fails_the_build_and_keeps_the_old_warehouse(tmp_path, small_catalog, small_snapshot, case):
    target = tmp_path / "w.duckdb"
    _build(target, small_catalog, small_snapshot)
    before = target.read_bytes()
    line, message = BROKEN_ROWS[case]
    with (small_snapshot / "a_survey.csv").open("a", encoding="utf-8") as f:
        f.write(line)
    with pytest.raises(BuildError) as info:
        _build(target, small_catalog, small_snapshot)
    assert "a_survey.csv row 6" in str(info.value)
    assert message in str(info.value)
    assert target.read_bytes() == before
    assert not list(tmp_path.glob("*.tmp"))


MALFORMED_FILES = {
    "latin-1": (SNAPSHOT_HEADER + "share_online,NO,,2020,9,pct,Bærum,D,https://x.org,,,\n").encode("latin-1"),
    "utf-16": (SNAPSHOT_HEADER + "share_online,NO,,2020,9,pct,O,D,https://x.org,,,\n").encode("utf-16"),
    "unterminated quote": (SNAPSHOT_HEADER + 'share_online,NO,,2020,9,pct,"O,D,https://x.org,,,\n').encode(),
    "ragged row": (SNAPSHOT_HEADER + "share_online,NO,,2020,9,pct,O,D,https://x.org\n").encode(),
    "no header": b"",
    "missing column": b"indicator_id,geo,value\nshare_online,NO,9\n",
    "column named twice": (SNAPSHOT_HEADER.rstrip("\n") + ",geo\n"
                           + "share_online,NO,,2020,9,pct,O,D,https://x.org,,,SE\n").encode(),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_FILES))
def test_malformed_file_is_named_in_a_message_not_a_traceback(tmp_path, small_catalog, small_snapshot, case, capsys):
    target = tmp_path / "w.duckdb"
    (small_snapshot / "c_bad.csv").write_bytes(MALFORMED_FILES[case])
    code = etl_main(["--warehouse", str(target), "--catalog", str(small_catalog), "--curated", str(small_snapshot),
                     "--live", str(tmp_path / "live"), "build"])
    err = capsys.readouterr().err
    assert code == 1 and "c_bad.csv" in err and "Traceback" not in err
    assert not target.exists()


def test_cli_build_reports_the_broken_row_and_exits_nonzero(tmp_path, small_catalog, small_snapshot, capsys):
    target = tmp_path / "w.duckdb"
    args = ["--warehouse", str(target), "--catalog", str(small_catalog), "--curated", str(small_snapshot),
            "--live", str(tmp_path / "live")]
    assert etl_main([*args, "build"]) == 0
    before = target.read_bytes()
    (small_snapshot / "c.csv").write_text(SNAPSHOT_HEADER + "share_online,NO,,2020,n/a,pct,O,D,https://x.org,,,\n", encoding="utf-8")
    assert etl_main([*args, "build"]) == 1
    err = capsys.readouterr().err
    assert "previous warehouse" in err and "c.csv row 2: value 'n/a' is not a finite number" in err
    assert target.read_bytes() == before


def test_real_data_builds_with_row_counts_equal_to_the_files(real_warehouse):
    n_rows = sum(len(p.read_text(encoding="utf-8").splitlines()) - 1 for p in (ROOT / "data" / "curated").glob("*.csv"))
    n_rows += sum(len(p.read_text(encoding="utf-8").splitlines()) - 1 for p in (ROOT / "data" / "live" / "rows").glob("*.csv"))
    assert _rows(real_warehouse, "SELECT count(*) FROM observations") == [(n_rows,)]
    assert _rows(real_warehouse, "SELECT count(*) FROM indicators WHERE indicator_id NOT IN "
                                 "(SELECT indicator_id FROM observations)") == [(0,)]
    assert _rows(real_warehouse, "SELECT count(*) FROM observations WHERE source_url = ''") == [(0,)]
    assert _rows(real_warehouse, "SELECT value FROM observations WHERE indicator_id='egdi_value' AND geo='NO' "
                                 "AND period='2022' AND is_preferred") == [(0.8879,)]
    assert _rows(real_warehouse, "SELECT count(*) FROM (SELECT indicator_id, geo, breakdown, period FROM observations "
                                 "GROUP BY ALL HAVING count(*) FILTER (WHERE is_preferred) <> 1)") == [(0,)]


def test_changes_since_the_previous_build_new_changed_and_removed(tmp_path, small_catalog, small_snapshot):
    target = tmp_path / "w.duckdb"
    _build(target, small_catalog, small_snapshot)
    assert _rows(target, "SELECT count(*) FROM changes") == [(0,)]  # first build: nothing to compare with
    first_id = _rows(target, "SELECT build_id FROM build")[0][0]
    path = small_snapshot / "a_survey.csv"
    text = path.read_text(encoding="utf-8").replace("share_online,SE,,2023,85,", "share_online,SE,,2023,86,")
    text = text.replace("share_online,NO,,2019,80,pct,Test org,Test survey,https://example.org/s1,2020,,test row\n", "")
    path.write_text(text + "share_online,NO,,2024,90,pct,Test org,Test survey,https://example.org/s1,2025,,test row\n",
                    encoding="utf-8")
    _build(target, small_catalog, small_snapshot)
    assert _rows(target, "SELECT previous_build_id FROM build") == [(first_id,)]
    assert _rows(target, "SELECT change_kind, geo, period, old_value, new_value FROM changes ORDER BY geo, period") == [
        ("removed", "NO", "2019", 80.0, None),
        ("new", "NO", "2024", None, 90.0),
        ("changed", "SE", "2023", 85.0, 86.0),
    ]


def test_a_preferred_value_rule_each(tmp_path, small_catalog):
    """Each rule of the preferred-value order decides on its own (docs/data-model.md)."""
    folder = tmp_path / "curated"
    folder.mkdir()
    row = "share_online,NO,,{period},{value},pct,{org},D,https://example.org/{url},{published},{flags},test row\n"
    cases = {  # period: (winner, loser) as (value, org, url, published, flags)
        "2010": ((1, "Test org", "a", "", ""), (2, "Test org", "b", "", "secondary")),      # not secondary
        "2011": ((3, "Test org", "a", "", ""), (4, "Test org", "b", "", "uncertain")),      # not uncertain
        "2012": ((5, "Test org", "a", "", ""), (6, "Other org", "b", "", "")),              # the catalogue's publisher
        "2013": ((7.25, "Other", "a", "", ""), (7.2, "Other", "b", "", "")),                # more decimals
        "2014": ((8, "Other", "a", "2024", ""), (9, "Other", "b", "2023", "")),             # latest published
        "2015": ((10, "Other", "a", "", ""), (11, "Other", "b", "", "")),                   # file order
    }
    lines = [row.format(period=p, value=v, org=o, url=u, published=pub, flags=f)
             for p, pair in cases.items() for (v, o, u, pub, f) in reversed(pair)]
    lines = lines[:-2] + lines[-1:] + lines[-2:-1]  # file order: the winner first for the last case only
    (folder / "rules.csv").write_text(SNAPSHOT_HEADER + "".join(lines), encoding="utf-8")
    target = tmp_path / "w.duckdb"
    _build(target, small_catalog, folder)
    chosen = dict(_rows(target, "SELECT period, value FROM observations WHERE is_preferred ORDER BY period"))
    assert chosen == {p: float(pair[0][0]) for p, pair in cases.items()}


def test_status_reports_the_build_and_names_a_corrupt_warehouse(tmp_path, small_catalog, small_snapshot, capsys):
    target = tmp_path / "w.duckdb"
    result = _build(target, small_catalog, small_snapshot)
    assert etl_main(["--warehouse", str(target), "status"]) == 0
    out = capsys.readouterr().out
    assert f"Build: {result.build_id}" in out and "Observations: 6 (5 preferred)" in out
    target.write_bytes(b"not a database")
    assert etl_main(["--warehouse", str(target), "status"]) == 1
    err = capsys.readouterr().err
    assert "is not a readable warehouse" in err and "python -m etl build" in err and "Traceback" not in err


# --------------------------------------------------------------------------------------------------------------
# Every file the build reads goes through one reader (etl/inputs.py): a file that is missing, a directory or a
# FIFO in its place, unreadable TOML nested too deep, all give one line naming the file, never a traceback, and
# leave the served warehouse as it was (issue 13).
# --------------------------------------------------------------------------------------------------------------

def _deep_catalog(path: Path) -> None:
    text = (ROOT / "tests" / "fixtures" / "catalog_small.toml").read_text(encoding="utf-8")
    path.write_text(text.replace('breakdowns = ["age"]', "breakdowns = " + "[" * 5000 + "]" * 5000), encoding="utf-8")


def _fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


PLACES = {  # case: (which input, how it is broken, what the one line says)
    "curated file is a directory": ("curated", lambda p: p.mkdir(), "c_bad.csv: is a directory, not a file"),
    "curated file is a FIFO": ("curated", _fifo, "c_bad.csv: is not a regular file"),
    "curated file unreadable": ("curated", lambda p: (p.write_text(SNAPSHOT_HEADER), p.chmod(0)), "c_bad.csv: cannot be read"),
    "catalogue missing": ("catalog", lambda p: None, "catalog.toml: missing (no such file)"),
    "catalogue is a directory": ("catalog", lambda p: p.mkdir(), "catalog.toml: is a directory, not a file"),
    "catalogue nested 5,000 deep": ("catalog", _deep_catalog, "catalog.toml: not valid TOML (arrays or inline tables "
                                                              "nested too deeply)"),
    "catalogue latin-1": ("catalog", lambda p: p.write_bytes('[[goals]]\nid = "Mål"\n'.encode("latin-1")),
                          "catalog.toml: not valid TOML (not UTF-8 text: byte 17"),
    "status file is a directory": ("status", lambda p: p.mkdir(parents=True), "status.csv: is a directory, not a file"),
}


@pytest.mark.parametrize("case", sorted(PLACES))
def test_an_input_out_of_place_is_one_line_and_keeps_the_warehouse(tmp_path, small_catalog, small_snapshot, case,
                                                                   capsys):
    if case == "curated file unreadable" and os.geteuid() == 0:
        pytest.skip("root reads a file whatever its mode")
    target, catalog, live = tmp_path / "w.duckdb", tmp_path / "catalog.toml", tmp_path / "live"
    catalog.write_bytes(small_catalog.read_bytes())
    args = ["--warehouse", str(target), "--catalog", str(catalog), "--curated", str(small_snapshot), "--live", str(live)]
    assert etl_main([*args, "build"]) == 0
    before = target.read_bytes()
    capsys.readouterr()
    which, breaks, message = PLACES[case]
    path = {"curated": small_snapshot / "c_bad.csv", "catalog": catalog, "status": live / "status.csv"}[which]
    if which == "catalog":
        catalog.unlink()
    breaks(path)
    assert etl_main([*args, "build"]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert target.read_bytes() == before


# The files the build reads beside the data (the method's parameters, each source's source.toml) and a curated file
# that is gone: broken in a copy of the project (test edits, not real data), `python -m etl build` there gives one
# line naming the file, exit 1, and the warehouse built before stays as it was.
def _break_toml(relative: str, data: bytes | None):
    def apply(root: Path) -> None:
        path = root / relative
        if data is None:
            path.unlink()
            path.mkdir()
        else:
            path.write_bytes(data)
    return apply


def _first_curating() -> str:
    from etl.sources import curating

    return sorted(curating())[0]


def _project_cases() -> dict[str, tuple]:
    name = _first_curating()
    toml = f"etl/sources/{name}/source.toml"
    original = (ROOT / toml).read_text(encoding="utf-8")
    curated = f"data/curated/{name}.csv"
    return {
        "method.toml invalid": (_break_toml("indicators/method.toml", b"[[[ broken"),
                                "indicators/method.toml: not valid TOML"),
        "method.toml a directory": (_break_toml("indicators/method.toml", None),
                                    "indicators/method.toml: is a directory, not a file"),
        "source.toml invalid": (_break_toml(toml, b"= broken"), f"{toml}: not valid TOML"),
        "source.toml latin-1": (_break_toml(toml, (original + '# "Bærum"\n').encode("latin-1")),
                                f"{toml}: not valid TOML (not UTF-8 text"),
        "source.toml wrong type": (_break_toml(toml, b"[source]\ntitle = 3\n"), "'source.title' must be a non-empty string"),
        "source.toml empty": (_break_toml(toml, b""), f"{toml}: no [source] table"),
        "curated file removed": (lambda root: (root / curated).unlink(),
                                 f"{curated}: missing (etl/sources/{name} curates rows into it with its"),
        "curated file a directory": (_break_toml(curated, None), f"{curated}: is a directory, not a file"),
    }


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("project") / "monitor"
    ignore = shutil.ignore_patterns("__pycache__", "*.duckdb", "*.tmp")
    for part in ("etl", "indicators", "data/curated", "data/live"):
        shutil.copytree(ROOT / part, root / part, ignore=ignore)
    run = _run_build(root)
    assert run.returncode == 0, run.stderr
    return root


def _run_build(root: Path):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "etl", "build"], cwd=root, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("case", sorted(_project_cases()))
def test_a_broken_project_file_fails_the_build_in_one_line(project_copy, case):
    import shutil

    breaks, message = _project_cases()[case]
    warehouse = project_copy / "data" / "warehouse.duckdb"
    before = warehouse.read_bytes()
    saved = project_copy.parent / "saved"
    shutil.rmtree(saved, ignore_errors=True)
    for part in ("etl/sources", "indicators", "data/curated"):
        shutil.copytree(project_copy / part, saved / part)
    try:
        breaks(project_copy)
        run = _run_build(project_copy)
    finally:
        for part in ("etl/sources", "indicators", "data/curated"):
            shutil.rmtree(project_copy / part)
            shutil.copytree(saved / part, project_copy / part)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 1 and "Traceback" not in run.stderr and len(lines) == 1, run.stderr
    assert message in lines[0], lines[0]
    assert warehouse.read_bytes() == before
