"""The shared JSON-stat 2.0 decoder: real bodies, and every variant the format allows."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import numpy as np
import pytest

from etl.readers.jsonstat import JsonStatError, cli_decode, decode
from tests.etl.conftest import ROOT, shared

EUROSTAT = "fixtures/eurostat/sdmx30_format-json_isoc_ci_cm_h_hhtyp-A1-A1_DCH.json"
SSB = "fixtures/ssb/pxwebapi_v2_03024_en_post_jsonstat2.json"


def cell(frame, **where):
    mask = np.ones(len(frame), dtype=bool)
    for k, v in where.items():
        mask &= (frame[k] == v).to_numpy()
    return frame[mask]


def test_real_eurostat_body_value_and_status_without_value():
    path = shared(EUROSTAT)
    doc = json.loads(path.read_text())
    ds = decode(doc)
    f = ds.frame
    assert list(f.columns) == ["freq", "indic_is", "unit", "hhtyp", "geo", "time", "value", "status"]
    row = cell(f, geo="NO", hhtyp="A1", time="2017")
    assert len(row) == 1 and row["value"].iloc[0] == 91.25 and row["status"].iloc[0] == ""
    flagged = cell(f, geo="NO", hhtyp="A1_DCH", time="2017")
    assert len(flagged) == 1 and np.isnan(flagged["value"].iloc[0]) and flagged["status"].iloc[0] == "u"
    only_status = set(doc["status"]) - set(doc["value"])
    assert len(f) == len(doc["value"]) + len(only_status)
    assert ds.status_labels.get("u") == "low reliability"


def test_cli_decode_prints_acceptance_lines():
    path = shared(EUROSTAT)
    out = io.StringIO()
    assert cli_decode(path, out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "freq,indic_is,unit,hhtyp,geo,time,value,status"
    assert "A,H_COMP,PC_HH,A1,NO,2017,91.25," in lines
    assert "A,H_COMP,PC_HH,A1_DCH,NO,2017,,u" in lines


def test_python_m_etl_decode_subprocess():
    path = shared(EUROSTAT)
    proc = subprocess.run([sys.executable, "-m", "etl", "decode", str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "A,H_COMP,PC_HH,A1,NO,2017,91.25," in proc.stdout.splitlines()
    assert "A,H_COMP,PC_HH,A1_DCH,NO,2017,,u" in proc.stdout.splitlines()


def test_real_ssb_body_dense_values():
    ds = decode(shared(SSB).read_bytes())
    f = ds.frame
    assert ds.sizes == [2, 2, 48] and len(f) == 192
    assert ds.role("time") == ["Tid"] and ds.role("metric") == ["ContentsCode"]
    first = f.iloc[0]
    assert (first["VareGrupper2"], first["ContentsCode"], first["Tid"], first["value"]) == ("01", "Vekt", "2025U01", 11364)
    assert cell(f, VareGrupper2="01", ContentsCode="Kilopris", Tid="2025U01")["value"].iloc[0] == 125.36
    assert ds.dimensions["ContentsCode"].units["Kilopris"]["decimals"] == 2


def test_cli_decode_rejects_non_jsonstat(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"error": [{"status": 400}]}')
    assert cli_decode(bad, io.StringIO()) == 1
    truncated = tmp_path / "t.json"
    truncated.write_text('{"version":"2.0","class":"dataset","id":["a"')
    assert cli_decode(truncated, io.StringIO()) == 1


def base_doc(**over):
    doc = {
        "version": "2.0", "class": "dataset",
        "id": ["geo", "time"], "size": [2, 3],
        "dimension": {
            "geo": {"category": {"index": ["NO", "SE"], "label": {"NO": "Norway", "SE": "Sweden"}}},
            "time": {"category": {"index": {"2021": 0, "2022": 1, "2023": 2}}},
        },
        "value": [1, 2, 3, 4, None, 6],
    }
    doc.update(over)
    return doc


def records(ds):
    return {tuple(r[:-2]): (None if np.isnan(r[-2]) else r[-2], r[-1]) for r in ds.frame.itertuples(index=False)}


def test_index_as_list_and_object_and_null_value_skipped():
    r = records(decode(base_doc()))
    assert r[("NO", "2021")] == (1, "") and r[("SE", "2023")] == (6, "")
    assert ("SE", "2022") not in r  # null value, no status: no row


def test_index_absent_single_category():
    doc = base_doc(id=["unit", "geo", "time"], size=[1, 2, 3])
    doc["dimension"]["unit"] = {"category": {"label": {"PC": "Percent"}}}
    r = records(decode(doc))
    assert r[("PC", "SE", "2021")] == (4, "")
    doc["dimension"]["unit"] = {"category": {"label": {"PC": "Percent", "X": "Other"}}}
    with pytest.raises(JsonStatError, match="no category.index"):
        decode(doc)


def test_sparse_value_object():
    r = records(decode(base_doc(value={"0": 1.5, "5": 6.25})))
    assert r == {("NO", "2021"): (1.5, ""), ("SE", "2023"): (6.25, "")}


@pytest.mark.parametrize("status,expected", [
    ("p", {("NO", "2021"): (1, "p"), ("SE", "2022"): (None, "p")}),
    (["e"], {("NO", "2021"): (1, "e"), ("SE", "2022"): (None, "e")}),
    ([None, None, "b", None, "u", None], {("NO", "2023"): (3, "b"), ("SE", "2022"): (None, "u")}),
    ({"2": "b", "4": "u"}, {("NO", "2023"): (3, "b"), ("SE", "2022"): (None, "u")}),
])
def test_status_as_string_list_or_object(status, expected):
    r = records(decode(base_doc(status=status)))
    for key, want in expected.items():
        assert r[key] == want
    assert len(r) == 6  # five values + the flagged empty cell


def test_unusual_dimension_order_gives_same_cells():
    """time before geo, indices given as objects in non-sorted key order: same tidy content."""
    normal = records(decode(base_doc(status={"4": "u"})))
    swapped = {
        "version": "2.0", "class": "dataset", "id": ["time", "geo"], "size": [3, 2],
        "dimension": {
            "geo": {"category": {"index": {"SE": 1, "NO": 0}}},
            "time": {"category": {"index": {"2023": 2, "2021": 0, "2022": 1}}},
        },
        # row-major over (time, geo): NO2021 SE2021 NO2022 SE2022 NO2023 SE2023
        "value": {"0": 1, "1": 4, "2": 2, "4": 3, "5": 6}, "status": {"3": "u"},
    }
    flipped = {(g, t): v for (t, g), v in records(decode(swapped)).items()}
    assert flipped == normal


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d.update(size=[2, 2]), "size 2 but 3 categories"),
    (lambda d: d.update(value=[1, 2, 3]), "dense 'value' has 3 cells"),
    (lambda d: d.update(value={"9": 1}), "outside"),
    (lambda d: d.update(id=["geo"]), "'id' has 1 entries"),
    (lambda d: d.pop("dimension"), "missing"),
    (lambda d: d["dimension"].pop("time"), "missing from 'dimension'"),
])
def test_malformed_documents_raise(mutate, message):
    doc = base_doc()
    mutate(doc)
    with pytest.raises(JsonStatError, match=message):
        decode(doc)


def test_large_cube_decodes_every_cell_in_order():
    # its speed against a per-cell loop is measured in bench/run.py (bench_decode), not here
    n_geo, n_time, n_x = 100, 100, 100  # 10^6 cells
    rng = np.random.default_rng(1)
    values = rng.random(n_geo * n_time * n_x).round(3).tolist()
    values[7] = None
    doc = {
        "version": "2.0", "class": "dataset", "id": ["x", "geo", "time"], "size": [n_x, n_geo, n_time],
        "dimension": {
            "x": {"category": {"index": [f"x{i}" for i in range(n_x)]}},
            "geo": {"category": {"index": [f"g{i}" for i in range(n_geo)]}},
            "time": {"category": {"index": [str(2000 + i) for i in range(n_time)]}},
        },
        "value": values, "status": {"7": "c"},
    }
    f = decode(doc).frame
    assert len(f) == 1_000_000
    assert f.iloc[7][["x", "geo", "time", "status"]].tolist() == ["x0", "g0", "2007", "c"]
    assert f.iloc[-1][["x", "geo", "time"]].tolist() == ["x99", "g99", "2099"]


# ---------------------------------------------------------------------------------------------------------------
# hostile documents: the decoder's own error, limits checked before allocation
# ---------------------------------------------------------------------------------------------------------------

def huge_doc(sizes):
    ids = [f"d{i}" for i in range(len(sizes))]
    return {"version": "2.0", "class": "dataset", "id": ids, "size": sizes,
            "dimension": {i: {"category": {"index": [f"c{k}" for k in range(min(s, 3))]}} for i, s in zip(ids, sizes)},
            "value": {}, "status": "x"}


@pytest.mark.parametrize("sizes", [[10**6, 10**6], [2**32, 2**32], [10**12]])
def test_declared_size_beyond_the_limit_is_refused_before_allocation(sizes):
    """A declared cube of 10^12 cells (or one whose int64 product would overflow to 0) is refused from `size` alone,
    before the category lists are compared: no gigabytes allocated."""
    import tracemalloc

    doc = huge_doc(sizes)
    tracemalloc.start()
    with pytest.raises(JsonStatError, match="cells .limit"):
        decode(json.dumps(doc))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000


def test_size_check_comes_before_the_category_count_check(monkeypatch):
    """With the cell limit lowered, a consistent document above it is refused (the limit is a real check)."""
    doc = base_doc()
    assert len(decode(doc).frame) == 5
    with pytest.raises(JsonStatError, match="6 cells .limit 5"):
        decode(doc, max_cells=5)


def test_deep_nesting_is_refused_before_parsing():
    body = '{"id": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(JsonStatError, match="nested 100001 levels deep .limit 64"):
        decode(body)
    ok = json.dumps({**base_doc(), "extension": {"a": {"b": {"c": {"d": [[[1]]]}}}}})
    assert len(decode(ok).frame) == 5


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d.update(id="geo"), "missing 'id'"),
    (lambda d: d.update(size=[2, "3"]), "'size' entry 1 .'time'. must be a positive integer"),
    (lambda d: d.update(size=[2, True]), "must be a positive integer"),
    (lambda d: d.update(size=[2, 3.0]), "must be a positive integer"),
    (lambda d: d.update(size=[2, -3]), "must be a positive integer"),
    (lambda d: d.update(id=["geo", 7]), "'id' entry 1 must be a non-empty string"),
    (lambda d: d.update(id=["geo", "geo"]), "lists a dimension twice"),
    (lambda d: d.update(id=["geo", "time", "x"]), "'id' has 3 entries but 'size' has 2"),
    (lambda d: d["dimension"].update(time="2021"), "dimension 'time' must be an object"),
    (lambda d: d["dimension"]["geo"]["category"].update(index=["NO", "NO"]), "code 'NO' appears twice"),
    (lambda d: d["dimension"]["geo"]["category"].update(index=["NO", 5]), "codes must be strings"),
    (lambda d: d["dimension"]["time"]["category"].update(index={"2021": 0, "2022": True, "2023": 2}),
     "positions must be integers"),
    (lambda d: d["dimension"]["geo"]["category"].update(label={"NO": 1, "SE": "Sweden"}), "must be a string"),
    (lambda d: d.update(value=[1, 2, "3", 4, None, 6]), "'value' cell 2 is a string"),
    (lambda d: d.update(value=[1, 2, True, 4, None, 6]), "'value' cell 2 is a boolean"),
    (lambda d: d.update(value=[1, 2, [3], 4, None, 6]), "'value' cell 2 is a list"),
    (lambda d: d.update(value={"0": {"x": 1}}), "cell '0' is an object"),
    (lambda d: d.update(value={"01": 1}), "not a cell index"),
    (lambda d: d.update(value={"-1": 1}), "not a cell index"),
    (lambda d: d.update(value={"99999999999999999999999": 1}), "outside"),
    (lambda d: d.update(value=5), "'value' must be a list or an object, got a number"),
    (lambda d: d.update(status=[1]), "'status' entry 0 must be a string or null"),
    (lambda d: d.update(status={"0": 3}), "'status' cell '0' must be a string"),
    (lambda d: d.update(status=True), "'status' must be a string, a list or an object"),
    (lambda d: d.update(id=["value", "time"], dimension={"value": d["dimension"]["geo"], "time": d["dimension"]["time"]}),
     "reserved"),
])
def test_wrong_types_are_the_decoders_error(mutate, message):
    doc = base_doc()
    mutate(doc)
    with pytest.raises(JsonStatError, match=message):
        decode(json.dumps(doc))


@pytest.mark.parametrize("body,message", [
    ('{"id": ["a"], "id": ["b"]}', "duplicate key 'id'"),
    ('{"value": [NaN]}', "NaN is not a JSON number"),
    ('{"value": [Infinity]}', "Infinity is not a JSON number"),
    (b'{"label": "\xff"}', "not UTF-8"),
    ('[1, 2]', "must be a JSON object, got a list"),
    ('{"value": [1e999]}', "missing 'id'"),
])
def test_ambiguous_or_non_json_bodies(body, message):
    with pytest.raises(JsonStatError, match=message):
        decode(body)


def test_huge_number_is_refused():
    doc = base_doc(value=[1, 2, 3, 4, None, 1e308])
    text = json.dumps(doc).replace("1e+308", "1e999")
    with pytest.raises(JsonStatError, match="too large"):
        decode(text)


@pytest.mark.parametrize("content", [
    '{"version":"2.0","class":"dataset","id":["a"],"size":[1000000000000],"dimension":{"a":{"category":{"index":["x"]}}},"value":{},"status":"x"}',
    '[' * 50_000 + ']' * 50_000,
    '{"id": ["a"], "size": ["1"], "dimension": {}}',
    '{"id": ["a"], "id": ["a"]}',
])
def test_python_m_etl_decode_prints_one_line_for_hostile_files(tmp_path, content):
    path = tmp_path / "hostile.json"
    path.write_text(content)
    proc = subprocess.run([sys.executable, "-m", "etl", "decode", str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"decode: {path}: ") and "Traceback" not in proc.stderr, proc.stderr


# ---------------------------------------------------------------------------------------------------------------
# issue 13: strings that cannot be written, numbers Python will not convert, work bounded by what the file holds
# ---------------------------------------------------------------------------------------------------------------

def _surrogate_in(place: str) -> str:
    doc = base_doc(status={"0": "u"})
    if place == "category code":
        doc["dimension"]["geo"]["category"]["index"] = ["NO", "\ud800"]
    elif place == "label key":
        doc["dimension"]["geo"]["category"]["label"] = {"NO": "Norway", "\udc00": "x"}
    else:
        doc["status"] = {"0": "\ud800"}
    return json.dumps(doc)  # ensure_ascii: the lone surrogate is written as the escape \ud800


@pytest.mark.parametrize("place", ["category code", "label key", "status value"])
def test_a_lone_surrogate_escape_is_refused_when_the_json_is_parsed(place):
    text = _surrogate_in(place)
    assert "\\ud" in text
    with pytest.raises(JsonStatError, match="lone surrogate escape"):
        decode(text)


def test_a_surrogate_pair_is_a_character_and_decodes():
    doc = base_doc(status={"0": "\U0001F600"})
    text = json.dumps(doc)
    assert "\\ud83d\\ude00" in text
    assert decode(text).frame["status"].iloc[0] == "\U0001F600"


@pytest.mark.parametrize("where", ["size", "value"])
def test_an_integer_of_thousands_of_digits_is_refused(where):
    text = json.dumps(base_doc())
    text = text.replace('"size": [2, 3]', '"size": [2, 3' + "0" * 5000 + "]") if where == "size" else \
        text.replace("[1, 2, 3,", "[1" + "0" * 5000 + ", 2, 3,")
    with pytest.raises(JsonStatError, match="a number of more than 4,300 digits"):
        decode(text)


def _cube(sizes, value, status):
    ids = [f"d{i}" for i in range(len(sizes))]
    return {"version": "2.0", "class": "dataset", "id": ids, "size": sizes,
            "dimension": {i: {"category": {"index": [f"c{k}" for k in range(s)]}} for i, s in zip(ids, sizes)},
            "value": value, "status": status}


@pytest.mark.parametrize("status", ["e", ["e"]])
def test_a_status_for_the_whole_dataset_labels_the_cells_value_lists_not_the_whole_cube(status):
    """A 2 KB file declaring 10^6 cells with two of them listed and one status for all: two rows, in well under a
    megabyte (it made 10^6 rows and took 74 MiB; [100, 100, 100, 20] took 2 GB and wrote 364 MB)."""
    import tracemalloc

    body = json.dumps(_cube([100, 100, 100], {"0": 1, "5": None}, status)).encode()
    tracemalloc.start()
    try:
        frame = decode(body).frame
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert frame[["d0", "d1", "d2", "status"]].values.tolist() == [["c0", "c0", "c0", "e"], ["c0", "c0", "c5", "e"]]
    assert frame["value"].iloc[0] == 1 and np.isnan(frame["value"].iloc[1])
    assert peak < 2**20, f"peak {peak / 2**20:.1f} MiB"


def test_a_declared_cube_larger_than_any_source_needs_is_refused_before_allocation():
    """1,000,000 cells: above SSB's per-call cap of 800,000, 1,200× the largest cube the sources decode."""
    from etl.readers.jsonstat import MAX_CELLS

    assert MAX_CELLS == 1_000_000
    with pytest.raises(JsonStatError, match=r"make 20,000,000 cells \(limit 1,000,000\)"):
        decode(json.dumps(_cube([100, 100, 100, 20], {"0": 1}, "e")))
    with pytest.raises(JsonStatError, match=r"make 20,000,000 cells"):
        decode(json.dumps(_cube([5000, 4000], {}, ["e"])))


@pytest.mark.parametrize("content", [
    _surrogate_in("status value"),
    json.dumps(base_doc()).replace('"size": [2, 3]', '"size": [2, 3' + "0" * 5000 + "]"),
])
def test_python_m_etl_decode_prints_one_line_for_unwritable_strings_and_huge_integers(tmp_path, content):
    path = tmp_path / "hostile.json"
    path.write_text(content)
    proc = subprocess.run([sys.executable, "-m", "etl", "decode", str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1 and proc.stdout == "", proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"decode: {path}: ") and "Traceback" not in proc.stderr, proc.stderr
