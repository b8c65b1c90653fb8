"""`python deploy/streamlit_server.py run app.py …`: Streamlit's own command line, with TCP_NODELAY on the server's
listening socket and the page libraries loaded and frozen before it listens (the monitor's replicas, `make run`, the
benchmarks and the browser tests all start this way).

Why: Streamlit 1.67's server binds its socket as `socket.socket(family)`, so the socket's protocol number is 0 and
asyncio's transport (which sets TCP_NODELAY only when the protocol is IPPROTO_TCP) leaves Nagle's algorithm on for
every connection it accepts. A script run sends a small message and then the rest; Nagle holds the rest until the
viewer acknowledges the first, and browsers delay that acknowledgement by up to 40 ms. Measured here: a rerun of a
one-line app took 48 ms with 0.3 ms of script; with TCP_NODELAY 6 ms (bench/pages.py's "(bare)" row). Linux
copies TCP_NODELAY from the listening socket to each accepted one.

Why the preload: every page needs pandas, pyarrow, Plotly, DuckDB and Babel. Imported before the server listens,
they cost the start (about 0.9 s) instead of the first viewer, and the replica's health check answers only when it
is ready. Then `gc.freeze()` moves every object alive at that moment (the modules, their classes and functions: most
of the heap) out of the collector's reach. Python's own full collections, which it starts as a page run's objects
accumulate, walked all of them: measured on the overview page's warm views, the slowest of 50 went from 106-156 ms
to 29-32 ms and the median from 31-35 to 21-22 ms (bench/pages.py).
"""
from __future__ import annotations

import gc
import importlib
import socket
import sys


def patch_nodelay() -> bool:
    """Wrap Streamlit's socket binding so the listening socket has TCP_NODELAY; False if Streamlit no longer has
    the function (the server then runs as Streamlit ships it; tests/test_deploy.py fails so someone looks)."""
    try:
        from streamlit.web.server.starlette import starlette_server
    except ImportError:
        return False
    original = getattr(starlette_server, "_bind_socket", None)
    if original is None or getattr(original, "_monitor_nodelay", False):
        return original is not None

    def bind_with_nodelay(*args, **kwargs) -> socket.socket:
        sock = original(*args, **kwargs)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    bind_with_nodelay._monitor_nodelay = True
    starlette_server._bind_socket = bind_with_nodelay
    return True


# The libraries every page imports (see the module docstring), loaded before the server listens.
PRELOAD = ("pandas", "pyarrow", "plotly.graph_objects", "duckdb", "babel.numbers")


def preload_and_freeze(modules=PRELOAD) -> int:
    """Import `modules`, collect, and freeze what is alive (gc.freeze); returns how many objects were frozen."""
    for name in modules:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def main() -> int:
    patch_nodelay()
    preload_and_freeze()
    from streamlit.web.cli import main as streamlit_main

    sys.argv[0] = "streamlit"
    return streamlit_main()


if __name__ == "__main__":
    sys.exit(main())
