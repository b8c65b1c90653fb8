"""Command line for the ETL: `python -m etl {curate,build,status,refresh,decode}`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.errors import MonitorError
from etl.paths import CATALOG_PATH, CURATED_DIR, LIVE_DIR, WAREHOUSE_PATH


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    parser.add_argument("--warehouse", type=Path, default=WAREHOUSE_PATH, help="warehouse file (default: %(default)s)")
    parser.add_argument("--catalog", type=Path, default=CATALOG_PATH, help="indicator catalogue (default: %(default)s)")
    parser.add_argument("--curated", type=Path, default=CURATED_DIR, help="curated files (default: %(default)s)")
    parser.add_argument("--live", type=Path, default=LIVE_DIR, help="live rows and status (default: %(default)s)")
    sub = parser.add_subparsers(dest="command", required=True)
    curate = sub.add_parser("curate", help="write data/curated/<source>.csv from the shared reference files")
    curate.add_argument("--check", action="store_true", help="write nothing; exit 1 naming the files that are stale")
    curate.add_argument("--shared", type=Path, default=None, help="shared reference folder (default: $MONITOR_SHARED or ../shared)")
    sub.add_parser("build", help="build the warehouse from the catalogue, the curated and the live files")
    sub.add_parser("status", help="print what the warehouse holds and when it was built")
    docs = sub.add_parser("docs", help="write the column tables of docs/data-model.md from etl/schema.py")
    docs.add_argument("--check", action="store_true", help="exit 1 if the document is out of date")
    refresh = sub.add_parser("refresh", help="fetch API-backed indicators from their publishers and rebuild")
    refresh.add_argument("--source", action="append", help="only these sources (repeatable)")
    decode = sub.add_parser("decode", help="decode a JSON-stat 2.0 file to tidy CSV on stdout")
    decode.add_argument("file", type=Path)
    publish = sub.add_parser("publish", help="write data/published/: open data files, datapackage.json, catalog.ttl")
    publish.add_argument("--out", type=Path, default=None, help="folder to publish to (default: data/published)")
    publish.add_argument("--base-url", default=None,
                         help="URL the folder is served at, for catalog.ttl (default: $MONITOR_PUBLISH_BASE_URL or "
                              "http://localhost:8000/)")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except MonitorError as exc:  # a named problem with an input (a bug keeps its traceback)
        print(f"python -m etl {args.command}: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "curate":
        from etl.curate import cli_curate

        return cli_curate(args.curated, catalog_path=args.catalog, shared=args.shared, check=args.check)
    if args.command == "build":
        from etl.build import cli_build

        return cli_build(args.warehouse, catalog_path=args.catalog, curated_dir=args.curated, live_dir=args.live)
    if args.command == "docs":
        from etl.docs import main as docs_main

        return docs_main(check=args.check)
    if args.command == "status":
        from etl.status import cli_status

        return cli_status(args.warehouse)
    if args.command == "refresh":
        from etl.refresh import cli_refresh

        return cli_refresh(args.warehouse, catalog_path=args.catalog, curated_dir=args.curated, live_dir=args.live,
                           sources=args.source)
    if args.command == "decode":
        from etl.jsonstat import cli_decode

        return cli_decode(args.file, sys.stdout)
    if args.command == "publish":
        from etl.publish import PUBLISHED_DIR, cli_publish

        return cli_publish(args.warehouse, args.out or PUBLISHED_DIR, base_url=args.base_url)
    return 2


if __name__ == "__main__":
    sys.exit(main())
