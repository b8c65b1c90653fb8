"""The production entry point (deploy/serve.py, deploy/nginx.conf.template): flags, nginx config, cookie secret,
and a new warehouse reaching every replica through nginx without a failed request.

The nginx tests are skipped when nginx is missing, except under CI=true (`make test` installs it). No timings are
checked."""
from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "deploy"))
sys.path.insert(0, str(ROOT / "bench"))

import serve  # noqa: E402  (deploy/serve.py)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _run_coroutine(coroutine):
    """asyncio.run in a thread of its own: the browser tests' Playwright may hold a running loop in this one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def need_nginx() -> None:
    if not Path(NGINX).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing under CI (make test installs it with apt-get)")
        pytest.skip("nginx not installed")


# ---------------------------------------------------------------------------------------------------------------
# Flags and secret
# ---------------------------------------------------------------------------------------------------------------

def test_production_flags_are_streamlit_options_with_the_production_values():
    from streamlit import config

    flags = serve.production_flags(9001)
    pairs = dict(zip(flags[::2], flags[1::2]))
    assert len(flags) == 2 * len(pairs)
    for name in pairs:
        assert name.startswith("--") and name[2:] in config._config_options_template, name
    assert pairs["--server.port"] == "9001"
    assert pairs["--server.address"] == "127.0.0.1"
    assert pairs["--server.fileWatcherType"] == "none"
    assert pairs["--runner.postScriptGC"] == "false"
    assert pairs["--server.headless"] == "true"
    assert pairs["--client.showErrorDetails"] == "none"
    assert pairs["--client.toolbarMode"] == "viewer"
    assert pairs["--server.enableXsrfProtection"] == "true"
    assert pairs["--server.enableWebsocketCompression"] == "true"
    assert serve.production_flags(9001, compression=False)[
        flags.index("--server.enableWebsocketCompression") + 1] == "false"
    # The secret never goes on the command line (it would show in `ps`).
    assert not any("cookieSecret" in flag for flag in flags)


def test_every_flag_has_a_comment_saying_why():
    source = (ROOT / "deploy" / "serve.py").read_text(encoding="utf-8")
    body = source[source.index("def production_flags"):source.index("def cookie_secret")]
    for line in body.splitlines():
        match = re.match(r'\s+"(--[\w.]+)"', line)
        if match:
            before = body[:body.index(line)].rstrip().splitlines()
            assert any(prev.strip().startswith("#") for prev in before[-3:]), f"no comment above {match[1]}"


def test_cookie_secret_generated_once_private_and_overridable(tmp_path, monkeypatch):
    monkeypatch.delenv("MONITOR_COOKIE_SECRET", raising=False)
    first = serve.cookie_secret(tmp_path / "run")
    assert len(first) >= 32
    assert serve.cookie_secret(tmp_path / "run") == first
    assert stat.S_IMODE((tmp_path / "run" / "cookie_secret").stat().st_mode) == 0o600
    monkeypatch.setenv("MONITOR_COOKIE_SECRET", "from-the-environment")
    assert serve.cookie_secret(tmp_path / "run") == "from-the-environment"


def test_no_secret_or_runtime_file_committed():
    files = subprocess.run(["git", "ls-files", "deploy"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert not [f for f in files if "cookie_secret" in f or f.startswith("deploy/run/")]
    assert "run/" in (ROOT / "deploy" / ".gitignore").read_text().split()


# ---------------------------------------------------------------------------------------------------------------
# nginx config
# ---------------------------------------------------------------------------------------------------------------

def _conf(tmp_path: Path, **kw) -> str:
    args = dict(runtime=tmp_path, listen="127.0.0.1", port=18080, replicas=[(18081, True), (18082, False)])
    args.update(kw)
    return serve.render_nginx_conf(**args)


def test_config_routes_sticky_websockets_and_health(tmp_path):
    text = _conf(tmp_path)
    assert "@" not in re.sub(r"#.*", "", text)  # every template field filled
    assert "hash $monitor_route consistent;" in text
    assert "server 127.0.0.1:18081 max_fails=1 fail_timeout=5s;" in text
    assert "server 127.0.0.1:18082 max_fails=1 fail_timeout=5s down;" in text
    assert "location = /_stcore/stream" in text and "proxy_set_header Upgrade $http_upgrade;" in text
    assert "location = /_stcore/health" in text
    assert "proxy_next_upstream error timeout" in text
    assert "listen 127.0.0.1:18080" in text
    assert f"pid {tmp_path}/nginx/nginx.pid;" in text
    assert "set_real_ip_from" not in text and "Secure" not in text
    behind_lb = _conf(tmp_path, real_ip_from=["10.0.0.0/8"], cookie_secure=True)
    assert "set_real_ip_from 10.0.0.0/8;" in behind_lb and "real_ip_header X-Forwarded-For;" in behind_lb
    assert "SameSite=Lax; Secure" in behind_lb


def test_rendered_config_passes_nginx_t(tmp_path):
    need_nginx()
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "nginx" / sub).mkdir(parents=True)
    conf = tmp_path / "nginx" / "nginx.conf"
    conf.write_text(_conf(tmp_path, worker_user=serve.nginx_worker_user(), baseline_dir=tmp_path), encoding="utf-8")
    check = subprocess.run([NGINX, "-e", str(tmp_path / "nginx" / "error.log"), "-p", str(tmp_path / "nginx"),
                            "-c", str(conf), "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


# ---------------------------------------------------------------------------------------------------------------
# A new build reaches every replica, no request fails
# ---------------------------------------------------------------------------------------------------------------

def _build_id(view) -> str | None:
    for text in view.texts:
        match = re.search(r"\((?:bygg|build) ([0-9a-f]+)\)", text)
        if match:
            return match[1]
    return None


def test_new_warehouse_reaches_all_replicas_without_a_failed_request(tmp_path, real_warehouse):
    need_nginx()
    from etl.build import build_warehouse
    from load import Serve
    from stclient import open_view

    served = tmp_path / "warehouse.duckdb"
    shutil.copy(real_warehouse, served)
    # The next build: other inputs (the curated files less one row), so another build id, built beside the
    # served file.
    from etl.paths import CURATED_DIR

    curated = tmp_path / "curated"
    shutil.copytree(CURATED_DIR, curated)
    last = sorted(curated.glob("*.csv"))[-1]
    last.write_text("".join(last.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    next_build = tmp_path / "warehouse.duckdb.next"
    new_id = build_warehouse(next_build, curated_dir=curated).build_id

    with Serve(replicas=2, warehouse=served) as server:
        def views(n: int, concurrent: int = 2):
            async def run():
                out = []
                for _ in range(n // concurrent):
                    out += await asyncio.gather(*(open_view(server.base_url + "/", keep_content=True, timeout=120)
                                                  for _ in range(concurrent)))
                return out
            return _run_coroutine(run())

        def upstreams_since(offset: int) -> set[str]:
            time.sleep(1.5)  # nginx flushes its access log every second
            log = (server.runtime / "nginx" / "access.log").read_text()[offset:]
            return {line.split("upstream=")[1].split()[0] for line in log.splitlines()
                    if "/_stcore/host-config" in line}

        before = views(8)
        assert all(v.ok for v in before), [v.errors for v in before if not v.ok]
        old_id = _build_id(before[0])
        assert old_id and old_id != new_id and {_build_id(v) for v in before} == {old_id}

        # Viewers keep arriving while the new file is renamed over the served one (what `etl build` does).
        async def during():
            tasks = [asyncio.create_task(open_view(server.base_url + "/", keep_content=True, timeout=120))
                     for _ in range(4)]
            await asyncio.sleep(0.2)
            os.replace(next_build, served)
            tasks += [asyncio.create_task(open_view(server.base_url + "/", keep_content=True, timeout=120))
                      for _ in range(4)]
            return await asyncio.gather(*tasks)

        around = _run_coroutine(during())
        assert all(v.ok for v in around), [v.errors for v in around if not v.ok]
        assert {_build_id(v) for v in around} <= {old_id, new_id}

        offset = (server.runtime / "nginx" / "access.log").stat().st_size
        after = views(12)
        assert all(v.ok for v in after), [v.errors for v in after if not v.ok]
        assert {_build_id(v) for v in after} == {new_id}
        # ... and those viewers were served by both replicas: each one reads the new file, no restart.
        assert len(upstreams_since(offset)) == 2
        assert all(r["restarts"] == 0 for r in server.state()["replicas"])


# ---------------------------------------------------------------------------------------------------------------
# The supervisor's health loop (no processes: a fake replica process and a scripted health answer)
# ---------------------------------------------------------------------------------------------------------------
class _FakeProcess:
    def __init__(self, pid: int) -> None:
        self.pid, self.returncode = pid, None

    def poll(self):
        return None


def _supervisor(tmp_path, monkeypatch, answers: list[str]):
    supervisor = serve.Supervisor(port=9000, replicas=1, listen="127.0.0.1", runtime=tmp_path,
                                  warehouse=tmp_path / "w.duckdb", first_replica_port=9001, compression=True)
    (tmp_path / "nginx").mkdir()
    monkeypatch.setattr(serve, "nginx_worker_user", lambda: None)
    monkeypatch.setattr(supervisor, "health", lambda replica: answers.pop(0))
    warmed: list[int] = []
    monkeypatch.setattr(serve, "warm_up_views", lambda port: warmed.append(port) or [])
    (tmp_path / "w.duckdb").write_bytes(b"first")
    replica = supervisor.replicas[0]
    replica.process = _FakeProcess(100)
    return supervisor, replica, warmed


def _check_until_warm(supervisor, replica) -> None:
    supervisor.check(replica)
    replica.warming.join(timeout=10)
    supervisor.check(replica)


def test_a_replica_that_missed_one_health_check_is_back_in_nginx_without_a_warm_up(tmp_path, monkeypatch):
    supervisor, replica, warmed = _supervisor(tmp_path, monkeypatch, ["ok", "ok", "refused", "ok"])
    replica.up_in_nginx = False
    _check_until_warm(supervisor, replica)           # the new process is warmed, then in nginx
    assert warmed == [9001] and replica.up_in_nginx and replica.warmed[0] == 100
    supervisor.check(replica)                         # a refused answer: out of nginx ...
    assert not replica.up_in_nginx and not replica.healthy
    supervisor.check(replica)                         # ... and back at the next answer, the caches still warm
    assert replica.up_in_nginx and replica.healthy and warmed == [9001]
    assert "server 127.0.0.1:9001 max_fails=1 fail_timeout=5s;" in supervisor.conf.read_text()


def test_a_new_process_stays_out_of_nginx_until_it_is_warm(tmp_path, monkeypatch):
    supervisor, replica, warmed = _supervisor(tmp_path, monkeypatch, ["ok", "ok", "ok"])
    replica.warmed, replica.up_in_nginx = (99, supervisor.warehouse_stamp()), False  # restarted: another pid
    release = threading.Event()
    monkeypatch.setattr(serve, "warm_up_views", lambda port: release.wait(10) and warmed.append(port) or [])
    supervisor.check(replica)
    assert replica.warming.is_alive() and not replica.up_in_nginx
    supervisor.check(replica)                         # still warming: checked, not back in, not warmed twice
    assert not replica.up_in_nginx and replica.healthy
    release.set()
    replica.warming.join(timeout=10)
    supervisor.check(replica)
    assert replica.up_in_nginx and warmed == [9001] and replica.warmed[0] == 100


def test_a_new_build_is_warmed_while_the_replica_keeps_serving(tmp_path, monkeypatch):
    supervisor, replica, warmed = _supervisor(tmp_path, monkeypatch, ["ok", "ok", "ok", "ok"])
    _check_until_warm(supervisor, replica)
    assert warmed == [9001] and replica.up_in_nginx
    supervisor.check(replica)                         # same build: nothing to warm
    assert warmed == [9001]
    next_build = tmp_path / "w.duckdb.next"
    next_build.write_bytes(b"next")
    os.replace(next_build, supervisor.warehouse)      # what `etl build` does
    release = threading.Event()
    monkeypatch.setattr(serve, "warm_up_views", lambda port: release.wait(10) and warmed.append(port) or [])
    supervisor.check(replica)
    assert replica.warming.is_alive() and replica.up_in_nginx   # warming the new build, still serving
    release.set()
    replica.warming.join(timeout=10)
    assert warmed == [9001, 9001] and replica.warmed == (100, supervisor.warehouse_stamp())
