"""Readers: one per file format, shared by curation (published reference files) and the live connectors.

Generic formats live here (`csv`: CSV text with encoding checks; `jsonstat`: JSON-stat 2.0; `xlsx`: worksheet rows);
a format only one publisher uses lives in that source's folder (e.g. `etl/sources/un_egdi/reader.py`). A reader
raises `ReadError` (kind `malformed` or `schema`) naming the file and the problem.
"""
from __future__ import annotations

from etl.errors import MonitorError


class ReadError(MonitorError, ValueError):
    """A file that cannot be read as its format. `kind`: malformed (not the format) or schema (unexpected layout)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
