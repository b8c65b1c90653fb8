"""Speed and memory figures for the monitor (`make bench`). Prints figures and ratios; asserts nothing.

The build, the JSON-stat decoder, the score tables, concurrent queries, and the page table (bench/pages.py: each
page's server-side time, first view and warm median, against the 50 ms / 300 ms targets). The load table follows
from bench/load.py.

The JSON-stat cube below is SYNTHETIC benchmark data (random values), not a published figure.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.build import build_warehouse  # noqa: E402
from etl.jsonstat import decode  # noqa: E402
from etl.paths import CATALOG_PATH  # noqa: E402


def timed(fn, repeat: int = 5) -> tuple[float, float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return min(runs), statistics.median(runs), max(runs)


def show(name: str, figures: tuple[float, float, float], unit: str = "s", extra: str = "") -> None:
    lo, med, hi = figures
    print(f"{name:<48} min {lo:8.4f} {unit}  median {med:8.4f} {unit}  max {hi:8.4f} {unit}  {extra}")


def synthetic_cube(cells: int, sparse: bool) -> str:
    rng = np.random.default_rng(7)
    sizes = [1, 5, 40, cells // 200]
    n = int(np.prod(sizes))
    dims = {f"d{i}": {"category": {"index": [f"c{j}" for j in range(s)]}} for i, s in enumerate(sizes)}
    values = rng.uniform(0, 100, n).round(2)
    if sparse:
        keep = rng.random(n) < 0.5
        value = {str(i): float(values[i]) for i in np.flatnonzero(keep)}
        status = {str(i): "p" for i in np.flatnonzero(~keep)[:1000]}
    else:
        value, status = values.tolist(), None
    doc = {"version": "2.0", "class": "dataset", "id": list(dims), "size": sizes, "dimension": dims, "value": value}
    if status:
        doc["status"] = status
    return json.dumps(doc)


def naive_decode(text: str):
    """The same tidy frame built by a per-cell Python loop: the reference the vectorised decoder is compared with."""
    import pandas as pd

    doc = json.loads(text)
    ids, sizes = doc["id"], doc["size"]
    codes = [doc["dimension"][d]["category"]["index"] for d in ids]
    values = doc["value"]
    rows = []
    for key, value in (values.items() if isinstance(values, dict) else enumerate(values)):
        i, cell = int(key), []
        for size, dim_codes in zip(reversed(sizes), reversed(codes)):
            cell.append(dim_codes[i % size])
            i //= size
        rows.append((*reversed(cell), value))
    return pd.DataFrame(rows, columns=[*ids, "value"])


def bench_build() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "w.duckdb"

        def fresh_build():
            target.unlink(missing_ok=True)
            return build_warehouse(target)

        figures = timed(fresh_build)
        result = fresh_build()
        show("warehouse build from the data files", figures,
             extra=f"{result.n_observations} rows and the score tables, {result.n_observations / figures[1]:,.0f} rows/s")
        unchanged = timed(lambda: build_warehouse(target))
        show("build with unchanged inputs (nothing rewritten)", unchanged,
             extra=f"ratio to a full build {unchanged[1] / figures[1]:.2f}x")


def bench_decode() -> None:
    for sparse in (False, True):
        text = synthetic_cube(1_000_000, sparse)
        kind = "sparse" if sparse else "dense"
        tracemalloc.start()
        frame = decode(text).frame
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        fast = timed(lambda: decode(text), repeat=3)
        slow = timed(lambda: naive_decode(text), repeat=1)
        parse = timed(lambda: json.loads(text), repeat=3)
        show(f"JSON-stat decode 10^6 cells ({kind}, synthetic)", fast,
             extra=f"{len(frame):,} rows, peak {peak / 2**20:,.0f} MiB; of which json.loads {parse[1]:.2f} s; "
                   f"per-cell loop {slow[1]:.2f} s (ratio {slow[1] / fast[1]:.1f}x)")


def bench_scoring() -> None:
    import duckdb

    from indicators import score_tables
    from indicators.catalog import load_catalog

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "w.duckdb"
        build_warehouse(target)
        with duckdb.connect(str(target), read_only=True) as con:
            obs = con.execute("SELECT * FROM observations").df()
    catalog = load_catalog(CATALOG_PATH)
    tables = timed(lambda: score_tables(obs, catalog), repeat=3)
    with_previous = timed(lambda: score_tables(obs, catalog, previous_observations=obs), repeat=3)
    show("all score tables (4 geos, history, movers)", tables)
    show("the same with status changes vs a previous build", with_previous,
         extra=f"ratio {with_previous[1] / tables[1]:.1f}x")


def bench_pages() -> None:
    """The page table: server-side time per page, first view and warm (bench/pages.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import pages

    pages.print_table(pages.measure(pages.PAGES))


def bench_concurrency() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "w.duckdb"
        build_warehouse(target)
        os.environ["MONITOR_WAREHOUSE"] = str(target)

        from ui import data

        sql = "SELECT indicator_id, count(*), avg(value) FROM observations GROUP BY 1"
        expected = len(data.run_query(sql))
        errors: list[Exception] = []

        def worker() -> None:
            for _ in range(100):
                try:
                    assert len(data.run_query(sql)) == expected
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    errors.append(exc)

        start = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - start
        print(f"{'concurrent queries (8 threads x 100)':<48} {800 / seconds:,.0f} queries/s, {len(errors)} errors")


if __name__ == "__main__":
    bench_build()
    bench_decode()
    bench_scoring()
    bench_concurrency()
    bench_pages()
    print(f"{'peak resident memory of the bench process':<48} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
