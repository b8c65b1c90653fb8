"""Test replay of SSB PxWebApi v2 for the framework's refresh tests (synthetic fixtures, see fixtures/README.md)."""
from __future__ import annotations

from pathlib import Path

from werkzeug import Response

FIX = Path(__file__).resolve().parent / "fixtures"
JSON = {"Content-Type": "application/json"}
# The real catalogue has no SSB connector yet (codes await verification): tests add these, whose codes match our
# synthetic fixtures (not verified SSB codes).
CATALOG_CONNECTORS = {
    "ssb_submitted_forms_online_12m":
        '{ source = "ssb", table = "11004", contents = "SendtSkjema", filters = { Alder = "16-79" } }',
    "ssb_downloaded_public_forms_12m":
        '{ source = "ssb", table = "11004", contents = "LastetNedSkjema", filters = { Alder = "16-79" } }',
}


def fixture_bytes(name: str) -> bytes:
    return (FIX / name).read_bytes()


def install(server, prefix: str) -> None:
    server.expect_request(f"{prefix}/tables/11004/metadata").respond_with_data(
        fixture_bytes("11004_metadata.json"), headers=JSON)
    server.expect_request(f"{prefix}/tables/11004/data", method="POST").respond_with_data(
        fixture_bytes("11004_data.json"), headers=JSON)


def connector_kwargs(base_url: str) -> dict:
    from etl.sources.ssb.fetch import RateLimiter

    clock = {"t": 0.0}
    limiter = RateLimiter(clock=lambda: clock["t"], sleep=lambda s: clock.__setitem__("t", clock["t"] + s))
    return {"base_url": base_url, "limiter": limiter}


def _403(server, prefix):
    server.expect_request(f"{prefix}/tables/11004/data", method="POST").respond_with_response(
        Response(fixture_bytes("problem_403_cell_limit.json"), status=403,
                 headers={"Content-Type": "application/problem+json"}))


def _changed(server, prefix):
    server.expect_request(f"{prefix}/tables/11004/metadata").respond_with_data(
        fixture_bytes("11004_metadata_changed.json"), headers=JSON)


def _truncated(server, prefix):
    server.expect_request(f"{prefix}/tables/11004/data", method="POST").respond_with_data(
        fixture_bytes("11004_data_truncated.json"), headers=JSON)


FAILURES = [
    ("http", "exceeds the number of allowed", _403),
    ("schema", "changed schema", _changed),
    ("malformed", "not usable JSON-stat", _truncated),
]


def _data(name: str, change):
    def install_fault(server, prefix):
        body = change(fixture_bytes("11004_data.json").decode("utf-8"))
        server.expect_request(f"{prefix}/tables/11004/data", method="POST").respond_with_data(body, headers=JSON)
    install_fault.__name__ = name
    return install_fault


def _over_100(text: str) -> str:
    import json

    doc = json.loads(text)
    doc["value"] = [None if v is None else v + 150 for v in doc["value"]]  # percent of the population > 100
    return json.dumps(doc)


# The fault matrix (tests/etl/test_fault_matrix.py): the faults that need this source's body format.
FAULTS = {
    "wrong_schema": _changed,
    "out_of_range": _data("out_of_range", _over_100),
    "duplicate_keys": _data("duplicate_keys", lambda text: text.replace('"value":[', '"value":[1],"value":[', 1)),
}
