"""Load benchmark of the public view (`make bench`): N simultaneous new viewers through `make serve`'s nginx.

Starts deploy/serve.py (REPLICAS replicas, default one per core, behind nginx on a free port), warms each page
once per replica, then for the overview and an indicator page and N = 1, 5, 10, 25, 50 opens N new viewers at once
with the protocol client in bench/stclient.py (GET page -> websocket -> first rerun_script -> script_finished; the
element counts match Chromium's, see bench/validate_client.py). All N sessions stay open until the last has
finished, so the servers' resident memory with N open sessions is measured; then they close.

Baseline: the same content (texts, tables and the Plotly figures as JSON) written as one static HTML page per
page into a temporary directory and served by the same nginx, fetched by the same N at once.

Prints a table and writes bench/results/load-<date>T<hhmm>.json (committed: the figures a change is compared with;
never overwrites an earlier run), with
core count and versions. Reports what it measures and asserts nothing; the targets (p95 <= 2 s at N = 50, <= 5 MiB
per open session, memory back within 20 % of idle after the sessions close) are printed beside the figures.

    python bench/load.py [--replicas N] [--sizes 1,5,10,25,50] [--pages overview,indicator] [--out FILE]
"""
from __future__ import annotations

import argparse
import asyncio
import html
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from stclient import View, fetch_static, open_view  # noqa: E402

PAGES = {"overview": "/", "indicator": "/indicator?indicator=egdi_value"}
SIZES = [1, 5, 10, 25, 50]
SESSION_TTL = 30          # deploy/serve.py sets --server.disconnectedSessionTTL 30
TARGET_P95 = 2.0
TARGET_MIB_PER_SESSION = 5.0
TARGET_MEMORY_BACK = 0.20
MIB = 2 ** 20


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_port_block(count: int) -> int:
    """A port with the next `count` ports free as well (nginx's port and the replicas' ports)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + count < 65000 and all(_port_free(port + i) for i in range(count + 1)):
            return port
    raise RuntimeError("no free block of ports")


class Serve:
    """deploy/serve.py as a child process, on free ports, with its own runtime directory."""

    def __init__(self, replicas: int = 2, baseline_dir: Path | None = None, warehouse: Path | None = None,
                 env: dict[str, str] | None = None, start_timeout: float = 120) -> None:
        self.replicas, self.baseline_dir, self.warehouse = replicas, baseline_dir, warehouse
        self.env, self.start_timeout = env or {}, start_timeout
        self.port = free_port_block(replicas)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._tmp = tempfile.TemporaryDirectory(prefix="monitor-serve-")
        self.runtime = Path(self._tmp.name)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Serve:
        args = [sys.executable, str(ROOT / "deploy" / "serve.py"), "--port", str(self.port), "--replicas",
                str(self.replicas), "--runtime-dir", str(self.runtime), "--listen", "127.0.0.1"]
        if self.baseline_dir is not None:
            args += ["--baseline-dir", str(self.baseline_dir)]
        if self.warehouse is not None:
            args += ["--warehouse", str(self.warehouse)]
        self.log = open(self.runtime / "serve.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **self.env}, stdout=self.log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"deploy/serve.py exited with {self.process.returncode}: {self.log_text()}")
            if (self.runtime / "state.json").exists():
                try:
                    with urllib.request.urlopen(self.base_url + "/_stcore/health", timeout=5) as response:
                        if response.status == 200:
                            return self
                except OSError:
                    pass
            time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"make serve did not come up within {self.start_timeout:.0f} s: {self.log_text()}")

    def __exit__(self, *_exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        self._tmp.cleanup()

    def log_text(self) -> str:
        try:
            return (self.runtime / "serve.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def state(self) -> dict:
        return json.loads((self.runtime / "state.json").read_text())

    def replica_processes(self) -> list[psutil.Process]:
        return [psutil.Process(r["pid"]) for r in self.state()["replicas"] if r["pid"]]

    def nginx_processes(self) -> list[psutil.Process]:
        master = psutil.Process(self.state()["nginx_pid"])
        return [master, *master.children()]


def rss(processes: list[psutil.Process]) -> int:
    return sum(p.memory_info().rss for p in processes)


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for p in processes:
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def machine_busy_seconds() -> float:
    """CPU seconds all processes on the machine have used (user, system, nice, irq): with ours subtracted, what
    other processes took from the same cores while a row was measured."""
    t = psutil.cpu_times()
    return t.user + t.system + getattr(t, "nice", 0.0) + getattr(t, "irq", 0.0) + getattr(t, "softirq", 0.0)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary(views: list[View]) -> dict:
    times = [v.seconds_to_finished for v in views if v.ok]
    return {"n": len(views), "ok": len(times), "failed": len(views) - len(times),
            "errors": sorted({e for v in views for e in v.errors})[:5],
            "p50_s": percentile(times, 0.50), "p95_s": percentile(times, 0.95), "max_s": max(times, default=None),
            "bytes_per_view": round(sum(v.bytes_received for v in views) / max(1, len(views)))}


async def crowd(url: str, n: int, on_all_finished=None) -> list[View]:
    """n new viewers at once; all stay open until every one has finished (or failed), then `on_all_finished()`
    runs (the memory sample with n open sessions) and they close."""
    release = asyncio.Event()
    finished = [0]

    def count() -> None:
        finished[0] += 1

    tasks = [asyncio.create_task(open_view(url, keep_open=release, timeout=240, on_finished=count))
             for _ in range(n)]
    while finished[0] + sum(1 for t in tasks if t.done()) < n:
        await asyncio.sleep(0.05)
    if on_all_finished is not None:
        on_all_finished()
    release.set()
    return list(await asyncio.gather(*tasks))


async def crowd_static(url: str, n: int) -> list[View]:
    return list(await asyncio.gather(*(fetch_static(url) for _ in range(n))))


def write_static_page(view: View, title: str, target: Path) -> None:
    """The page's content as one static HTML page: texts (Markdown), tables (Arrow -> HTML), Plotly figures."""
    import pyarrow as pa
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    parts = [f"<!doctype html><html lang='nb'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             "<script src='plotly.min.js'></script></head><body>"]
    parts += [md.render(text) for text in view.texts]
    for data in view.tables:
        parts.append(pa.ipc.open_stream(data).read_all().to_pandas().to_html(index=False))
    for i, spec in enumerate(view.plotly_specs):
        figure = json.loads(spec)
        parts.append(f"<div id='fig{i}'></div><script>Plotly.newPlot('fig{i}', {json.dumps(figure.get('data', []))}, "
                     f"{json.dumps(figure.get('layout', {}))});</script>")
    parts.append("</body></html>")
    target.write_text("\n".join(parts), encoding="utf-8")


def versions() -> dict:
    import duckdb
    import plotly
    import streamlit
    import websockets

    nginx = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-v"], capture_output=True, text=True)
    return {"python": platform.python_version(), "streamlit": streamlit.__version__, "duckdb": duckdb.__version__,
            "plotly": plotly.__version__, "websockets": websockets.__version__, "psutil": psutil.__version__,
            "nginx": nginx.stderr.strip().split("/")[-1], "os": platform.platform()}


def fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=int(os.environ.get("REPLICAS") or os.cpu_count() or 1))
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-compression", action="store_true", help="MONITOR_WS_COMPRESSION=0 for the replicas")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    pages = {name: PAGES[name] for name in args.pages.split(",")}
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        print("bench/load.py: nginx is not installed (make nginx); load benchmark skipped")
        return 0
    client = psutil.Process()
    result: dict = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cores": os.cpu_count(),
                    "memory_gib": round(psutil.virtual_memory().total / 2 ** 30, 1), "replicas": args.replicas,
                    "versions": versions(), "websocket_compression": not args.no_compression,
                    "client": "bench/stclient.py in one asyncio process on the same machine",
                    "targets": {"p95_s_at_50": TARGET_P95, "rss_mib_per_open_session": TARGET_MIB_PER_SESSION,
                                "memory_back_within": TARGET_MEMORY_BACK},
                    "pages": {}}
    env = {"MONITOR_WS_COMPRESSION": "0"} if args.no_compression else {}
    with tempfile.TemporaryDirectory(prefix="monitor-baseline-") as baseline:
        baseline_dir = Path(baseline)
        baseline_dir.chmod(0o755)  # nginx's workers read it
        import plotly

        shutil.copy(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", baseline_dir / "plotly.min.js")
        print(f"load benchmark: {args.replicas} replicas behind nginx, {os.cpu_count()} cores, sizes {sizes}")
        with Serve(replicas=args.replicas, baseline_dir=baseline_dir, env=env) as serve:
            replicas = serve.replica_processes
            rss_cold = rss(replicas())
            # Warm-up: each page until every replica has rendered it once (the route cookie spreads viewers).
            for name, path in pages.items():
                view = asyncio.run(open_view(serve.base_url + path, keep_content=True, timeout=240))
                if not view.ok:
                    print(f"{name}: the page fails: {view.errors}\n{serve.log_text()}")
                    return 1
                write_static_page(view, name, baseline_dir / f"{name}.html")
                for _ in range(4 * args.replicas):
                    asyncio.run(open_view(serve.base_url + path, timeout=240))
            time.sleep(SESSION_TTL + 5)  # the warm-up sessions' TTL runs out
            rss_idle = rss(replicas())
            result.update(rss_cold_mib=round(rss_cold / MIB, 1), rss_idle_mib=round(rss_idle / MIB, 1))
            print(f"replicas' RSS: {rss_cold / MIB:.0f} MiB at start, {rss_idle / MIB:.0f} MiB idle after warm-up")
            for name, path in pages.items():
                rows = []
                for n in sizes:
                    before_rss, before_cpu = rss(replicas()), cpu_seconds(replicas())
                    before_nginx, before_client = cpu_seconds(serve.nginx_processes()), cpu_seconds([client])
                    before_machine, load_before = machine_busy_seconds(), os.getloadavg()[0]
                    open_rss: list[int] = []
                    started = time.perf_counter()
                    views = asyncio.run(crowd(serve.base_url + path, n, lambda: open_rss.append(rss(replicas()))))
                    wall = time.perf_counter() - started
                    row = summary(views)
                    ours = ((cpu_seconds(replicas()) - before_cpu) + (cpu_seconds(serve.nginx_processes()) - before_nginx)
                            + (cpu_seconds([client]) - before_client))
                    row.update(
                        load_average_before=round(load_before, 2),
                        # CPU that other processes on this machine used during the row, as a share of the cores'
                        # capacity over its wall time: > 0 means the figures were measured on a shared machine.
                        other_processes_cpu_share=round(max(0.0, machine_busy_seconds() - before_machine - ours)
                                                        / (wall * (os.cpu_count() or 1)), 2))
                    row.update(
                        wall_s=round(wall, 3),
                        server_cpu_s_per_session=round((cpu_seconds(replicas()) - before_cpu) / n, 4),
                        nginx_cpu_s_per_session=round((cpu_seconds(serve.nginx_processes()) - before_nginx) / n, 4),
                        client_cpu_s_per_session=round((cpu_seconds([client]) - before_client) / n, 4),
                        rss_before_mib=round(before_rss / MIB, 1), rss_open_mib=round(open_rss[0] / MIB, 1),
                        rss_mib_per_open_session=round((open_rss[0] - before_rss) / MIB / n, 2))
                    static = summary(asyncio.run(crowd_static(f"{serve.base_url}/baseline/{name}.html", n)))
                    row["static"] = static
                    row["p95_ratio_to_static"] = (round(row["p95_s"] / static["p95_s"], 1)
                                                  if row["p95_s"] and static["p95_s"] else None)
                    rows.append(row)
                    print(f"  {name} N={n}: ok {row['ok']}/{n}, p95 {fmt(row['p95_s'])} s", flush=True)
                time.sleep(SESSION_TTL + 5)
                # One request after the wait: the session storage drops expired sessions when it is next used.
                asyncio.run(open_view(serve.base_url + path, timeout=240))
                time.sleep(SESSION_TTL + 5)
                after = rss(replicas())
                result["pages"][name] = {"path": path, "rows": rows, "rss_after_close_mib": round(after / MIB, 1),
                                         "rss_after_close_vs_idle": round(after / rss_idle - 1, 3)}
            result["restarts"] = sum(r["restarts"] for r in serve.state()["replicas"])
    print_table(result)
    out = args.out or BENCH / "results" / f"load-{datetime.now().strftime('%Y-%m-%dT%H%M')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"results: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


def print_table(result: dict) -> None:
    print(f"\n{result['replicas']} replicas, {result['cores']} cores, streamlit {result['versions']['streamlit']}, "
          f"nginx {result['versions']['nginx']}; time to script_finished for N new viewers at once (s)")
    header = (f"{'page':<10}{'N':>4}{'ok':>5}{'p50':>8}{'p95':>8}{'max':>8}{'static p95':>12}{'ratio':>8}"
              f"{'cpu s/sess':>11}{'MiB/sess':>10}{'others':>8}")
    print(header)
    print("-" * len(header))
    for name, page in result["pages"].items():
        for row in page["rows"]:
            print(f"{name:<10}{row['n']:>4}{row['ok']:>5}{fmt(row['p50_s']):>8}{fmt(row['p95_s']):>8}"
                  f"{fmt(row['max_s']):>8}{fmt(row['static']['p95_s'], 3):>12}"
                  f"{fmt(row['p95_ratio_to_static'], 0) + 'x':>8}{fmt(row['server_cpu_s_per_session'], 3):>11}"
                  f"{fmt(row['rss_mib_per_open_session']):>10}"
                  f"{format(row.get('other_processes_cpu_share', 0), '.0%'):>8}")
            for error in row["errors"]:
                print(f"{'':<14}error: {error}")
    print("(others: the share of the machine's CPU that processes other than the benchmark's used during the row)")
    print(f"\nreplicas' RSS idle {result['rss_idle_mib']} MiB; after the sessions closed: "
          + ", ".join(f"{name} {page['rss_after_close_mib']} MiB ({page['rss_after_close_vs_idle']:+.0%})"
                      for name, page in result["pages"].items()))
    last = {name: page["rows"][-1] for name, page in result["pages"].items()}
    for name, row in last.items():
        p95 = row["p95_s"]
        print(f"target p95 <= {TARGET_P95} s at N = {row['n']} ({name}): "
              f"{'met' if p95 is not None and p95 <= TARGET_P95 and not row['failed'] else 'missed'} ({fmt(p95)} s)")
        print(f"target <= {TARGET_MIB_PER_SESSION} MiB per open session ({name}, N = {row['n']}): "
              f"{'met' if row['rss_mib_per_open_session'] <= TARGET_MIB_PER_SESSION else 'missed'} "
              f"({row['rss_mib_per_open_session']} MiB)")
    for name, page in result["pages"].items():
        back = page["rss_after_close_vs_idle"]
        print(f"target memory within {TARGET_MEMORY_BACK:.0%} of idle after close ({name}): "
              f"{'met' if back <= TARGET_MEMORY_BACK else 'missed'} ({back:+.0%})")


if __name__ == "__main__":
    sys.exit(main())
