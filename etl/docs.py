"""`python -m etl docs [--check]`: the column tables of docs/data-model.md, written from `etl.schema`.

The tables sit between two marker lines in the document; everything else in it is prose kept by hand. `--check`
exits 1 when the document differs from the schema (the tests run it), so the two cannot drift.
"""
from __future__ import annotations

import sys
from pathlib import Path

from etl import schema
from etl.paths import ROOT

DOC_PATH = ROOT / "docs" / "data-model.md"
BEGIN = "<!-- schema:begin (written by `python -m etl docs` from etl/schema.py; do not edit by hand) -->"
END = "<!-- schema:end -->"


def _table(columns: tuple[schema.Column, ...]) -> list[str]:
    lines = ["| column | type | meaning | betydning |", "|---|---|---|---|"]
    lines += [f"| `{c.name}` | {c.type} | {_cell(c.en)} | {_cell(c.nb)} |" for c in columns]
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    lines = [BEGIN, "", "### Observation files: `data/curated/<source>.csv`, `data/live/rows/<source>.csv`", ""]
    lines += _table(schema.FILE_COLUMNS)
    lines += ["", "Live files add `origin` (the archived raw response id) and `origin_row`. Unique within a file: "
              + ", ".join(f"`{c}`" for c in schema.FILE_KEY) + f". Periods: {schema.PERIOD_GRAMMAR}.", "",
              "Flags:", ""]
    lines += [f"- `{flag}`: {en} / {nb}" for flag, (en, nb) in schema.FLAGS.items()]
    for name, columns in schema.TABLES.items():
        lines += ["", f"### Table `{name}`", ""] + _table(columns)
    return "\n".join(lines + ["", END])


def updated(document: str) -> str:
    head, found, rest = document.partition(BEGIN)
    if not found:
        return document.rstrip("\n") + "\n\n" + render() + "\n"
    _, found_end, tail = rest.partition(END)
    if not found_end:
        raise ValueError(f"{DOC_PATH}: '{BEGIN}' without '{END}'")
    return head + render() + tail


def main(check: bool = False, path: Path = DOC_PATH) -> int:
    current = path.read_text(encoding="utf-8")
    wanted = updated(current)
    if check:
        if current != wanted:
            print(f"{path.relative_to(ROOT)} is out of date with etl/schema.py: run `python -m etl docs`", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        path.write_text(wanted, encoding="utf-8")
        print(f"updated {path.relative_to(ROOT)}")
    return 0
