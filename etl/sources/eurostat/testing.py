"""Test replay of the Eurostat API for the framework's refresh tests (synthetic fixtures, see fixtures/README.md)."""
from __future__ import annotations

from pathlib import Path

from werkzeug import Response

FIX = Path(__file__).resolve().parent / "fixtures"
JSON = {"Content-Type": "application/json"}
CATALOG_CONNECTORS: dict[str, str] = {}  # the real catalogue's eurostat entries are used as they are


def fixture_bytes(name: str) -> bytes:
    return (FIX / name).read_bytes()


def install(server, prefix: str) -> None:
    for dataset in ("isoc_ciegi_ac", "isoc_sk_dskl_i21"):
        server.expect_request(f"{prefix}/{dataset}").respond_with_data(fixture_bytes(f"{dataset}.json"), headers=JSON)


def connector_kwargs(base_url: str) -> dict:
    return {"base_url": base_url}


def _500(server, prefix):
    server.expect_request(f"{prefix}/isoc_ciegi_ac").respond_with_data("upstream exploded", status=500)


def _400(server, prefix):
    from tests.conftest import shared_file

    body = shared_file("fixtures/eurostat/error400_invalid_dimension_value.json").read_bytes()
    server.expect_request(f"{prefix}/isoc_ciegi_ac").respond_with_response(Response(body, status=400, headers=JSON))


def _serve(name):
    def install_failure(server, prefix):
        server.expect_request(f"{prefix}/isoc_ciegi_ac").respond_with_data(fixture_bytes(name), headers=JSON)
    install_failure.__name__ = name.split(".")[0]
    return install_failure


# (kind, text in the error line, installer): each is registered before the defaults, so it wins
FAILURES = [
    ("http", "HTTP 500", _500),
    ("http", "INVALID_QUERY_DIMENSION_VALUE", _400),
    ("malformed", "not usable JSON-stat", _serve("isoc_ciegi_ac_truncated.json")),
    ("values", "above the unit's limit", _serve("isoc_ciegi_ac_over_100.json")),
    ("schema", "changed schema", _serve("isoc_ciegi_ac_changed_codes.json")),
]


def _body(name: str, change) -> object:
    def install_fault(server, prefix):
        body = change(fixture_bytes("isoc_ciegi_ac.json").decode("utf-8"))
        server.expect_request(f"{prefix}/isoc_ciegi_ac").respond_with_data(body, headers=JSON)
    install_fault.__name__ = name
    return install_fault


# The fault matrix (tests/etl/test_fault_matrix.py): the faults that need this source's body format. Network and
# HTTP faults (timeout, reset, hang, 429, 500, truncated, HTML) are generic and need nothing here.
FAULTS = {
    "wrong_schema": _serve("isoc_ciegi_ac_changed_codes.json"),
    "out_of_range": _serve("isoc_ciegi_ac_over_100.json"),
    # the same JSON key twice in one object: which value counts is ambiguous, so the decoder refuses it
    "duplicate_keys": _body("duplicate_keys", lambda text: text.replace('"value":{', '"value":{"0":1},"value":{', 1)),
}
