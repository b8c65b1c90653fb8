"""SSB PxWebApi v2: selection from metadata, cell-limit splitting and the rate limiter (injectable clock)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.connector import ConnectorError, IndicatorSpec
from etl.lineage import RawArchive
from etl.sources.ssb.fetch import MAX_CELLS, RateLimiter, SsbConnector, cell_count, split_selection

FIX = Path(__file__).resolve().parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIX / name).read_bytes()


class FakeClock:
    def __init__(self):
        self.t = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.t

    def sleep(self, s):
        self.sleeps.append(s)
        self.t += s


def test_rate_limiter_allows_30_per_minute():
    clock = FakeClock()
    limiter = RateLimiter(30, 60.0, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(30):
        assert limiter.acquire() == 0
        times.append(clock.t)
        clock.t += 0.5  # 30 calls within 15 s
    waited = limiter.acquire()  # the 31st must wait until the first call is 60 s old
    times.append(clock.t)
    assert waited == pytest.approx(60 - 15)
    assert clock.t == pytest.approx(1000 + 60)
    for _ in range(40):
        limiter.acquire()
        times.append(clock.t)
    # in any 60-second window there are at most 30 calls
    assert all(b - a >= 60 - 1e-9 for a, b in zip(times, times[30:]))


def test_rate_limiter_window_slides():
    clock = FakeClock()
    limiter = RateLimiter(2, 10.0, clock=clock, sleep=clock.sleep)
    limiter.acquire(); clock.t += 4; limiter.acquire(); clock.t += 7  # first call is now 11 s old
    assert limiter.acquire() == 0
    assert limiter.acquire() == pytest.approx(3)  # second call (t=4) leaves the window at t=14


def test_cell_count_and_split_along_time_first():
    selection = {"Region": [f"K{i}" for i in range(400)], "ContentsCode": ["A", "B", "C"],
                 "Tid": [str(y) for y in range(1900, 2000)]}  # 120,000 cells
    assert cell_count(selection) == 120_000
    assert split_selection(selection, MAX_CELLS) == [selection]
    parts = split_selection(selection, 50_000, prefer=["Tid"])
    assert all(cell_count(p) <= 50_000 for p in parts)
    assert all(p["Region"] == selection["Region"] for p in parts)  # split on time only
    assert [t for p in parts for t in p["Tid"]] == selection["Tid"] and len(parts) == 3


def test_split_when_one_period_is_too_big():
    selection = {"Region": [f"K{i}" for i in range(1000)], "Alder": [str(a) for a in range(1000)], "Tid": ["2023", "2024"]}
    parts = split_selection(selection, MAX_CELLS, prefer=["Tid"])  # 2,000,000 cells; one year = 1,000,000
    assert all(cell_count(p) <= MAX_CELLS for p in parts)
    assert sum(cell_count(p) for p in parts) == 2_000_000


def spec(contents="SendtSkjema", filters=None, iid="ssb_x"):
    return IndicatorSpec(iid, "pct_population_16_79", "percent", 100.0, "Statistics Norway (SSB)", "ICT survey",
                         {"source": "ssb", "table": "11004", "contents": contents, "filters": filters or {"Alder": "16-79"}})


def test_selection_is_built_from_metadata_and_split_into_throttled_calls(httpserver, session, tmp_path):
    httpserver.expect_request("/tables/11004/metadata").respond_with_data(fixture_bytes("11004_metadata.json"),
                                                                         content_type="application/json")
    httpserver.expect_request("/tables/11004/data", method="POST").respond_with_data(fixture_bytes("11004_data.json"),
                                                                                    content_type="application/json")
    clock = FakeClock()
    limiter = RateLimiter(2, 60.0, clock=clock, sleep=clock.sleep)
    conn = SsbConnector([spec(), spec("LastetNedSkjema", iid="ssb_y")], archive=RawArchive(tmp_path / "raw"),
                        base_url=httpserver.url_for("/"), limiter=limiter, max_cells=4)
    raws = conn.fetch(session)
    # 1 metadata + 3 data calls (2 contents x 6 years = 12 cells, max 4 per call → 2 years per call)
    assert [r.context["role"] for r in raws] == ["metadata", "data", "data", "data"]
    bodies = [json.loads(e.get_data()) for e, _ in httpserver.log if e.method == "POST"]
    assert [b["selection"][0] for b in bodies][0] == {"variableCode": "ContentsCode", "valueCodes": ["SendtSkjema", "LastetNedSkjema"]}
    assert [s["valueCodes"] for b in bodies for s in b["selection"] if s["variableCode"] == "Tid"] == [
        ["2019", "2020"], ["2021", "2022"], ["2023", "2024"]]
    assert all({"variableCode": "Alder", "valueCodes": ["16-79"]} in b["selection"] for b in bodies)
    assert clock.sleeps and sum(clock.sleeps) >= 60  # 4 calls at 2 per minute: throttled twice
    rows = conn.parse(raws[1])
    assert set(rows["indicator_id"]) == {"ssb_x", "ssb_y"} and set(rows["geo"]) == {"NO"}
    # the null cell (flagged "..") is not an observation
    assert not ((rows["indicator_id"] == "ssb_y") & (rows["period"] == "2024")).any()


def test_changed_schema_names_what_is_missing(httpserver, session, tmp_path):
    httpserver.expect_request("/tables/11004/metadata").respond_with_data(
        fixture_bytes("11004_metadata_changed.json"), content_type="application/json")
    conn = SsbConnector([spec()], archive=RawArchive(tmp_path / "raw"), base_url=httpserver.url_for("/"),
                        limiter=RateLimiter(clock=FakeClock(), sleep=lambda s: None))
    with pytest.raises(ConnectorError) as info:
        conn.fetch(session)
    assert info.value.kind == "schema"
    assert "changed schema, Alder code(s) 16-79 not in the metadata (has: 016-079, 016-024)" in str(info.value)


def test_unknown_contents_code_and_unfiltered_variable(httpserver, session, tmp_path):
    httpserver.expect_request("/tables/11004/metadata").respond_with_data(fixture_bytes("11004_metadata.json"),
                                                                         content_type="application/json")
    kw = dict(archive=RawArchive(tmp_path / "raw"), base_url=httpserver.url_for("/"),
              limiter=RateLimiter(clock=FakeClock(), sleep=lambda s: None))
    with pytest.raises(ConnectorError, match="ContentsCode code\\(s\\) Nope not in the metadata"):
        SsbConnector([spec("Nope")], **kw).fetch(session)
    with pytest.raises(ConnectorError, match="variable 'Alder' cannot be eliminated"):
        SsbConnector([IndicatorSpec("i", "u", "percent", 100.0, "", "", {"source": "ssb", "table": "11004",
                                                                          "contents": "SendtSkjema"})], **kw).fetch(session)


def test_real_ssb_body_through_the_connector(httpserver, session, tmp_path):
    """The real 03024 v2 JSON-stat2 body; its dimensions also stand in for the table metadata (same shape)."""
    from tests.conftest import shared_file as shared

    body = shared("fixtures/ssb/pxwebapi_v2_03024_en_post_jsonstat2.json").read_bytes()
    httpserver.expect_request("/tables/03024/metadata").respond_with_data(body, content_type="application/json")
    httpserver.expect_request("/tables/03024/data", method="POST").respond_with_data(body, content_type="application/json")
    spec = IndicatorSpec("salmon_price", "nok_per_kg", "score", None, "Statistics Norway (SSB)", "03024",
                         {"source": "ssb", "table": "03024", "contents": "Kilopris", "filters": {"VareGrupper2": "01"}})
    conn = SsbConnector([spec], archive=RawArchive(tmp_path / "raw"), base_url=httpserver.url_for("/"),
                        limiter=RateLimiter(clock=FakeClock(), sleep=lambda s: None))
    raws = conn.fetch(session)
    sent = json.loads([e for e, _ in httpserver.log if e.method == "POST"][0].get_data())
    assert {"variableCode": "VareGrupper2", "valueCodes": ["01"]} in sent["selection"]
    rows = conn.parse(raws[1])
    assert len(rows) == 48 and rows.iloc[0][["period", "value"]].tolist() == ["2025U01", "125.36"]
    assert rows["published"].iloc[0] == "2025-12-03" and rows["origin"].iloc[0] == raws[1].response_id
    assert rows["source_url"].eq(raws[1].url).all()  # the data call the figure was read from


def test_truncated_data_body_names_source_and_problem(tmp_path):
    archive = RawArchive(tmp_path / "raw")
    conn = SsbConnector([spec()], archive=archive, limiter=RateLimiter(clock=FakeClock(), sleep=lambda s: None))
    raw = archive.store(source="ssb", url="https://example.test/tables/11004/data", method="POST", http_status=200,
                        body=fixture_bytes("11004_data_truncated.json"))
    raw.context = {"role": "data", "table": "11004", "contents_var": "ContentsCode", "time_var": "Tid",
                   "indicators": ["ssb_x"]}
    with pytest.raises(ConnectorError) as info:
        conn.parse(raw)
    assert info.value.kind == "malformed" and str(info.value).startswith("ssb: table 11004: response is not usable")
