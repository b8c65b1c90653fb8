"""deploy/streamlit_server.py: the server's listening socket has TCP_NODELAY, and so has every connection it
accepts (without it Nagle's algorithm and the viewer's delayed acknowledgement add up to 40 ms to every run)."""
from __future__ import annotations

import importlib.util
import socket

from tests.conftest import ROOT


def _launcher():
    spec = importlib.util.spec_from_file_location("monitor_streamlit_server", ROOT / "deploy" / "streamlit_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _nodelay_of_accepted(listening: socket.socket) -> int:
    """TCP_NODELAY on a connection `listening` accepts (the socket is closed afterwards)."""
    try:
        client = socket.create_connection(listening.getsockname())
        accepted, _ = listening.accept()
        value = accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        accepted.close()
        client.close()
        return value
    finally:
        listening.close()


def test_streamlit_binds_without_nodelay_and_the_launcher_adds_it(monkeypatch):
    from streamlit.web.server.starlette import starlette_server

    original = starlette_server._bind_socket
    # the defect the launcher exists for: Streamlit's own socket leaves Nagle on for what it accepts
    assert _nodelay_of_accepted(original("127.0.0.1", 0, 8)) == 0

    monkeypatch.setattr(starlette_server, "_bind_socket", original)
    assert _launcher().patch_nodelay() is True
    assert starlette_server._bind_socket is not original
    listening = starlette_server._bind_socket("127.0.0.1", 0, 8)
    assert listening.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    assert _nodelay_of_accepted(listening) == 1


def test_every_server_the_project_starts_goes_through_the_launcher():
    for path in ("Makefile", "deploy/serve.py", "bench/pages.py", "tests/browser/conftest.py"):
        text = (ROOT / path).read_text(encoding="utf-8")
        assert "streamlit_server.py" in text and "-m streamlit run" not in text \
            and '"-m", "streamlit"' not in text, path


def test_the_launcher_loads_the_page_libraries_and_freezes_them_before_the_server_starts():
    import subprocess
    import sys

    code = ("import importlib.util, sys, gc; "
            f"spec = importlib.util.spec_from_file_location('launcher', {str(ROOT / 'deploy' / 'streamlit_server.py')!r}); "
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); "
            "assert 'pandas' not in sys.modules and gc.get_freeze_count() == 0; "
            "n = m.preload_and_freeze(); "
            "print(n, all(name in sys.modules for name in m.PRELOAD))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    frozen, loaded = int(out[0]), out[1]
    assert loaded == "True"
    assert frozen > 50_000   # the libraries' objects: far more than a bare interpreter holds
