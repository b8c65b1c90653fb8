"""What a `source.toml` may hold, checked before any source code is imported (shared by the source registry in
`etl.sources` and the connector base class in `etl.connector`, which must not import each other)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from etl.errors import MonitorError


class SourceError(MonitorError, ValueError):
    """A source folder is incomplete or contradicts another one; the message names the folder and the problem."""


# source.toml: the type each top-level key must have (tables and arrays of tables); no other key is allowed
METADATA_TYPES = {"source": dict, "publishers": list, "claims": list, "curate": dict, "fetch": dict}
# [source]: the keys it may hold (title required)
SOURCE_KEYS = ("title", "home_page", "official_hosts")


def check_metadata(path: Path, meta: dict[str, Any]) -> None:
    """SourceError naming the file and the key when a section of a source.toml has the wrong type."""
    def fail(key: str, expected: str, value: Any) -> None:
        raise SourceError(f"{path}: '{key}' must be {expected}, got {type(value).__name__} {str(value)[:60]!r}")

    unknown = sorted(set(meta) - set(METADATA_TYPES))
    if unknown:
        raise SourceError(f"{path}: unknown key(s) {', '.join(map(repr, unknown))[:200]} (allowed: "
                          f"{', '.join(METADATA_TYPES)})")
    for key, kind in METADATA_TYPES.items():
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, kind):
            fail(key, "a table" if kind is dict else "an array of tables", value)
        if kind is list:
            for n, entry in enumerate(value, start=1):
                if not isinstance(entry, dict):
                    fail(f"{key}[{n}]", "a table", entry)
    curate = meta.get("curate") or {}
    for key in ("files", "series_breaks", "report_year_periods", "read_from", "exclude"):
        if key in curate and not (isinstance(curate[key], list) and all(isinstance(e, dict) for e in curate[key])):
            fail(f"curate.{key}", "an array of tables", curate[key])
    for n, entry in enumerate(curate.get("files", []), start=1):
        if not isinstance(entry.get("path"), str):
            fail(f"curate.files[{n}].path", "a string", entry.get("path"))
    hosts = (meta.get("source") or {}).get("official_hosts", [])
    if not (isinstance(hosts, list) and all(isinstance(h, str) for h in hosts)):
        fail("source.official_hosts", "an array of host names", hosts)
    fetch = meta.get("fetch") or {}
    if "options" in fetch and not isinstance(fetch["options"], dict):
        fail("fetch.options", "a table", fetch["options"])
    if "base_url" in fetch and not isinstance(fetch["base_url"], str):
        fail("fetch.base_url", "a string", fetch["base_url"])
    if "accumulates" in fetch and not isinstance(fetch["accumulates"], bool):
        fail("fetch.accumulates", "true or false", fetch["accumulates"])
    source = meta.get("source")
    if source is None:
        raise SourceError(f"{path}: no [source] table (every source.toml names its source: title = \"...\")")
    unknown = sorted(set(source) - set(SOURCE_KEYS))
    if unknown:
        raise SourceError(f"{path}: [source] has unknown key(s) {', '.join(map(repr, unknown))[:200]} (allowed: "
                          f"{', '.join(SOURCE_KEYS)})")
    if not isinstance(source.get("title"), str) or not source["title"].strip():
        fail("source.title", "a non-empty string", source.get("title"))
    if "home_page" in source and not isinstance(source["home_page"], str):
        fail("source.home_page", "a string", source["home_page"])
    for n, entry in enumerate(meta.get("publishers", []), start=1):
        for key, value in entry.items():
            if not isinstance(value, str):
                fail(f"publishers[{n}].{key}", "a string", value)
