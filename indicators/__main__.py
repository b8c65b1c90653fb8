"""Command line: ``python -m indicators score [--table NAME | --level goal|indicator] [--geo NO] [--as-of YEAR]``
and ``python -m indicators validate``.

Reads the warehouse's observations and catalogue tables read-only, calls ``indicators.score_tables`` and prints the
requested table as CSV on stdout: exactly the table's columns and values, the rows of one geo. ``--as-of YEAR``
scores with the figures published by the end of YEAR (for every geo, as the history does). ``validate`` prints
Digdir's published ratings beside the monitor's labels (Markdown, as quoted in docs/method.md).
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

import pandas as pd

from etl.errors import MonitorError
from indicators import score_tables
from indicators.catalog import Catalog
from indicators.method import METHOD

DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
TABLE_NAMES = ("goal_scores", "indicator_scores", "indicator_score_peers", "goal_score_history", "goal_period_scores",
               "goal_period_indicators", "movers", "goal_confidence")
LEVEL_TABLES = {"goal": "goal_scores", "indicator": "indicator_scores"}


def load_inputs(warehouse: str) -> tuple[pd.DataFrame, Catalog]:
    """The observations and the catalogue (goals, units, indicators, life events) from the warehouse, read-only."""
    import duckdb

    con = duckdb.connect(warehouse, read_only=True)
    try:
        tables = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        frames = {t: con.execute(f'SELECT * FROM "{t}"').df() if t in tables else pd.DataFrame()
                  for t in ("goals", "units", "indicators", "life_events", "observations")}
    finally:
        con.close()
    catalog = Catalog(goals=frames["goals"], units=frames["units"], indicators=frames["indicators"],
                      life_events=frames["life_events"])
    return frames["observations"], catalog


def table_for(observations: pd.DataFrame, catalog: Catalog, table: str, geo: str | None,
              as_of: int | None = None) -> pd.DataFrame:
    """The rows of one score table (one geo, or all when ``geo`` is None) as ``score_tables`` returns them."""
    frame = score_tables(observations, catalog, as_of=as_of)[table]
    if geo is not None:
        frame = frame[frame["geo"] == geo]
    return frame.reset_index(drop=True)


def cmd_score(args: argparse.Namespace) -> int:
    table = args.table or LEVEL_TABLES[args.level]
    observations, catalog = load_inputs(args.warehouse)
    geo = None if args.geo == "all" else args.geo
    text = table_for(observations, catalog, table, geo, args.as_of).to_csv(index=False, lineterminator="\n")
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from indicators.validation import render, validation_table

    observations, catalog = load_inputs(args.warehouse)
    sys.stdout.write(render(validation_table(score_tables(observations, catalog)["goal_score_history"])))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indicators", description="Indicator and goal scores.")
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="print a score table as CSV")
    score.add_argument("--geo", default="NO", choices=(*METHOD.scored_geos, "all"),
                       help="scored geography, or all; default NO")
    score.add_argument("--as-of", type=int, default=None, help="use the observations up to and including this year")
    which = score.add_mutually_exclusive_group()
    which.add_argument("--table", choices=TABLE_NAMES, default=None, help="the score table to print")
    which.add_argument("--level", choices=tuple(LEVEL_TABLES), default="goal",
                       help="goal (= --table goal_scores, the default) or indicator (= --table indicator_scores)")
    score.add_argument("--warehouse", default=DEFAULT_WAREHOUSE, help=f"DuckDB file (default {DEFAULT_WAREHOUSE})")
    score.set_defaults(func=cmd_score)
    validate = sub.add_parser("validate", help="Digdir's published ratings beside the monitor's labels")
    validate.add_argument("--warehouse", default=DEFAULT_WAREHOUSE, help=f"DuckDB file (default {DEFAULT_WAREHOUSE})")
    validate.set_defaults(func=cmd_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except MonitorError as exc:  # a named problem with an input (a bug keeps its traceback)
        print(f"python -m indicators {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
