"""Test replay of the UN EGDI files for the framework's refresh tests: the real survey files from
../shared/reference-data/un-egdi (pinned in source.toml) served at the paths `[fetch.options] files` names."""
from __future__ import annotations

from pathlib import Path

FIX = Path(__file__).resolve().parent / "fixtures"
CSV = {"Content-Type": "text/csv"}
CATALOG_CONNECTORS: dict[str, str] = {}


def _files() -> list[tuple[str, str]]:
    """(served path, file under ../shared) per configured fetch file, matched by survey year."""
    from etl.sources import get

    source = get("un_egdi")
    by_year = {int(f["year"]): f["path"] for f in source.reference_files}
    return [(f["path"], by_year[int(f["year"])]) for f in source.fetch_options["options"]["files"]]


def install(server, prefix: str) -> None:
    from tests.conftest import shared_file

    for served, relative in _files():
        server.expect_request(f"{prefix}{served}").respond_with_data(shared_file(relative).read_bytes(), headers=CSV)


def connector_kwargs(base_url: str) -> dict:
    return {"base_url": base_url}


def _serve(name):
    def install_failure(server, prefix):
        served = _files()[-1][0]
        server.expect_request(f"{prefix}{served}").respond_with_data((FIX / name).read_bytes(), headers=CSV)
    install_failure.__name__ = name.split(".")[0]
    return install_failure


FAILURES = [
    ("schema", "changed schema", _serve("EGOV_DATA_changed_header.csv")),
    ("malformed", "truncated", _serve("EGOV_DATA_2024_truncated.csv")),
    ("malformed", "UTF-16", _serve("EGOV_DATA_2024_utf16.csv")),
]


def _last_file(name: str, change):
    """The last configured survey file, changed by `change(lines) -> lines`."""
    def install_fault(server, prefix):
        from tests.conftest import shared_file

        served, relative = _files()[-1]
        lines = shared_file(relative).read_text(encoding="utf-8-sig").splitlines()
        server.expect_request(f"{prefix}{served}").respond_with_data("\n".join(change(lines)) + "\n", headers=CSV)
    install_fault.__name__ = name
    return install_fault


def _norway(lines: list[str]) -> int:
    return next(i for i, line in enumerate(lines) if line.split(",")[1].strip().strip('"').lower() == "norway")


def _egdi_above_one(lines: list[str]) -> list[str]:
    i = _norway(lines)
    cells = lines[i].split(",")
    cells[3] = "1.93153"  # E_Index (index 0–1)
    return [*lines[:i], ",".join(cells), *lines[i + 1:]]


def _norway_twice(lines: list[str]) -> list[str]:
    i = _norway(lines)
    cells = lines[i].split(",")
    cells[3] = "0.5"
    return [*lines, ",".join(cells)]  # the same country and year twice, with another value


# The fault matrix (tests/etl/test_fault_matrix.py): the faults that need this source's body format.
FAULTS = {
    "wrong_schema": _serve("EGOV_DATA_changed_header.csv"),
    "out_of_range": _last_file("out_of_range", _egdi_above_one),
    "duplicate_keys": _last_file("duplicate_keys", _norway_twice),
}
