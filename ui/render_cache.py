"""Render once per warehouse version: what a page shows (Markdown, finished tables, figure specs, download files) is
built by pure functions of (warehouse version, language, goal …) and kept in this process, so a new session or a
rerun only sends it. A new build has a new version (ui.data.warehouse_version), so nothing stale is shown after a
swap.

The results live in a plain dictionary per warehouse version rather than in st.cache_data: a hit there hashes
the arguments with Streamlit's hasher and unpickles a copy of the value (about 1 ms a call, and a page makes
dozens), here it is one dictionary lookup. The price is that a result is shared by every session: `per_version`
freezes containers (lists become tuples, dicts read-only mappings) so that no caller can change what another
session is shown; `per_version_resource` is for objects that are only read by construction (a frozen Plotly
figure, bytes, a pyarrow table).

Only the newest KEEP_VERSIONS versions are kept (a run pinned to the previous build can still finish); a result is
computed once even when many first viewers ask for it at the same moment (one lock per key)."""
from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from types import MappingProxyType
from typing import Any, Callable

from ui import data

KEEP_VERSIONS = 2
MAX_ENTRIES_PER_VERSION = 4096

_lock = threading.Lock()
_versions: OrderedDict[tuple | None, dict] = OrderedDict()   # version -> {(name, args): value}
_key_locks: dict[tuple, threading.Lock] = {}


def freeze(value: Any) -> Any:
    """`value` with its lists as tuples and its dicts as read-only mappings (recursively); other values as they are."""
    if isinstance(value, dict):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def _entries(version: tuple | None) -> dict:
    with _lock:
        entries = _versions.get(version)
        if entries is None:
            entries = _versions[version] = {}
            while len(_versions) > KEEP_VERSIONS:
                _versions.popitem(last=False)
        else:
            _versions.move_to_end(version)
        return entries


def _get(name: str, fn: Callable, args: tuple, post: Callable[[Any], Any]):
    version = data.warehouse_version()
    entries = _entries(version)
    key = (name, args)
    try:
        return entries[key]
    except KeyError:
        pass
    with _lock:
        key_lock = _key_locks.setdefault((version, key), threading.Lock())
    with key_lock:
        if key in entries:
            return entries[key]
        value = post(fn(*args))
        with _lock:
            if len(entries) >= MAX_ENTRIES_PER_VERSION:
                entries.pop(next(iter(entries)))
            entries[key] = value
            _key_locks.pop((version, key), None)
        return value


def clear() -> None:
    """Forget every result (tests)."""
    with _lock:
        _versions.clear()
        _key_locks.clear()


def _cached(fn: Callable, post: Callable[[Any], Any]) -> Callable:
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(*args):
        return _get(name, fn, args, post)

    wrapper.uncached = fn
    return wrapper


def per_version(fn: Callable) -> Callable:
    """Cache `fn(*args)` (hashable args, no st.* calls inside) per warehouse version; the result is frozen."""
    return _cached(fn, freeze)


def per_version_resource(fn: Callable) -> Callable:
    """Like per_version, for objects shared as they are (only read by their users: frozen Plotly figures, bytes,
    pyarrow tables)."""
    return _cached(fn, lambda value: value)


def per_version_lru(max_entries: int) -> Callable:
    """Like per_version, for arguments a visitor chooses freely (the explorer's state): only the `max_entries`
    results used last are kept, so no number of different links can fill the memory."""

    def decorate(fn: Callable) -> Callable:
        lru: OrderedDict[tuple, Any] = OrderedDict()
        lru_lock = threading.Lock()

        @functools.wraps(fn)
        def wrapper(*args):
            key = (data.warehouse_version(), args)
            with lru_lock:
                if key in lru:
                    lru.move_to_end(key)
                    return lru[key]
            value = freeze(fn(*args))
            with lru_lock:
                lru[key] = value
                while len(lru) > max_entries:
                    lru.popitem(last=False)
            return value

        wrapper.uncached = fn
        wrapper.cache_clear = lambda: lru.clear()
        return wrapper

    return decorate
