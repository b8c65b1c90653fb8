"""Command line: ``python -m indicators score --geo NO [--as-of YEAR] --level goal|indicator``.

Reads the warehouse read-only and prints CSV on stdout. All computing is in ``indicators.scoring``.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

import pandas as pd

from indicators import scoring

DEFAULT_WAREHOUSE = "data/warehouse.duckdb"

GOAL_CSV_COLUMNS = ["goal_id", "geo", "score", "label", "n_indicators"]
INDICATOR_CSV_COLUMNS = [
    "indicator_id", "geo", "base_period", "base_value", "latest_period", "latest_value", "target",
    "target_period", "direction", "limit", "cagr", "status", "score",
]


def load_tables(warehouse: str) -> dict[str, pd.DataFrame]:
    """Read goals, units, indicators and observations from the DuckDB warehouse (read-only)."""
    import duckdb

    con = duckdb.connect(warehouse, read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t}").df() for t in ("goals", "units", "indicators", "observations")}
    finally:
        con.close()


def indicators_with_limits(indicators: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Take ``limit_value`` from the unit where the indicators table lacks it (column or value)."""
    if "unit_id" not in indicators.columns or "limit_value" not in units.columns:
        return indicators
    unit_limits = indicators["unit_id"].map(units.set_index("unit_id")["limit_value"])
    out = indicators.copy()
    if "limit_value" in out.columns:
        out["limit_value"] = pd.to_numeric(out["limit_value"], errors="coerce").fillna(unit_limits)
    else:
        out["limit_value"] = unit_limits
    return out


def _goal_csv(tables: dict[str, pd.DataFrame], indicators: pd.DataFrame, geo: str, as_of: int | None) -> pd.DataFrame:
    goals = scoring.score_goals(tables["observations"], indicators, geo=geo, as_of=as_of, goals=tables["goals"])
    goals["score"] = goals["score"].map(lambda x: "" if pd.isna(x) else f"{x:.2f}")
    return goals[GOAL_CSV_COLUMNS]


def _indicator_csv(tables: dict[str, pd.DataFrame], indicators: pd.DataFrame, geo: str,
                   as_of: int | None) -> pd.DataFrame:
    df = scoring.score_indicators(tables["observations"], indicators, geo=geo, as_of=as_of)
    df["cagr"] = df["cagr"].map(lambda x: "" if pd.isna(x) else f"{x:.6f}")
    df["score"] = df["score"].map(lambda x: "" if pd.isna(x) else f"{x:.4f}")
    return df[INDICATOR_CSV_COLUMNS]


def cmd_score(args: argparse.Namespace) -> int:
    tables = load_tables(args.warehouse)
    indicators = indicators_with_limits(tables["indicators"], tables["units"])
    build = _goal_csv if args.level == "goal" else _indicator_csv
    text = build(tables, indicators, args.geo, args.as_of).to_csv(index=False, lineterminator="\n")
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indicators", description="Indicator and goal scores.")
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="print goal or indicator scores as CSV")
    score.add_argument("--geo", default="NO", help="geography to score (NO, SE, DK, FI, EU27); default NO")
    score.add_argument("--as-of", type=int, default=None, help="use data up to and including this year")
    score.add_argument("--level", choices=("goal", "indicator"), default="goal", help="default: goal")
    score.add_argument("--warehouse", default=DEFAULT_WAREHOUSE, help=f"DuckDB file (default {DEFAULT_WAREHOUSE})")
    score.set_defaults(func=cmd_score)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
