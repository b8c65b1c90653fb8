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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd


class JsonStatError(ValueError):
    """The document is not a JSON-stat 2.0 dataset this decoder understands."""


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


def _category_codes(dim_id: str, dim: dict[str, Any], size: int | None) -> tuple[list[str], dict[str, str]]:
    category = dim.get("category")
    if not isinstance(category, dict):
        raise JsonStatError(f"dimension {dim_id!r} has no category object")
    labels = category.get("label") or {}
    if not isinstance(labels, dict):
        raise JsonStatError(f"dimension {dim_id!r}: category.label must be an object")
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
        codes = [str(c) for c in index]
    elif isinstance(index, dict):
        positions = list(index.values())
        if not all(isinstance(p, int) for p in positions):
            raise JsonStatError(f"dimension {dim_id!r}: category.index positions must be integers")
        codes = [""] * len(index)
        for code, pos in index.items():
            if pos < 0 or pos >= len(index) or codes[pos]:
                raise JsonStatError(f"dimension {dim_id!r}: category.index positions are not 0..n-1")
            codes[pos] = str(code)
    else:
        raise JsonStatError(f"dimension {dim_id!r}: category.index must be a list or an object")
    return codes, {str(k): str(v) for k, v in labels.items()}


def read_dimensions(doc: dict[str, Any]) -> tuple[list[str], list[int], dict[str, Dimension]]:
    """Dimensions of a JSON-stat 2.0 dataset (also works on SSB metadata bodies, which carry no `value`)."""
    if not isinstance(doc, dict):
        raise JsonStatError("a JSON-stat dataset must be a JSON object")
    if doc.get("class") not in (None, "dataset"):
        raise JsonStatError(f"expected class 'dataset', got {doc.get('class')!r}")
    ids = doc.get("id")
    sizes = doc.get("size")
    dims = doc.get("dimension")
    if not isinstance(ids, list) or not isinstance(sizes, list) or not isinstance(dims, dict):
        raise JsonStatError("missing 'id', 'size' or 'dimension' (not a JSON-stat 2.0 dataset)")
    if len(ids) != len(sizes):
        raise JsonStatError(f"'id' has {len(ids)} entries but 'size' has {len(sizes)}")
    out: dict[str, Dimension] = {}
    for dim_id, size in zip(ids, sizes):
        if dim_id not in dims:
            raise JsonStatError(f"dimension {dim_id!r} listed in 'id' is missing from 'dimension'")
        d = dims[dim_id]
        codes, labels = _category_codes(dim_id, d, size)
        if len(codes) != size:
            raise JsonStatError(f"dimension {dim_id!r}: size {size} but {len(codes)} categories")
        units = (d.get("category") or {}).get("unit") or {}
        out[dim_id] = Dimension(
            id=dim_id,
            label=str(d.get("label", dim_id)),
            codes=codes,
            labels=labels,
            extension=d.get("extension") or {},
            units=units if isinstance(units, dict) else {},
        )
    return [str(i) for i in ids], [int(s) for s in sizes], out


def _values(value: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(flat indices, float values) of the cells that have a value."""
    if value is None:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=float)
    if isinstance(value, list):
        if len(value) != n:
            raise JsonStatError(f"dense 'value' has {len(value)} cells but the sizes multiply to {n}")
        arr = _as_floats(value)
        idx = np.flatnonzero(~np.isnan(arr))
        return idx.astype(np.int64), arr[idx]
    if isinstance(value, dict):
        if not value:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=float)
        idx = _sparse_indices(value, n, "sparse 'value'")
        arr = _as_floats(list(value.values()))
        keep = ~np.isnan(arr)
        return idx[keep], arr[keep]
    raise JsonStatError("'value' must be a list or an object")


def _as_floats(values: list) -> np.ndarray:
    """Cell values as floats; None and non-numeric entries become NaN."""
    try:
        return np.array(values, dtype=float)
    except (TypeError, ValueError):
        return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)


def _sparse_indices(mapping: dict, n: int, what: str) -> np.ndarray:
    """The flat indices of a sparse object (string keys), checked to lie within the cube."""
    try:
        idx = np.array(list(mapping.keys())).astype(np.int64)
    except ValueError as exc:
        raise JsonStatError(f"{what} has a non-integer key: {exc}") from None
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise JsonStatError(f"{what} has an index outside 0..{n - 1}")
    return idx


def _statuses(status: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(flat indices, status strings) of the cells that carry a status."""
    if status is None:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=object)
    if isinstance(status, str):
        return np.arange(n, dtype=np.int64), np.full(n, status, dtype=object)
    if isinstance(status, list):
        if len(status) == 1 and n != 1:
            s = status[0]
            if s is None or s == "":
                return np.empty(0, dtype=np.int64), np.empty(0, dtype=object)
            return np.arange(n, dtype=np.int64), np.full(n, str(s), dtype=object)
        if len(status) != n:
            raise JsonStatError(f"'status' list has {len(status)} entries but the sizes multiply to {n}")
        arr = np.array(status, dtype=object)
        mask = np.array([s is not None and s != "" for s in status], dtype=bool) if n else np.zeros(0, bool)
        idx = np.flatnonzero(mask)
        return idx.astype(np.int64), arr[idx].astype(str).astype(object)
    if isinstance(status, dict):
        if not status:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=object)
        idx = _sparse_indices(status, n, "'status' object")
        vals = np.array([("" if v is None else str(v)) for v in status.values()], dtype=object)
        keep = vals != ""
        return idx[keep], vals[keep]
    raise JsonStatError("'status' must be a string, a list or an object")


DENSE_MASK_LIMIT = 50_000_000  # cells; above this a sorted union is cheaper in memory than a boolean mask


def _cells(v_idx: np.ndarray, s_idx: np.ndarray, n: int) -> np.ndarray:
    """Sorted unique flat indices of the cells with a value or a status."""
    if n > DENSE_MASK_LIMIT:
        return np.union1d(v_idx, s_idx)
    present = np.zeros(n, dtype=bool)  # O(n), much faster than np.union1d's hashing on 10^6 cells
    present[v_idx] = True
    present[s_idx] = True
    return np.flatnonzero(present)


def decode(doc: dict[str, Any] | str | bytes) -> Dataset:
    """Decode a JSON-stat 2.0 dataset into a `Dataset` whose `frame` has one row per cell with a value or a status.

    Frame columns: one per dimension id (category codes, strings), `value` (float, NaN when absent), `status`
    (string, empty when absent).
    """
    if isinstance(doc, (str, bytes)):
        try:
            doc = json.loads(doc)
        except json.JSONDecodeError as exc:
            raise JsonStatError(f"not valid JSON: {exc}") from None
    ids, sizes, dims = read_dimensions(doc)  # type: ignore[arg-type]
    n = int(np.prod(sizes, dtype=np.int64)) if sizes else 1
    v_idx, v_val = _values(doc.get("value"), n)
    s_idx, s_val = _statuses(doc.get("status"), n)

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

    ext_status = ((doc.get("extension") or {}).get("status") or {}).get("label") or {}
    roles = doc.get("role") or {}
    return Dataset(
        label=str(doc.get("label", "")),
        ids=ids,
        sizes=sizes,
        dimensions=dims,
        roles={k: list(v) for k, v in roles.items() if isinstance(v, list)},
        updated=doc.get("updated"),
        status_labels={str(k): str(v) for k, v in ext_status.items()} if isinstance(ext_status, dict) else {},
        frame=frame,
        raw=doc,  # type: ignore[arg-type]
        cell_index=flat,
    )


def to_csv(ds: Dataset, out: TextIO) -> None:
    ds.frame.to_csv(out, index=False, float_format="%.15g", na_rep="", lineterminator="\n")


def cli_decode(file: Path, out: TextIO) -> int:
    import sys

    try:
        text = Path(file).read_text(encoding="utf-8-sig")
    except OSError as exc:
        print(f"decode: cannot read {file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        ds = decode(text)
    except JsonStatError as exc:
        print(f"decode: {file}: {exc}", file=sys.stderr)
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
