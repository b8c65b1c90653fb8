"""Crash safety: a build killed with SIGKILL at random moments never leaves a broken or half-new warehouse."""
from __future__ import annotations

import csv
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from etl.build import inputs_hash
from etl.paths import CATALOG_PATH
from tests.conftest import ROOT

KILLS = 20


def _build_id(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        (build_id,), = con.execute("SELECT build_id FROM build").fetchall()
        (n,), = con.execute("SELECT count(*) FROM observations").fetchall()
        assert n > 0
    return build_id


def _extra_row_file(curated: Path) -> str:
    """One real row again, as if read from a second copy (flagged secondary, so never preferred): a changed input."""
    with (sorted(curated.glob("*.csv"))[0]).open(encoding="utf-8", newline="") as fh:
        header, first = next(csv.reader(fh)), next(csv.reader(fh))
    row = dict(zip(header, first))
    row.update(source_url="https://example.org/crash-test-copy", flags="secondary", note="test copy (crash test)")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    return buffer.getvalue()


def test_a_killed_build_leaves_the_previous_complete_warehouse(tmp_path):
    curated = tmp_path / "curated"
    live = tmp_path / "live"
    shutil.copytree(ROOT / "data" / "curated", curated)
    target = tmp_path / "w.duckdb"
    command = [sys.executable, "-m", "etl", "--warehouse", str(target), "--curated", str(curated),
               "--live", str(live), "build"]
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    duration = time.perf_counter() - started  # kills land at random moments within a build's lifetime
    extra, extra_text = curated / "zz_crash_test.csv", _extra_row_file(curated)
    rng = random.Random(20261201)
    killed_mid_build = attempt = 0
    while killed_mid_build < KILLS:
        attempt += 1
        assert attempt <= 4 * KILLS, f"only {killed_mid_build} of {attempt} builds were still running when killed"
        if attempt % 2 == 1:
            extra.write_text(extra_text, encoding="utf-8")
        else:
            extra.unlink()
        previous_id, before = _build_id(target), target.read_bytes()
        new_id = inputs_hash(CATALOG_PATH, curated, live)
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.95) * duration)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed_mid_build += 1
        process.wait()
        current = _build_id(target)  # always a complete warehouse that opens
        assert current in (previous_id, new_id)
        if current == previous_id:
            assert target.read_bytes() == before
    # the next build succeeds with no manual clean-up and leaves no temp files behind
    extra.unlink(missing_ok=True)
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    assert _build_id(target) == inputs_hash(CATALOG_PATH, curated, live)
    assert not list(tmp_path.glob("w.duckdb.*"))
