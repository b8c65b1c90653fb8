"""Property-based fuzzing (hypothesis) of the three loaders a careless editor or a hostile publisher can feed:
the curated/live observation files, the indicator catalogue and the JSON-stat decoder. Each must give a correct
result or the project's own error (DataError, CatalogError, JsonStatError), never another exception.

Marked `long` (10,000 examples per target, derandomized so every run tries the same inputs); `make test` runs
them, `-m "not long"` leaves them out for a quick local loop.
"""
from __future__ import annotations

import copy
import csv
import datetime
import io
import json
import math
import random
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import schema
from etl.observations import DataError, read_observation_files, validate_observations
from etl.readers.jsonstat import JsonStatError, decode
from indicators.catalog import CatalogError, load_catalog, parse_catalog

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "fixtures" / "catalog_small.toml"
EXAMPLES = int(__import__("os").environ.get("MONITOR_FUZZ_EXAMPLES", "10000"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])
COUNTS: dict[str, int] = {}

pytestmark = pytest.mark.long

# ---------------------------------------------------------------------------------------------------------------
# observation files
# ---------------------------------------------------------------------------------------------------------------

CATALOG = load_catalog(SMALL)
IDS = sorted(CATALOG.indicator_ids())
UNITS = sorted(CATALOG.units["unit_id"])
CHARS = list('aZ09 ,;"=\n\r\t-.é\x00\ufeff\u2028ø')
FIELD = {
    "indicator_id": [*IDS, "unknown_x", ""],
    "geo": ["NO", "SE", "EU27", "", "XX", "no"],
    "breakdown": ["", "age=16-24", "x", "==", "age", "sex=F"],
    "period": ["2023", "2021-2022", "2018-04", "2019-02-31", "0000", "2024-13", "2020-2019", "1989", "2023-02-29"],
    "value": ["1", "55.5", "-1", "101", "1e308", "1e999", "nan", "inf", "0x10", "", " 7 ", "1,5", "3"],
    "unit": [*UNITS, "kg"],
    "source_url": ["https://example.org/x", "https://example.org/y", "", "javascript:alert(1)", "not a url"],
    "published": ["", "2024", "2024-02-29", "2023-02-29", "yesterday", "2019-13-01"],
    "flags": ["", "secondary", "secondary;uncertain", "bogus", ";;", "secondary;;"],
}


def _noise(rng: random.Random) -> str:
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 6)))


def csv_bytes_from(seed: int) -> bytes:
    """A curated file, from a seed: mostly well-formed rows with plausible and hostile fields, then damaged in one of
    the ways editors and tools damage files (encoding, quotes, truncation, raggedness, binary)."""
    rng = random.Random(seed)
    columns = list(schema.CURATED_COLUMNS)
    if rng.random() < 0.3:
        rng.shuffle(columns)
    if rng.random() < 0.1:
        columns = columns[:-rng.randint(1, 3)]  # a missing column
    rows = []
    for _ in range(rng.randint(0, 4)):
        row = [rng.choice(FIELD[c]) if c in FIELD and rng.random() < 0.9 else _noise(rng) for c in columns]
        if rng.random() < 0.08:
            row = row[:-1] if row and rng.random() < 0.5 else [*row, "extra"]  # a ragged row
        rows.append(row)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=rng.choice(["\n", "\r\n"])).writerows([columns, *rows])
    data = buffer.getvalue()
    damage = rng.randint(0, 9)
    if damage == 0:
        return data.encode(rng.choice(["latin-1", "utf-16", "utf-16-le", "cp1252"]), "replace")
    if damage == 1 and data:
        cut = rng.randint(0, len(data))
        return (data[:cut] + '"' + data[cut:]).encode()  # an unterminated quote, somewhere
    if damage == 2 and data:
        return data.encode()[:rng.randint(0, len(data))]  # truncated, maybe inside a multi-byte character
    if damage == 3:
        return rng.randbytes(rng.randint(0, 200))
    return data.encode("utf-8-sig" if damage == 4 else "utf-8")


def test_fuzz_observation_files(tmp_path):
    folder = tmp_path / "curated"
    folder.mkdir()
    path = folder / "fuzz.csv"

    @FUZZ
    @given(st.integers(0, 2**64))
    def check(seed: int) -> None:
        COUNTS["observation files"] = COUNTS.get("observation files", 0) + 1
        data = csv_bytes_from(seed)
        path.write_bytes(data)
        try:
            rows = read_observation_files(folder, kind="curated", columns=schema.CURATED_COLUMNS, root=tmp_path)
            obs = validate_observations(rows, CATALOG)
        except DataError as exc:
            assert "fuzz.csv" in str(exc) or "invalid observation row" in str(exc), str(exc)
            return
        # a correct result: one typed row per data row, every value finite and in its unit's range
        text_rows = [r for r in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))][1:]
        assert len(obs) == len(text_rows)
        assert obs["value"].map(math.isfinite).all()
        assert set(obs["indicator_id"]) <= set(IDS) and (obs["source_url"] != "").all()
        assert not obs.duplicated(schema.FILE_KEY).any()
        # every text as the schema says: no control character, each field in its grammar
        assert not any(obs[c].str.contains(schema.CONTROL.pattern).any() for c in schema.CURATED_COLUMNS if c != "value")
        assert obs["geo"].isin(schema.GEOS).all()
        for column, check in (("source_url", schema.url_problem), ("published", schema.published_problem),
                              ("breakdown", schema.breakdown_problem), ("flags", schema.flags_problem)):
            assert not [t for t in obs[column] if t and check(t)], column

    check()


# ---------------------------------------------------------------------------------------------------------------
# the catalogue
# ---------------------------------------------------------------------------------------------------------------

BASE_CATALOG = tomllib.loads(SMALL.read_text(encoding="utf-8"))
TOML_VALUES = [None, True, False, 0, -1, 1, 6, 10**20, 1.5, float("nan"), float("inf"), "", " ", "x", "G1", "G9",
               "pct", "rank", "kg", "higher", "sideways", "Test survey", "2020", "2020-13", [], ["G1"], [1, 2], {},
               {"a": 1}, {"source": "x"}, {"value": 1}, [{"id": "x"}], datetime.date(2020, 1, 1)]


def _paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, (*prefix, i))


def mutate(doc, rng: random.Random, values: list, rounds: int):
    """Delete, duplicate or replace (by a hostile value) what is at random paths of the document."""
    for _ in range(rounds):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = rng.choice(paths)
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = rng.randint(0, 3)
        if action == 0:
            del parent[path[-1]]
        elif action == 1 and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))  # a duplicate entry
        elif action == 1 and isinstance(parent, dict):
            parent[rng.choice(["id", "unit", "goal", "extra", "kind"])] = copy.deepcopy(rng.choice(values))
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(values))
    return doc


def catalog_doc_from(seed: int) -> dict:
    rng = random.Random(seed)
    return mutate(copy.deepcopy(BASE_CATALOG), rng, TOML_VALUES, rng.randint(1, 4))


def _catalog_fixed() -> bool:
    """indicators/catalog.py (not the ETL's file) crashes on a table that is not a list of tables; until the patch in
    the ETL report is applied, the catalogue target is an expected failure (strict: it must then be removed)."""
    try:
        parse_catalog({**BASE_CATALOG, "goals": "G1"})
    except CatalogError:
        return True
    except Exception:
        return False
    return True


@pytest.mark.xfail(not _catalog_fixed(), strict=True,
                   reason="indicators/catalog.py raises TypeError/AttributeError on wrong types: patch pending")
def test_fuzz_catalog(tmp_path):
    path = tmp_path / "catalog.toml"

    @FUZZ
    @given(st.integers(0, 2**64))
    def check(seed: int) -> None:
        COUNTS["catalogue"] = COUNTS.get("catalogue", 0) + 1
        doc, rng = catalog_doc_from(seed), random.Random(~seed)
        try:
            if rng.random() < 0.1:  # as bytes: invalid TOML, not UTF-8, …
                noise = rng.randbytes(rng.randint(0, 40))
                path.write_bytes(noise + b"\n[[goals]]\nid = 1\n" + noise)
                catalog = load_catalog(path)
            else:
                catalog = parse_catalog(doc, source="fuzz")
        except CatalogError:
            return
        ids = catalog.indicators["indicator_id"]
        assert ids.is_unique and set(catalog.indicators["goal_id"]) <= set(catalog.goals["goal_id"])
        limits = catalog.units["limit_value"].dropna()
        assert limits.map(lambda v: math.isfinite(v) and v > 0).all()
        assert catalog.goals["number"].between(1, 99).all() and catalog.goals["number"].is_unique
        assert all(isinstance(v, str) for c in ("name_nb", "name_en", "breakdowns") for v in catalog.indicators[c])

    check()


# ---------------------------------------------------------------------------------------------------------------
# the JSON-stat decoder
# ---------------------------------------------------------------------------------------------------------------

BASE_DOC = {
    "version": "2.0", "class": "dataset", "id": ["geo", "time"], "size": [2, 3], "updated": "2024-01-01",
    "dimension": {
        "geo": {"category": {"index": ["NO", "SE"], "label": {"NO": "Norway", "SE": "Sweden"}}},
        "time": {"category": {"index": {"2021": 0, "2022": 1, "2023": 2}}},
    },
    "value": [1, 2, 3, 4, None, 6], "status": {"4": "u"}, "role": {"time": ["time"]},
    "extension": {"status": {"label": {"u": "low reliability"}}},
}
JSON_VALUES = [None, True, False, 0, -1, 1, 2, 3, 10**12, 2**63, 1.5, -0.0, 1e308, "", "x", "geo", "time", "NO", "0", "\ud800",
               "5", "-1", "01", "value", "status", [], [1], [None], ["NO", "NO"], ["a", 1], [2, 3], [[1]], {},
               {"0": 1}, {"9": 1}, {"x": 1}, {"NO": 0, "SE": 0}, {"category": {}}, {"category": {"index": ["a"]}}]


def jsonstat_body_from(seed: int) -> bytes:
    rng = random.Random(seed)
    doc = copy.deepcopy(BASE_DOC)
    if rng.random() < 0.5:  # sparse value object instead of the dense list
        doc["value"] = {str(i): v for i, v in enumerate(doc["value"]) if v is not None}
    doc = mutate(doc, rng, JSON_VALUES, rng.randint(0, 4))
    try:
        body = json.dumps(doc).encode()
    except ValueError:
        body = b"{}"
    damage = rng.randint(0, 11)
    if damage == 0:
        return body[:rng.randint(0, len(body))]
    if damage == 1:
        depth = rng.randint(1, 3000)
        return b'{"id": ' + b"[" * depth + b"]" * depth + b"}"
    if damage == 2:
        return body.replace(b'"value"', b'"value": 1, "value"', 1)  # a duplicate key
    if damage == 3:
        return rng.randbytes(rng.randint(0, 100))
    if damage == 4:
        return body.replace(b'"size": [2, 3]', b'"size": [%d, 3]' % rng.choice([10**12, 2**63, 0, -2]))
    if damage == 5:
        return body.replace(b"6]", b"NaN]").replace(b'"u"}', b'"u", "4": "p"}')
    if damage == 6:  # an integer of thousands of digits, in size or value
        return body.replace(b"3", b"3" * rng.choice([20, 5000]), 1)
    return body


def _listed(doc: dict) -> int:
    """Cells the document lists: its value's entries and its per-cell statuses (a status for all adds none)."""
    value, status = doc.get("value"), doc.get("status")
    listed = len(value) if isinstance(value, (list, dict)) else 0
    return listed + (len(status) if isinstance(status, dict) or (isinstance(status, list) and len(status) > 1) else 0)


def test_fuzz_jsonstat_decoder():
    @FUZZ
    @given(st.integers(0, 2**64))
    def check(seed: int) -> None:
        COUNTS["JSON-stat decoder"] = COUNTS.get("JSON-stat decoder", 0) + 1
        body = jsonstat_body_from(seed)
        try:
            ds = decode(body)
        except JsonStatError:
            return
        frame = ds.frame
        assert list(frame.columns) == [*ds.ids, "value", "status"]
        assert len(frame) <= math.prod(ds.sizes) and len(frame) == len(ds.cell_index)
        assert len(frame) <= _listed(ds.raw)  # the rows are bounded by what the file holds, not its declared size
        frame.to_csv(index=False).encode("utf-8")  # every string can be written (a lone surrogate would raise)
        assert all(len(ds.dimensions[i].codes) == s for i, s in zip(ds.ids, ds.sizes))
        values = frame["value"].dropna()
        assert values.map(math.isfinite).all()

    check()


def test_zz_fuzz_counts():
    """Examples tried per target (visible with -s or -rA)."""
    print("\nfuzzed examples per target: " + ", ".join(f"{k}: {v:,}" for k, v in COUNTS.items()))
