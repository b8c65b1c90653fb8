"""`python -m etl publish`: the published folder from the real warehouse, read back by independent readers.

* the round trip: observations.csv (pandas), observations.parquet (DuckDB), every indicators/<id>.csv (pandas) and
  every indicators/<id>.json (pyjstat, the independent JSON-stat reader) reproduce the warehouse's observations
  exactly: values, flags, sources, licences and the preferred mark; the score tables and the catalogue too;
* datapackage.json passes `frictionless validate`; catalog.ttl conforms to the DCAT-AP-NO shapes
  (etl/publish/dcat_ap_no_shapes.ttl, pyshacl), and the shapes reject a catalogue missing a mandatory property;
* licences follow each source's own terms, per distribution; SHA256SUMS covers every file; index.html is bilingual;
* the downloads the dashboard serves are the published bytes; the folder is swapped in atomically.
No network: everything is read from the built warehouse and the written files.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pyjstat import pyjstat
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from etl import schema
from etl.publish import PublishError, dcat, publish
from etl.publish import exports
from etl.publish.jsonstat import TOTAL, indicator_jsonstat_bytes
from etl.sources import publishers

SHAPES = Path(__file__).resolve().parent.parent / "etl" / "publish" / "dcat_ap_no_shapes.ttl"
BASE = "https://example.org/monitor/"  # test value: where the folder would be served
EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"
COMPARED = ["indicator_id", "geo", "breakdown", "period", "value", "flags", "source_org", "source_dataset",
            "source_url", "is_preferred", "licence"]
KEY = ["indicator_id", "geo", "breakdown", "period", "source_org", "source_dataset", "source_url"]


@pytest.fixture(scope="module")
def real_warehouse(request, tmp_path_factory) -> Path:
    """A private copy of the session's warehouse built from the real data (tests/conftest.py), or of a built
    warehouse named by MONITOR_PUBLISH_TEST_WAREHOUSE. A copy, because DuckDB refuses a second connection to one
    file with another configuration in one process, and other test modules keep theirs open."""
    given = os.environ.get("MONITOR_PUBLISH_TEST_WAREHOUSE")
    source = Path(given).resolve() if given else request.getfixturevalue("real_warehouse")
    copy = tmp_path_factory.mktemp("publish_warehouse") / "warehouse.duckdb"
    copy.write_bytes(source.read_bytes())
    return copy


@pytest.fixture(scope="module")
def published(real_warehouse: Path, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("pub") / "published"
    publish(real_warehouse, target, publisher=dcat.Publisher(base_url=BASE))
    return target


@pytest.fixture(scope="module")
def con(real_warehouse: Path):
    connection = duckdb.connect(str(real_warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def warehouse_obs(con) -> pd.DataFrame:
    """The warehouse's observations with each row's licence from the sources' own terms (etl.sources.publishers)."""
    frame = con.execute("SELECT * FROM observations").df()
    info = publishers()
    frame["licence"] = [info.get(org, {}).get("licence", "unknown") for org in frame["source_org"]]
    return _sorted(frame)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[COMPARED].copy()
    for column in ("indicator_id", "geo", "breakdown", "period", "flags", "source_org", "source_dataset",
                   "source_url", "licence"):
        out[column] = out[column].fillna("").astype(str)
    out["value"] = out["value"].astype("float64")
    out["is_preferred"] = out["is_preferred"].astype(bool)
    return out.sort_values(KEY, ignore_index=True)


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False).astype(
        {"value": "float64"}).assign(is_preferred=lambda f: f["is_preferred"].map({"true": True, "false": False}))


# --- round trip --------------------------------------------------------------------------------------------------

def test_observations_csv_reproduces_the_warehouse(published, warehouse_obs):
    back = _sorted(_read_csv(published / "observations.csv"))
    pd.testing.assert_frame_equal(back, warehouse_obs, check_exact=True)


def test_observations_parquet_read_by_duckdb_reproduces_the_warehouse(published, warehouse_obs, real_warehouse):
    with duckdb.connect() as reader:
        back = reader.execute("SELECT * FROM read_parquet(?)", [str(published / "observations.parquet")]).df()
        full = reader.execute("SELECT * FROM read_parquet(?)", [str(published / "observations.parquet")]).df()
    pd.testing.assert_frame_equal(_sorted(back), warehouse_obs, check_exact=True)
    with duckdb.connect(str(real_warehouse), read_only=True) as wh:
        original = wh.execute("SELECT * FROM observations").df()
    # every warehouse column, not only the compared ones, comes back unchanged
    cols = list(original.columns)
    order = ["origin", "origin_row"]
    pd.testing.assert_frame_equal(full[cols].sort_values(order, ignore_index=True).astype(str),
                                  original.sort_values(order, ignore_index=True).astype(str))


def test_per_indicator_csvs_together_reproduce_the_warehouse(published, warehouse_obs, con):
    ids = [r[0] for r in con.execute("SELECT indicator_id FROM indicators").fetchall()]
    frames = [_read_csv(published / "indicators" / f"{i}.csv") for i in ids]
    assert all(set(f["indicator_id"]) <= {i} for f, i in zip(frames, ids))
    pd.testing.assert_frame_equal(_sorted(pd.concat(frames, ignore_index=True)), warehouse_obs, check_exact=True)


def _jsonstat_rows(path: Path) -> pd.DataFrame:
    """One indicator's observations decoded with pyjstat (values and status), sources from the dataset's own
    metadata: the source dimension's categories and extension.sources."""
    text = path.read_text(encoding="utf-8")
    raw = json.loads(text)
    with pytest.warns(DeprecationWarning):  # pyjstat's dataframe writer warns about its own internals
        values = pyjstat.Dataset.read(text).write("dataframe", naming="id")
    with pytest.warns(DeprecationWarning):
        status = pyjstat.Dataset.read(text).write("dataframe", naming="id", value="status")
    assert list(values.columns) == [*raw["id"], "value"]
    frame = values.assign(flags=status["status"].fillna(""), cell=range(len(values)))
    frame = frame[frame["value"].notna()].copy()
    sources = raw["extension"]["sources"]
    for field in ("source_org", "source_dataset", "source_url", "licence"):
        frame[field] = frame["source"].map(lambda s, f=field: sources[s][f])
    frame["indicator_id"] = frame["indicator"]
    frame["breakdown"] = frame["breakdown"].where(frame["breakdown"] != TOTAL, "")
    frame["is_preferred"] = frame["cell"].isin(raw["extension"]["preferred"])
    return frame


def test_jsonstat_read_by_pyjstat_reproduces_the_warehouse(published, warehouse_obs, con):
    ids = [r[0] for r in con.execute("SELECT indicator_id FROM indicators").fetchall()]
    back = pd.concat([_jsonstat_rows(published / "indicators" / f"{i}.json") for i in ids], ignore_index=True)
    pd.testing.assert_frame_equal(_sorted(back), warehouse_obs, check_exact=True)


def test_jsonstat_is_jsonstat_2_with_an_index_for_every_dimension(published):
    raw = json.loads((published / "indicators" / "egdi_value.json").read_text(encoding="utf-8"))
    assert raw["version"] == "2.0" and raw["class"] == "dataset"
    assert raw["role"] == {"time": ["period"], "geo": ["geo"], "metric": ["indicator"]}
    for dim, size in zip(raw["id"], raw["size"]):
        assert len(raw["dimension"][dim]["category"]["index"]) == size
    assert len(raw["value"]) == pd.Series(raw["size"]).prod()
    notes = raw["dimension"]["source"]["category"]["note"]
    assert all(note[0].startswith("http") and "UN terms of use" in note[1] for note in notes.values())
    assert set(raw["extension"]["flags"]) == {"secondary", "inferred_year", "break_in_series", "provisional",
                                              "uncertain", "lower_bound", "approximate", "derived"}


@pytest.mark.parametrize("table", [*schema.SCORE_TABLES, "sources"])
def test_score_tables_round_trip_as_parquet_and_csv(published, con, table):
    if table not in exports.score_tables(con) + ["sources"]:
        pytest.skip(f"this warehouse was built before {table} existed")
    original = con.execute(f'SELECT * FROM "{table}"').df()
    folder = published if table == "sources" else published / "scores"
    with duckdb.connect() as reader:
        parquet = reader.execute("SELECT * FROM read_parquet(?)", [str(folder / f"{table}.parquet")]).df()
        csv = reader.execute("SELECT * FROM read_csv(?, header = true, columns = ?)",
                             [str(folder / f"{table}.csv"), _duck_columns(con, table)]).df()
    key = list(original.columns)
    norm = (lambda f: f[key].sort_values(key[:4], ignore_index=True, na_position="first"))
    pd.testing.assert_frame_equal(norm(parquet), norm(original), check_exact=True)
    pd.testing.assert_frame_equal(norm(csv), norm(original), check_exact=True, check_dtype=False)


def _duck_columns(con, table: str) -> dict[str, str]:
    return dict(con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                            "ORDER BY ordinal_position", [table]).fetchall())


def test_catalogue_json_holds_the_catalogue_tables(published, con):
    data = json.loads((published / "catalogue.json").read_text(encoding="utf-8"))
    for table in ("goals", "indicators", "units", "life_events"):
        original = con.execute(f'SELECT * FROM "{table}"').df()
        back = pd.DataFrame(data[table], columns=list(original.columns))
        key = original.columns[0]
        pd.testing.assert_frame_equal(back.sort_values(key, ignore_index=True).astype(str).replace("None", "nan"),
                                      original.sort_values(key, ignore_index=True).astype(str).replace("None", "nan")
                                      .replace("<NA>", "nan"), check_dtype=False)


# --- the downloads are the published bytes -----------------------------------------------------------------------

def test_ui_download_functions_give_the_published_bytes(published, real_warehouse, tmp_path):
    copy = tmp_path / "served.duckdb"  # a second file: DuckDB allows one configuration per file and process
    copy.write_bytes(real_warehouse.read_bytes())
    locked = duckdb.connect(str(copy), read_only=True,
                            config={"enable_external_access": False, "lock_configuration": True})  # as the app opens it
    try:
        assert exports.indicator_csv(locked, "egdi_value") == (published / "indicators/egdi_value.csv").read_bytes()
        assert indicator_jsonstat_bytes(locked, "egdi_value") == (published / "indicators/egdi_value.json").read_bytes()
        assert exports.observations_csv(locked) == (published / "observations.csv").read_bytes()
        assert exports.observations_parquet(locked) == (published / "observations.parquet").read_bytes()
        assert exports.table_csv(locked, "goal_scores") == (published / "scores/goal_scores.csv").read_bytes()
        assert exports.table_parquet(locked, "movers") == (published / "scores/movers.parquet").read_bytes()
        assert exports.catalogue_json(locked) == (published / "catalogue.json").read_bytes()
        with pytest.raises(KeyError):
            exports.indicator_csv(locked, "no_such_indicator")
    finally:
        locked.close()


# --- Data Package ------------------------------------------------------------------------------------------------

def test_datapackage_passes_frictionless_validate(published):
    from frictionless import validate

    report = validate(str(published / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:10]


def test_datapackage_describes_every_data_file_with_schema_descriptions_and_licences(published):
    package = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["path"] for r in package["resources"]}
    data_files = {p for p in _files(published) if p not in {"datapackage.json", "catalog.ttl", "index.html",
                                                            "SHA256SUMS"}}
    assert paths == data_files
    assert "licenses" not in package  # resources would inherit it: the terms differ by source
    obs = next(r for r in package["resources"] if r["path"] == "observations.csv")
    fields = {f["name"]: f for f in obs["schema"]["fields"]}
    assert fields["value"]["type"] == "number" and fields["is_preferred"]["type"] == "boolean"
    assert fields["flags"]["description"].startswith("; -separated") and fields["flags"]["description_nb"]
    assert {lic["name"] for lic in obs["licenses"]} == {"NLOD-2.0", "CC-BY-4.0"}
    assert "Mixed terms" in obs["rights"] and "unknown" in obs["rights"]  # terms without a standard licence, said so
    egdi = next(r for r in package["resources"] if r["path"] == "indicators/egdi_value.csv")
    assert "licenses" not in egdi and "UN terms of use" in egdi["rights"]  # never a blanket open licence


# --- DCAT-AP-NO --------------------------------------------------------------------------------------------------

def _shacl(graph: Graph) -> tuple[bool, str]:
    from pyshacl import validate

    conforms, _, text = validate(graph, shacl_graph=Graph().parse(SHAPES), inference="none")
    return conforms, text


@pytest.fixture(scope="module")
def catalog(published) -> Graph:
    return Graph().parse(published / "catalog.ttl")


def test_catalog_conforms_to_the_dcat_ap_no_shapes(catalog):
    conforms, text = _shacl(catalog)
    assert conforms, text[:3000]


@pytest.fixture(scope="module")
def one_dataset(catalog) -> Graph:
    """The catalogue cut down to one dataset (egdi_value) with its distributions, publisher and contact point: the
    mutations below are validated on it, which is quicker than on the whole catalogue and tests the same shapes."""
    cat, ds = URIRef(BASE + "index.html#catalog"), URIRef(BASE + "index.html#dataset-egdi_value")
    small = Graph()
    for s, p, o in catalog.cbd(cat):
        if p != ns.DCAT.dataset or o == ds:
            small.add((s, p, o))
    for node in [ds, *catalog.objects(ds, ns.DCAT.distribution), *catalog.objects(None, ns.DCTERMS.publisher),
                 *catalog.objects(None, ns.DCAT.contactPoint), *catalog.objects(None, ns.DCTERMS.license)]:
        small += catalog.cbd(node)
    return small


def _without(graph: Graph, triples) -> Graph:
    copy = Graph()
    for t in graph:
        copy.add(t)
    for t in list(triples):
        copy.remove(t)
    return copy


def test_the_cut_down_catalog_conforms(one_dataset):
    conforms, text = _shacl(one_dataset)
    assert conforms, text[:2000]
    assert len(set(one_dataset.subjects(ns.RDF.type, ns.DCAT.Distribution))) == 2


@pytest.mark.parametrize("what", ["theme", "publisher", "title_en", "description_nb", "contact", "access_url",
                                  "licence_and_rights", "eu_theme", "format"])
def test_the_shapes_reject_a_catalog_missing_a_mandatory_property(one_dataset, what):
    catalog = one_dataset
    ds = URIRef(BASE + "index.html#dataset-egdi_value")
    dist = URIRef(BASE + "indicators/egdi_value.csv#distribution")
    removed = {
        "theme": catalog.triples((ds, ns.DCAT.theme, None)),
        "eu_theme": catalog.triples((ds, ns.DCAT.theme, URIRef(dcat.EU + "data-theme/GOVE"))),
        "publisher": catalog.triples((None, ns.DCTERMS.publisher, None)),
        "title_en": [(ds, ns.DCTERMS.title, o) for o in catalog.objects(ds, ns.DCTERMS.title) if o.language == "en"],
        "description_nb": [(ds, ns.DCTERMS.description, o) for o in catalog.objects(ds, ns.DCTERMS.description)
                           if o.language == "nb"],
        "contact": catalog.triples((ds, ns.DCAT.contactPoint, None)),
        "access_url": catalog.triples((dist, ns.DCAT.accessURL, None)),
        "format": catalog.triples((dist, ns.DCTERMS.format, None)),
        "licence_and_rights": [*catalog.triples((dist, ns.DCTERMS.license, None)),
                               *catalog.triples((dist, ns.DCTERMS.rights, None))],
    }[what]
    removed = list(removed)
    assert removed, what
    conforms, _ = _shacl(_without(catalog, removed))
    assert not conforms, f"the shapes accepted a catalogue without {what}"


def test_catalog_has_a_dataset_per_indicator_with_its_files(catalog, con):
    ids = [r[0] for r in con.execute("SELECT indicator_id FROM indicators").fetchall()]
    datasets = set(catalog.subjects(ns.RDF.type, ns.DCAT.Dataset))
    assert len(datasets) == len(ids) + 3  # + all observations, scores, catalogue
    assert len(list(catalog.subjects(ns.RDF.type, ns.DCAT.Catalog))) == 1
    for indicator_id in ids:
        ds = URIRef(f"{BASE}index.html#dataset-{indicator_id}")
        assert ds in datasets
        urls = {str(catalog.value(d, ns.DCAT.downloadURL)) for d in catalog.objects(ds, ns.DCAT.distribution)}
        assert urls == {f"{BASE}indicators/{indicator_id}.csv", f"{BASE}indicators/{indicator_id}.json"}
        assert catalog.value(ds, ns.DCTERMS.temporal) is not None
    ds = URIRef(BASE + "index.html#dataset-egdi_value")
    spatial = {str(o) for o in catalog.objects(ds, ns.DCTERMS.spatial)}
    assert spatial == {dcat.EU + f"country/{c}" for c in ("NOR", "SWE", "DNK", "FIN")}
    themes = set(catalog.objects(ds, ns.DCAT.theme))
    assert URIRef(dcat.EU + "data-theme/GOVE") in themes and any("psi.norge.no/los" in str(t) for t in themes)
    agent = catalog.value(ds, ns.DCTERMS.publisher)
    assert Literal("Digitaliseringsmonitoren", lang="nb") in set(catalog.objects(agent, ns.FOAF.name))


def test_each_distribution_carries_its_own_sources_licence(catalog, published):
    """dct:license only where every row of the file is under that one standard licence; else a rights statement
    naming the terms. Checked against the licence column of the rows the file holds."""
    standard = {"NLOD 2.0": "NLOD_2_0", "CC BY 4.0": "CC_BY_4_0"}
    checked = 0
    for dist in catalog.subjects(ns.RDF.type, ns.DCAT.Distribution):
        path = str(catalog.value(dist, ns.DCAT.downloadURL))[len(BASE):]
        licence = catalog.value(dist, ns.DCTERMS.license)
        rights = catalog.value(dist, ns.DCTERMS.rights)
        if path.startswith("indicators/") or path.startswith("observations."):
            rows = published / (path.rsplit(".", 1)[0] + ".csv")  # the JSON-stat and Parquet files hold these rows
        else:
            assert licence is None and rights is not None, path  # the monitor's own computations and metadata
            continue
        terms = set(pd.read_csv(rows, dtype=str, keep_default_na=False)["licence"])
        if len(terms) == 1 and next(iter(terms)) in standard:
            assert str(licence) == EU_LICENCE + standard[next(iter(terms))] and rights is None, path
        else:
            assert licence is None, path
            labels = " ".join(str(o) for o in catalog.objects(rights, None) if isinstance(o, Literal))
            assert all(t in labels for t in terms), (path, terms, labels)
        checked += 1
    assert checked == 2 * 103 + 2
    used = {str(o) for o in catalog.objects(None, ns.DCTERMS.license)}
    assert used == {EU_LICENCE + "NLOD_2_0", EU_LICENCE + "CC_BY_4_0"}  # per source, not one blanket licence


# --- the folder --------------------------------------------------------------------------------------------------

def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_sha256sums_cover_every_file(published):
    lines = (published / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, path = line.split("  ", 1)
        listed[path] = digest
    assert sorted(listed) == [f for f in _files(published) if f != "SHA256SUMS"]
    for path, digest in listed.items():
        assert hashlib.sha256((published / path).read_bytes()).hexdigest() == digest


def test_index_html_lists_every_file_in_both_languages(published):
    html = (published / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nb">' in html and 'lang="en"' in html
    assert html.count("<caption>") == 2 and '<th scope="col"' in html and '<th scope="row"' in html
    links = set(re.findall(r'href="([^"]+)"', html)) - {"catalog.ttl", "datapackage.json", "SHA256SUMS"}
    assert links == {f for f in _files(published) if f not in {"index.html", "SHA256SUMS", "catalog.ttl",
                                                              "datapackage.json"}} - set()
    assert 'id="egdi_value"' in html and 'id="observations"' in html  # the DCAT landing pages


def _fake_render(files: dict[str, bytes]):
    """A stand-in for render (test data): the swap does not depend on what the files say."""
    def render(con, publisher):
        out = dict(files)
        out.setdefault("SHA256SUMS", "".join(f"{hashlib.sha256(d).hexdigest()}  {p}\n"
                                             for p, d in sorted(out.items())).encode())
        return out
    return render


def test_publish_swaps_the_folder_in_and_a_failure_leaves_the_previous_one(real_warehouse, tmp_path, monkeypatch):
    import etl.publish as publish_module

    target = tmp_path / "published"
    target.mkdir()
    (target / "old.txt").write_text("previous publication", encoding="utf-8")
    monkeypatch.setattr(publish_module, "render", _fake_render({"new.txt": b"new", "sub/x.csv": b"a\n1\n"}))
    publish(real_warehouse, target, publisher=dcat.Publisher(base_url=BASE))
    assert _files(target) == ["SHA256SUMS", "new.txt", "sub/x.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["published"]  # no temp or old folder left behind
    before = (target / "SHA256SUMS").read_bytes()

    # a folder that does not read back as written (here: a wrong checksum) is never swapped in
    monkeypatch.setattr(publish_module, "render", _fake_render({"bad.txt": b"x", "SHA256SUMS": b"0" * 64 + b"  bad.txt\n"}))
    with pytest.raises(PublishError, match="checksum"):
        publish(real_warehouse, target, publisher=dcat.Publisher(base_url=BASE))
    assert (target / "SHA256SUMS").read_bytes() == before and _files(target)[1] == "new.txt"
    assert [p.name for p in tmp_path.iterdir()] == ["published"]


def test_publish_without_a_warehouse_fails_cleanly(tmp_path):
    with pytest.raises(PublishError, match="build it first"):
        publish(tmp_path / "missing.duckdb", tmp_path / "published")
    assert not (tmp_path / "published").exists()


def test_cli_publish_gives_the_same_bytes_for_the_same_warehouse(real_warehouse, published, tmp_path, capsys):
    from etl.__main__ import main

    assert main(["--warehouse", str(real_warehouse), "publish", "--out", str(tmp_path / "p"),
                 "--base-url", BASE]) == 0
    assert "103 indicators" in capsys.readouterr().out
    assert (tmp_path / "p" / "SHA256SUMS").read_bytes() == (published / "SHA256SUMS").read_bytes()
