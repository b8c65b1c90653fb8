"""Worksheet rows of an .xlsx workbook (openpyxl, read-only, cached values), with clear errors."""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Iterator

from etl.readers import ReadError


def sheet_rows(path: Path, sheet: str, *, label: str | None = None) -> Iterator[list]:
    """Yield each row of `sheet` as a list of cell values; ReadError for a file that is not a workbook or a sheet
    that is not in it."""
    import openpyxl  # noqa: PLC0415 (only workbook sources need it)

    label = label or Path(path).name
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ReadError("malformed", f"{label}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        if sheet not in wb.sheetnames:
            raise ReadError("schema", f"{label}: no sheet '{sheet}' (sheets: {', '.join(wb.sheetnames)})")
        for values in wb[sheet].iter_rows(values_only=True):
            yield list(values)
    finally:
        wb.close()
