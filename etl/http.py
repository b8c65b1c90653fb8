"""HTTP for the live connectors: one configured `requests.Session`, retries, timeouts, conditional requests.

* urllib3 `Retry` on connection errors and on 429/500/502/503/504, for GET and POST (every call the connectors
  make is a read), with exponential backoff and `Retry-After` respected (capped, so a hostile header cannot
  stall a refresh). Backoff and caps are configurable so tests run fast.
* A timeout on every call (an adapter supplies the default when a caller forgets one).
* A descriptive User-Agent.
* Conditional requests: the validators (ETag, Last-Modified) of the last good response are read from the raw
  archive index and sent as If-None-Match / If-Modified-Since; on `304 Not Modified` the archived body is reused.
* Every response with a body is archived (see `etl.lineage`), including error bodies, so a failure can be
  inspected afterwards. A 200 body identical to the last good one for the same request is not stored again: the
  archived response is reused (same id), so unchanged data leave the live files and the warehouse unchanged.
* A deadline (`Deadline`, set for the current thread with `deadline_scope`) bounds everything a source does:
  every timeout is shrunk to the time left, a retry or Retry-After sleep that would pass it is not taken, and the
  body is read in chunks with the deadline checked between them (a server dripping one byte a second cannot hold
  a refresh). Bodies larger than MAX_RESPONSE_BYTES are refused while they are read.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.util.retry import Retry

from etl.errors import MonitorError
from etl.lineage import RawArchive, RawResponse

USER_AGENT = os.environ.get(
    "MONITOR_USER_AGENT",
    "norway-digital-monitor/0.1 (+ETL of the monitor of Norway's digital strategy 2019-2025; "
    "python-requests/" + requests.__version__ + ")",
)
RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_RESPONSE_BYTES = 256 * 2**20
"""A response body larger than this is refused while it is read: the JSON-stat decoder refuses larger bodies
anyway (etl.readers.jsonstat.MAX_BODY_BYTES), and the biggest file a connector fetches is a few MB."""
CHUNK_BYTES = 64 * 1024


class Deadline:
    """A point in time (monotonic clock) after which a source gets no more time; `label` says whose it is."""

    def __init__(self, seconds: float, label: str = "deadline", clock=time.monotonic):
        self.clock = clock
        self.seconds = float(seconds)
        self.at = clock() + self.seconds
        self.label = label

    def remaining(self) -> float:
        return self.at - self.clock()

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0

    def earliest(self, other: "Deadline | None") -> "Deadline":
        return self if other is None or self.at <= other.at else other


_local = threading.local()


@contextmanager
def deadline_scope(deadline: Deadline | None):
    """Every fetch in this thread, inside the block, respects `deadline`."""
    before = getattr(_local, "deadline", None)
    _local.deadline = deadline
    try:
        yield deadline
    finally:
        _local.deadline = before


def current_deadline() -> Deadline | None:
    return getattr(_local, "deadline", None)


class DeadlineExceeded(Exception):
    """Raised inside urllib3's retry loop when the next sleep would pass the deadline (caught by `fetch`)."""


@dataclass(frozen=True)
class HttpConfig:
    total: int = 4                  # attempts after the first one, all causes together
    backoff_factor: float = 1.0     # sleeps 0, 2, 4, 8 … seconds (urllib3 doubles; first retry immediate)
    backoff_max: float = 60.0
    retry_after_max: float = 120.0  # cap on a Retry-After header
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)


class FetchError(MonitorError, RuntimeError):
    """A request failed. `kind` is one of: offline, timeout, http, network."""

    def __init__(self, kind: str, message: str, response: RawResponse | None = None):
        super().__init__(message)
        self.kind = kind
        self.response = response


class _CappedRetry(Retry):
    """Retry that honours Retry-After but never sleeps longer than `retry_after_max`."""

    retry_after_max: float = 120.0

    def new(self, **kw: Any) -> "_CappedRetry":
        new = super().new(**kw)
        new.retry_after_max = self.retry_after_max
        return new

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, self.retry_after_max)

    def sleep(self, response: Any = None) -> None:
        deadline = current_deadline()
        if deadline is not None:
            wait = (self.get_retry_after(response) if response is not None else None)
            wait = self.get_backoff_time() if wait is None else wait
            if deadline.remaining() <= 0:
                raise DeadlineExceeded(f"no answer before the {deadline.label} passed")
            if wait >= deadline.remaining():
                raise DeadlineExceeded(f"the next retry (in {wait:g} s) would pass the {deadline.label}")
        super().sleep(response)


class _TimeoutAdapter(HTTPAdapter):
    def __init__(self, *args: Any, timeout: tuple[float, float], **kwargs: Any):
        self._timeout = timeout
        super().__init__(*args, **kwargs)

    def send(self, request, **kwargs):  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().send(request, **kwargs)


def make_session(config: HttpConfig | None = None) -> requests.Session:
    config = config or HttpConfig()
    retry = _CappedRetry(
        total=config.total,
        connect=min(config.total, 2),  # a refused/unresolvable host will not come back in seconds
        read=config.total,
        status=config.total,
        backoff_factor=config.backoff_factor,
        backoff_max=config.backoff_max,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD", "OPTIONS", "POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # hand back the last response so its body can be archived and reported
    )
    retry.retry_after_max = config.retry_after_max
    session = requests.Session()
    adapter = _TimeoutAdapter(max_retries=retry, timeout=config.timeout)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept-Encoding"] = "gzip, deflate"
    session.request_timeout = config.timeout  # type: ignore[attr-defined]
    return session


def _reason(exc: BaseException) -> BaseException:
    """The innermost urllib3 cause of a requests exception (MaxRetryError → its reason)."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    return getattr(inner, "reason", None) or inner


def _is_timeout(exc: BaseException) -> bool:
    if isinstance(_reason(exc), NewConnectionError):  # a subclass of ConnectTimeoutError, but refused/unresolvable
        return False
    return isinstance(exc, requests.exceptions.Timeout) or isinstance(
        _reason(exc), (ReadTimeoutError, ConnectTimeoutError, Urllib3Timeout))


def _is_offline(exc: BaseException) -> bool:
    """Name resolution failed or the connection was refused (NameResolutionError is a NewConnectionError)."""
    return isinstance(_reason(exc), NewConnectionError)


def describe_error_body(resp: RawResponse) -> str:
    """A short human message from an error body: Eurostat `{"error":[{label}]}`, RFC 7807 problem+json, text."""
    text = resp.body[:4000].decode("utf-8", "replace").strip()
    try:
        doc = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:200]
    if isinstance(doc, dict):
        err = doc.get("error")
        if isinstance(err, list) and err and isinstance(err[0], dict):
            e = err[0]
            return f"{e.get('label', '')} (error id {e.get('id')})".strip()
        if isinstance(err, dict):
            return str(err.get("label") or err.get("message") or err)[:200]
        if "title" in doc or "detail" in doc:  # RFC 7807
            return "; ".join(str(doc[k]) for k in ("title", "detail") if doc.get(k))[:300]
        if "message" in doc:
            return str(doc["message"])[:200]
    return " ".join(text.split())[:200]


def fetch(
    session: requests.Session,
    archive: RawArchive,
    *,
    source: str,
    url: str,
    method: str = "GET",
    params: Any = None,
    json_body: Any = None,
    timeout: float | tuple[float, float] | None = None,
    conditional: bool = True,
    headers: dict[str, str] | None = None,
    on_request: Callable[[str], None] | None = None,
) -> RawResponse:
    """One request, archived. Raises FetchError unless the answer is 200 (or 304 with an archived body)."""
    method = method.upper()
    prepared_url = requests.Request(method, url, params=params).prepare().url or url
    send_headers = {"Accept": "application/json, text/csv;q=0.9, */*;q=0.5", **(headers or {})}
    previous = archive.last_good(method, prepared_url, json_body)
    if previous and conditional:
        if previous.get("etag"):
            send_headers["If-None-Match"] = previous["etag"]
        if previous.get("last_modified"):
            send_headers["If-Modified-Since"] = previous["last_modified"]
    deadline = current_deadline()
    if deadline is not None and deadline.expired:
        raise FetchError("timeout", f"{method} {prepared_url}: not sent, the {deadline.label} has passed")
    if on_request:
        on_request(f"{method} {prepared_url}")
    timeout = timeout or getattr(session, "request_timeout", HttpConfig().timeout)
    if deadline is not None:  # no single wait may outlast the deadline
        left = max(deadline.remaining(), 0.05)
        timeout = (min(timeout[0], left), min(timeout[1], left)) if isinstance(timeout, tuple) else min(timeout, left)
    try:
        response = session.request(method, prepared_url, json=json_body, headers=send_headers, timeout=timeout,
                                   stream=True)
    except DeadlineExceeded as exc:
        raise FetchError("timeout", f"{method} {prepared_url}: gave up, {exc}") from None
    except requests.exceptions.RetryError as exc:  # status retries exhausted (raise_on_status=False avoids most)
        raise FetchError("http", f"{method} {prepared_url}: gave up after retries ({exc})") from None
    except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as exc:
        if _is_timeout(exc):
            read = timeout[1] if isinstance(timeout, tuple) else timeout
            raise FetchError("timeout", f"{method} {prepared_url}: timed out (no answer within {read:g} s, "
                                        f"after retries)") from None
        if _is_offline(exc):
            raise FetchError("offline", f"cannot reach {requests.utils.urlparse(prepared_url).netloc} "
                                        f"(name resolution or connection failed)") from None
        raise FetchError("network", f"{method} {prepared_url}: connection broken ({type(exc).__name__})") from None
    except requests.exceptions.RequestException as exc:
        raise FetchError("network", f"{method} {prepared_url}: {type(exc).__name__}: {exc}") from None

    retrieved_at = datetime.now(timezone.utc)
    if response.status_code == 304 and previous and conditional:
        response.close()
        return archive.reuse(previous, retrieved_at)
    try:
        body = _read_body(response, deadline, f"{method} {prepared_url}")
    except (requests.exceptions.RequestException, OSError) as exc:  # reset or cut off while the body was read
        raise FetchError("network", f"{method} {prepared_url}: body incomplete ({type(exc).__name__})") from None
    finally:
        response.close()
    if (response.status_code == 200 and previous and previous.get("sha256")
            and hashlib.sha256(body).hexdigest() == previous["sha256"]):
        reused = archive.reuse(previous, retrieved_at, http_status=200)  # same bytes: same archived response
        if reused.body == body:
            return reused
    raw = archive.store(
        source=source, url=prepared_url, method=method, http_status=response.status_code, body=body,
        headers=dict(response.headers), request_body=json_body, retrieved_at=retrieved_at,
    )
    if response.status_code != 200:
        attempts = ""
        history = getattr(response.raw, "retries", None)
        if history is not None and history.history:
            attempts = f" after {len(history.history) + 1} attempts"
        raise FetchError(
            "http", f"HTTP {response.status_code}{attempts} from {method} {prepared_url}: {describe_error_body(raw)}",
            response=raw,
        )
    return raw


def _read_body(response: requests.Response, deadline: Deadline | None, what: str,
               max_bytes: int = MAX_RESPONSE_BYTES) -> bytes:
    """The body, read in chunks: the deadline is checked between chunks and the size against `max_bytes`."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("http", f"{what}: body of {int(declared):,} bytes is larger than the limit of "
                                 f"{max_bytes:,} bytes")
    chunks, size = [], 0
    for chunk in response.iter_content(CHUNK_BYTES):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("http", f"{what}: body larger than the limit of {max_bytes:,} bytes")
        if deadline is not None and deadline.expired:
            raise FetchError("timeout", f"{what}: body not complete when the {deadline.label} passed "
                                        f"({size:,} bytes read)")
    return b"".join(chunks)
