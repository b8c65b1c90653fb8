"""Shared test fixtures. Anything synthetic here is test data and says so."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(os.environ.get("MONITOR_SHARED", ROOT.parent / "shared"))

SNAPSHOT_HEADER = "indicator_id,geo,breakdown,period,value,unit,source_org,source_dataset,source_url,published,flags,note\n"


def shared_file(relative: str) -> Path:
    """A file from ../shared; skips the test when ../shared is absent, except under CI where it must exist."""
    path = SHARED / relative
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing (CI=true: ../shared must be present)")
        pytest.skip(f"{path} not available")
    return path


# --------------------------------------------------------------------------------------------------------------
# Parallel runs (pytest-xdist, `make test` runs two workers): tests whose assertions depend on the machine not
# being busy otherwise (a server's CPU for a flood, health-check latency, readers keeping pace with builds) are
# marked `exclusive` and run alone: while one runs, the other worker waits before its next test. A reader/writer
# lock on a file shared by the workers, with a gate so a waiting exclusive test is not starved by the others.
# --------------------------------------------------------------------------------------------------------------

def _lock_dir(config) -> Path | None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return None          # one process: nothing runs beside a test
    base = config._tmp_path_factory.getbasetemp().parent   # shared by the workers of one run
    return base


def pytest_collection_modifyitems(config, items):
    """The exclusive tests first, then the long ones, the rest in file order. Workers take tests in this order, so
    an exclusive test never waits for a long one the other worker has just begun, and the run does not end on one
    long test while the other worker has nothing left."""
    items.sort(key=lambda item: (item.get_closest_marker("exclusive") is None, item.get_closest_marker("long") is None))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    folder = _lock_dir(item.config)
    if folder is None:
        return (yield)
    exclusive = item.get_closest_marker("exclusive") is not None
    with open(folder / "exclusive.gate", "a") as gate, open(folder / "exclusive.lock", "a") as lock:
        if exclusive:
            fcntl.flock(gate, fcntl.LOCK_EX)      # no other test starts from now on
            fcntl.flock(lock, fcntl.LOCK_EX)      # and the one running now has finished
        else:
            fcntl.flock(gate, fcntl.LOCK_SH)
            fcntl.flock(lock, fcntl.LOCK_SH)
            fcntl.flock(gate, fcntl.LOCK_UN)
        try:
            return (yield)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            fcntl.flock(gate, fcntl.LOCK_UN)


@pytest.fixture
def small_catalog() -> Path:
    return FIXTURES / "catalog_small.toml"


@pytest.fixture
def small_snapshot(tmp_path: Path) -> Path:
    """A two-file snapshot over the small catalogue (synthetic test values)."""
    folder = tmp_path / "snapshot"
    folder.mkdir()
    (folder / "a_survey.csv").write_text(
        SNAPSHOT_HEADER
        + "share_online,NO,,2019,80,pct,Test org,Test survey,https://example.org/s1,2020,,test row\n"
        + "share_online,NO,,2023,88.5,pct,Test org,Test survey,https://example.org/s1,2024,,test row\n"
        + "share_online,SE,,2023,85,pct,Test org,Test survey,https://example.org/s1,2024,,test row\n"
        + "share_online,NO,age=16-24,2023,99,pct,Test org,Test survey,https://example.org/s1,2024,,test row\n",
        encoding="utf-8",
    )
    (folder / "b_secondary.csv").write_text(
        SNAPSHOT_HEADER
        + "share_online,NO,,2023,88,pct,Blog,Copy,https://example.org/blog,2025,secondary,test row\n"
        + "rank_x,NO,,2021-2022,7,rank,Test org,Test index,https://example.org/s2,,,test row\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="session")
def real_warehouse(tmp_path_factory) -> Path:
    """The warehouse built once per test session from the real catalogue and snapshot."""
    from etl.build import build_warehouse

    target = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    build_warehouse(target, catalog_path=ROOT / "indicators" / "catalog.toml", curated_dir=ROOT / "data" / "curated",
                    live_dir=ROOT / "data" / "live")
    return target


@pytest.fixture(scope="session")
def app_warehouse(real_warehouse, tmp_path_factory) -> Path:
    """A copy of the real warehouse for the app under AppTest. The app keeps its read-only connection open with
    its own locked configuration, and DuckDB refuses a second connection to the same file with another
    configuration in one process: tests that read the warehouse directly use `real_warehouse`."""
    copy = tmp_path_factory.mktemp("app_warehouse") / "warehouse.duckdb"
    copy.write_bytes(real_warehouse.read_bytes())
    return copy


def page_text(at: AppTest) -> str:
    """Everything a rendered page says in text elements (markdown, captions, messages, headings, metrics)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [e.value for e in at.error] + [h.value for h in at.header]
    parts += [s.value for s in at.subheader] + [f"{m.value} {m.label}" for m in at.metric]
    return "\n".join(parts)


def curated_rows() -> list[dict[str, str]]:
    """Every row of the committed curated files data/curated/*.csv, as text."""
    import csv

    from etl.paths import CURATED_DIR

    rows = []
    for path in sorted(CURATED_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle))
    return rows
