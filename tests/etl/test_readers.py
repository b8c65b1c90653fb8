"""The generic readers: CSV text with encoding checks, xlsx sheets."""
from __future__ import annotations

import pytest

from etl.readers import ReadError
from etl.readers.csv import decode_text, read_dicts, read_records
from etl.readers.xlsx import sheet_rows


def test_csv_bom_crlf_and_quotes():
    header, rows = read_records('\ufeffa,b\r\n"x, y",2\r\n', label="t.csv")
    assert header == ["a", "b"] and rows == [["x, y", "2"]]


@pytest.mark.parametrize("body,text", [
    ("a,b\n1\n", "t.csv row 2: 1 fields, the header has 2"),
    ('a,b\n"1,2\n', "truncated file or an unterminated quote"),
    ("", "empty file"),
])
def test_csv_broken(body, text):
    with pytest.raises(ReadError, match=text) as info:
        read_records(body, label="t.csv")
    assert info.value.kind == "malformed"


def test_csv_encodings():
    assert decode_text("Bokmål".encode(), label="x") == "Bokmål"
    with pytest.raises(ReadError, match="x: not utf-8-sig text"):
        decode_text("Bokmål".encode("latin-1"), label="x")
    assert decode_text("Bokmål".encode("latin-1"), label="x", encodings=("utf-8-sig", "latin-1")) == "Bokmål"
    with pytest.raises(ReadError, match="UTF-16"):
        decode_text("a,b\n".encode("utf-16"), label="x", encodings=("utf-8-sig", "latin-1"))


def test_csv_required_columns():
    assert read_dicts("a,b\n1,2\n", label="t", required=("a",)) == [{"a": "1", "b": "2"}]
    with pytest.raises(ReadError, match="t: changed header, missing column\\(s\\) c") as info:
        read_dicts("a,b\n1,2\n", label="t", required=("a", "c"))
    assert info.value.kind == "schema"


def test_xlsx_rows_and_errors(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "S"
    wb.active.append(["Country", "Score"])
    wb.active.append(["NO", 80.5])
    wb.save(tmp_path / "w.xlsx")
    assert list(sheet_rows(tmp_path / "w.xlsx", "S")) == [["Country", "Score"], ["NO", 80.5]]
    with pytest.raises(ReadError, match="no sheet 'T' \\(sheets: S\\)"):
        list(sheet_rows(tmp_path / "w.xlsx", "T"))
    (tmp_path / "bad.xlsx").write_text("not a zip")
    with pytest.raises(ReadError, match="bad.xlsx: not a readable .xlsx workbook"):
        list(sheet_rows(tmp_path / "bad.xlsx", "S"))
