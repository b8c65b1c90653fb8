"""The one way the build and its commands read an input file: bytes, text or TOML, with every way reading can fail
turned into the project's own error (the caller's `MonitorError` subclass) naming the file and the problem.

A missing file, a directory, a FIFO or device in a file's place, a file that cannot be opened, one larger than the
limit, text that is not UTF-8, TOML that does not parse or is nested so deeply that the parser would exhaust the
stack: each is one message, never a traceback (OSError, UnicodeDecodeError, TOMLDecodeError, RecursionError).
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import tomllib

from etl.errors import MonitorError

MAX_INPUT_BYTES = 64 * 2**20
"""The largest input file read: the largest committed input is 420 KB (data/curated/egov_benchmark.csv) and the
catalogue 100 KB, so 64 MiB leaves room for years of accumulated live rows and still bounds what a file put in the
wrong place (a dump, a disk image) can make the build allocate."""


def read_bytes(path: Path | str, *, error: type[MonitorError] = MonitorError, label: str | None = None,
               max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The file's bytes; `error` naming the file when it is missing, not a regular file, unreadable or too large.
    Opened without blocking, so a FIFO in a file's place is refused instead of waiting for a writer forever."""
    shown = label or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{shown}: missing (no such file)") from None
    except IsADirectoryError:
        raise error(f"{shown}: is a directory, not a file") from None
    except PermissionError:
        raise error(f"{shown}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise error(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{shown}: is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{shown}: is not a regular file (a pipe, socket or device)")
        if info.st_size > max_bytes:
            raise error(f"{shown}: {info.st_size:,} bytes is larger than the limit of {max_bytes:,} bytes")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:  # grew while being read
                raise error(f"{shown}: larger than the limit of {max_bytes:,} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def decode_utf8(data: bytes, *, error: type[MonitorError] = MonitorError, label: str = "input") -> str:
    """UTF-8 text (one leading byte-order mark dropped); `error` naming the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise error(f"{label}: not UTF-8 text (byte {exc.start}: {data[exc.start:exc.start + 1]!r}); "
                    "save the file as UTF-8") from None


def read_text(path: Path | str, *, error: type[MonitorError] = MonitorError, label: str | None = None,
              max_bytes: int = MAX_INPUT_BYTES) -> str:
    shown = label or str(path)
    return decode_utf8(read_bytes(path, error=error, label=shown, max_bytes=max_bytes), error=error, label=shown)


def parse_toml(text: str, *, error: type[MonitorError] = MonitorError, label: str = "input") -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{label}: not valid TOML ({exc})") from None
    except RecursionError:  # tomllib recurses per nesting level of arrays and inline tables
        raise error(f"{label}: not valid TOML (arrays or inline tables nested too deeply)") from None


def read_toml(path: Path | str, *, error: type[MonitorError] = MonitorError, label: str | None = None,
              max_bytes: int = MAX_INPUT_BYTES) -> dict[str, Any]:
    shown = label or str(path)
    data = read_bytes(path, error=error, label=shown, max_bytes=max_bytes)
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:  # TOML is UTF-8 by definition
        raise error(f"{shown}: not valid TOML (not UTF-8 text: byte {exc.start}: "
                    f"{data[exc.start:exc.start + 1]!r}); save the file as UTF-8") from None
    return parse_toml(text, error=error, label=shown)
