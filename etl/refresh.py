"""`python -m etl refresh`: fetch the API-backed indicators from their publishers, write the live files, rebuild.

Per source (every `etl/sources/<name>/` with a `fetch.py` that the catalogue's `connector` entries name): fetch →
archive (data/raw/<source>/) → parse → check values against the unit and the observation rules. A source that fails
(network, HTTP error, malformed body, changed schema, values its unit does not allow) is named with its fault and
keeps its last good rows; the other sources are still updated.

The live stage writes files, never the warehouse: `data/live/rows/<source>.csv` (`etl.schema.LIVE_COLUMNS`),
`data/live/status.csv` (`source_status`) and `data/live/raw_responses.csv` (the archived responses behind the served
rows), each atomically (temp file + os.replace). The previous live state is read from those files. Then the
warehouse is rebuilt by `etl.build.build_warehouse` from the curated and live files; if that build fails, the live
files are put back as they were, so files and warehouse agree. With no network at all, one line says so and nothing
is written.

Time is bounded: the sources are fetched in parallel, each within its own deadline (MONITOR_REFRESH_SOURCE_SECONDS,
default 15 s) and all within a total one (MONITOR_REFRESH_TOTAL_SECONDS, default 20 s), so a fully hanging network
ends a refresh in about half a minute with one line naming the sources that timed out (their last good data kept).
A source that has not answered by its deadline is abandoned (its thread is a daemon; its late answer is ignored).

Nothing is rewritten when nothing changed: a body identical to the archived one reuses that response (same origin),
a live file whose content is identical is not written, and a status that differs only in the attempt and success
times is not either (those times then stay at the last change); the build then finds its input hash unchanged and
leaves the served warehouse alone (same inode, same mtime).

Exit codes: 0 every source refreshed; 1 some source failed (others updated) or the build failed; 2 usage;
3 offline (no source reachable; nothing changed).
"""
from __future__ import annotations

import io
import os
import re
import sys
import threading
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import requests

from etl import schema
from etl.connector import ConnectorError, IndicatorSpec, plan as make_plan
from etl.http import Deadline, HttpConfig, deadline_scope, make_session
from etl.lineage import RawArchive, RawResponse, raw_responses_frame
from etl.paths import CATALOG_PATH, CURATED_DIR, LIVE_DIR
from etl.sources import connectors as source_connectors

LIVE_COLUMNS = schema.LIVE_COLUMNS
STATUS_COLUMNS = schema.column_names("source_status")
RAW_COLUMNS = schema.column_names("raw_responses")
ROW_ORDER = ["indicator_id", "geo", "breakdown", "period", "source_url"]
EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_OFFLINE = 0, 1, 2, 3
JOIN_GRACE_SECONDS = 1.0  # after its deadline a source may still report its own timeout before it is abandoned


@dataclass(frozen=True)
class Deadlines:
    """How long one source (`source_seconds`) and the whole fetch stage (`total_seconds`) may take."""

    source_seconds: float = 15.0
    total_seconds: float = 20.0


def deadlines_from_env(env: dict[str, str] | None = None) -> Deadlines:
    """Deadlines with overrides from MONITOR_REFRESH_SOURCE_SECONDS / MONITOR_REFRESH_TOTAL_SECONDS."""
    env = dict(os.environ if env is None else env)
    base = Deadlines()
    try:
        source = float(env.get("MONITOR_REFRESH_SOURCE_SECONDS", base.source_seconds))
        total = float(env.get("MONITOR_REFRESH_TOTAL_SECONDS", base.total_seconds))
    except ValueError:
        return base
    return Deadlines(source, total) if source > 0 and total > 0 else base


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


def check_rules(rows: pd.DataFrame, catalog_path: Path) -> None:
    """The build's own observation rules (etl.observations) on one source's new rows: a row the build would reject
    fails its source here, so the live files never hold what the warehouse cannot take."""
    if not len(rows):
        return
    from etl.observations import DataError, validate_observations
    from indicators.catalog import load_catalog

    try:
        validate_observations(rows.astype(str), load_catalog(catalog_path))
    except DataError as exc:
        raise ConnectorError("values", " ".join(str(exc).split())[:600]) from None


# ----------------------------------------------------------------------------------------------------------------
# live files
# ----------------------------------------------------------------------------------------------------------------

@dataclass
class LiveState:
    rows: dict[str, pd.DataFrame]  # source → its live rows (LIVE_COLUMNS, text)
    raw_responses: pd.DataFrame
    status: pd.DataFrame


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame[columns]


def read_live_state(live_dir: Path) -> LiveState:
    """The previous live state from data/live/ (empty where a file is absent)."""
    live_dir = Path(live_dir)
    rows = {p.stem: _read_csv(p, LIVE_COLUMNS) for p in sorted((live_dir / "rows").glob("*.csv"))}
    return LiveState(rows, _read_csv(live_dir / "raw_responses.csv", RAW_COLUMNS),
                     _read_csv(live_dir / "status.csv", STATUS_COLUMNS))


def _text(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.reindex(columns=columns).copy()
    for column in columns:
        out[column] = out[column].astype(object).where(out[column].notna(), "").astype(str)
        out[column] = out[column].replace({"nan": "", "<NA>": "", "None": "", "NaT": ""})
    return out


def merge_live(previous: dict[str, pd.DataFrame], results: list[SourceResult], known_ids: set[str],
               accumulates: dict[str, bool]) -> dict[str, pd.DataFrame]:
    """This run's live rows per source: new rows of sources that succeeded; the last good rows of sources that
    failed or were not attempted; for accumulating sources the earlier days' rows plus today's."""
    out = {}
    for name in sorted(set(previous) | {r.source for r in results}):
        result = next((r for r in results if r.source == name), None)
        old = _text(previous.get(name, pd.DataFrame(columns=LIVE_COLUMNS)), LIVE_COLUMNS)
        if result is None or not result.ok:
            frame = old
        else:
            new = _text(result.rows, LIVE_COLUMNS)
            if accumulates.get(name) and len(old):
                key = schema.OBSERVATION_KEY
                seen = set(map(tuple, new[key].to_numpy()))
                old = old[~old[key].apply(tuple, axis=1).isin(seen)]
                frame = pd.concat([old, new], ignore_index=True)
            else:
                frame = new
        frame = frame[frame["indicator_id"].isin(known_ids)]
        if len(frame):
            out[name] = frame.sort_values(ROW_ORDER, kind="stable", ignore_index=True)
    return out


def source_status(prev_status: pd.DataFrame, results: list[SourceResult], live: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per source: last attempt, last success, last error ('' after a success) and live rows now served."""
    status = {row["source"]: dict(row) for row in _text(prev_status, STATUS_COLUMNS).to_dict("records")}
    for r in results:
        entry = status.get(r.source, {"source": r.source, "last_success": ""})
        entry["last_attempt"] = r.attempted_at.isoformat()
        if r.ok:
            entry["last_success"] = r.attempted_at.isoformat()
        entry["last_error"] = "" if r.ok else f"{r.error_kind}: {r.error}"
        status[r.source] = entry
    rows = [{**v, "row_count": str(len(live.get(k, ())))} for k, v in sorted(status.items())]
    return _text(pd.DataFrame(rows, columns=STATUS_COLUMNS), STATUS_COLUMNS)


def raw_responses_behind(live: dict[str, pd.DataFrame], previous: pd.DataFrame,
                         responses: list[RawResponse]) -> pd.DataFrame:
    """The archived responses the served rows were parsed from (earlier runs' and this run's)."""
    now = raw_responses_frame(responses)
    now["retrieved_at"] = now["retrieved_at"].map(lambda t: t.isoformat())
    frame = pd.concat([_text(previous, RAW_COLUMNS), _text(now, RAW_COLUMNS)], ignore_index=True)
    frame = frame.drop_duplicates("response_id", keep="first")  # a reused response keeps its first record
    used = {o for rows in live.values() for o in rows["origin"]}
    return frame[frame["response_id"].isin(used)].sort_values("response_id", ignore_index=True)


def render_csv(frame: pd.DataFrame, columns: list[str]) -> bytes:
    buffer = io.StringIO()
    _text(frame, columns).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def write_atomically(path: Path, data: bytes | None) -> None:
    """Write (or, for None, remove) a file: a temp file beside it, flushed, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if data is None:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def live_files(live_dir: Path, live: dict[str, pd.DataFrame], raws: pd.DataFrame,
               status: pd.DataFrame) -> dict[Path, bytes | None]:
    """Every live file and its new content (None: the file goes)."""
    live_dir = Path(live_dir)
    files: dict[Path, bytes | None] = {p: None for p in (live_dir / "rows").glob("*.csv")}
    for name, rows in live.items():
        files[live_dir / "rows" / f"{name}.csv"] = render_csv(rows, LIVE_COLUMNS)
    files[live_dir / "raw_responses.csv"] = render_csv(raws, RAW_COLUMNS)
    files[live_dir / "status.csv"] = render_csv(status, STATUS_COLUMNS)
    return files


def write_live(files: dict[Path, bytes | None]) -> dict[Path, bytes | None]:
    """Write the files whose content differs; return what those held before (for a rollback)."""
    before = {path: path.read_bytes() if path.exists() else None for path in files}
    for path, data in files.items():
        if before[path] != data:
            write_atomically(path, data)
    return {path: old for path, old in before.items() if old != files[path]}


def changed_files(files: dict[Path, bytes | None], status_path: Path) -> dict[Path, bytes | None]:
    """The files whose content would change. When only the status would, and only in its attempt and success
    times (every source answered as before), nothing has changed."""
    changed = {p: d for p, d in files.items() if (p.read_bytes() if p.exists() else None) != d}
    if set(changed) == {status_path} and status_path.exists() and changed[status_path] is not None:
        def essence(data: bytes) -> pd.DataFrame:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
            frame["last_success"] = frame["last_success"] != ""
            return frame.drop(columns=["last_attempt"]).sort_values("source", ignore_index=True)
        try:
            if essence(status_path.read_bytes()).equals(essence(changed[status_path])):
                return {}
        except (ValueError, KeyError, pd.errors.ParserError):
            pass
    return changed


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
    catalog_path: Path = CATALOG_PATH,
    curated_dir: Path = CURATED_DIR,
    live_dir: Path = LIVE_DIR,
    sources: list[str] | None = None,
    raw_dir: Path | None = None,
    session: requests.Session | None = None,
    http_config: HttpConfig | None = None,
    connector_kwargs: dict[str, dict[str, Any]] | None = None,
    deadlines: Deadlines | None = None,
    stream=None,
    out=None,
) -> RefreshReport:
    import etl.build  # the build never imports this module (no cycle)

    warehouse, live_dir = Path(warehouse), Path(live_dir)
    out = out or sys.stdout
    err = stream or sys.stderr
    from etl.sources import SourceError
    from indicators.catalog import CatalogError

    try:
        registry = source_connectors()
        plan = make_plan(catalog_path)
    except (SourceError, CatalogError) as exc:
        print(f"refresh: {exc}; nothing was fetched or written", file=err)
        return RefreshReport(EXIT_USAGE, message=str(exc))
    wanted = list(sources) if sources else sorted(plan.specs)
    unknown = [s for s in wanted if s not in registry]
    if unknown and sources:
        print(f"refresh: unknown source(s) {', '.join(unknown)} (known: {', '.join(sorted(registry))})", file=err)
        return RefreshReport(EXIT_USAGE)
    for name in unknown:  # a catalogue entry names a source without a connector (yet): say so, go on
        ids = ", ".join(s.indicator_id for s in plan.specs[name])
        print(f"refresh: no connector '{name}' (catalogue indicators {ids}); skipped", file=err)
    wanted = [s for s in wanted if s in registry and plan.specs.get(s)]
    if not wanted:
        print("refresh: no catalogue indicator has a connector for the requested source(s); nothing to do", file=err)
        return RefreshReport(EXIT_USAGE)

    archive = RawArchive(Path(raw_dir) if raw_dir else live_dir.parent / "raw")
    deadlines = deadlines or Deadlines()
    total = Deadline(deadlines.total_seconds, f"total refresh deadline of {deadlines.total_seconds:g} s")
    results: list[SourceResult] = []
    held_back: list[str] = []  # offline lines, printed only if not every source was offline

    with _Progress(err) as progress:
        jobs = []
        for name in wanted:  # every source in its own thread, each within its own deadline
            specs = plan.specs[name]
            kwargs = dict((connector_kwargs or {}).get(name, {}))
            connector = registry[name](specs, archive=archive, **kwargs)
            try:
                n_requests = connector.expected_requests()
            except Exception:  # a bad catalogue entry; run() reports it as this source's fault
                n_requests = None
            connector.on_request = progress.start(name, n_requests)
            deadline = Deadline(deadlines.source_seconds,
                                f"{name} deadline of {deadlines.source_seconds:g} s").earliest(total)
            box: dict[str, SourceResult] = {}
            worker = threading.Thread(
                target=_run_source, name=f"refresh-{name}", daemon=True,
                args=(box, name, connector, specs, catalog_path, session or make_session(http_config), deadline))
            jobs.append((name, connector, deadline, worker, box))
            worker.start()
        for name, connector, deadline, worker, box in jobs:
            worker.join(max(deadline.remaining(), 0.0) + JOIN_GRACE_SECONDS)
            result = box.get("result")
            if result is None:  # still waiting (a name lookup, a dripping body …): abandoned
                result = SourceResult(name, False, pd.DataFrame(columns=LIVE_COLUMNS), list(connector.responses),
                                      box.get("attempted") or datetime.now(timezone.utc), "timeout",
                                      f"no complete answer within the {deadline.label}; abandoned")
            progress.finish(name)
            results.append(result)
            if not result.ok and result.error_kind == "offline":
                held_back.append(result.line())
            else:
                progress.line(result.line())
        timed_out = [r.source for r in results if not r.ok and r.error_kind == "timeout"]
        if timed_out:
            progress.line(f"refresh: timed out: {', '.join(timed_out)} (deadlines: {deadlines.source_seconds:g} s "
                          f"per source, {deadlines.total_seconds:g} s in all; MONITOR_REFRESH_SOURCE_SECONDS, "
                          f"MONITOR_REFRESH_TOTAL_SECONDS); their last good data kept")

    if all(not r.ok and r.error_kind == "offline" for r in results):
        hosts = sorted({m for r in results for m in re.findall(r"cannot reach (\S+)", r.error)})
        msg = (f"refresh: offline, no publisher could be reached ({', '.join(hosts)}: name resolution or "
               f"connection failed); the live files and the warehouse were left exactly as they were")
        print(msg if len(msg) < 400 else msg[:396] + " …", file=err)
        return RefreshReport(EXIT_OFFLINE, results, msg)
    for line in held_back:
        progress.line(line)

    try:
        previous = read_live_state(live_dir)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        print(f"refresh: the live files in {live_dir} cannot be read ({exc}); nothing was written", file=err)
        return RefreshReport(EXIT_PARTIAL, results, str(exc))
    known_ids = {s.indicator_id for specs in plan.specs.values() for s in specs}
    accumulates = {name: bool(cls.accumulates) for name, cls in registry.items()}
    live = merge_live(previous.rows, results, known_ids, accumulates)
    raws = raw_responses_behind(live, previous.raw_responses, [raw for r in results for raw in r.responses])
    status = source_status(previous.status, results, live)
    changed = changed_files(live_files(live_dir, live, raws, status), live_dir / "status.csv")
    before = write_live(changed)

    failed = [r for r in results if not r.ok]
    try:
        built = etl.build.build_warehouse(warehouse, catalog_path=catalog_path, curated_dir=curated_dir,
                                          live_dir=live_dir)
    except Exception as exc:  # BuildError, or a bug in the build: either way the files go back
        write_live(before)  # files and warehouse keep agreeing
        what = "failed validation" if isinstance(exc, etl.build.BuildError) else f"failed ({type(exc).__name__})"
        print(f"refresh: the new warehouse {what}; {warehouse} and the live files were left as they "
              f"were.\n{exc}", file=err)
        return RefreshReport(EXIT_PARTIAL, results, str(exc))

    n_live = sum(len(f) for f in live.values())
    n_ind = len({i for f in live.values() for i in f["indicator_id"]})
    summary = (f"Refreshed {len(results) - len(failed)} of {len(results)} sources; {live_dir} and warehouse "
               f"{warehouse} now hold {n_live} live observations for {n_ind} indicators (build {built.build_id}).")
    if not changed and not built.rewritten:
        summary += " Nothing changed: no live file and not the warehouse was rewritten."
    print(summary, file=out)
    if failed:
        print("refresh: failed source(s), last good data kept: "
              + "; ".join(f"{r.source} ({r.error_kind})" for r in failed), file=err)
    return RefreshReport(EXIT_PARTIAL if failed else EXIT_OK, results, summary, built.build_id, n_live, n_ind)


def _run_source(box: dict, name: str, connector, specs: list[IndicatorSpec], catalog_path: Path,
                session: requests.Session, deadline: Deadline) -> None:
    """One source, in its own thread: fetch, parse and check within `deadline`; the result goes into `box`."""
    attempted = datetime.now(timezone.utc)
    box["attempted"] = attempted
    with deadline_scope(deadline):
        try:
            rows, raws = connector.run(session)
            check_units(rows, specs)
            check_rules(rows, catalog_path)
            result = SourceResult(name, True, rows, raws, attempted, indicators=rows["indicator_id"].nunique())
        except ConnectorError as exc:
            result = SourceResult(name, False, pd.DataFrame(columns=LIVE_COLUMNS), list(connector.responses),
                                  attempted, exc.kind, str(exc))
        except Exception as exc:  # a bug or a body shape nobody anticipated: isolate it like any fault
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f" at {Path(frame.filename).name}:{frame.lineno}"
            result = SourceResult(name, False, pd.DataFrame(columns=LIVE_COLUMNS), list(connector.responses),
                                  attempted, "unexpected", f"{type(exc).__name__}: {exc}{where}")
    box["result"] = result


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


def cli_refresh(warehouse: Path, *, catalog_path: Path, curated_dir: Path, live_dir: Path,
                sources: list[str] | None) -> int:
    return refresh(warehouse, catalog_path=catalog_path, curated_dir=curated_dir, live_dir=live_dir,
                   sources=sources, http_config=http_config_from_env(), deadlines=deadlines_from_env()).exit_code
