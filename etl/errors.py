"""The project's own error family: one base class, so every command can tell a named problem from a bug.

Each module raises its own subclass (`DataError` for observation files, `CatalogError` for the catalogue,
`MethodError` for the method's parameters, `SourceError` for a source folder, `ReadError` / `JsonStatError` for a
file format, `BuildError`, `CurateError`, …), always with a message that names the file (and the row or key) and
the problem. The command lines (`python -m etl`, `python -m indicators`) catch `MonitorError` and print that message
instead of a traceback; anything else that escapes is a bug in the monitor and keeps its traceback.
"""
from __future__ import annotations


class MonitorError(Exception):
    """Input the monitor cannot accept, or a step that cannot go on; the message names the file and the problem."""
