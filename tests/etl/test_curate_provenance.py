"""Each curated row says where its figure was read (docs/data-model.md, etl/curate.py): on the real reference data,
curation without the sources' read-from and exclude rules fails with the problems those rules fix."""
from __future__ import annotations

import csv
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from etl.curate import READ_FROM_ANOTHER_PARTY, CurateError, apply_read_from, curate_all, provenance_problems
from etl.sources import SOURCES_DIR
from tests.conftest import ROOT, SHARED, curated_rows, shared_file

UNLOCATED = "Modenhetsanalyse: Kapabilitetsmodenhet for nasjonale fellesløsninger"


def _sources_without(tmp_path: Path, *rule_tables: str) -> Path:
    """A copy of etl/sources whose source.toml files lack the named [[curate.<table>]] rules."""
    folder = tmp_path / "sources"
    shutil.copytree(SOURCES_DIR, folder, ignore=shutil.ignore_patterns("__pycache__", "fixtures", "test_*.py"))
    for toml in folder.glob("*/source.toml"):
        text = toml.read_text(encoding="utf-8")
        for table in rule_tables:
            text = re.sub(rf"\n\[\[curate\.{table}\]\]\n(?:[^\[\n][^\n]*\n?)*", "\n", text)
        toml.write_text(text, encoding="utf-8")
        assert not any(f"[[curate.{t}]]" in text for t in rule_tables)
        tomllib.loads(text)
    return folder


def test_no_curated_figure_comes_from_the_report_nobody_can_locate():
    shared_file("reference-data/published-figures.csv")
    with (SHARED / "reference-data/published-figures.csv").open(encoding="utf-8", newline="") as handle:
        unlocated = [r for r in csv.DictReader(handle) if UNLOCATED in r["notes"]]
    assert len(unlocated) >= 50  # Norway and EU27 2023-2025, ten e-government activities, three SSB barriers
    assert not [r for r in curated_rows() if UNLOCATED in r["note"]]


def test_the_third_party_un_2024_copy_is_named_and_flagged_secondary():
    rows = [r for r in curated_rows() if r["source_dataset"].startswith("UN E-Government Survey 2024")]
    assert len(rows) == 24
    assert all(r["source_url"].startswith("https://github.com/MaryliaCruzS/") for r in rows)
    assert all("secondary" in r["flags"].split(";") for r in rows)
    assert all("published at https://publicadministration.un.org/" in r["note"] for r in rows)


def test_without_the_rules_curation_names_the_rows_that_misstate_where_they_were_read(tmp_path):
    shared_file("reference-data/published-figures.csv")
    with pytest.raises(CurateError) as info:
        curate_all(SHARED, sources_dir=_sources_without(tmp_path, "read_from", "exclude"))
    message = str(info.value)
    assert message.count("a secondary figure links the publisher's own page https://ec.europa.eu/eurostat") >= 24
    assert "a secondary figure links the publisher's own page https://www.ssb.no/statbank/table/10611" in message
    assert message.count("says it was read from another party") >= 24


def test_read_from_moves_the_publishers_address_into_the_note():
    rows = [{"source_url": "https://publisher.example/data", "note": "n", "flags": "", "source_org": "P"}]
    apply_read_from(rows, [{"note_contains": "n", "source_url": "https://copy.example/f.csv",
                            "flags": ["secondary"], "reason": "a copy"}])
    assert rows[0] == {"source_url": "https://copy.example/f.csv", "flags": "secondary", "source_org": "P",
                       "note": "n; read from https://copy.example/f.csv (a copy); published at "
                               "https://publisher.example/data"}


def test_provenance_problems_on_synthetic_rows():
    base = {"indicator_id": "x", "geo": "NO", "breakdown": "", "period": "2024", "source_org": "P"}
    ok = {**base, "source_url": "https://news.example/a", "flags": "secondary", "note": "third-party copy"}
    official = {**ok, "source_url": "https://stats.example/table"}
    unflagged = {**ok, "flags": ""}
    own = {**base, "source_url": "https://stats.example/table", "flags": "", "note": "table 1"}
    cited = {**own, "source_org": "P (via Digdir)"}
    not_a_party = {**own, "note": "page read via its language-switch URL"}
    foreign_host = {**own, "source_url": "https://news.example/a"}
    copy = {**own, "source_url": "https://copy.example/f.csv", "note": "copied from GitHub x/y"}
    hosts = {"stats.example"}
    assert provenance_problems([ok, own, not_a_party], [hosts] * 3) == []
    assert len(provenance_problems([official], [hosts])) == 1
    assert len(provenance_problems([unflagged], [hosts])) == 2  # a foreign host and the words "third-party"
    assert len(provenance_problems([cited], [hosts])) == 1
    assert len(provenance_problems([foreign_host], [hosts])) == 1
    assert len(provenance_problems([foreign_host], [set()])) == 1  # a source whose every row is read elsewhere
    assert len(provenance_problems([copy], [hosts])) == 2
    assert provenance_problems([copy], [hosts], copies={"https://copy.example/f.csv"}) == []


# the rows today's curated files (before the rules below) gave without saying where they were read: the audit's cases
CAUGHT_KEYS = 688  # (indicator, geo, breakdown, period) keys; 721 problems (a row can break two rules)
AUDIT_CASES = [
    ("eurostat_egov_interaction_12m", "NO", "", "2020"), ("eurostat_egov_interaction_12m", "NO", "", "2021"),
    ("gov_ai_readiness_rank", "NO", "", "2019"), ("gov_ai_readiness_rank", "NO", "", "2022"),
    ("ssb_submitted_forms_online_12m", "NO", "", "2021"), ("un_epart_rank", "NO", "", "2020"),
    ("egdi_rank", "NO", "", "2020"), ("eurostat_egov_downloaded_forms_12m", "NO", "", "2018"),
    ("oecd_dgi_composite", "NO", "", "2023"), ("oecd_ourdata_data_availability", "NO", "", "2022"),
    ("eurostat_basic_or_above_basic_digital_skills", "NO", "", "2023"),
]


def test_without_the_read_from_rules_curation_refuses_every_row_that_hides_where_it_was_read(tmp_path):
    """Today's curated files before the sources declared where these figures were read: the check names each of
    the audit's cases, through the publisher's own sites (un_epart_rank, egdi_rank 2020: no telling words) or the
    words of the row (the OECD and Eurostat files' rows link the publisher's own site)."""
    shared_file("reference-data/published-figures.csv")
    with pytest.raises(CurateError) as info:
        curate_all(SHARED, sources_dir=_sources_without(tmp_path, "read_from"))
    problems = str(info.value).splitlines()[1:]
    caught = {m.groups() for m in (re.match(r"  \('([^']*)', '([^']*)', '([^']*)', '([^']*)'\): ", p)
                                   for p in problems) if m}
    assert set(AUDIT_CASES) <= caught
    assert len(caught) == CAUGHT_KEYS


def test_the_phrases_are_documented_where_the_rules_are():
    text = (ROOT / "docs/data-model.md").read_text(encoding="utf-8")
    assert all(f"`{phrase}`" in text for phrase in READ_FROM_ANOTHER_PARTY)
