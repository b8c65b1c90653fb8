"""The public view in production: N Streamlit replicas behind nginx on one port (`make serve`).

    python deploy/serve.py [--port 8080] [--replicas N] [--listen 127.0.0.1] [--runtime-dir DIR]

The supervisor
- starts N replicas of `streamlit run app.py` (MONITOR_MODE=public) on internal ports, bound to 127.0.0.1, all
  with the same cookie secret and the same warehouse file, opened read-only (ui/data.py);
- writes nginx's configuration from deploy/nginx.conf.template into the runtime directory and runs nginx in the
  foreground with its own prefix, pid file, logs and temp paths (no system service);
- checks every replica's /_stcore/health each second: a replica that exited or refuses connections is marked
  `down` in nginx (reload) and restarted; one that stays unresponsive for HANG_SECONDS is killed and restarted;
  when it answers again it is marked up;
- stops nginx (graceful) and the replicas on SIGINT/SIGTERM.

A new warehouse needs no restart: `python -m etl build` renames a new file into place, and each replica's next
rerun sees the new inode/mtime and opens it (ui/data.py). The supervisor sees the new file too and warms every
replica on it while it keeps serving, so the first viewers after a build do not each build a page.

Environment: PORT, REPLICAS, MONITOR_LISTEN (nginx's address, default 127.0.0.1; 0.0.0.0 in a container),
MONITOR_RUNTIME_DIR (default deploy/run), MONITOR_WAREHOUSE, MONITOR_COOKIE_SECRET (else a generated file in the
runtime directory, mode 0600, never committed), MONITOR_REAL_IP_FROM (comma-separated addresses/CIDRs of a load
balancer or CDN whose X-Forwarded-For is trusted), MONITOR_COOKIE_SECURE=1 (the route cookie gets `Secure`, for
HTTPS), MONITOR_WS_COMPRESSION=0 (no permessage-deflate on the websocket).

The runtime directory gets state.json (nginx's and each replica's pid, port, health and restarts) for the load
benchmark and the tests, replica-<port>.log and nginx/ (config, pid, logs).
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = Path(__file__).resolve().parent
TEMPLATE = DEPLOY / "nginx.conf.template"
DEFAULT_RUNTIME = DEPLOY / "run"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

# Opened once on every replica (both languages) before nginx sends it viewers: the first script run of a process
# imports pandas, Plotly and DuckDB, opens the warehouse and builds the shared per-version caches (a second or two
# on 2 cores); after this a visitor's first view costs what a warm one does (bench/pages.py measures both).
# The six goals of the strategy (G1-G6) are few enough to warm each; of the ~100 indicators only the default one is.
WARM_UP_PATHS = ["/", *(f"/goal?goal=G{n}" for n in range(1, 7)), "/indicator", "/explorer", "/compare",
                 "/life_events", "/sources", "/about", "/assessment", "/report", "/method"]
WARM_UP_LANGS = ["nb", "en"]
CHECK_EVERY = 1.0       # seconds between health checks of each replica
HEALTH_TIMEOUT = 5.0    # a busy replica (a burst of new sessions on 2 cores) may take a while to answer
HANG_SECONDS = 45.0     # answers nothing (timeouts) for this long: killed and restarted
START_TIMEOUT = 90.0    # a replica that is not healthy this long after its start is killed and started again


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the supervisor dies (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except OSError:
        pass


def production_flags(port: int, *, compression: bool = True) -> list[str]:
    """The replicas' server flags, each with the reason it is set. The cookie secret goes in the environment
    (STREAMLIT_SERVER_COOKIE_SECRET), not here, so it never shows in `ps`."""
    return [
        # Only nginx talks to a replica: bind to loopback, on an internal port.
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        # No browser to open, no e-mail prompt: a server process.
        "--server.headless", "true",
        # No watching the source tree: production code never changes under a running process, and the watcher
        # costs time on every rerun (measured 240 ms -> 47 ms per rerun together with postScriptGC below).
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        # No full gc.collect() after every script run: it costs tens of ms per rerun with pandas/plotly loaded;
        # Python's generational collector still runs as usual.
        "--runner.postScriptGC", "false",
        # The public view shows no tracebacks, file paths or "deploy"/"rerun" menu items.
        "--client.showErrorDetails", "none",
        "--client.toolbarMode", "viewer",
        # XSRF protection on (Streamlit's default, stated so nobody turns it off for the proxy): uploads and auth
        # cookies need the token; all replicas share the cookie secret, so any replica accepts any token.
        "--server.enableXsrfProtection", "true",
        # CORS protection on: the websocket is accepted from the same origin only (nginx passes Host unchanged).
        "--server.enableCORS", "true",
        # permessage-deflate on the websocket: the page's ForwardMsgs (Plotly figures as JSON, Arrow tables)
        # shrink several times for viewers on slow links, at some CPU per message (MONITOR_WS_COMPRESSION=0).
        "--server.enableWebsocketCompression", "true" if compression else "false",
        # A closed page's session is kept 30 s (default 120) for a reconnect: the view lives in the URL, so a
        # longer wait only holds memory after a news-day burst.
        "--server.disconnectedSessionTTL", "30",
        # The public view uploads nothing.
        "--server.maxUploadSize", "1",
        # No usage statistics leave the server.
        "--browser.gatherUsageStats", "false",
        # Warnings and errors only in the replica logs; one line per session start is noise under load.
        "--logger.level", "warning",
    ]


def warm_up_views(port: int) -> list:
    """Open WARM_UP_PATHS in WARM_UP_LANGS on the replica at `port`, one viewer after the other, with the
    protocol client of bench/stclient.py (what a browser tab sends); returns the views."""
    import asyncio

    sys.path.insert(0, str(ROOT / "bench"))
    from stclient import open_view

    async def views() -> list:
        out = []
        for lang in WARM_UP_LANGS:
            for path in WARM_UP_PATHS:
                url = f"http://127.0.0.1:{port}{path}{'&' if '?' in path else '?'}lang={lang}"
                out.append(await open_view(url, timeout=60))
        return out

    return asyncio.run(views())


def cookie_secret(runtime: Path) -> str:
    """MONITOR_COOKIE_SECRET, else a secret generated once into the runtime directory (mode 0600)."""
    secret = os.environ.get("MONITOR_COOKIE_SECRET", "").strip()
    if secret:
        return secret
    path = runtime / "cookie_secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    runtime.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()


def streamlit_static_dir() -> Path:
    import streamlit

    return Path(streamlit.__file__).resolve().parent / "static"


def nginx_worker_user() -> str | None:
    """Started as root, nginx's master drops its workers to an unprivileged user: Debian's www-data (else nobody).
    Started as anyone else (a container's own user), the workers run as that user: None."""
    if os.geteuid() != 0:
        return None
    import pwd

    for name in ("www-data", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return None


def render_nginx_conf(*, runtime: Path, listen: str, port: int, replicas: list[tuple[int, bool]],
                      worker_user: str | None = None,
                      static_dir: Path | None = None, real_ip_from: list[str] = (), cookie_secure: bool = False,
                      baseline_dir: Path | None = None, template: Path = TEMPLATE) -> str:
    """nginx.conf from the template. `replicas`: (port, up) per replica; a replica that is not up is `down`."""
    upstreams = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s{'' if up else ' down'};" for p, up in replicas)
    real_ip = "\n".join([f"    set_real_ip_from {addr};" for addr in real_ip_from]
                        + (["    real_ip_header X-Forwarded-For;", "    real_ip_recursive on;"] if real_ip_from else []))
    extra = ""
    if baseline_dir is not None:
        # The load benchmark's baseline: the same content as one static HTML page, served by nginx alone.
        extra = (f"        location /baseline/ {{\n            alias {baseline_dir}/;\n"
                 f"            access_log off;\n        }}")
    fields = {
        "RUNTIME": str(runtime), "LISTEN": listen, "PORT": str(port), "UPSTREAMS": upstreams,
        "STREAMLIT_STATIC": str(static_dir or streamlit_static_dir()), "REAL_IP": real_ip,
        "COOKIE_SECURE": "; Secure" if cookie_secure else "", "EXTRA_LOCATIONS": extra,
        "USER": f"user {worker_user};" if worker_user else "# (not started as root: the workers run as this user)",
    }
    text = template.read_text(encoding="utf-8")
    for name, value in fields.items():
        text = text.replace(f"@{name}@", value)
    return text


@dataclass
class Replica:
    port: int
    process: subprocess.Popen | None = None
    healthy: bool = False
    up_in_nginx: bool = True
    restarts: int = 0
    started_at: float = 0.0
    last_ok: float = 0.0
    failures: list[str] = field(default_factory=list)
    # (pid, warehouse file) of the last finished warm-up, and the thread warming now. A new process is warmed
    # before it gets viewers; a new build is warmed while the replica keeps serving (the first viewer after a
    # build would otherwise build each page); a replica that missed one health check keeps its caches. The loop
    # goes on checking every replica meanwhile.
    warmed: tuple | None = None
    warming: threading.Thread | None = None


class Supervisor:
    def __init__(self, *, port: int, replicas: int, listen: str, runtime: Path, warehouse: Path,
                 first_replica_port: int, compression: bool, baseline_dir: Path | None = None) -> None:
        self.port, self.listen, self.runtime, self.warehouse = port, listen, runtime, warehouse
        self.compression, self.baseline_dir = compression, baseline_dir
        self.replicas = [Replica(first_replica_port + i) for i in range(replicas)]
        self.nginx: subprocess.Popen | None = None
        self.stopping = False
        self.conf = runtime / "nginx" / "nginx.conf"
        self.real_ip_from = [a.strip() for a in os.environ.get("MONITOR_REAL_IP_FROM", "").split(",") if a.strip()]
        self.cookie_secure = os.environ.get("MONITOR_COOKIE_SECURE", "") == "1"

    # -- replicas ---------------------------------------------------------------------------------------------
    def _env(self) -> dict[str, str]:
        env = {**os.environ, "MONITOR_MODE": "public", "MONITOR_WAREHOUSE": str(self.warehouse),
               "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret(self.runtime), "PYTHONUNBUFFERED": "1"}
        env.pop("MONITOR_COOKIE_SECRET", None)
        return env

    def start_replica(self, replica: Replica) -> None:
        args = [sys.executable, str(ROOT / "deploy" / "streamlit_server.py"), "run", str(ROOT / "app.py"),
                *production_flags(replica.port, compression=self.compression)]
        log = open(self.runtime / f"replica-{replica.port}.log", "ab")  # noqa: SIM115 - owned by the child
        # Own session: a Ctrl-C in the terminal reaches the supervisor only, which then stops nginx and the
        # replicas in order (no replica "crash" to restart while stopping). The kernel ends a replica whose
        # supervisor dies (PR_SET_PDEATHSIG), so none is left behind holding its port.
        replica.process = subprocess.Popen(args, cwd=ROOT, env=self._env(), stdout=log, stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL, start_new_session=True,
                                           preexec_fn=_die_with_parent)
        log.close()
        replica.healthy = False
        replica.started_at = replica.last_ok = time.monotonic()

    def health(self, replica: Replica) -> str:
        """'ok', 'refused' (nothing listening, or an error status) or 'timeout'."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{replica.port}/_stcore/health",
                                        timeout=HEALTH_TIMEOUT) as response:
                return "ok" if response.status == 200 else "refused"
        except urllib.error.HTTPError:
            return "refused"
        except (TimeoutError, urllib.error.URLError) as exc:
            reason = getattr(exc, "reason", exc)
            return "timeout" if isinstance(reason, TimeoutError) or "timed out" in str(reason) else "refused"
        except OSError:
            return "refused"

    def warehouse_stamp(self) -> tuple | None:
        """Which warehouse file is served: a build renames a new file into place (a new inode)."""
        try:
            stat = self.warehouse.stat()
        except OSError:
            return None
        return stat.st_ino, stat.st_mtime_ns

    def warm_up(self, replica: Replica, wanted: tuple | None = None) -> None:
        """Every public page once per language, straight to the replica (never fails the start: logged).
        `wanted`: the (pid, warehouse) this warms, recorded when it is done."""
        started = time.monotonic()
        wanted = wanted or (replica.process.pid, self.warehouse_stamp())
        try:
            failed = [v.url for v in warm_up_views(replica.port) if not v.ok]
        except Exception as exc:  # noqa: BLE001 - a warm-up problem never keeps a healthy replica out
            failed = [f"{type(exc).__name__}: {exc}"]
        replica.warmed = wanted
        self.log(f"replica :{replica.port} warmed up in {time.monotonic() - started:.1f} s"
                 + (f" ({len(failed)} views failed: {failed[:3]})" if failed else ""))

    def stop_process(self, process: subprocess.Popen | None, sig: int = signal.SIGTERM, wait: float = 10) -> None:
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    # -- nginx ------------------------------------------------------------------------------------------------
    def write_conf(self) -> None:
        worker = nginx_worker_user()
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            path = self.runtime / "nginx" / sub
            path.mkdir(parents=True, exist_ok=True)
            if worker is not None:
                shutil.chown(path, worker)
        if worker is not None:
            # nginx's workers (not root) must reach their temp paths and, for the benchmark, its baseline page.
            self.runtime.chmod(0o711)
            (self.runtime / "nginx").chmod(0o711)
        text = render_nginx_conf(runtime=self.runtime, listen=self.listen, port=self.port, worker_user=worker,
                                 replicas=[(r.port, r.up_in_nginx) for r in self.replicas],
                                 real_ip_from=self.real_ip_from, cookie_secure=self.cookie_secure,
                                 baseline_dir=self.baseline_dir)
        if all(not r.up_in_nginx for r in self.replicas):
            # nginx wants at least one server that is not down: keep them all in; passive checks still apply.
            text = text.replace(" down;", ";")
        tmp = self.conf.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.conf)

    def nginx_args(self) -> list[str]:
        return [NGINX, "-e", str(self.runtime / "nginx" / "error.log"), "-p", str(self.runtime / "nginx"),
                "-c", str(self.conf)]

    def start_nginx(self) -> None:
        self.write_conf()
        check = subprocess.run([*self.nginx_args(), "-t", "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            raise SystemExit(f"nginx configuration test failed:\n{check.stderr}")
        self.nginx = subprocess.Popen([*self.nginx_args(), "-g", "daemon off;"], stdin=subprocess.DEVNULL,
                                      start_new_session=True, preexec_fn=_die_with_parent)

    def set_up_in_nginx(self, replica: Replica, up: bool) -> None:
        if replica.up_in_nginx == up:
            return
        replica.up_in_nginx = up
        self.write_conf()
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGHUP)  # graceful reload: open websockets stay on the old workers
        self.log(f"replica :{replica.port} {'back in' if up else 'out of'} nginx")

    # -- the loop ---------------------------------------------------------------------------------------------
    def log(self, message: str) -> None:
        print(f"[serve {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    def write_state(self) -> None:
        state = {
            "port": self.port, "listen": self.listen, "supervisor_pid": os.getpid(),
            "nginx_pid": self.nginx.pid if self.nginx else None, "warehouse": str(self.warehouse),
            "replicas": [{"port": r.port, "pid": r.process.pid if r.process else None, "healthy": r.healthy,
                          "in_nginx": r.up_in_nginx, "restarts": r.restarts} for r in self.replicas],
        }
        tmp = self.runtime / "state.json.tmp"
        tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
        os.replace(tmp, self.runtime / "state.json")

    def restart(self, replica: Replica, why: str) -> None:
        self.log(f"replica :{replica.port} {why}: restarting")
        self.set_up_in_nginx(replica, False)
        self.stop_process(replica.process, signal.SIGKILL, wait=5)
        replica.restarts += 1
        replica.failures.append(why)
        self.start_replica(replica)

    def check(self, replica: Replica) -> None:
        now = time.monotonic()
        if replica.process is None or replica.process.poll() is not None:
            code = replica.process.returncode if replica.process else None
            self.restart(replica, f"exited with {code}")
            return
        status = self.health(replica)
        if status == "ok":
            replica.last_ok = now
            if not replica.healthy:
                self.log(f"replica :{replica.port} healthy (pid {replica.process.pid})")
            replica.healthy = True
            pid = replica.process.pid
            wanted = (pid, self.warehouse_stamp())
            if replica.warmed != wanted and not (replica.warming and replica.warming.is_alive()):
                replica.warming = threading.Thread(target=self.warm_up, args=(replica, wanted), daemon=True)
                replica.warming.start()
            if replica.warmed is not None and replica.warmed[0] == pid:   # a new process: once it is warm
                self.set_up_in_nginx(replica, True)
            return
        if replica.healthy and status == "refused":
            self.set_up_in_nginx(replica, False)
        replica.healthy = False if status == "refused" else replica.healthy
        limit = START_TIMEOUT if replica.last_ok == replica.started_at else HANG_SECONDS
        if now - replica.last_ok > limit:
            self.restart(replica, f"no health answer for {now - replica.last_ok:.0f} s")

    def handle_signal(self, signum, _frame) -> None:
        self.stopping = True

    def run(self) -> int:
        self.runtime.mkdir(parents=True, exist_ok=True)
        signal.signal(signal.SIGTERM, self.handle_signal)
        signal.signal(signal.SIGINT, self.handle_signal)
        cookie_secret(self.runtime)
        for replica in self.replicas:
            self.start_replica(replica)
        # Each replica is warmed as soon as it answers, all of them at once (one after the other took twice as
        # long with two replicas on 2 cores); nginx starts when every replica is healthy and warm.
        deadline = time.monotonic() + START_TIMEOUT
        while not self.stopping and time.monotonic() < deadline and not all(
                r.healthy and not (r.warming and r.warming.is_alive()) for r in self.replicas):
            for replica in self.replicas:
                if not replica.healthy and self.health(replica) == "ok":
                    replica.healthy = True
                    replica.last_ok = time.monotonic()
                    replica.warming = threading.Thread(target=self.warm_up, args=(replica,), daemon=True)
                    replica.warming.start()
            time.sleep(0.3)
        try:
            if not self.stopping:
                self.start_nginx()
                self.write_state()
                self.log(f"{len(self.replicas)} replicas behind nginx on http://{self.listen}:{self.port} "
                         f"(runtime {self.runtime})")
            while not self.stopping:
                if self.nginx.poll() is not None:
                    self.log(f"nginx exited with {self.nginx.returncode}: starting it again")
                    self.start_nginx()
                for replica in self.replicas:
                    if self.stopping:
                        break
                    self.check(replica)
                self.write_state()
                time.sleep(CHECK_EVERY)
        finally:
            self.log("stopping")
            self.stop_process(self.nginx, signal.SIGQUIT)  # graceful: finish requests in flight
            for replica in self.replicas:
                if replica.process is not None and replica.process.poll() is None:
                    replica.process.terminate()
            for replica in self.replicas:
                self.stop_process(replica.process)
            (self.runtime / "state.json").unlink(missing_ok=True)
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8080))
    parser.add_argument("--replicas", type=int, default=int(os.environ.get("REPLICAS") or os.cpu_count() or 1))
    parser.add_argument("--listen", default=os.environ.get("MONITOR_LISTEN", "127.0.0.1"))
    parser.add_argument("--runtime-dir", type=Path, default=Path(os.environ.get("MONITOR_RUNTIME_DIR") or DEFAULT_RUNTIME))
    parser.add_argument("--first-replica-port", type=int, default=None,
                        help="internal port of the first replica (default: --port + 1)")
    parser.add_argument("--warehouse", type=Path, default=None, help="default: MONITOR_WAREHOUSE or data/warehouse.duckdb")
    parser.add_argument("--baseline-dir", type=Path, default=None, help=argparse.SUPPRESS)  # bench/load.py only
    args = parser.parse_args(argv)
    if not Path(NGINX).exists():
        print("nginx is not installed (make nginx, or apt-get install nginx)", file=sys.stderr)
        return 2
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    sys.path.insert(0, str(ROOT))
    from etl.paths import WAREHOUSE_PATH

    warehouse = (args.warehouse or Path(os.environ.get("MONITOR_WAREHOUSE") or WAREHOUSE_PATH)).resolve()
    runtime = args.runtime_dir.resolve()
    supervisor = Supervisor(port=args.port, replicas=args.replicas, listen=args.listen, runtime=runtime,
                            warehouse=warehouse, first_replica_port=args.first_replica_port or args.port + 1,
                            compression=os.environ.get("MONITOR_WS_COMPRESSION", "1") != "0",
                            baseline_dir=args.baseline_dir.resolve() if args.baseline_dir else None)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
