"""CSV text with encoding checks: bytes → text → header + records, strictly (a truncated or ragged file is an error).

`decode_text` refuses UTF-16 and binary bodies (NUL bytes) with a clear message instead of decoding them into
garbage, then tries the allowed encodings in order. `read_records` parses with the `csv` module in strict mode and
checks every row has as many fields as the header.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from etl.readers import ReadError


def decode_text(body: bytes, *, label: str, encodings: tuple[str, ...] = ("utf-8-sig",)) -> str:
    if body.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in body[:4096]:
        raise ReadError("malformed", f"{label}: UTF-16 or binary data, not CSV text in {' or '.join(encodings)}")
    for encoding in encodings:
        try:
            return body.decode(encoding)
        except UnicodeDecodeError as exc:
            problem = exc
    raise ReadError("malformed", f"{label}: not {' or '.join(encodings)} text (byte {problem.start}: "
                                 f"{body[problem.start:problem.start + 1]!r})")


def read_records(text: str, *, label: str, delimiter: str = ",", complete: bool = False
                 ) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of CSV text; ReadError naming the line for a ragged row, an open quote or an empty file.
    With `complete`, text that does not end with a line break is refused as truncated: a body cut off inside the
    last number ('0.81168' → '0.81') would otherwise be a well-formed row with a wrong value."""
    if complete and text.strip() and not text.endswith(("\n", "\r")):
        raise ReadError("malformed", f"{label}: truncated (the last line has no line break: the file was cut off?)")
    try:
        records = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter,
                                  strict=True))
    except csv.Error as exc:
        hint = " (truncated file or an unterminated quote?)" if "end of data" in str(exc) else ""
        raise ReadError("malformed", f"{label}: not readable CSV ({exc}){hint}") from None
    records = [r for r in records if r]  # blank lines
    if not records:
        raise ReadError("malformed", f"{label}: empty file (no header row)")
    header, rows = records[0], records[1:]
    for line, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise ReadError("malformed", f"{label} row {line}: {len(row)} fields, the header has {len(header)} "
                                         "(truncated file or a stray delimiter?)")
    return header, rows


def read_dicts(text: str, *, label: str, required: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Rows as {column: text}; ReadError('schema') naming the missing columns when `required` are absent."""
    header, rows = read_records(text, label=label)
    missing = [c for c in required if c not in header]
    if missing:
        raise ReadError("schema", f"{label}: changed header, missing column(s) {', '.join(missing)} "
                                  f"(header: {', '.join(header)[:300]})")
    return [dict(zip(header, row)) for row in rows]


def read_file(path: Path, *, label: str | None = None, required: tuple[str, ...] = (),
              encodings: tuple[str, ...] = ("utf-8-sig",)) -> list[dict[str, str]]:
    label = label or Path(path).name
    return read_dicts(decode_text(Path(path).read_bytes(), label=label, encodings=encodings), label=label,
                      required=required)
