"""Statistics Norway (SSB) PxWebApi v2, JSON-stat 2.0 (decoded by `etl.readers.jsonstat`).

For each table: `GET {base}/tables/{id}/metadata?lang=en&outputFormat=json-stat2` first; the selection is built
from that metadata by matching the catalogue's requested codes (never guessed): a requested variable or code the
metadata does not have is a "changed schema" error naming what is there. Then
`POST {base}/tables/{id}/data?lang=en&outputFormat=json-stat2` with `{"selection": [...]}`.

Limits (sources.md §1.1): at most 800,000 cells per call and 30 calls per minute. The cell count of a selection
is computed from the metadata sizes; larger selections are split (along the time variable first), and every call
goes through a sliding-window rate limiter with an injectable clock.

Catalogue entry: `connector = { source = "ssb", table = "11004", contents = "<ContentsCode>",
filters = { Kjonn = "0", Alder = "16-79" } }`. Variables not named in `filters` must be eliminable or have a
single category; the time variable is taken whole (every period in the metadata).
"""
from __future__ import annotations

import math
import time
from collections import deque
from typing import Any, Callable

import pandas as pd
import requests

from etl.connector import Connector, ConnectorError, IndicatorSpec, empty_rows, format_values, status_to_flags
from etl.lineage import RawResponse
from etl.readers.jsonstat import Dimension, JsonStatError, decode, parse_json, read_dimensions

MAX_CELLS = 800_000       # PxWebApi v2 limits (sources.md §1.1); source.toml [fetch.options] may lower them
CALLS_PER_WINDOW = 30
WINDOW_SECONDS = 60.0


class RateLimiter:
    """At most `max_calls` in any `period` seconds (sliding window). Clock and sleep are injectable."""

    def __init__(self, max_calls: int = CALLS_PER_WINDOW, period: float = WINDOW_SECONDS, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.max_calls = max_calls
        self.period = period
        self.clock = clock
        self.sleep = sleep
        self.calls: deque[float] = deque()
        self.waited = 0.0

    def acquire(self) -> float:
        """Block until a call is allowed; return how long it waited."""
        waited = 0.0
        while True:
            now = self.clock()
            while self.calls and now - self.calls[0] >= self.period:
                self.calls.popleft()
            if len(self.calls) < self.max_calls:
                self.calls.append(now)
                self.waited += waited
                return waited
            delay = self.period - (now - self.calls[0])
            self.sleep(delay)
            waited += delay


def cell_count(selection: dict[str, list[str]]) -> int:
    return math.prod(len(v) for v in selection.values()) if selection else 1


def split_selection(selection: dict[str, list[str]], max_cells: int = MAX_CELLS,
                    prefer: list[str] | None = None) -> list[dict[str, list[str]]]:
    """Split a selection into parts of at most `max_cells` cells, cutting `prefer` variables (time) first."""
    if cell_count(selection) <= max_cells:
        return [selection]
    order = [v for v in (prefer or []) if v in selection and len(selection[v]) > 1]
    order += sorted((v for v in selection if v not in order and len(selection[v]) > 1),
                    key=lambda v: -len(selection[v]))
    if not order:
        raise ConnectorError("values", f"a single-cell selection cannot exceed {max_cells} cells")
    var = order[0]
    others = cell_count({k: v for k, v in selection.items() if k != var})
    per_part = max_cells // others
    if per_part >= 1:
        codes = selection[var]
        return [{**selection, var: codes[i:i + per_part]} for i in range(0, len(codes), per_part)]
    # even one code of `var` is too big: take codes one at a time and split further
    parts = []
    for code in selection[var]:
        parts += split_selection({**selection, var: [code]}, max_cells, prefer)
    return parts


class SsbConnector(Connector):

    def __init__(self, specs: list[IndicatorSpec], *, limiter: RateLimiter | None = None,
                 max_cells: int = MAX_CELLS, **kw: Any):
        super().__init__(specs, **kw)
        self.limiter = limiter or RateLimiter()
        self.lang = self.options.get("lang", "en")
        self.max_cells = int(self.options.get("max_cells", max_cells))

    def groups(self) -> dict[tuple[str, str], list[IndicatorSpec]]:
        """Indicators sharing a table and filters go into one query."""
        out: dict[tuple[str, str], list[IndicatorSpec]] = {}
        for spec in self.specs:
            table = spec.connector.get("table")
            if not table or not spec.connector.get("contents"):
                raise ConnectorError("schema", f"indicator {spec.indicator_id}: SSB connector needs 'table' and 'contents'")
            key = (str(table), repr(sorted((spec.connector.get("filters") or {}).items())))
            out.setdefault(key, []).append(spec)
        return out

    def expected_requests(self) -> int:
        return 2 * len(self.groups())  # metadata + data per table (more if a selection must be split)

    def _call(self, session: requests.Session, url: str, **kw: Any) -> RawResponse:
        self.limiter.acquire()
        return self.request(session, url, **kw)

    def metadata_url(self, table: str) -> str:
        return f"{self.base_url}/tables/{table}/metadata"

    def build_selection(self, table: str, dims: dict[str, Dimension], ids: list[str], roles: dict[str, list[str]],
                        specs: list[IndicatorSpec]) -> tuple[dict[str, list[str]], str, str]:
        """Selection {variable: codes} from metadata, plus the names of the contents and time variables."""
        contents_var = (roles.get("metric") or ["ContentsCode"])[0]
        time_var = (roles.get("time") or ["Tid"])[0]
        for var in (contents_var, time_var):
            if var not in dims:
                raise ConnectorError("schema", f"table {table}: changed schema, no variable '{var}' in the metadata "
                                               f"(variables: {', '.join(ids)})")
        selection: dict[str, list[str]] = {}
        wanted = list(dict.fromkeys(str(s.connector["contents"]) for s in specs))
        missing = [c for c in wanted if c not in dims[contents_var].codes]
        if missing:
            raise ConnectorError("schema", f"table {table}: changed schema, {contents_var} code(s) {', '.join(missing)} "
                                           f"not in the metadata (has: {', '.join(dims[contents_var].codes)})")
        selection[contents_var] = wanted
        filters = {str(k): v for k, v in (specs[0].connector.get("filters") or {}).items()}
        for var, value in filters.items():
            if var not in dims:
                raise ConnectorError("schema", f"table {table}: changed schema, variable '{var}' not in the metadata "
                                               f"(variables: {', '.join(ids)})")
            codes = [str(v) for v in value] if isinstance(value, list) else [str(value)]
            absent = [c for c in codes if c not in dims[var].codes]
            if absent:
                shown = ", ".join(dims[var].codes[:15]) + (" …" if len(dims[var].codes) > 15 else "")
                raise ConnectorError("schema", f"table {table}: changed schema, {var} code(s) {', '.join(absent)} "
                                               f"not in the metadata (has: {shown})")
            selection[var] = codes
        for var in ids:
            if var in selection:
                continue
            if var == time_var:
                since = specs[0].connector.get("since")
                codes = dims[var].codes
                selection[var] = [c for c in codes if not since or c >= str(since)]
            elif len(dims[var].codes) == 1:
                selection[var] = list(dims[var].codes)
            elif dims[var].extension.get("elimination") is True:
                continue  # left out: SSB returns the elimination value (usually the total)
            else:
                raise ConnectorError("schema", f"table {table}: variable '{var}' cannot be eliminated and has no "
                                               f"filter in the catalogue (codes: {', '.join(dims[var].codes[:10])})")
        return selection, contents_var, time_var

    def fetch(self, session: requests.Session) -> list[RawResponse]:
        raws: list[RawResponse] = []
        for (table, _), specs in self.groups().items():
            meta = self._call(session, self.metadata_url(table),
                              params={"lang": self.lang, "outputFormat": "json-stat2"})
            meta.context = {"role": "metadata", "table": table}
            raws.append(meta)
            try:
                doc = parse_json(meta.body)
                ids, _, dims = read_dimensions(doc)
            except JsonStatError as exc:
                raise ConnectorError("malformed", f"ssb: table {table}: metadata is not usable JSON-stat ({exc})") from None
            roles = doc.get("role") if isinstance(doc.get("role"), dict) else {}
            roles = {str(k): [str(x) for x in v] for k, v in roles.items() if isinstance(v, list)}
            selection, contents_var, time_var = self.build_selection(table, dims, ids, roles, specs)
            parts = split_selection(selection, self.max_cells, prefer=[time_var])
            for n, part in enumerate(parts, start=1):
                body = {"selection": [{"variableCode": var, "valueCodes": codes} for var, codes in part.items()]}
                raw = self._call(session, f"{self.base_url}/tables/{table}/data", method="POST",
                                 params={"lang": self.lang, "outputFormat": "json-stat2"}, json_body=body)
                raw.context = {"role": "data", "table": table, "part": n, "parts": len(parts),
                               "cells": cell_count(part), "contents_var": contents_var, "time_var": time_var,
                               "indicators": [s.indicator_id for s in specs]}
                raws.append(raw)
        return raws

    def parse(self, raw: RawResponse) -> pd.DataFrame:
        if raw.context.get("role") != "data":
            return empty_rows()
        table = raw.context["table"]
        try:
            ds = decode(raw.body)
        except JsonStatError as exc:
            raise ConnectorError("malformed", f"ssb: table {table}: response is not usable JSON-stat ({exc})") from None
        cvar, tvar = raw.context["contents_var"], raw.context["time_var"]
        for var in (cvar, tvar):
            if var not in ds.dimensions:
                raise ConnectorError("schema", f"table {table}: changed schema, data has no '{var}' variable")
        frame = ds.frame.assign(_row=ds.cell_index)  # origin_row = the cell's flat JSON-stat index
        frame = frame[frame["value"].notna()]
        specs = [s for s in self.specs if s.indicator_id in raw.context["indicators"]]
        published = (ds.updated or "")[:10]
        out = []
        for spec in specs:
            part = frame[frame[cvar] == str(spec.connector["contents"])]
            # every other variable must be at the requested single code
            for var, value in (spec.connector.get("filters") or {}).items():
                if var in part.columns and not isinstance(value, list):
                    part = part[part[var] == str(value)]
            if not len(part):
                continue
            flags, note = status_to_flags(part["status"])
            out.append(pd.DataFrame({
                "indicator_id": spec.indicator_id,
                "geo": str(spec.connector.get("geo", "NO")),
                "breakdown": str(spec.connector.get("breakdown", "")),
                "period": part[tvar].astype("string").to_numpy(),
                "value": format_values(part["value"].to_numpy()).to_numpy(),
                "unit": spec.unit,
                "source_org": spec.source_org or "Statistics Norway (SSB)",
                "source_dataset": spec.source_dataset or f"SSB table {table}",
                "source_url": raw.url,  # where the figure was read (the data call; the selection is in the note)
                "published": published,
                "flags": flags.to_numpy(),
                "note": (f"SSB table {table}, {cvar}={spec.connector['contents']} via PxWebApi v2; "
                         + note.astype(str)).str.rstrip("; ").to_numpy(),
                "origin": raw.response_id,
                "origin_row": part["_row"].to_numpy(),
            }))
        return pd.concat(out, ignore_index=True) if out else empty_rows()
