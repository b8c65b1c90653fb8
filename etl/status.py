"""`python -m etl status`: what the warehouse holds, when it was built, and how each live source fared."""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb


def warehouse_summary(path: Path) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        def scalar(sql: str):
            return con.execute(sql).fetchall()[0][0]

        tables = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        summary = {
            "goals": scalar("SELECT count(*) FROM goals"),
            "indicators": scalar("SELECT count(*) FROM indicators"),
            "indicators_with_data": scalar("SELECT count(DISTINCT indicator_id) FROM observations"),
            "observations": scalar("SELECT count(*) FROM observations"),
            "preferred": scalar("SELECT count(*) FROM observations WHERE is_preferred"),
            "sources": scalar("SELECT count(*) FROM sources"),
            "years": con.execute("SELECT min(year), max(year) FROM observations").fetchall()[0],
            "by_origin": con.execute(
                "SELECT origin_kind, count(*) FROM observations GROUP BY 1 ORDER BY 1").fetchall(),
            "build": con.execute("SELECT build_id, built_at, previous_build_id FROM build").fetchall()[0],
            "n_changes": scalar("SELECT count(*) FROM changes"),
            "source_status": (
                con.execute("SELECT source, last_success, last_attempt, last_error, row_count FROM source_status "
                            "ORDER BY source").fetchall()
                if "source_status" in tables else []
            ),
        }
    return summary


def cli_status(path: Path) -> int:
    if not Path(path).exists():
        print(f"No warehouse at {path}. Build it with: python -m etl build", file=sys.stderr)
        return 1
    try:
        s = warehouse_summary(path)
    except (duckdb.Error, IndexError) as exc:
        print(f"{path} is not a readable warehouse ({str(exc).splitlines()[0][:200]}). Rebuild it with: "
              "python -m etl build", file=sys.stderr)
        return 1
    build_id, built_at, previous = s["build"]
    print(f"Warehouse: {path}")
    print(f"Build: {build_id}, built {built_at:%Y-%m-%d %H:%M:%S} UTC; "
          f"{s['n_changes']} figure(s) changed since {previous or 'nothing (first build)'}")
    print(f"Goals: {s['goals']}  Indicators: {s['indicators']} ({s['indicators_with_data']} with data)")
    print(f"Observations: {s['observations']} ({s['preferred']} preferred), years {s['years'][0]}–{s['years'][1]}")
    print("By origin: " + ", ".join(f"{kind} {n}" for kind, n in s["by_origin"]))
    print(f"Sources: {s['sources']}")
    if s["source_status"]:
        print("Live sources (last success / last attempt / rows / last error):")
        for source, success, attempt, error, rows in s["source_status"]:
            print(f"  {source:<10} {_when(success):<20} {_when(attempt):<20} {rows!s:>6}  {error or '-'}")
    return 0


def _when(value) -> str:
    return "never" if value is None or value != value else str(value)[:19]
