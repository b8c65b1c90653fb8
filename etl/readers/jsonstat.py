"""One JSON-stat 2.0 decoder (a reader for one file format), shared by every source that fetches JSON-stat.

Handles what real bodies contain (see ../shared/domain/sources.md §1.3 and §2.2):

* `value` as a dense list (SSB) or a sparse object keyed by the flat index as a string (Eurostat);
* `status` as an object keyed like a sparse `value`, a list (one per cell, or a single element for all), or a
  single string for every cell; a status may exist on a cell that has no value;
* any dimension order (`id`/`size` decide the row-major layout);
* category `index` as a list, an object (code -> position) or absent (single category, code from `label`).

Decoding is vectorised: the flat indices of the cells that have a value or a status are turned into category
positions with one `np.unravel_index` call, and codes are gathered with numpy fancy indexing.

`python -m etl decode FILE` prints the tidy table as CSV: one column per dimension id (category codes), then
`value` (empty when the cell has none), then `status`.
"""
from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from etl.errors import MonitorError


class JsonStatError(MonitorError, ValueError):
    """The document is not a JSON-stat 2.0 dataset this decoder understands (or exceeds a limit below); the message
    names the problem, and the place in the document where there is one."""

    kind = "malformed"


# Limits, checked on the declared shape BEFORE anything of that size is allocated. Each says why it is that size.
MAX_BODY_BYTES = 256 * 2**20
"""A body larger than this is refused unread: SSB's per-call cap of 800,000 cells is about 20 MB of JSON-stat and
the largest Eurostat response the monitor asks for is a few MB, so 256 MiB is generous for real data and still
bounds the memory the JSON parser may take (about 10× the body)."""
MAX_CELLS = 1_000_000
"""The declared cube (the product of `size`) may hold at most this many cells: above SSB's per-call cap of 800,000
cells (the most one PxWebApi response can hold), and 1,200× the largest cube the monitor's sources and fixtures decode
(820 cells, Eurostat isoc_ci_cm_h); a full frame of that size is about 60 MB. (It was 20 million: a 3 KB file declaring
[100, 100, 100, 20] made 20 million rows, 2 GB.) The rows are bounded by the cells the file lists, not by this
limit (a status for the whole dataset labels only the cells `value` lists); the limit bounds the declared cube a
dense `value` must fill. (Python integers: a hostile `size` cannot overflow to a small number.)"""
MAX_DIMENSIONS = 32
"""numpy's unravel_index supports at most 32 dimensions on older versions; real datasets have fewer than 12."""
MAX_DEPTH = 64
"""JSON nesting depth: the deepest legitimate path (dimension → id → category → unit → code → field) is 6 levels;
extensions add a few. Python's json parser recurses per level and would end in a RecursionError traceback."""
RESERVED = ("value", "status")
"""Dimension ids that would collide with the frame's own columns."""


@dataclass
class Dimension:
    id: str
    label: str
    codes: list[str]
    labels: dict[str, str]
    extension: dict[str, Any] = field(default_factory=dict)
    units: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.codes)


@dataclass
class Dataset:
    """A decoded dataset: dimensions in `id` order plus the tidy frame of non-empty cells."""

    label: str
    ids: list[str]
    sizes: list[int]
    dimensions: dict[str, Dimension]
    roles: dict[str, list[str]]
    updated: str | None
    status_labels: dict[str, str]
    frame: pd.DataFrame
    raw: dict[str, Any] = field(repr=False, default_factory=dict)
    cell_index: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0, dtype=np.int64))
    """Flat row-major index of each frame row (the key of the cell in a sparse `value`)."""

    def role(self, name: str) -> list[str]:
        return list(self.roles.get(name, []))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object", type(None): "null"}.get(type(value), type(value).__name__)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def max_depth(body: bytes) -> int:
    """Nesting depth of JSON text, counted on the brackets outside strings (vectorised; no parsing)."""
    import re

    stripped = re.sub(rb'"(?:[^"\\]|\\.)*"', b"", body)
    arr = np.frombuffer(stripped, dtype=np.uint8)
    opens = (arr == ord("[")) | (arr == ord("{"))
    closes = (arr == ord("]")) | (arr == ord("}"))
    where = np.flatnonzero(opens | closes)
    if not where.size:
        return 0
    return int(np.cumsum(np.where(opens[where], 1, -1)).max())


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JsonStatError(f"duplicate key {_short(key)} in one JSON object (ambiguous: which one counts?)")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise JsonStatError(f"not valid JSON: {name} is not a JSON number")


def parse_json(body: str | bytes, *, max_bytes: int = MAX_BODY_BYTES) -> Any:
    """JSON text → Python, strictly: size and nesting checked before parsing, duplicate keys and NaN/Infinity refused.
    Raises JsonStatError naming the problem."""
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    if len(body) > max_bytes:
        raise JsonStatError(f"body of {len(body):,} bytes is larger than the limit of {max_bytes:,} bytes")
    depth = max_depth(body)
    if depth > MAX_DEPTH:
        raise JsonStatError(f"JSON nested {depth} levels deep (limit {MAX_DEPTH})")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JsonStatError(f"not UTF-8 text (byte {exc.start})") from None
    try:
        doc = json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)
    except JsonStatError:
        raise
    except json.JSONDecodeError as exc:
        raise JsonStatError(f"not valid JSON: {exc}") from None
    except ValueError as exc:  # an integer of more than 4,300 digits (Python's int conversion limit)
        problem = (f"a number of more than {sys.get_int_max_str_digits():,} digits" if "digits" in str(exc)
                   else " ".join(str(exc).split())[:120])
        raise JsonStatError(f"not valid JSON for this decoder: {problem}") from None
    except RecursionError:  # unreachable after the depth check; kept as a guard
        raise JsonStatError(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    if _SURROGATE_ESCAPE.search(body):  # rare: only then is every string checked
        where = _lone_surrogate(doc)
        if where is not None:
            raise JsonStatError(f"a string at {where} holds a lone surrogate escape (\\ud800–\\udfff without its "
                                "pair): not a Unicode character")
    return doc


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _lone_surrogate(doc: Any) -> str | None:
    """The place of the first string (key or value) that cannot be written as UTF-8, or None."""
    stack: list[tuple[str, Any]] = [("the top", doc)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return where
        elif isinstance(item, dict):
            for key, value in item.items():
                place = f"{where} → {_short(key)}"
                if not key.isascii():
                    try:
                        key.encode("utf-8")
                    except UnicodeEncodeError:
                        return f"{where} (a key)"
                stack.append((place, value))
        elif isinstance(item, list):
            stack.extend((f"{where} → [{i}]", v) for i, v in enumerate(item) if isinstance(v, (str, dict, list)))
    return None


def _category_codes(dim_id: str, dim: Any, size: int | None) -> tuple[list[str], dict[str, str]]:
    if not isinstance(dim, dict):
        raise JsonStatError(f"dimension {dim_id!r} must be an object, got {_kind(dim)}")
    category = dim.get("category")
    if not isinstance(category, dict):
        raise JsonStatError(f"dimension {dim_id!r} has no category object")
    labels = category.get("label") or {}
    if not isinstance(labels, dict):
        raise JsonStatError(f"dimension {dim_id!r}: category.label must be an object")
    for code, label in labels.items():
        if not isinstance(label, str):
            raise JsonStatError(f"dimension {dim_id!r}: category.label[{_short(code)}] must be a string, "
                                f"got {_kind(label)}")
    index = category.get("index")
    if index is None:
        # JSON-stat 2.0: index may be omitted for a single-category dimension; the code is the label's key.
        if len(labels) == 1:
            codes = [str(next(iter(labels)))]
        elif size == 1 and not labels:
            codes = ["0"]
        else:
            raise JsonStatError(
                f"dimension {dim_id!r} has no category.index and {len(labels)} labels (need exactly one)"
            )
    elif isinstance(index, list):
        bad = next((c for c in index if not isinstance(c, str)), None)
        if bad is not None or any(not isinstance(c, str) for c in index):
            raise JsonStatError(f"dimension {dim_id!r}: category.index codes must be strings, got {_kind(bad)}")
        codes = list(index)
    elif isinstance(index, dict):
        positions = list(index.values())
        if not all(_is_int(p) for p in positions):
            raise JsonStatError(f"dimension {dim_id!r}: category.index positions must be integers")
        codes = [""] * len(index)
        filled = [False] * len(index)
        for code, pos in index.items():
            if pos < 0 or pos >= len(index) or filled[pos]:
                raise JsonStatError(f"dimension {dim_id!r}: category.index positions are not 0..n-1")
            codes[pos] = str(code)
            filled[pos] = True
    else:
        raise JsonStatError(f"dimension {dim_id!r}: category.index must be a list or an object")
    if len(set(codes)) != len(codes):
        seen: set[str] = set()
        dup = next(c for c in codes if c in seen or seen.add(c))
        raise JsonStatError(f"dimension {dim_id!r}: category code {_short(dup)} appears twice")
    return codes, {str(k): v for k, v in labels.items()}


def read_dimensions(doc: dict[str, Any], *, max_cells: int | None = None
                    ) -> tuple[list[str], list[int], dict[str, Dimension]]:
    """Dimensions of a JSON-stat 2.0 dataset (also works on SSB metadata bodies, which carry no `value`).
    Checks the declared shape (`id` and `size` types and lengths, dimension count) and, with `max_cells`, the cube's
    cell count, before any category is read. (Metadata describes whole tables, of which a query selects a part, so
    SSB metadata is read without a cell limit; `decode` applies MAX_CELLS.)"""
    if not isinstance(doc, dict):
        raise JsonStatError(f"a JSON-stat dataset must be a JSON object, got {_kind(doc)}")
    if doc.get("class") not in (None, "dataset"):
        raise JsonStatError(f"expected class 'dataset', got {_short(doc.get('class'))}")
    ids = doc.get("id")
    sizes = doc.get("size")
    dims = doc.get("dimension")
    if not isinstance(ids, list) or not isinstance(sizes, list) or not isinstance(dims, dict):
        raise JsonStatError("missing 'id', 'size' or 'dimension' (not a JSON-stat 2.0 dataset)")
    if len(ids) != len(sizes):
        raise JsonStatError(f"'id' has {len(ids)} entries but 'size' has {len(sizes)}")
    if len(ids) > MAX_DIMENSIONS:
        raise JsonStatError(f"{len(ids)} dimensions (limit {MAX_DIMENSIONS})")
    for position, (dim_id, size) in enumerate(zip(ids, sizes)):
        if not isinstance(dim_id, str) or not dim_id:
            raise JsonStatError(f"'id' entry {position} must be a non-empty string, got {_short(dim_id)}")
        if dim_id in RESERVED:
            raise JsonStatError(f"dimension id {dim_id!r} is reserved for the decoded table's own column")
        if not _is_int(size) or size < 1:
            raise JsonStatError(f"'size' entry {position} ({dim_id!r}) must be a positive integer, got {_short(size)}")
    if len(set(ids)) != len(ids):
        raise JsonStatError(f"'id' lists a dimension twice ({', '.join(ids)[:200]})")
    n = math.prod(sizes)  # Python integers: a hostile size cannot overflow to a small number
    if max_cells is not None and n > max_cells:
        raise JsonStatError(f"the declared sizes ({' × '.join(map(str, sizes))[:120]}) make {n:,} cells "
                            f"(limit {max_cells:,})")
    out: dict[str, Dimension] = {}
    for dim_id, size in zip(ids, sizes):
        if dim_id not in dims:
            raise JsonStatError(f"dimension {dim_id!r} listed in 'id' is missing from 'dimension'")
        d = dims[dim_id]
        codes, labels = _category_codes(dim_id, d, size)
        if len(codes) != size:
            raise JsonStatError(f"dimension {dim_id!r}: size {size} but {len(codes)} categories")
        units = (d.get("category") or {}).get("unit") or {}
        extension = d.get("extension") or {}
        out[dim_id] = Dimension(
            id=dim_id,
            label=str(d.get("label", dim_id)),
            codes=codes,
            labels=labels,
            extension=extension if isinstance(extension, dict) else {},
            units=units if isinstance(units, dict) else {},
        )
    return list(ids), list(sizes), out


def _values(value: Any, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(flat indices, float values) of the cells that have a value, and the flat indices of every cell `value` lists
    (a dense list lists all n, a sparse object its keys, null values included): the cells the file carries."""
    empty = np.empty(0, dtype=np.int64)
    if value is None:
        return empty, np.empty(0, dtype=float), empty
    if isinstance(value, list):
        if len(value) != n:
            raise JsonStatError(f"dense 'value' has {len(value)} cells but the sizes multiply to {n}")
        arr = _as_floats(value, "'value'", list(range(len(value))))
        idx = np.flatnonzero(~np.isnan(arr))
        return idx.astype(np.int64), arr[idx], np.arange(n, dtype=np.int64)
    if isinstance(value, dict):
        if not value:
            return empty, np.empty(0, dtype=float), empty
        idx = _sparse_indices(value, n, "sparse 'value'")
        arr = _as_floats(list(value.values()), "sparse 'value'", list(value))
        keep = ~np.isnan(arr)
        return idx[keep], arr[keep], idx
    raise JsonStatError(f"'value' must be a list or an object, got {_kind(value)}")


def _as_floats(values: list, what: str, keys: list) -> np.ndarray:
    """Cell values as floats (null → NaN); anything but a finite number or null is an error naming the cell."""
    numeric = (int, float, type(None))
    if not all(type(v) in numeric for v in values):  # exact types: bool is not a number, "3" is not either
        position = next(i for i, v in enumerate(values) if type(v) not in numeric)
        raise JsonStatError(f"{what} cell {keys[position]!r} is {_kind(values[position])} "
                            f"({_short(values[position])}), not a number or null")
    try:
        arr = np.array(values, dtype=float)
    except OverflowError:
        position = next(i for i, v in enumerate(values) if _too_big(v))
        raise JsonStatError(f"{what} cell {keys[position]!r} is too large for a number") from None
    if np.isinf(arr).any():
        position = int(np.flatnonzero(np.isinf(arr))[0])
        raise JsonStatError(f"{what} cell {keys[position]!r} is too large for a number ({_short(values[position])})")
    return arr


def _too_big(value: Any) -> bool:
    try:
        float(value)
    except OverflowError:
        return True
    except (TypeError, ValueError):
        return False
    return False


def _sparse_indices(mapping: dict, n: int, what: str) -> np.ndarray:
    """The flat indices of a sparse object (keys: canonical decimal integers), checked to lie within the cube."""
    keys = list(mapping.keys())
    bad = next((k for k in keys if not (k.isascii() and k.isdigit() and (k == "0" or not k.startswith("0")))), None)
    if bad is not None:
        raise JsonStatError(f"{what} has a key that is not a cell index: {_short(bad)}")
    too_big = next((k for k in keys if len(k) > 18 or int(k) >= n), None)
    if too_big is not None:
        raise JsonStatError(f"{what} has an index outside 0..{n - 1}: {_short(too_big)}")
    return np.array(keys).astype(np.int64) if keys else np.empty(0, dtype=np.int64)


def _statuses(status: Any, n: int, carried: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(flat indices, status strings) of the cells that carry a status. A status given once for the whole dataset (a
    string, or a list of one) labels the cells `value` carries (`carried`), not every cell of the declared cube: a
    sparse cube stays sparse, and the rows are bounded by what the file holds, not by its declared size."""
    if status is None:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=object)
    if isinstance(status, str):
        if status == "":
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=object)
        return carried, np.full(carried.size, status, dtype=object)
    if isinstance(status, list):
        bad = next((i for i, s in enumerate(status) if not (s is None or isinstance(s, str))), None)
        if bad is not None:
            raise JsonStatError(f"'status' entry {bad} must be a string or null, got {_kind(status[bad])}")
        if len(status) == 1 and n != 1:
            s = status[0]
            if s is None or s == "":
                return np.empty(0, dtype=np.int64), np.empty(0, dtype=object)
            return carried, np.full(carried.size, s, dtype=object)
        if len(status) != n:
            raise JsonStatError(f"'status' list has {len(status)} entries but the sizes multiply to {n}")
        arr = np.array(status, dtype=object)
        mask = np.array([s is not None and s != "" for s in status], dtype=bool) if n else np.zeros(0, bool)
        idx = np.flatnonzero(mask)
        return idx.astype(np.int64), arr[idx].astype(object)
    if isinstance(status, dict):
        if not status:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=object)
        bad = next((k for k, v in status.items() if not (v is None or isinstance(v, str))), None)
        if bad is not None:
            raise JsonStatError(f"'status' cell {bad!r} must be a string or null, got {_kind(status[bad])}")
        idx = _sparse_indices(status, n, "'status' object")
        vals = np.array([("" if v is None else v) for v in status.values()], dtype=object)
        keep = vals != ""
        return idx[keep], vals[keep]
    raise JsonStatError(f"'status' must be a string, a list or an object, got {_kind(status)}")


def _cells(v_idx: np.ndarray, s_idx: np.ndarray, n: int) -> np.ndarray:
    """Sorted unique flat indices of the cells with a value or a status. A boolean mask over the cube is O(n) and much
    faster than np.union1d's sort on 10^6 cells, but only when the cube is not far larger than the cells listed: the
    work stays proportional to what the file holds, not to its declared size."""
    if n > 64 * (v_idx.size + s_idx.size) + 4096:
        return np.union1d(v_idx, s_idx)
    present = np.zeros(n, dtype=bool)  # O(n), much faster than np.union1d's hashing on 10^6 cells
    present[v_idx] = True
    present[s_idx] = True
    return np.flatnonzero(present)


def decode(doc: dict[str, Any] | str | bytes, *, max_cells: int = MAX_CELLS) -> Dataset:
    """Decode a JSON-stat 2.0 dataset into a `Dataset` whose `frame` has one row per cell with a value or a status.

    Frame columns: one per dimension id (category codes, strings), `value` (float, NaN when absent), `status`
    (string, empty when absent). JsonStatError for anything malformed or beyond the limits above.
    """
    if isinstance(doc, (str, bytes)):
        doc = parse_json(doc)
    ids, sizes, dims = read_dimensions(doc, max_cells=max_cells)  # type: ignore[arg-type]
    n = math.prod(sizes)
    v_idx, v_val, carried = _values(doc.get("value"), n)
    s_idx, s_val = _statuses(doc.get("status"), n, carried)

    flat = _cells(v_idx, s_idx, n)
    values = np.full(flat.size, np.nan)
    values[np.searchsorted(flat, v_idx)] = v_val
    status = np.full(flat.size, "", dtype=object)
    if s_idx.size:
        status[np.searchsorted(flat, s_idx)] = s_val

    columns: dict[str, Any] = {}
    if ids:
        positions = np.unravel_index(flat, sizes)
        for dim_id, pos in zip(ids, positions):
            # Categorical from the positions: no per-cell string objects are built.
            columns[dim_id] = pd.Categorical.from_codes(pos, categories=pd.Index(dims[dim_id].codes, dtype="string"))
    columns["value"] = values
    columns["status"] = pd.array(status, dtype="string")
    frame = pd.DataFrame(columns)

    extension = doc.get("extension")
    ext_status = extension.get("status") if isinstance(extension, dict) else None
    ext_status = ext_status.get("label") if isinstance(ext_status, dict) else None
    roles = doc.get("role")
    roles = roles if isinstance(roles, dict) else {}
    updated = doc.get("updated")
    return Dataset(
        label=str(doc.get("label", "")),
        ids=ids,
        sizes=sizes,
        dimensions=dims,
        roles={k: [str(x) for x in v] for k, v in roles.items() if isinstance(v, list)},
        updated=updated if isinstance(updated, str) else None,
        status_labels={str(k): str(v) for k, v in ext_status.items()} if isinstance(ext_status, dict) else {},
        frame=frame,
        raw=doc,  # type: ignore[arg-type]
        cell_index=flat,
    )


def to_csv(ds: Dataset, out: TextIO) -> None:
    ds.frame.to_csv(out, index=False, float_format="%.15g", na_rep="", lineterminator="\n")


def cli_decode(file: Path, out: TextIO) -> int:
    """Print the tidy table; for a file that cannot be decoded, one line naming the file and the problem (exit 1;
    2 when the file cannot be read at all)."""
    import sys

    try:
        size = Path(file).stat().st_size
        if size > MAX_BODY_BYTES:
            print(f"decode: {file}: {size:,} bytes is larger than the limit of {MAX_BODY_BYTES:,} bytes", file=sys.stderr)
            return 1
        body = Path(file).read_bytes()
    except OSError as exc:
        print(f"decode: cannot read {file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        ds = decode(body)
    except JsonStatError as exc:
        print(f"decode: {file}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    try:
        to_csv(ds, out)
        out.flush()
    except BrokenPipeError:  # e.g. `| head`: stop quietly
        import os

        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
    return 0
