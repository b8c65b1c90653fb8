"""The one small interface every live connector implements: fetch raw → archive → parse → tidy rows.

A connector is the class in `etl/sources/<name>/fetch.py`; it takes its name (the folder), default base URL,
`accumulates` and default options from the `[fetch]` table of the `source.toml` beside it. Which catalogue
indicators it feeds is data: `connector = { source = "<name>", ... }` on the indicator in `indicators/catalog.toml`
(`plan()` reads them). `parse()` returns `etl.schema.LIVE_COLUMNS`: the curated columns plus `origin` (the archived
raw response id) and `origin_row`; `source_url` is the URL the figure was read from.
"""
from __future__ import annotations

import os
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import requests

from etl.errors import MonitorError
from etl.http import FetchError, fetch as http_fetch
from etl.inputs import read_toml
from etl.lineage import RawArchive, RawResponse
from etl.schema import LIVE_COLUMNS
from etl.source_metadata import SourceError, check_metadata

# Eurostat/SSB-style observation status letters → the monitor's flags (docs/data-model.md); others go to the note.
STATUS_FLAGS = {"b": "break_in_series", "p": "provisional", "u": "uncertain", "e": "approximate"}


class ConnectorError(MonitorError, RuntimeError):
    """A source could not deliver usable data. `kind`: offline, timeout, http, network, malformed, schema, values."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind

    @classmethod
    def from_fetch(cls, exc: FetchError) -> "ConnectorError":
        return cls(exc.kind, str(exc))


@dataclass(frozen=True)
class IndicatorSpec:
    """A catalogue indicator fed by a connector, with what the connector needs to know about it."""

    indicator_id: str
    unit: str
    unit_kind: str
    unit_limit: float | None
    source_org: str
    source_dataset: str
    connector: dict[str, Any] = field(hash=False, compare=False)


class Connector(ABC):
    """Base class: `fetch(session) -> list[RawResponse]`, `parse(raw) -> DataFrame` (LIVE_COLUMNS)."""

    name: str = ""
    default_base_url: str = ""
    accumulates: bool = False  # True: each run adds a dated row; earlier rows are kept
    default_options: dict[str, Any] = {}

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        module = sys.modules.get(cls.__module__)
        folder = Path(getattr(module, "__file__", "") or ".").resolve().parent
        toml = folder / "source.toml"
        if not toml.exists():
            return  # an abstract helper class outside a source folder
        meta = read_toml(toml, error=SourceError)
        check_metadata(toml, meta)
        fetch = meta.get("fetch", {})
        cls.name = folder.name
        cls.default_base_url = str(fetch.get("base_url", cls.default_base_url))
        cls.accumulates = bool(fetch.get("accumulates", cls.accumulates))
        cls.default_options = dict(fetch.get("options", {}))

    def __init__(
        self,
        specs: list[IndicatorSpec],
        *,
        archive: RawArchive,
        base_url: str | None = None,
        on_request: Callable[[str], None] | None = None,
        options: dict[str, Any] | None = None,
    ):
        self.specs = list(specs)
        self.archive = archive
        env = os.environ.get(f"MONITOR_{self.name.upper()}_BASE_URL")
        self.base_url = (base_url or env or self.default_base_url).rstrip("/")
        self.on_request = on_request
        self.options = {**self.default_options, **(options or {})}
        self.responses: list[RawResponse] = []  # everything archived by this connector in this run

    def _record(self, raw: RawResponse) -> RawResponse:
        self.responses.append(raw)
        return raw

    def expected_requests(self) -> int | None:
        """How many requests fetch() will make, if known in advance (for the progress bar)."""
        return None

    def request(self, session: requests.Session, url: str, **kw: Any) -> RawResponse:
        try:
            return self._record(http_fetch(session, self.archive, source=self.name, url=url,
                                           on_request=self.on_request, **kw))
        except FetchError as exc:
            if exc.response is not None:
                self._record(exc.response)
            raise ConnectorError.from_fetch(exc) from None

    @abstractmethod
    def fetch(self, session: requests.Session) -> list[RawResponse]: ...

    @abstractmethod
    def parse(self, raw: RawResponse) -> pd.DataFrame: ...

    def run(self, session: requests.Session) -> tuple[pd.DataFrame, list[RawResponse]]:
        raws = self.fetch(session)
        frames = [self.parse(raw) for raw in raws]
        frames = [f[LIVE_COLUMNS] for f in frames if len(f)]
        rows = pd.concat(frames, ignore_index=True) if frames else empty_rows()
        return rows, raws


def empty_rows() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="string") for c in LIVE_COLUMNS})


def format_values(values: np.ndarray | pd.Series) -> pd.Series:
    """Numbers as text without binary artefacts (0.8116800000000001 → 0.81168, 1658.0 → 1658)."""
    arr = np.asarray(values, dtype=float)
    return pd.Series([format(v, ".10g") for v in np.round(arr, 10)], dtype="string")


def status_to_flags(status: pd.Series, labels: dict[str, str] | None = None) -> tuple[pd.Series, pd.Series]:
    """(flags, note) from status letters: known letters become flags, others are explained in the note."""
    labels = labels or {}
    uniq = {s for s in status.dropna().unique() if s}
    flag_map: dict[str, str] = {}
    note_map: dict[str, str] = {}
    for s in uniq:
        letters = [c for c in str(s) if c.strip()]
        flag_map[s] = ";".join(dict.fromkeys(STATUS_FLAGS[c] for c in letters if c in STATUS_FLAGS))
        other = [c for c in letters if c not in STATUS_FLAGS]
        note_map[s] = "; ".join(f"status '{c}'" + (f" ({labels[c]})" if c in labels else "") for c in other)
    keys = status.fillna("").astype(str).tolist()
    flags = pd.Series([flag_map.get(k, "") for k in keys], index=status.index, dtype="string")
    note = pd.Series([note_map.get(k, "") for k in keys], index=status.index, dtype="string")
    return flags, note


@dataclass
class Plan:
    specs: dict[str, list[IndicatorSpec]]  # source name → catalogue indicators it feeds


def plan(catalog_path: Path) -> Plan:
    """Which catalogue indicators each live source feeds (`connector = { source = ..., ... }` entries).
    CatalogError naming the file (and the entry) for a catalogue that is not valid TOML or has the wrong shape."""
    from indicators.catalog import CatalogError

    catalog = read_toml(catalog_path, error=CatalogError)
    try:
        return _plan(catalog)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise CatalogError(f"{catalog_path}: a [[units]] or [[indicators]] entry has the wrong shape "
                           f"({type(exc).__name__}: {exc})") from None


def _plan(catalog: dict[str, Any]) -> Plan:
    units = {u["id"]: u for u in catalog.get("units", [])}
    specs: dict[str, list[IndicatorSpec]] = {}
    for ind in catalog.get("indicators", []):
        connector = ind.get("connector")
        if not connector:
            continue
        if not isinstance(connector, dict):
            raise TypeError(f"indicator {ind.get('id')!r}: connector must be a table, got {connector!r}")
        if not connector.get("source"):
            continue
        unit = units.get(ind.get("unit"), {})
        specs.setdefault(connector["source"], []).append(IndicatorSpec(
            indicator_id=ind["id"], unit=ind.get("unit", ""), unit_kind=unit.get("kind", ""),
            unit_limit=float(unit["limit"]) if unit.get("limit") is not None else None,
            source_org=ind.get("source_org", ""), source_dataset=ind.get("source_dataset", ""),
            connector=dict(connector),
        ))
    return Plan(specs=specs)


class reading:
    """`with reading(self.name):` turns a reader's ReadError (or a JSON-stat error) into this source's
    ConnectorError, naming the source and the problem."""

    def __init__(self, source: str):
        self.source = source

    def __enter__(self) -> "reading":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        from etl.readers import ReadError
        from etl.readers.jsonstat import JsonStatError

        if exc is None or not isinstance(exc, (ReadError, JsonStatError)):
            return False
        kind = getattr(exc, "kind", "malformed")
        raise ConnectorError(kind, f"{self.source}: {exc}") from None
