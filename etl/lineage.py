"""Raw-response archive: every body fetched from a publisher is kept under `data/raw/<source>/`.

Each response is stored as `<source>/<UTC time>_<sha12>.<ext>` with a JSON sidecar (`….meta.json`: URL, method,
request body, retrieval time, HTTP status, sha256, bytes, validators) and one line in `index.jsonl`. The
response id (`raw/<source>/<file>`, relative to the data folder) is what observations carry as `origin`.

The index also keeps the HTTP validators (ETag, Last-Modified) of the last good response per request, so the
next refresh can send a conditional request and reuse the archived body on `304 Not Modified`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

RAW_RESPONSE_COLUMNS = ["response_id", "source", "url", "retrieved_at", "http_status", "sha256", "path", "bytes"]


@dataclass
class RawResponse:
    """One archived HTTP response (or a reuse of one, after `304 Not Modified`)."""

    response_id: str
    source: str
    url: str
    method: str
    retrieved_at: datetime
    http_status: int
    sha256: str
    path: Path
    body: bytes = field(repr=False)
    content_type: str = ""
    request_body: Any = None
    not_modified: bool = False  # True: the publisher answered 304 and `body` is the archived copy
    context: dict[str, Any] = field(default_factory=dict)  # connector bookkeeping (role, table, indicators …)

    @property
    def bytes(self) -> int:
        return len(self.body)

    def text(self) -> str:
        return self.body.decode("utf-8-sig")

    def record(self) -> dict[str, Any]:
        from etl.paths import ROOT

        path = Path(self.path).resolve()
        shown = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        return {
            "response_id": self.response_id, "source": self.source, "url": self.url,
            "retrieved_at": self.retrieved_at, "http_status": self.http_status, "sha256": self.sha256,
            "path": shown, "bytes": self.bytes,
        }


def request_key(method: str, url: str, body: Any = None) -> str:
    """Identity of a request (method, full URL, JSON body) for conditional-request bookkeeping."""
    payload = json.dumps(body, sort_keys=True, separators=(",", ":")) if body is not None else ""
    return hashlib.sha256(f"{method.upper()} {url}\n{payload}".encode()).hexdigest()[:16]


def _extension(content_type: str, body: bytes) -> str:
    ct = content_type.lower()
    if "json" in ct:
        return "json"
    if "csv" in ct:
        return "csv"
    stripped = body.lstrip()[:1]
    if stripped in (b"{", b"["):
        return "json"
    return "txt" if "text" in ct else "bin"


class RawArchive:
    """Writes bodies + sidecars under `root` (normally `data/raw`); ids are relative to `root.parent`."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.index_path = self.root / "index.jsonl"

    def store(
        self,
        *,
        source: str,
        url: str,
        method: str,
        http_status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        request_body: Any = None,
        retrieved_at: datetime | None = None,
    ) -> RawResponse:
        retrieved_at = retrieved_at or datetime.now(timezone.utc)
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        sha = hashlib.sha256(body).hexdigest()
        content_type = headers.get("content-type", "")
        folder = self.root / source
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{retrieved_at:%Y-%m-%dT%H%M%S}{retrieved_at.microsecond // 1000:03d}Z_{sha[:12]}"
        path = folder / f"{stem}.{_extension(content_type, body)}"
        n = 1
        while path.exists():  # same body in the same millisecond: keep both
            path = folder / f"{stem}-{n}.{_extension(content_type, body)}"
            n += 1
        path.write_bytes(body)
        response_id = path.relative_to(self.root.parent).as_posix()
        meta = {
            "response_id": response_id,
            "source": source,
            "url": url,
            "method": method.upper(),
            "request_body": request_body,
            "request_key": request_key(method, url, request_body),
            "retrieved_at": retrieved_at.isoformat(),
            "http_status": http_status,
            "sha256": sha,
            "bytes": len(body),
            "content_type": content_type,
            "etag": headers.get("etag"),
            "last_modified": headers.get("last-modified"),
        }
        path.with_name(path.name + ".meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        with self.index_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(meta, separators=(",", ":")) + "\n")
        return RawResponse(
            response_id=response_id, source=source, url=url, method=method.upper(), retrieved_at=retrieved_at,
            http_status=http_status, sha256=sha, path=path, body=body, content_type=content_type,
            request_body=request_body,
        )

    def entries(self) -> list[dict[str, Any]]:
        if not self.index_path.exists():
            return []
        out = []
        for line in self.index_path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line:
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a torn last line must not break the next refresh
        return out

    def last_good(self, method: str, url: str, body: Any = None) -> dict[str, Any] | None:
        """The newest archived 200 response for this request whose body is still on disk."""
        key = request_key(method, url, body)
        for entry in reversed(self.entries()):
            if entry.get("request_key") == key and entry.get("http_status") == 200:
                path = self.root.parent / entry["response_id"]
                return entry if path.exists() else None
        return None

    def reuse(self, entry: dict[str, Any], retrieved_at: datetime | None = None,
              http_status: int = 304) -> RawResponse:
        """A RawResponse for an archived body (after a 304, or a 200 with the same bytes), keeping the original
        response id as origin; `retrieved_at` is now (when the body was confirmed), `archived_at` the original."""
        path = self.root.parent / entry["response_id"]
        return RawResponse(
            response_id=entry["response_id"], source=entry["source"], url=entry["url"], method=entry["method"],
            retrieved_at=retrieved_at or datetime.now(timezone.utc), http_status=http_status, sha256=entry["sha256"],
            path=path, body=path.read_bytes(), content_type=entry.get("content_type", ""),
            request_body=entry.get("request_body"), not_modified=True,
        )


def raw_responses_frame(responses: list[RawResponse]) -> pd.DataFrame:
    frame = pd.DataFrame([r.record() for r in responses], columns=RAW_RESPONSE_COLUMNS)
    frame["retrieved_at"] = pd.to_datetime(frame["retrieved_at"], utc=True)
    frame["http_status"] = frame["http_status"].astype("int64")
    frame["bytes"] = frame["bytes"].astype("int64")
    return frame
