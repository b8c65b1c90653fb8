"""New builds swapped in under load: readers in threads, in other processes and real sessions of the running app
query without pause while 20 builds rename new files into place. Zero failed reads and zero mixed reads: every
read inside one pinned block (one script run in the app) sees one build (the `build` table's build_id) and the
data of that build. Also: a corrupt or truncated file never replaces the build being served, and the old version's
connection is closed once no reader uses it.

Test data: the small synthetic catalogue of tests/fixtures (and, for the app, a copy of the real curated files),
with one value changed per build so each build's data differ."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import numpy as np
import pytest

from etl.build import build_warehouse
from tests.conftest import ROOT
from ui import data

N_BUILDS = 20
READ_SQL = "SELECT value FROM observations WHERE indicator_id = 'share_online' AND geo = 'NO' AND period = '2019'"


def _set_value(snapshot: Path, value: float) -> None:
    """The synthetic 2019 value of share_online for NO: different in every build (test data)."""
    path = snapshot / "a_survey.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = f"share_online,NO,,2019,{value},pct,Test org,Test survey,https://example.org/s1,2020,,test row\n"
    path.write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def swapping(tmp_path, monkeypatch, small_catalog, small_snapshot):
    """A warehouse and a function that builds the next version into place; returns {build_id: value}."""
    target = tmp_path / "w.duckdb"
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(target))
    expected: dict[str, float] = {}

    def build(n: int) -> None:
        value = 50.0 + n
        _set_value(small_snapshot, value)
        build_warehouse(target, catalog_path=small_catalog, curated_dir=small_snapshot,
                        live_dir=small_snapshot.parent / "live")
        with duckdb.connect(f"{target}", read_only=True) as con:  # closed before the next build
            (build_id,), = con.execute("SELECT build_id FROM build").fetchall()
        expected[build_id] = value

    build(0)
    data._registry.reset()
    yield target, build, expected
    data._registry.reset()


def _read_twice() -> tuple[str, float, str, float]:
    """One 'script run': build id and the value, twice, in one pinned block."""
    with data.pinned():
        first = data.run_query("SELECT build_id FROM build")["build_id"].iloc[0]
        value = float(data.run_query(READ_SQL)["value"].iloc[0])
        time.sleep(0.02)  # a run that takes a while: a swap often lands inside it
        again = data.query("SELECT build_id FROM build")["build_id"].iloc[0]
        value_again = float(data.query(READ_SQL)["value"].iloc[0])
    return first, value, again, value_again


BUILDER = r"""
import json, sys, time
from pathlib import Path
import duckdb
import numpy as np
from etl.build import build_warehouse
target, catalog, snapshot, n_builds = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
path = snapshot / "a_survey.csv"
expected = {}
for n in range(1, n_builds + 1):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    value = 50.0 + n
    lines[1] = f"share_online,NO,,2019,{value},pct,Test org,Test survey,https://example.org/s1,2020,,test row\n"
    path.write_text("".join(lines), encoding="utf-8")
    build_warehouse(target, catalog_path=catalog, curated_dir=snapshot, live_dir=snapshot.parent / "live")
    with duckdb.connect(str(target), read_only=True) as con:
        (build_id,), = con.execute("SELECT build_id FROM build").fetchall()
    expected[build_id] = value
    time.sleep(0.05)
print(json.dumps(expected))
"""

PROCESS_READER = r"""
import json, sys, time
from pathlib import Path
from ui import data
stop = Path(sys.argv[1])
reads = failures = mixed = 0
seen = {}
while not stop.exists():
    try:
        with data.pinned():
            a = data.run_query("SELECT build_id FROM build")["build_id"].iloc[0]
            v = float(data.run_query(sys.argv[2])["value"].iloc[0])
            time.sleep(0.02)
            b = data.run_query("SELECT build_id FROM build")["build_id"].iloc[0]
            w = float(data.run_query(sys.argv[2])["value"].iloc[0])
    except Exception as exc:
        failures += 1
        print("FAIL", repr(exc), file=sys.stderr)
        continue
    reads += 1
    mixed += (a != b or v != w)
    seen.setdefault(a, set()).add(v)
print(json.dumps({"reads": reads, "failures": failures, "mixed": mixed,
                  "seen": {k: sorted(v) for k, v in seen.items()}}))
"""


@pytest.mark.exclusive   # CPU, latency and read-count bounds: nothing else runs meanwhile
def test_readers_in_threads_and_processes_never_fail_or_mix_builds_during_20_swaps(swapping, tmp_path,
                                                                                   small_catalog, small_snapshot):
    """The builds run in their own process, as `python -m etl build` does; the reader processes run at a lower
    priority so the 20 builds finish in a few seconds on two cores while every reader queries without pause."""
    target, build, expected = swapping
    stop = threading.Event()
    stop_file = tmp_path / "stop"
    reads, failures, mixed = [], [], []

    def reader() -> None:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)  # this thread only: the builds go first
        while not stop.is_set():
            try:
                first, value, again, value_again = _read_twice()
            except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
                failures.append(repr(exc))
                continue
            reads.append((first, value))
            if first != again or value != value_again:
                mixed.append((first, value, again, value_again))

    env = {**os.environ, "MONITOR_WAREHOUSE": str(target), "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen([sys.executable, "-c", PROCESS_READER, str(stop_file), READ_SQL], cwd=ROOT,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  preexec_fn=lambda: os.nice(10))
                 for _ in range(2)]
    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2.5)  # the processes have started and read the first build
        builder = subprocess.run([sys.executable, "-c", BUILDER, str(target), str(small_catalog), str(small_snapshot),
                                  str(N_BUILDS)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert builder.returncode == 0, builder.stderr[-2000:]
        expected.update(json.loads(builder.stdout.strip().splitlines()[-1]))
    finally:
        stop.set()
        stop_file.touch()
        for thread in threads:
            thread.join(30)
    results = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))

    assert len(expected) == N_BUILDS + 1
    # threads
    assert not failures, failures[:5]
    assert not mixed, mixed[:5]
    wrong = [(b, v) for b, v in reads if expected.get(b) != v]
    assert not wrong, wrong[:5]   # the value read is the value of the build read
    seen = {b for b, _ in reads}
    assert len(reads) > 200 and len(seen) >= N_BUILDS // 2, (len(reads), len(seen))
    # processes
    for result in results:
        assert result["failures"] == 0 and result["mixed"] == 0, result
        assert result["reads"] > 50, result
        for build_id, values in result["seen"].items():
            assert values == [expected[build_id]], (build_id, values)
    # the old versions were closed once nobody used them: only the newest is open, and no link is left over
    assert list(data._registry.open_versions().values()) == [0]
    links = sorted(p.name for p in target.parent.glob(f"{target.name}.reader-*"))
    assert len(links) <= 2, links
    in_processes = sum(r["reads"] for r in results)
    print(f"\nswaps: {N_BUILDS} builds; thread readers {len(reads)} reads over {len(seen)} builds; process readers "
          f"{in_processes} reads over {len({b for r in results for b in r['seen']})} builds; 0 failed, 0 mixed")


def test_a_corrupt_or_truncated_file_never_replaces_the_build_being_served(swapping):
    target, build, expected = swapping
    good = data.build_info()["build_id"]
    for bad in (b"this is not a duckdb file" * 100, target.read_bytes()[:4096], b""):
        tmp = target.with_name("w.duckdb.new")
        tmp.write_bytes(bad)
        os.replace(tmp, target)
        assert data.build_info()["build_id"] == good          # the last good build stays in use
        assert data.warehouse_problem() is None
    data._registry.reset()                                     # a fresh process: no good build to fall back on
    problem = data.warehouse_problem()
    assert problem is not None and problem.reason == "corrupt"
    build(1)                                                   # the next good build is picked up
    assert data.build_info()["build_id"] in expected and data.warehouse_problem() is None


@pytest.mark.exclusive   # CPU, latency and read-count bounds: nothing else runs meanwhile
def test_a_long_console_query_does_not_block_a_swap_or_other_readers(swapping):
    from ui.sql_console import SqlTimeout, run_with_timeout

    target, build, expected = swapping
    outcome = {}

    def console() -> None:
        with data.pinned():
            try:
                run_with_timeout(data.console_connection(), "SELECT count(*) FROM range(100000000) a, range(1000) b",
                                 timeout=3)
            except SqlTimeout as exc:
                outcome["timeout"] = exc
            except Exception as exc:  # noqa: BLE001 - shown by the assertion
                outcome["error"] = exc

    worker = threading.Thread(target=console)
    worker.start()
    time.sleep(0.5)
    started = time.perf_counter()
    build(1)
    first, value, again, _ = _read_twice()
    assert first == again and expected[first] == value == 51.0   # the new build, while the console still runs
    assert time.perf_counter() - started < 2.5
    worker.join(10)
    assert "timeout" in outcome and "error" not in outcome, outcome
    assert list(data._registry.open_versions().values()) == [0]  # the console's version was closed after it


# --------------------------------------------------------------------------------------------------------------
# Real sessions of the running app
# --------------------------------------------------------------------------------------------------------------

APP_BUILDER = r"""
import json, sys
from pathlib import Path
import duckdb
import numpy as np
from etl.build import build_warehouse
from tests.conftest import ROOT
target, curated, live, first, last = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
source = curated / "un_egdi.csv"
original = (ROOT / "data" / "curated" / "un_egdi.csv").read_text(encoding="utf-8")
row = next(line for line in original.splitlines() if line.startswith("egdi_value,NO,,2014,"))
expected = {}
for n in range(first, last + 1):
    value = round(0.5 + n / 100, 4)   # test data: the 2014 value differs in every build
    fields = row.split(",")
    fields[4] = str(value)
    source.write_text(original.replace(row, ",".join(fields)), encoding="utf-8")
    build_warehouse(target, catalog_path=ROOT / "indicators" / "catalog.toml", curated_dir=curated, live_dir=live)
    with duckdb.connect(str(target), read_only=True) as con:
        (build_id,), = con.execute("SELECT build_id FROM build").fetchall()
    expected[build_id] = value
print(json.dumps(expected))
"""


async def app_view(url: str, *, reruns: int = 0, timeout: float = 60) -> dict:
    """One viewer of `url` on the websocket protocol (bench/stclient.py's handshake), reading what each run shows,
    with Streamlit's message cache resolved (a message sent before in the session comes back as its hash only).
    With `reruns`, that many more rerun requests are sent on the same websocket at once after the first run
    (a client flooding the server). Returns the texts, tables and errors of the last finished run and counts."""
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from bench.stclient import FINISHED, first_backmsg, http_get

    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    result = {"texts": [], "tables": [], "figures": [], "errors": [], "runs": 0, "alerts": []}
    status, *_ = await http_get(url, timeout=timeout)
    if status != 200:
        result["errors"].append(f"HTTP {status}")
        return result
    cache: dict[str, ForwardMsg] = {}
    async with websockets.connect(f"ws://{parts.netloc}/_stcore/stream", subprotocols=["streamlit"],
                                  additional_headers={"Origin": base}, max_size=None, ping_interval=None) as ws:
        await ws.send(first_backmsg(url))
        pending = 1 + reruns
        sent_flood = False
        deadline = time.monotonic() + timeout
        texts, tables, figures, errors, alerts = [], [], [], [], []
        while pending > 0:
            data = await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic()))
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.WhichOneof("type") == "ref_hash":
                msg = cache[msg.ref_hash]
            elif msg.hash:
                cache[msg.hash] = msg
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                texts, tables, figures, errors, alerts = [], [], [], [], []
            elif kind == "script_finished":
                if msg.script_finished == FINISHED.FINISHED_EARLY_FOR_RERUN:
                    continue
                result["runs"] += 1
                if msg.script_finished != FINISHED.FINISHED_SUCCESSFULLY:
                    errors.append(f"script_finished status {msg.script_finished}")
                result.update(texts=texts, tables=tables, figures=figures, errors=result["errors"] + errors,
                              alerts=alerts)
                texts, tables, figures, errors, alerts = [], [], [], [], []
                pending = pending - 1 if sent_flood or not reruns else reruns
                if reruns and not sent_flood:
                    sent_flood = True
                    for _ in range(reruns):
                        await ws.send(first_backmsg(url))
                    pending = reruns
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    errors.append(f"exception: {element.exception.type}: {element.exception.message[:200]}")
                elif which == "alert":
                    alerts.append(element.alert.body)
                    if element.alert.format == element.alert.ERROR:
                        errors.append(f"st.error: {element.alert.body[:200]}")
                elif which in ("markdown", "heading"):
                    texts.append(getattr(element, which).body)
                elif which in ("dataframe", "arrow_data_frame", "table") and getattr(element, which).arrow_data.data:
                    tables.append(getattr(element, which).arrow_data.data)
                elif which == "plotly_chart":
                    figures.append(element.plotly_chart.spec)
            if time.monotonic() > deadline:
                result["errors"].append("timeout")
                break
            if pending <= 0 or (reruns and sent_flood and pending <= 0):
                break
    return result


def _chart_values(spec: str) -> list[float]:
    """The y values of a Plotly spec's first trace as sent (Plotly writes number arrays as base64 typed arrays)."""
    y = json.loads(spec)["data"][0]["y"]
    if isinstance(y, dict):
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    return [v for v in y if v is not None]


@pytest.mark.exclusive   # CPU, latency and read-count bounds: nothing else runs meanwhile
def test_app_sessions_never_fail_or_mix_builds_during_20_swaps(tmp_path):
    from tests.browser.conftest import _serve

    curated, live = tmp_path / "curated", tmp_path / "live"
    shutil.copytree(ROOT / "data" / "curated", curated)
    shutil.copytree(ROOT / "data" / "live", live)
    target = tmp_path / "warehouse.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def builds(first: int, last: int) -> dict[str, float]:
        done = subprocess.run([sys.executable, "-c", APP_BUILDER, str(target), str(curated), str(live), str(first),
                               str(last)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    expected = builds(0, 0)
    process, url = _serve(target, public=True)
    page = f"{url}/explorer?indicators=egdi_value&geo=NO&from=2014&to=2014&lang=en"
    views = []

    async def sessions(stop: asyncio.Event) -> None:
        async def one() -> None:
            while not stop.is_set():
                try:
                    views.append(await app_view(page))
                except Exception as exc:  # noqa: BLE001 - a failed view is counted
                    views.append({"errors": [repr(exc)], "texts": [], "tables": [], "figures": []})
        await asyncio.gather(*(one() for _ in range(2)))

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    thread = threading.Thread(target=lambda: loop.run_until_complete(sessions(stop)))
    thread.start()
    try:
        time.sleep(2)
        expected.update(builds(1, N_BUILDS))   # 20 builds in a row, as `python -m etl build` would do them
    finally:
        time.sleep(1)
        loop.call_soon_threadsafe(stop.set)
        thread.join(120)
        process.terminate()
        process.wait(timeout=10)
    failed = [v["errors"] for v in views if v["errors"]]
    assert not failed, failed[:5]
    mixed, builds = [], set()
    for view in views:
        freshness = next((text for text in view["texts"] if "(build " in text), None)
        assert freshness is not None, (views.index(view), len(views), view["runs"], view["alerts"],
                                       [t[:40] for t in view["texts"]])
        build_id = freshness.split("(build ", 1)[1].split(")", 1)[0]
        values = _chart_values(view["figures"][0])   # the explorer's chart (its table is in a tab not opened)
        builds.add(build_id)
        if values != [expected.get(build_id)]:
            mixed.append((build_id, values, expected.get(build_id)))
    assert not mixed, mixed[:5]
    assert len(views) >= 20 and len(builds) >= 3, (len(views), len(builds))
    print(f"\napp sessions: {len(views)} page views over {len(builds)} builds, 0 failed, 0 mixed")
