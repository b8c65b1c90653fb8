"""A protocol-level Streamlit viewer: what a new browser tab does, without the browser.

GET the page (index.html, which also gets nginx's route cookie), GET /_stcore/health and /_stcore/host-config as
the frontend does, open the websocket /_stcore/stream with the cookie, send the browser's first BackMsg
(rerun_script with the URL's page name and query string) and read ForwardMsgs until script_finished
(FINISHED_SUCCESSFULLY; a FINISHED_EARLY_FOR_RERUN from st.rerun/st.switch_page is followed by another run).
The frontend's JavaScript bundle is not fetched: nginx serves it from /static/ and browsers and CDNs cache it.

Uses Streamlit's own protobufs (streamlit.proto) and the `websockets` package. The element counts it returns
were checked against Chromium rendering the same page (bench/validate_client.py).
"""
from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = ForwardMsg.ScriptFinishedStatus


@dataclass
class View:
    url: str
    seconds_to_first_byte: float | None = None     # index.html's first byte
    seconds_to_finished: float | None = None       # script_finished, counted from the first GET
    seconds_script: float | None = None            # script_finished, counted from the rerun_script BackMsg sent
    bytes_received: int = 0
    messages: int = 0
    elements: Counter = field(default_factory=Counter)
    texts: list[str] = field(default_factory=list)
    plotly_specs: list[str] = field(default_factory=list)
    tables: list[bytes] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    route_cookie: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.seconds_to_finished is not None


async def http_get(url: str, headers: dict[str, str] | None = None, timeout: float = 60) -> tuple[int, dict, bytes, float]:
    """A minimal HTTP/1.1 GET on its own connection: (status, headers with lists of values, body, s to first byte)."""
    parts = urlsplit(url)
    start = time.perf_counter()
    reader, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, parts.port or 80), timeout)
    try:
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        lines = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close",
                 "Accept-Encoding: identity", "User-Agent: monitor-load/1"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        first_byte = time.perf_counter() - start
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        response_headers: dict[str, list[str]] = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                response_headers.setdefault(name.strip().lower(), []).append(value.strip())
        length = response_headers.get("content-length")
        body = (await asyncio.wait_for(reader.readexactly(int(length[0])), timeout) if length
                else await asyncio.wait_for(reader.read(), timeout))
        return status, response_headers, body, first_byte
    finally:
        writer.close()


def _route_cookie(headers: dict) -> str | None:
    for value in headers.get("set-cookie", []):
        name_value = value.split(";", 1)[0]
        if name_value.startswith("monitor_route="):
            return name_value
    return None


def first_backmsg(url: str) -> bytes:
    """The BackMsg a browser sends first for `url` (page name from the path, query string, context)."""
    parts = urlsplit(url)
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = parts.query
    state.page_script_hash = ""
    state.page_name = parts.path.strip("/")
    state.widget_states.SetInParent()
    state.context_info.timezone = "Europe/Oslo"
    state.context_info.timezone_offset = -60
    state.context_info.locale = "nb-NO"
    state.context_info.url = url
    state.context_info.is_embedded = False
    state.context_info.color_scheme = "light"
    return msg.SerializeToString()


def _collect(view: View, msg: ForwardMsg, keep_content: bool) -> None:
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    view.elements[kind] += 1
    if kind == "exception":
        view.errors.append(f"exception element: {element.exception.type}: {element.exception.message[:200]}")
    elif kind == "alert" and element.alert.format == element.alert.ERROR:
        view.errors.append(f"st.error: {element.alert.body[:200]}")
    if not keep_content:
        return
    if kind in ("markdown", "heading"):
        view.texts.append(getattr(element, kind).body)
    elif kind == "metric":
        view.texts.append(f"**{element.metric.label}** {element.metric.body}")
    elif kind == "alert":
        view.texts.append(element.alert.body)
    elif kind == "plotly_chart":
        view.plotly_specs.append(element.plotly_chart.spec)
    elif kind in ("dataframe", "table"):
        data = getattr(element, kind).arrow_data.data
        if data:
            view.tables.append(data)


async def open_view(url: str, *, timeout: float = 120, keep_open: asyncio.Event | None = None,
                    keep_content: bool = False, compression: bool = True,
                    on_finished=None) -> View:
    """One new viewer of `url` (http://host:port/path?query). With `keep_open`, the websocket stays open until the
    event is set (the session stays alive on the server); otherwise it closes right after script_finished."""
    view = View(url)
    start = time.perf_counter()
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    try:
        status, headers, _, view.seconds_to_first_byte = await http_get(url, timeout=timeout)
        if status != 200:
            view.errors.append(f"GET page: HTTP {status}")
            return view
        view.route_cookie = _route_cookie(headers)
        cookie = {"Cookie": view.route_cookie} if view.route_cookie else {}
        for path in ("/_stcore/health", "/_stcore/host-config"):
            status, *_ = await http_get(base + path, cookie, timeout=timeout)
            if status != 200:
                view.errors.append(f"GET {path}: HTTP {status}")
                return view
        ws_url = f"ws://{parts.netloc}/_stcore/stream"
        async with websockets.connect(
                ws_url, subprotocols=["streamlit"], additional_headers={**cookie, "Origin": base},
                compression="deflate" if compression else None, max_size=None, open_timeout=timeout,
                ping_interval=None, user_agent_header="monitor-load/1") as ws:
            await ws.send(first_backmsg(url))
            sent = time.perf_counter()
            deadline = start + timeout
            while True:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    view.errors.append(f"no script_finished within {timeout:.0f} s")
                    return view
                data = await asyncio.wait_for(ws.recv(), remaining)
                view.bytes_received += len(data)
                view.messages += 1
                msg = ForwardMsg()
                msg.ParseFromString(data)
                kind = msg.WhichOneof("type")
                if kind == "script_finished":
                    if msg.script_finished == FINISHED.FINISHED_EARLY_FOR_RERUN:
                        continue
                    if msg.script_finished != FINISHED.FINISHED_SUCCESSFULLY:
                        view.errors.append(f"script_finished status {msg.script_finished}")
                    finished = time.perf_counter()
                    view.seconds_to_finished, view.seconds_script = finished - start, finished - sent
                    break
                if kind == "page_not_found":
                    view.errors.append(f"page not found: {msg.page_not_found.page_name}")
                elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
                    view.errors.append("script compilation exception")
                else:
                    _collect(view, msg, keep_content)
            if on_finished is not None:
                on_finished()
            if keep_open is not None:
                await keep_open.wait()
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, websockets.WebSocketException) as exc:
        view.errors.append(f"{type(exc).__name__}: {exc}")
    return view


async def fetch_static(url: str, timeout: float = 60) -> View:
    """The baseline: one static HTML page, fetched whole."""
    view = View(url)
    start = time.perf_counter()
    try:
        status, _, body, view.seconds_to_first_byte = await http_get(url, timeout=timeout)
        view.bytes_received = len(body)
        if status != 200:
            view.errors.append(f"HTTP {status}")
        else:
            view.seconds_to_finished = time.perf_counter() - start
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as exc:
        view.errors.append(f"{type(exc).__name__}: {exc}")
    return view
