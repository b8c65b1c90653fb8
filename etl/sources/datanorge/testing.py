"""Test replay of the data.norge.no search API for the framework's refresh tests (synthetic fixtures)."""
from __future__ import annotations

from pathlib import Path

FIX = Path(__file__).resolve().parent / "fixtures"
JSON = {"Content-Type": "application/json"}
CATALOG_CONNECTORS: dict[str, str] = {}


def fixture_bytes(name: str) -> bytes:
    return (FIX / name).read_bytes()


def install(server, prefix: str) -> None:
    server.expect_request(f"{prefix}/search/datasets", method="POST",
                          json={"pagination": {"page": 0, "size": 1}, "filters": {"openData": {"value": True}}}
                          ).respond_with_data(fixture_bytes("search_datasets_open.json"), headers=JSON)
    server.expect_request(f"{prefix}/search/datasets", method="POST").respond_with_data(
        fixture_bytes("search_datasets.json"), headers=JSON)
    server.expect_request(f"{prefix}/search/dataservices", method="POST").respond_with_data(
        fixture_bytes("search_dataservices.json"), headers=JSON)


def connector_kwargs(base_url: str) -> dict:
    return {"base_url": base_url}


def _serve(name):
    def install_failure(server, prefix):
        server.expect_request(f"{prefix}/search/datasets", method="POST").respond_with_data(
            fixture_bytes(name), headers=JSON)
    install_failure.__name__ = name.split(".")[0]
    return install_failure


FAILURES = [
    ("schema", "changed schema", _serve("search_changed.json")),
    ("malformed", "not JSON", _serve("search_datasets_truncated.json")),
]


def _body(name: str, body: str):
    def install_fault(server, prefix):
        server.expect_request(f"{prefix}/search/datasets", method="POST").respond_with_data(body, headers=JSON)
    install_fault.__name__ = name
    return install_fault


# The fault matrix (tests/etl/test_fault_matrix.py): the faults that need this source's body format.
FAULTS = {
    "wrong_schema": _serve("search_changed.json"),
    "out_of_range": _body("out_of_range", '{"hits":[],"page":{"currentPage":0,"size":1,"totalElements":-3512}}'),
    "duplicate_keys": _body("duplicate_keys",
                            '{"hits":[],"page":{"currentPage":0,"size":1,"totalElements":3512,"totalElements":1}}'),
}
