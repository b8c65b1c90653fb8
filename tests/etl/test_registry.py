"""The source registry: discovery by scanning, publishers, claims; the catalogue and the curated files agree with it.

Nothing here names a source: expectations come from the catalogue, the committed curated files and the folders.
"""
from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from etl import schema
from etl.connector import Connector
from etl.paths import CATALOG_PATH, CURATED_DIR
from etl.sources import SOURCES_DIR, SourceError, all_sources, assign, claims, publishers

CURATED = sorted(CURATED_DIR.glob("*.csv"))


def curated(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def test_every_folder_with_source_toml_is_a_source_and_a_package():
    sources = all_sources()
    assert set(sources) == {p.parent.name for p in SOURCES_DIR.glob("*/source.toml")}
    for name, source in sources.items():
        assert (source.folder / "__init__.py").exists(), name  # same-named test modules must not clash
        assert source.publishers or source.connector is not None, f"{name}: no publisher and no connector"


def test_every_catalogue_connector_source_is_a_registered_connector():
    catalog = tomllib.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    named = {ind["connector"]["source"] for ind in catalog["indicators"] if "connector" in ind}
    found = {name for name, s in all_sources().items() if s.connector is not None}
    assert named and named <= found, sorted(named - found)
    for name in found:
        cls = all_sources()[name].connector
        assert issubclass(cls, Connector) and cls.name == name and cls.default_base_url.startswith("https://")


def test_every_curated_file_has_its_source_folder():
    assert CURATED
    for path in CURATED:
        assert path.stem in all_sources(), f"{path.name} has no etl/sources/{path.stem}/"


def test_every_source_org_has_exactly_one_publisher_entry():
    info = publishers()
    declared = [p["name"] for s in all_sources().values() for p in s.publishers]
    assert len(declared) == len(set(declared)) == len(info)
    orgs = set().union(*(set(curated(p)["source_org"]) for p in CURATED))
    assert orgs <= set(info), sorted(orgs - set(info))
    for org, entry in info.items():
        assert entry["licence"].strip() and entry["url"].startswith("http") and entry["source"] in all_sources()
        assert set(entry) == {"licence", "name_nb", "name_en", "url", "note", "source"}
        # the pages name every publisher in both languages, from the source.toml (written once)
        assert entry["name_nb"].strip() and entry["name_en"].strip(), org


def test_claims_assign_every_committed_curated_row_to_its_own_file():
    """The claims reproduce the committed assignment: each row of data/curated/<s>.csv is claimed by <s>."""
    ordered = claims()
    for path in CURATED:
        frame = curated(path)
        owners = [assign(row, ordered) for row in frame.to_dict("records")]
        wrong = [(r["indicator_id"], r["source_org"], o) for r, o in zip(frame.to_dict("records"), owners) if o != path.stem]
        assert not wrong, (path.name, wrong[:5])


def test_claim_precedences_are_unique_and_ordered():
    found = claims()
    assert [c.precedence for c in found] == sorted({c.precedence for c in found})


def _copy_sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    for name in all_sources():
        shutil.copy2(SOURCES_DIR / name / "source.toml", (folder / name).mkdir(parents=True) or folder / name)
    return folder


def test_duplicate_precedence_or_publisher_is_refused(tmp_path):
    folder = _copy_sources(tmp_path)
    first, second = sorted(all_sources())[:2]
    (folder / "dup").mkdir()
    (folder / "dup" / "source.toml").write_text(
        (folder / first / "source.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SourceError, match="is declared by both"):
        publishers(folder)
    if all_sources()[first].claims:
        with pytest.raises(SourceError, match="precedence .* is used by both"):
            all_sources(folder)


def test_a_new_source_is_one_folder(tmp_path):
    """A folder with a source.toml (and a curate.py) is found with no framework edit."""
    folder = _copy_sources(tmp_path)
    new = folder / "new_publisher"
    new.mkdir()
    (new / "source.toml").write_text(
        '[source]\ntitle = "A new publisher"\n\n[[publishers]]\nname = "New publisher"\nlicence = "CC BY 4.0"\n'
        'url = "https://example.org/"\n\n[[claims]]\nprecedence = 5\nsource_org = ["New publisher"]\n',
        encoding="utf-8")
    (new / "curate.py").write_text("def curate(ctx):\n    return []\n", encoding="utf-8")
    sources = all_sources(folder)
    assert sources["new_publisher"].curate is not None and sources["new_publisher"].curate(None) == []
    assert publishers(folder)["New publisher"]["source"] == "new_publisher"
    assert assign({"source_org": "New publisher", "source_url": "", "source_dataset": ""}, claims(folder)) == "new_publisher"


def test_live_columns_are_the_curated_columns_plus_lineage():
    assert schema.LIVE_COLUMNS == schema.CURATED_COLUMNS + ["origin", "origin_row"]


@pytest.mark.parametrize("text,message", [
    ('[source\ntitle = "x"\n', "not valid TOML"),
    ("publishers = 3\n", "'publishers' must be an array of tables"),
    ('publishers = ["x"]\n', r"'publishers\[1\]' must be a table"),
    ('[fetch]\noptions = "x"\n', "'fetch.options' must be a table"),
    ('[fetch]\naccumulates = "yes"\n', "'fetch.accumulates' must be true or false"),
    ('[curate]\nfiles = [{ path = 7 }]\n', r"'curate.files\[1\].path' must be a string"),
])
def test_a_malformed_source_toml_is_a_source_error_naming_file_and_key(tmp_path, text, message):
    folder = _copy_sources(tmp_path)
    (folder / "broken").mkdir()
    (folder / "broken" / "source.toml").write_bytes(text.encode())
    with pytest.raises(SourceError, match=message) as caught:
        all_sources(folder)
    assert "broken/source.toml" in str(caught.value)


def test_latin1_source_toml_is_a_source_error(tmp_path):
    folder = _copy_sources(tmp_path)
    (folder / "broken").mkdir()
    (folder / "broken" / "source.toml").write_bytes('[source]\ntitle = "Direktoratet for forvaltning og økonomi"\n'
                                                    .encode("latin-1"))
    with pytest.raises(SourceError, match="not valid TOML"):
        all_sources(folder)


@pytest.mark.parametrize("text", ['[[indicators]\nid = "x"', 'indicators = 3', '[[indicators]]\nid = "x"\nconnector = 5',
                                  b"\xff\xfe[[units]]"])
def test_refresh_with_a_malformed_catalogue_prints_one_line(tmp_path, text):
    import io

    from etl.refresh import EXIT_USAGE, refresh

    catalog = tmp_path / "catalog.toml"
    catalog.write_bytes(text if isinstance(text, bytes) else text.encode())
    err = io.StringIO()
    report = refresh(tmp_path / "w.duckdb", catalog_path=catalog, live_dir=tmp_path / "live", stream=err,
                     out=io.StringIO())
    assert report.exit_code == EXIT_USAGE
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and str(catalog) in lines[0] and "nothing was fetched" in lines[0], lines


@pytest.mark.parametrize("text,message", [
    ("", r"no \[source\] table"),
    ("# only a comment\n", r"no \[source\] table"),
    ('[source]\ntitle = 3\n', r"'source.title' must be a non-empty string, got int '3'"),
    ('[source]\ntitle = "x"\nhome = "https://x.org"\n', r"\[source\] has unknown key\(s\) 'home' \(allowed: title, home_page"),
    ('sorce = 1\n[source]\ntitle = "x"\n', r"unknown key\(s\) 'sorce' \(allowed: source, publishers, claims, curate, fetch\)"),
    ('[source]\ntitle = "x"\n\n[[publishers]]\nname = 3\n', r"'publishers\[1\].name' must be a string"),
    ('[source]\ntitle = "x"\nofficial_hosts = ' + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
    (b'[source]\ntitle = "Direktoratet for forvaltning og \xf8konomi"\n', r"not valid TOML \(not UTF-8 text: byte 50"),
])
def test_an_empty_or_mistyped_source_toml_is_a_source_error(tmp_path, text, message):
    """Issue 13: an empty source.toml, an unknown key, a value of the wrong type, TOML nested too deep: each a
    SourceError naming the file, not an accepted source or a traceback."""
    folder = _copy_sources(tmp_path)
    (folder / "broken").mkdir()
    (folder / "broken" / "source.toml").write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(SourceError, match=message) as caught:
        all_sources(folder)
    assert "broken/source.toml" in str(caught.value)


def test_a_directory_in_place_of_source_toml_is_a_source_error(tmp_path):
    folder = _copy_sources(tmp_path)
    (folder / "broken" / "source.toml").mkdir(parents=True)
    with pytest.raises(SourceError, match="broken/source.toml: is a directory, not a file"):
        all_sources(folder)


def test_the_sources_that_curate_are_the_committed_curated_files():
    """`curating()` (curate.py, extra.csv or [[claims]]) names exactly the sources with a file in data/curated: the
    list the build checks a curated folder against."""
    from etl.sources import curating

    assert set(curating()) == {p.stem for p in CURATED}
