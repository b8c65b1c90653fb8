"""data.norge.no: the count parser on genuine-format search results, changed and truncated bodies."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from etl.connector import ConnectorError, IndicatorSpec
from etl.lineage import RawArchive
from etl.sources.datanorge.fetch import QUERIES, DataNorgeConnector

FIX = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def parsed(tmp_path):
    archive = RawArchive(tmp_path / "raw")
    spec = IndicatorSpec("dn", "count_datasets", "count", None, "Digdir", "FDK", {"source": "datanorge", "query": "datasets"})
    conn = DataNorgeConnector([spec], archive=archive)
    raw = archive.store(source="datanorge", url="https://example.test/search/datasets", method="POST",
                        http_status=200, body=(FIX / "search_datasets.json").read_bytes(),
                        request_body={"pagination": {"page": 0, "size": 1}},
                        retrieved_at=datetime(2026, 11, 28, 10, 15, tzinfo=timezone.utc))
    raw.context = {"query": "datasets", "indicators": ["dn"]}
    return conn, raw


def test_count_is_dated_the_retrieval_day(parsed):
    conn, raw = parsed
    rows = conn.parse(raw)
    assert rows[["period", "value", "geo"]].iloc[0].tolist() == ["2026-11-28", "3512", "NO"]
    assert rows["source_url"].iloc[0] == raw.url and conn.accumulates


@pytest.mark.parametrize("fixture,kind,text", [
    ("search_changed.json", "schema", "datanorge: search/datasets: changed schema, no integer page.totalElements"),
    ("search_datasets_truncated.json", "malformed", "datanorge: search/datasets: body is not JSON"),
])
def test_broken_bodies_name_source_and_problem(parsed, fixture, kind, text):
    conn, raw = parsed
    raw.body = (FIX / fixture).read_bytes()
    with pytest.raises(ConnectorError) as info:
        conn.parse(raw)
    assert info.value.kind == kind and str(info.value).startswith(text)


def test_unknown_query_is_a_schema_error(tmp_path):
    spec = IndicatorSpec("dn", "count_datasets", "count", None, "", "", {"source": "datanorge", "query": "nope"})
    with pytest.raises(ConnectorError, match=f"unknown data.norge.no query 'nope' \\(known: {', '.join(QUERIES)}\\)"):
        DataNorgeConnector([spec], archive=RawArchive(tmp_path / "raw")).fetch(None)
