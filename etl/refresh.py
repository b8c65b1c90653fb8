"""`python -m etl refresh`: fetch the API-backed indicators from their publishers and rebuild the warehouse.

Per source: fetch → archive (data/raw/<source>/) → parse → check values against the unit. A source that fails
(network, HTTP error, malformed body, changed schema, values its unit does not allow) is named with its fault;
its last good live rows are carried over from the current warehouse and the other sources are still updated.
The new warehouse is built by `etl.build.build_warehouse` (temp file, validated, atomic rename), so a failed
build leaves the served file untouched. With no network at all, one line says so and nothing is written.

Exit codes: 0 every source refreshed; 1 some source failed (others updated) or the build failed; 2 usage;
3 offline (no source reachable; warehouse unchanged).
"""
from __future__ import annotations

import os
import re
import sys
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import duckdb
import pandas as pd
import requests

from etl.connectors import CONNECTORS
from etl.connectors.base import LIVE_COLUMNS, ConnectorError, IndicatorSpec
from etl.connectors.mapping import SOURCES_PATH, plan as make_plan
from etl.http import HttpConfig, make_session
from etl.lineage import RAW_RESPONSE_COLUMNS, RawArchive, RawResponse, raw_responses_frame

SOURCE_STATUS_COLUMNS = ["source", "last_attempt", "last_success", "last_error", "row_count"]
EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_OFFLINE = 0, 1, 2, 3


@dataclass
class SourceResult:
    source: str
    ok: bool
    rows: pd.DataFrame
    responses: list[RawResponse]
    attempted_at: datetime
    error_kind: str = ""
    error: str = ""
    indicators: int = 0

    def line(self) -> str:
        if self.ok:
            return (f"{self.source}: ok, {len(self.rows)} observations for {self.indicators} indicators "
                    f"from {len(self.responses)} responses")
        return f"{self.source}: FAILED ({self.error_kind}) {self.error}; keeping its last good data"


@dataclass
class RefreshReport:
    exit_code: int
    results: list[SourceResult] = field(default_factory=list)
    message: str = ""
    build_id: str | None = None
    n_live: int = 0
    live_indicators: int = 0


def check_units(rows: pd.DataFrame, specs: list[IndicatorSpec]) -> None:
    """Raise ConnectorError('values') if a value is outside what its unit allows (negative, above the limit)."""
    if not len(rows):
        return
    by_id = {s.indicator_id: s for s in specs}
    values = pd.to_numeric(rows["value"], errors="coerce")
    problems = []
    if values.isna().any():
        r = rows[values.isna()].iloc[0]
        problems.append(f"{r['indicator_id']} {r['geo']} {r['period']} = '{r['value']}' is not a number")
    limit = rows["indicator_id"].map(lambda i: by_id[i].unit_limit if i in by_id else None).astype(float)
    kind = rows["indicator_id"].map(lambda i: by_id[i].unit_kind if i in by_id else "")
    low = (values < 0) | ((kind == "rank") & (values < 1))
    high = limit.notna() & (values > limit)
    for mask, what in ((low, "below the unit's minimum"), (high, "above the unit's limit")):
        for _, r in rows[mask].head(3).iterrows():
            spec = by_id.get(r["indicator_id"])
            allowed = f"0–{spec.unit_limit:g}" if spec and spec.unit_limit is not None else "≥ 0"
            problems.append(f"{r['indicator_id']} {r['geo']} {r['period']} = {r['value']} is {what} "
                            f"({r['unit']} allows {allowed})")
    if problems:
        n = int(low.sum() + high.sum() + values.isna().sum())
        raise ConnectorError("values", f"{n} value(s) outside what the unit allows: " + "; ".join(problems[:3]))


def read_live_state(warehouse: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(live observations, raw_responses, source_status) of the current warehouse; empty frames if absent."""
    live = pd.DataFrame(columns=LIVE_COLUMNS)
    raws = pd.DataFrame(columns=RAW_RESPONSE_COLUMNS)
    status = pd.DataFrame(columns=SOURCE_STATUS_COLUMNS)
    if not warehouse.exists():
        return live, raws, status
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            cols = {r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'observations'").fetchall()}
            if "observations" in tables and {"origin_kind", "connector_source"} <= cols:
                value_col = "value_text" if "value_text" in cols else "CAST(value AS VARCHAR)"
                live = con.execute(
                    f"""SELECT indicator_id, geo, breakdown, period, {value_col} AS value, unit_id AS unit,
                               source_org, source_dataset, source_url, published, flags, note, origin, origin_row,
                               origin_kind, connector_source
                        FROM observations WHERE origin_kind = 'live' ORDER BY connector_source, origin, origin_row"""
                ).df()
            if "raw_responses" in tables:
                raws = con.execute("SELECT * FROM raw_responses").df()
            if "source_status" in tables:
                status = con.execute("SELECT * FROM source_status").df()
    except duckdb.Error as exc:
        print(f"refresh: cannot read the current warehouse ({exc}); previous live rows are not carried over",
              file=sys.stderr)
    for column in ("breakdown", "published", "flags", "note"):
        if column in live:
            live[column] = live[column].fillna("")
    return live, raws, status


def merge_live(prev_live: pd.DataFrame, results: list[SourceResult], known_ids: set[str]) -> pd.DataFrame:
    """This run's live rows: new rows of sources that succeeded; the last good rows of sources that failed or
    were not attempted; for accumulating sources (data.norge.no) the earlier days' rows plus today's."""
    frames = []
    for name in sorted(set(prev_live["connector_source"]) | {r.source for r in results}):
        result = next((r for r in results if r.source == name), None)
        old = prev_live[prev_live["connector_source"] == name]
        if result is None or not result.ok:
            frames.append(old)
            continue
        if CONNECTORS[name].accumulates and len(old):
            key = ["indicator_id", "geo", "breakdown", "period"]
            seen = set(map(tuple, result.rows[key].astype(str).to_numpy()))
            frames.append(old[~old[key].astype(str).apply(tuple, axis=1).isin(seen)])
        frames.append(result.rows)
    frames = [f for f in frames if len(f)]
    live = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LIVE_COLUMNS)
    live = live[live["indicator_id"].isin(known_ids)][LIVE_COLUMNS].reset_index(drop=True)
    for column in LIVE_COLUMNS:
        if column != "origin_row":
            live[column] = live[column].astype(str).replace({"nan": "", "<NA>": "", "None": ""})
    live["origin_row"] = pd.to_numeric(live["origin_row"]).astype("int64")
    return live


def source_status(prev_status: pd.DataFrame, results: list[SourceResult], live: pd.DataFrame) -> pd.DataFrame:
    """Per source: last attempt, last success, last error ('' after a success) and live rows now served."""
    status = {row["source"]: dict(row) for _, row in prev_status.iterrows()}
    for r in results:
        entry = status.get(r.source, {"source": r.source, "last_success": pd.NaT})
        entry["last_attempt"] = r.attempted_at
        if r.ok:
            entry["last_success"] = r.attempted_at
        entry["last_error"] = "" if r.ok else f"{r.error_kind}: {r.error}"
        status[r.source] = entry
    counts = live.groupby("connector_source").size().to_dict()
    frame = pd.DataFrame([{**v, "row_count": int(counts.get(k, 0))} for k, v in sorted(status.items())],
                         columns=SOURCE_STATUS_COLUMNS)
    for column in ("last_attempt", "last_success"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    frame["row_count"] = frame["row_count"].astype("int64")
    frame["last_error"] = frame["last_error"].fillna("").astype(str)
    return frame


class _Progress:
    """rich progress on stderr (live bars only on a terminal); result lines always printed."""

    def __init__(self, stream=None):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

        self.console = Console(file=stream or sys.stderr, highlight=False, soft_wrap=True)
        self.progress = Progress(
            SpinnerColumn(), TextColumn("[bold]{task.fields[source]:<10}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.description}", style="dim"),
            console=self.console, transient=True, disable=not self.console.is_terminal,
        )
        self.tasks: dict[str, Any] = {}

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        self.progress.__exit__(*exc)

    def start(self, source: str, total: int | None) -> Callable[[str], None]:
        task = self.progress.add_task("", total=total, source=source)
        self.tasks[source] = task
        seen = {"n": 0}

        def on_request(what: str) -> None:
            if seen["n"]:
                self.progress.advance(task)
            seen["n"] += 1
            self.progress.update(task, description=what[:90])

        return on_request

    def finish(self, source: str) -> None:
        task = next((t for t in self.progress.tasks if t.id == self.tasks.get(source)), None)
        if task is not None:
            self.progress.update(task.id, completed=task.total or task.completed + 1, description="done")

    def line(self, text: str) -> None:
        self.console.print(text, markup=False)


def refresh(
    warehouse: Path,
    *,
    catalog_path: Path,
    snapshot_dir: Path,
    sources: list[str] | None = None,
    raw_dir: Path | None = None,
    session: requests.Session | None = None,
    http_config: HttpConfig | None = None,
    connector_kwargs: dict[str, dict[str, Any]] | None = None,
    sources_path: Path | None = SOURCES_PATH,
    stream=None,
    out=None,
) -> RefreshReport:
    from etl.build import BuildError, build_warehouse

    warehouse = Path(warehouse)
    out = out or sys.stdout
    err = stream or sys.stderr
    plan = make_plan(catalog_path, sources_path)
    wanted = list(sources) if sources else sorted(plan.specs)
    unknown = [s for s in wanted if s not in CONNECTORS]
    if unknown and sources:
        print(f"refresh: unknown source(s) {', '.join(unknown)} (known: {', '.join(sorted(CONNECTORS))})", file=err)
        return RefreshReport(EXIT_USAGE)
    for name in unknown:  # a catalogue entry names a connector that does not exist (yet): say so, go on
        ids = ", ".join(s.indicator_id for s in plan.specs[name])
        print(f"refresh: no connector '{name}' (catalogue indicators {ids}); skipped", file=err)
    wanted = [s for s in wanted if s in CONNECTORS]
    wanted = [s for s in wanted if plan.specs.get(s)]
    if not wanted:
        print("refresh: no catalogue indicator has a connector for the requested source(s); nothing to do", file=err)
        return RefreshReport(EXIT_USAGE)

    archive = RawArchive(Path(raw_dir) if raw_dir else warehouse.parent / "raw")
    session = session or make_session(http_config)
    results: list[SourceResult] = []
    held_back: list[str] = []  # offline lines, printed only if not every source was offline

    with _Progress(err) as progress:
        for name in wanted:
            specs = plan.specs[name]
            kwargs = dict((connector_kwargs or {}).get(name, {}))
            options = {**plan.source_options.get(name, {}), **kwargs.pop("options", {})}
            connector = CONNECTORS[name](specs, archive=archive, options=options, **kwargs)
            try:
                total = connector.expected_requests()
            except Exception:  # a bad catalogue entry; run() reports it as this source's fault
                total = None
            connector.on_request = progress.start(name, total)
            attempted = datetime.now(timezone.utc)
            try:
                rows, raws = connector.run(session)
                check_units(rows, specs)
                result = SourceResult(name, True, rows, raws, attempted, indicators=rows["indicator_id"].nunique())
            except ConnectorError as exc:
                result = SourceResult(name, False, pd.DataFrame(columns=LIVE_COLUMNS), connector.responses,
                                      attempted, exc.kind, str(exc))
            except Exception as exc:  # a bug or a body shape nobody anticipated: isolate it like any fault
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                where = f" at {Path(frame.filename).name}:{frame.lineno}"
                result = SourceResult(name, False, pd.DataFrame(columns=LIVE_COLUMNS), connector.responses,
                                      attempted, "unexpected", f"{type(exc).__name__}: {exc}{where}")
            progress.finish(name)
            results.append(result)
            if not result.ok and result.error_kind == "offline":
                held_back.append(result.line())
            else:
                progress.line(result.line())

    if all(not r.ok and r.error_kind == "offline" for r in results):
        hosts = sorted({m for r in results for m in re.findall(r"cannot reach (\S+)", r.error)})
        msg = (f"refresh: offline, no publisher could be reached ({', '.join(hosts)}: name resolution or "
               f"connection failed); the warehouse was left exactly as it was")
        print(msg if len(msg) < 400 else msg[:396] + " …", file=err)
        return RefreshReport(EXIT_OFFLINE, results, msg)
    for line in held_back:
        progress.line(line)

    prev_live, prev_raws, prev_status = read_live_state(warehouse)
    known_ids = {s.indicator_id for specs in plan.specs.values() for s in specs}
    live = merge_live(prev_live, results, known_ids)
    all_raws = raw_responses_frame([raw for r in results for raw in r.responses])
    if len(prev_raws):
        all_raws = pd.concat([prev_raws[RAW_RESPONSE_COLUMNS], all_raws], ignore_index=True)
    all_raws = all_raws.drop_duplicates("response_id", keep="last").reset_index(drop=True)
    status_frame = source_status(prev_status, results, live)

    failed = [r for r in results if not r.ok]
    try:
        result = build_warehouse(
            warehouse, catalog_path=catalog_path, snapshot_dir=snapshot_dir, extra_observations=live,
            extra_tables={"raw_responses": all_raws, "source_status": status_frame},
        )
    except BuildError as exc:
        print(f"refresh: the new warehouse failed validation; {warehouse} was left as it was.\n{exc}", file=err)
        return RefreshReport(EXIT_PARTIAL, results, str(exc))

    n_ind = live["indicator_id"].nunique()
    summary = (f"Refreshed {len(results) - len(failed)} of {len(results)} sources; warehouse {warehouse} now holds "
               f"{len(live)} live observations for {n_ind} indicators (build {result.build_id}).")
    print(summary, file=out)
    if failed:
        print("refresh: failed source(s), last good data kept: "
              + "; ".join(f"{r.source} ({r.error_kind})" for r in failed), file=err)
    return RefreshReport(EXIT_PARTIAL if failed else EXIT_OK, results, summary, result.build_id, len(live), n_ind)


def http_config_from_env(env: dict[str, str] | None = None) -> HttpConfig:
    """HttpConfig with overrides from MONITOR_HTTP_RETRIES / _BACKOFF / _TIMEOUT (read timeout, seconds)."""
    env = dict(os.environ if env is None else env)
    base = HttpConfig()
    try:
        return HttpConfig(
            total=int(env.get("MONITOR_HTTP_RETRIES", base.total)),
            backoff_factor=float(env.get("MONITOR_HTTP_BACKOFF", base.backoff_factor)),
            read_timeout=float(env.get("MONITOR_HTTP_TIMEOUT", base.read_timeout)),
        )
    except ValueError:
        return base


def cli_refresh(warehouse: Path, catalog_path: Path, snapshot_dir: Path, sources: list[str] | None) -> int:
    return refresh(warehouse, catalog_path=catalog_path, snapshot_dir=snapshot_dir, sources=sources,
                   http_config=http_config_from_env()).exit_code
