"""`python -m etl build`: the warehouse as a pure function of the catalogue and the data files.

Inputs (nothing else): `indicators/catalog.toml`, `data/curated/*.csv`, `data/live/rows/*.csv`,
`data/live/status.csv`, `data/live/raw_responses.csv` and the sources' metadata (`etl/sources/*/source.toml`).
The same inputs give the same observations and scores; the build id is a hash of the inputs. The previous warehouse
is read only to report what changed since it. The new file is written beside the target, checked, flushed to disk
and renamed into place, so a failed or killed build never touches the warehouse being served; when the inputs are
those of the served warehouse, nothing is rewritten.
"""
from __future__ import annotations

import hashlib
import io
import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from etl import schema
from etl.errors import MonitorError
from etl.inputs import read_bytes, read_text
from etl.processes import process_alive
from etl.observations import DataError, mark_preferred, read_observation_files, validate_observations
from etl.paths import CATALOG_PATH, CURATED_DIR, LIVE_DIR, ROOT, SOURCES_DIR
from etl.sources import curating, publishers, source_folders
from indicators import score_tables
from indicators.catalog import load_catalog


class BuildError(MonitorError, RuntimeError):
    """The inputs are invalid; the previous warehouse was left untouched."""


@dataclass(frozen=True)
class BuildResult:
    build_id: str
    path: Path
    n_goals: int
    n_indicators: int
    n_observations: int
    n_sources: int
    seconds: float
    rewritten: bool = True


def build_warehouse(target: Path, *, catalog_path: Path = CATALOG_PATH, curated_dir: Path = CURATED_DIR,
                    live_dir: Path = LIVE_DIR) -> BuildResult:
    clock = time.perf_counter()
    target = Path(target)
    live_dir = Path(live_dir)
    try:
        build_id = inputs_hash(catalog_path, curated_dir, live_dir)
    except MonitorError as exc:
        raise BuildError(str(exc)) from exc
    _remove_abandoned_temps(target)
    previous = _previous(target)
    if previous is not None and previous.build_id == build_id:
        return BuildResult(build_id, target, *previous.counts, time.perf_counter() - clock, rewritten=False)
    try:
        catalog = load_catalog(catalog_path)
        check_curated_files(curated_dir)
        publisher_info = publishers()
        rows = pd.concat([
            read_observation_files(curated_dir, kind="curated", columns=schema.CURATED_COLUMNS, root=ROOT),
            read_observation_files(live_dir / "rows", kind="live", columns=schema.LIVE_COLUMNS, root=ROOT),
        ], ignore_index=True)
        observations = mark_preferred(validate_observations(rows, catalog), catalog)
        source_status = _typed(_read_optional(live_dir / "status.csv", "source_status"), "source_status")
        raw_responses = _typed(_read_optional(live_dir / "raw_responses.csv", "raw_responses"), "raw_responses")
    except MonitorError as exc:  # every input problem, named (DataError, CatalogError, SourceError, …)
        raise BuildError(str(exc)) from exc

    observations = observations.rename(columns={"unit": "unit_id"})
    observations = _typed(observations.sort_values(["origin_kind", "origin", "origin_row"], ignore_index=True),
                          "observations")
    sources = _sources_table(observations, publisher_info)
    scores = score_tables(observations, catalog,
                          previous_observations=None if previous is None else previous.observations)
    changes = observation_changes(None if previous is None else previous.observations, observations)
    build = pd.DataFrame([{
        "build_id": build_id, "built_at": datetime.now(timezone.utc), "n_goals": len(catalog.goals),
        "n_indicators": len(catalog.indicators), "n_observations": len(observations), "n_sources": len(sources),
        "previous_build_id": None if previous is None else previous.build_id,
    }])
    tables = {
        "goals": catalog.goals, "units": catalog.units, "indicators": catalog.indicators,
        "life_events": catalog.life_events, "surveys": catalog.surveys,
        "observations": observations, "sources": sources,
        **{name: _typed(scores[name], name) for name in (*schema.SCORE_TABLES, "status_changes")},
        "changes": _typed(changes, "changes"), "source_status": source_status, "raw_responses": raw_responses,
        "build": _typed(build, "build"),
    }
    _write_atomically(target, tables)
    return BuildResult(build_id, target, len(catalog.goals), len(catalog.indicators), len(observations),
                       len(sources), time.perf_counter() - clock)


def inputs_hash(catalog_path: Path, curated_dir: Path, live_dir: Path) -> str:
    """Hash of every input file's name and bytes: the build id (same inputs, same id). The code that turns them
    into tables (the build framework, the scoring method and its parameters) counts as an input too, so a changed
    method is never served from a warehouse built by the old one."""
    code = [*sorted((ROOT / "etl").glob("*.py")), *sorted((ROOT / "indicators").glob("*.py")),
            *sorted((ROOT / "indicators").glob("method*.toml"))]
    files = [Path(catalog_path), *sorted(Path(curated_dir).glob("*.csv")), *sorted((Path(live_dir) / "rows").glob("*.csv")),
             Path(live_dir) / "status.csv", Path(live_dir) / "raw_responses.csv", *sorted(SOURCES_DIR.glob("*/source.toml")),
             *code]
    digest = hashlib.sha256()
    for path in files:
        if path.exists() or path.is_symlink():  # a dangling link or a directory in a file's place: named, below
            digest.update(f"{path.parent.name}/{path.name}\0".encode())
            digest.update(hashlib.sha256(read_bytes(path, error=DataError, label=_shown(path))).digest())
    return digest.hexdigest()[:16]


def check_curated_files(curated_dir: Path, sources_dir: Path = SOURCES_DIR) -> None:
    """DataError naming each missing `<source>.csv` when the folder holds the sources' curated files but not the
    file of every source that curates (`etl.sources.curating`): a deleted file would otherwise build silently with
    fewer observations. A folder holding none of the sources' files (a test's own rows) is not the sources' folder."""
    present = {p.stem for p in Path(curated_dir).glob("*.csv")}
    expected = curating(sources_dir)
    if not present & {p.name for p in source_folders(sources_dir)}:
        return
    missing = sorted(set(expected) - present)
    if missing:
        folder = _shown(Path(curated_dir))
        raise DataError("; ".join(f"{folder}/{name}.csv: missing (etl/sources/{name} curates rows into it with its "
                                  f"{expected[name]}): restore it or run python -m etl curate" for name in missing))


def _shown(path: Path) -> str:
    path = Path(path).absolute()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def _typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The table's columns in schema order (a missing or extra column is a bug, caught here)."""
    names = schema.column_names(table)
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise BuildError(f"table {table}: missing column(s) {', '.join(missing)}")
    return frame[names].reset_index(drop=True)


def _read_optional(path: Path, table: str) -> pd.DataFrame:
    columns = schema.column_names(table)
    if not (path.exists() or path.is_symlink()):
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    text = read_text(path, error=DataError, label=_shown(path))
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"{_shown(path)}: cannot be read ({' '.join(str(exc).split())})") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{_shown(path)}: missing column(s) {', '.join(missing)}")
    return frame


def _sources_table(observations: pd.DataFrame, publisher_info: dict[str, dict]) -> pd.DataFrame:
    grouped = (
        observations.groupby(["source_org", "source_dataset", "source_url", "origin_kind", "source"], as_index=False)
        .agg(n_observations=("value", "size"), first_year=("year", "min"), last_year=("year", "max"))
        .sort_values(["source_org", "source_dataset", "source_url", "origin_kind", "source"], ignore_index=True)
    )
    grouped.insert(0, "source_id", [f"S{i:03d}" for i in range(1, len(grouped) + 1)])
    grouped["licence"] = grouped["source_org"].map(lambda org: publisher_info.get(org, {}).get("licence", ""))
    for lang in ("nb", "en"):
        grouped[f"publisher_{lang}"] = grouped["source_org"].map(
            lambda org: publisher_info.get(org, {}).get(f"name_{lang}") or org)
    return _typed(grouped, "sources")


@dataclass(frozen=True)
class _Previous:
    build_id: str
    observations: pd.DataFrame
    counts: tuple[int, int, int, int]


def _previous(target: Path) -> _Previous | None:
    """The served warehouse's build id, counts and observations — only for "what changed" (None: none usable)."""
    if not target.exists():
        return None
    try:
        with duckdb.connect(str(target), read_only=True) as con:
            (build_id, *counts), = con.execute(
                "SELECT build_id, n_goals, n_indicators, n_observations, n_sources FROM build").fetchall()
            obs = con.execute("SELECT * FROM observations").df()
    except (duckdb.Error, ValueError):
        return None  # an older layout or a damaged file: build as if there were none
    return _Previous(build_id, obs, tuple(int(c) for c in counts))


def observation_changes(previous: pd.DataFrame | None, current: pd.DataFrame) -> pd.DataFrame:
    """Preferred figures that are new, changed or removed compared with the previous build."""
    key = schema.OBSERVATION_KEY
    if previous is None:
        return pd.DataFrame({c.name: pd.Series(dtype=object) for c in schema.CHANGES})
    now = current[current["is_preferred"]][key + ["year", "value"]]
    before = previous[previous["is_preferred"]][key + ["year", "value"]]
    merged = now.merge(before, on=key, how="outer", suffixes=("", "_old"), indicator=True)
    merged["year"] = merged["year"].fillna(merged["year_old"])
    kinds = {"left_only": "new", "right_only": "removed", "both": "changed"}
    merged["change_kind"] = merged["_merge"].astype(str).map(kinds)
    merged = merged[(merged["change_kind"] != "changed") | (merged["value"] != merged["value_old"])]
    out = merged.rename(columns={"value": "new_value", "value_old": "old_value"})
    out["year"] = out["year"].astype(int)
    return _typed(out.sort_values(key, ignore_index=True), "changes")


def _write_atomically(target: Path, tables: dict[str, pd.DataFrame]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            for name, frame in tables.items():
                _create(con, name, frame)
            _check(con, tables)
            con.execute("CHECKPOINT")
        with open(tmp, "rb+") as fh:  # on disk before it replaces the served file
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)


def _create(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register("frame_view", frame)
    if name in schema.TABLES:
        columns = schema.TABLES[name]
        ddl = ", ".join(f'"{c.name}" {c.type}' for c in columns)
        con.execute(f'CREATE TABLE "{name}" ({ddl})')
        select = ", ".join(_cast(c, frame[c.name]) for c in columns)
        con.execute(f'INSERT INTO "{name}" SELECT {select} FROM frame_view')
    else:
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame_view')
    con.unregister("frame_view")


def _cast(column: schema.Column, values: pd.Series) -> str:
    """SQL that casts a frame column to its schema type; in text read from a file, an empty field is NULL."""
    text = pd.api.types.is_string_dtype(values) or values.dtype == object
    if column.type != "VARCHAR" and text:
        return f'CAST(NULLIF(CAST("{column.name}" AS VARCHAR), \'\') AS {column.type})'
    return f'CAST("{column.name}" AS {column.type})'


def _check(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> None:
    """Read back what was written before it may replace the served file."""
    for name, frame in tables.items():
        (count,), = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()
        if count != len(frame):
            raise BuildError(f"written warehouse failed its read-back check: {name} has {count} of {len(frame)} rows")
    (missing_source,), = con.execute("SELECT count(*) FROM observations WHERE source_url = ''").fetchall()
    if missing_source:
        raise BuildError(f"written warehouse failed its read-back check: {missing_source} rows without a source")


def _remove_abandoned_temps(target: Path) -> None:
    """Temp files of builds that were killed (their process is gone) are removed; a running build's are kept."""
    for path in target.parent.glob(f"{target.name}.*.tmp*"):
        pid = path.name[len(target.name) + 1:].split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            path.unlink(missing_ok=True)


def cli_build(target: Path, *, catalog_path: Path, curated_dir: Path, live_dir: Path) -> int:
    try:
        result = build_warehouse(target, catalog_path=catalog_path, curated_dir=curated_dir, live_dir=live_dir)
    except BuildError as exc:
        print(f"Build failed (the previous warehouse {target} was left as it was): {exc}", file=sys.stderr)
        return 1
    if not result.rewritten:
        print(f"{result.path} is up to date (build {result.build_id}: same inputs); nothing rewritten.")
        return 0
    print(
        f"Built {result.path} (build {result.build_id}) in {result.seconds:.2f} s: {result.n_goals} goals, "
        f"{result.n_indicators} indicators, {result.n_observations} observations, {result.n_sources} sources."
    )
    return 0
