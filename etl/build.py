"""Build the DuckDB warehouse from the catalogue, the curated snapshot and (optionally) live rows.

The warehouse is written to a temporary file beside the target and renamed into place only after every
input has been validated, so a failed build never touches the warehouse that is being served.
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
import tomllib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from etl.paths import PUBLISHERS_PATH
from etl.snapshot import SNAPSHOT_COLUMNS, SnapshotError, mark_preferred, read_snapshot, validate_observations
from indicators.catalog import CatalogError, load_catalog

OBSERVATION_COLUMNS = SNAPSHOT_COLUMNS + ["origin", "origin_row", "origin_kind", "connector_source"]
WAREHOUSE_OBSERVATION_COLUMNS = [
    "indicator_id", "geo", "breakdown", "period", "year", "value", "value_text", "unit_id", "source_org",
    "source_dataset", "source_url", "published", "flags", "note", "is_preferred", "origin", "origin_row",
    "origin_kind", "connector_source",
]


class BuildError(RuntimeError):
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


def build_warehouse(
    target: Path,
    *,
    catalog_path: Path,
    snapshot_dir: Path,
    extra_observations: pd.DataFrame | None = None,
    extra_tables: dict[str, pd.DataFrame] | None = None,
    publishers_path: Path = PUBLISHERS_PATH,
) -> BuildResult:
    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    target = Path(target)
    try:
        catalog = load_catalog(catalog_path)
        rows = read_snapshot(snapshot_dir)
        if extra_observations is not None and len(extra_observations):
            rows = pd.concat([rows, extra_observations[OBSERVATION_COLUMNS].astype({"value": str})], ignore_index=True)
        observations = mark_preferred(validate_observations(rows, catalog), catalog)
    except (CatalogError, SnapshotError) as exc:
        raise BuildError(str(exc)) from exc

    observations = observations.rename(columns={"unit": "unit_id"})[WAREHOUSE_OBSERVATION_COLUMNS]
    sources = _sources_table(observations, _licences(publishers_path))
    build_id = f"{started:%Y%m%dT%H%M%SZ}-{_inputs_hash(catalog_path, snapshot_dir, extra_observations)}"
    previous_runs, previous_obs = _previous_state(target)
    changes = observation_changes(previous_obs, observations, build_id)

    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            tables = {
                "goals": catalog.goals,
                "units": catalog.units,
                "indicators": catalog.indicators,
                "life_events": catalog.life_events,
                "observations": observations,
                "sources": sources,
                "changes": changes,
                **(extra_tables or {}),
            }
            for name, frame in tables.items():
                con.register("frame_view", frame)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame_view')
                con.unregister("frame_view")
            finished = datetime.now(timezone.utc)
            run = pd.DataFrame([{
                "build_id": build_id, "started_at": started, "finished_at": finished, "status": "success",
                "n_goals": len(catalog.goals), "n_indicators": len(catalog.indicators),
                "n_observations": len(observations), "n_sources": len(sources),
                "message": f"{len(observations)} observations from {observations['origin'].nunique()} files/responses",
            }])
            runs = pd.concat([previous_runs, run], ignore_index=True) if len(previous_runs) else run
            con.register("frame_view", runs)
            con.execute("CREATE TABLE etl_runs AS SELECT * FROM frame_view")
            con.unregister("frame_view")
            _check(con, len(observations))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)

    return BuildResult(build_id, target, len(catalog.goals), len(catalog.indicators), len(observations),
                       len(sources), time.perf_counter() - clock)


def _check(con: duckdb.DuckDBPyConnection, expected_rows: int) -> None:
    """Read back what was written before it may replace the served file."""
    (count,), = con.execute("SELECT count(*) FROM observations").fetchall()
    (missing_source,), = con.execute("SELECT count(*) FROM observations WHERE source_url = ''").fetchall()
    if count != expected_rows or missing_source:
        raise BuildError(f"written warehouse failed its read-back check ({count} of {expected_rows} rows)")


def _sources_table(observations: pd.DataFrame, licences: dict[str, str]) -> pd.DataFrame:
    grouped = (
        observations.groupby(["source_org", "source_dataset", "source_url", "origin_kind"], as_index=False)
        .agg(n_observations=("value", "size"), first_year=("year", "min"), last_year=("year", "max"))
        .sort_values(["source_org", "source_dataset", "source_url"], ignore_index=True)
    )
    grouped.insert(0, "source_id", [f"S{i:03d}" for i in range(1, len(grouped) + 1)])
    grouped["licence"] = grouped["source_org"].map(lambda org: licences.get(org, ""))
    return grouped


def _licences(path: Path) -> dict[str, str]:
    if not Path(path).exists():
        return {}
    publishers = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("publishers", [])
    return {p["name"]: p.get("licence", "") for p in publishers}


CHANGE_KEY = ["indicator_id", "geo", "breakdown", "period"]
CHANGE_COLUMNS = ["build_id", "change_kind", *CHANGE_KEY, "year", "old_value", "new_value"]


def _previous_state(target: Path) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The build history and preferred observations of the warehouse being replaced (None: no earlier build)."""
    if not target.exists():
        return pd.DataFrame(), None
    try:
        with duckdb.connect(str(target), read_only=True) as con:
            runs = con.execute("SELECT * FROM etl_runs").df()
            previous = con.execute(
                f"SELECT {', '.join(CHANGE_KEY)}, year, value FROM observations WHERE is_preferred").df()
            return runs, previous
    except duckdb.Error:
        return pd.DataFrame(), None


def observation_changes(previous: pd.DataFrame | None, current: pd.DataFrame, build_id: str) -> pd.DataFrame:
    """Preferred figures that are new, changed or removed compared with the previous build."""
    if previous is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    now = current[current["is_preferred"]][CHANGE_KEY + ["year", "value"]]
    merged = now.merge(previous, on=CHANGE_KEY, how="outer", suffixes=("", "_old"), indicator=True)
    merged["year"] = merged["year"].fillna(merged["year_old"])
    kinds = {"left_only": "new", "right_only": "removed", "both": "changed"}
    merged["change_kind"] = merged["_merge"].astype(str).map(kinds)
    merged = merged[(merged["change_kind"] != "changed") | (merged["value"] != merged["value_old"])]
    out = merged.rename(columns={"value": "new_value", "value_old": "old_value"})
    out["build_id"] = build_id
    out["year"] = out["year"].astype(int)
    return out[CHANGE_COLUMNS].sort_values(CHANGE_KEY, ignore_index=True)


def _inputs_hash(catalog_path: Path, snapshot_dir: Path, extra: pd.DataFrame | None) -> str:
    digest = hashlib.sha256(Path(catalog_path).read_bytes())
    for path in sorted(Path(snapshot_dir).glob("*.csv")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    if extra is not None and len(extra):
        digest.update(pd.util.hash_pandas_object(extra.astype(str), index=False).values.tobytes())
    return digest.hexdigest()[:12]


def cli_build(target: Path, *, catalog_path: Path, snapshot_dir: Path) -> int:
    """Rebuild from the catalogue and snapshot, carrying over the live rows (and their lineage) of the current
    warehouse, so a rebuild never drops what the last refresh fetched."""
    from etl.refresh import read_live_state

    live, raw_responses, source_status = read_live_state(Path(target))
    known = {ind["id"] for ind in tomllib.loads(Path(catalog_path).read_text(encoding="utf-8")).get("indicators", [])}
    live = live[live["indicator_id"].isin(known)]  # an indicator taken out of the catalogue takes its rows along
    tables = {"raw_responses": raw_responses, "source_status": source_status} if len(live) else None
    try:
        result = build_warehouse(target, catalog_path=catalog_path, snapshot_dir=snapshot_dir,
                                 extra_observations=live, extra_tables=tables)
    except BuildError as exc:
        print(f"Build failed; the previous warehouse ({target}) was left as it was.\n{exc}", file=sys.stderr)
        return 1
    print(
        f"Built {result.path} (build {result.build_id}) in {result.seconds:.2f} s: {result.n_goals} goals, "
        f"{result.n_indicators} indicators, {result.n_observations} observations, {result.n_sources} sources."
    )
    return 0
