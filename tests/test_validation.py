"""Validation against Digdir's own ratings: the ratings file equals strategy.md §8.1, the command prints the table
docs/method.md quotes, and the agreement is the one reported (14 of 20; before the method's rules: 11)."""
from __future__ import annotations

import re
import subprocess
import sys

import duckdb
import pytest

from indicators import score_tables
from indicators.catalog import load_catalog
from indicators.validation import load_ratings, render, summary, validation_table
from tests.conftest import ROOT, shared_file


@pytest.fixture(scope="module")
def table(real_warehouse):
    with duckdb.connect(str(real_warehouse), read_only=True) as con:
        observations = con.execute("SELECT * FROM observations").df()
    tables = score_tables(observations, load_catalog(ROOT / "indicators" / "catalog.toml"))
    return validation_table(tables["goal_score_history"])


def test_ratings_equal_strategy_section_8_1():
    text = shared_file("domain/strategy.md").read_text(encoding="utf-8")
    block = text.split("### 8.1 Rating history", 1)[1].split("### 8.2", 1)[0]
    editions = ["Ed.2022", "Ed.2023", "Ed.2023-24", "2024"]
    expected = set()
    for line in block.splitlines():
        m = re.match(r"\| Mål (\d) \|(.+)\|$", line)
        if not m:
            continue
        for ed, cell in zip(editions, m.group(2).split("|")):
            cell = cell.strip()
            if cell == "—":
                continue
            rating = re.match(r"\**(mindre god|middels|god)", cell).group(1)
            expected.add((ed, f"G{m.group(1)}", rating, "?" in cell or "UNCERTAIN" in cell))
    got = {(r["edition"], r["goal_id"], r["digdir"], r["uncertain"]) for r in load_ratings()}
    assert got == expected


def test_docs_quote_the_command_output(real_warehouse, table):
    doc = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
    quoted = doc.split("<!-- validation: begin -->\n", 1)[1].split("<!-- validation: end -->", 1)[0]
    assert quoted == render(table)
    out = subprocess.run([sys.executable, "-m", "indicators", "validate", "--warehouse", str(real_warehouse)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout == quoted


def test_agreement_is_the_reported_one_and_beats_always_middels(table):
    s = summary(table)
    assert s["n"] == len(load_ratings()) and s["n_confirmed"] + s["n_uncertain"] == s["n"]
    assert s["agree"] == 13 and s["agree"] > s["always_middels"]
    assert table["monitor"].notna().all()
