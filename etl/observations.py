"""Observation files → validated, typed observations with the one preferred value per key.

Reads the curated (`data/curated/<source>.csv`) and live (`data/live/rows/<source>.csv`) files, checks every row
against the catalogue and `etl.schema` (columns, unit, finite value within the unit's range, the period grammar,
flags, unique key per source), and collects every problem with its file and row, so one build tells the curator
everything that needs fixing. A malformed file (not UTF-8, unterminated quote, ragged row) is a `DataError` naming
the file, never a traceback.
"""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pandas as pd

from etl import schema
from etl.errors import MonitorError
from etl.inputs import read_text
from indicators.catalog import Catalog

MAX_REPORTED = 20


class DataError(MonitorError, ValueError):
    """Input data the monitor cannot accept; the message names the file, the row and the problem."""


def read_observation_files(folder: Path, *, kind: str, columns: list[str], root: Path | None = None) -> pd.DataFrame:
    """All `*.csv` files of `folder` as one frame of strings, with `origin`, `origin_row`, `origin_kind`, `source`.

    Curated rows point at their file and line (`origin`, `origin_row`); live rows carry the raw response they were
    parsed from in their own `origin`/`origin_row` columns. `source` is the file's stem (the source folder name).
    """
    frames = [_read_file(path, kind=kind, columns=columns, root=root) for path in sorted(Path(folder).glob("*.csv"))]
    if not frames:
        return pd.DataFrame(columns=[*schema.LIVE_COLUMNS, "origin_kind", "source"], dtype=str)
    return pd.concat(frames, ignore_index=True)


def _read_file(path: Path, *, kind: str, columns: list[str], root: Path | None) -> pd.DataFrame:
    shown = _display(path, root)
    text = read_text(path, error=DataError, label=shown)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise DataError(f"{shown}: not a readable CSV file ({exc}; an unterminated quote?)") from None
    if not records:
        raise DataError(f"{shown}: empty file (expected a header row: {','.join(columns)})")
    header, body = records[0], records[1:]
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataError(f"{shown}: missing column(s) {', '.join(missing)}")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise DataError(f"{shown}: column(s) {', '.join(repeated)} named more than once in the header")
    for line, record in enumerate(body, start=2):
        if len(record) != len(header):
            raise DataError(f"{shown} row {line}: {len(record)} fields, the header has {len(header)} "
                            "(a stray comma or an unterminated quote?)")
    position = {name: header.index(name) for name in columns}
    frame = {name: [record[i] for record in body] for name, i in position.items()}
    if kind == "curated":
        frame["origin"] = [shown] * len(body)
        frame["origin_row"] = [str(n) for n in range(2, len(body) + 2)]  # line 1 is the header
    frame["origin_kind"] = [kind] * len(body)
    frame["source"] = [path.stem] * len(body)
    return pd.DataFrame(frame, dtype=str)


def validate_observations(rows: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Typed observations (value float, year int, value_text as written) or DataError listing each bad row.

    The checks run over plain lists, not pandas columns: a build has a few thousand rows, the fuzz tests call this
    ten thousand times on a few rows each, and per-column pandas calls cost milliseconds whatever the size."""
    rows = rows.reset_index(drop=True).copy()
    n = len(rows)
    raw = {c: ["" if pd.isna(v) else str(v) for v in rows[c].tolist()]     # as written, before trimming
           for c in (*schema.CURATED_COLUMNS, "origin", "origin_row")}
    text = {c: [v.strip() for v in values] for c, values in raw.items()}

    problems: list[str] = []

    def report(mask: list[bool], describe) -> None:
        bad = [i for i in range(n) if mask[i]][:MAX_REPORTED + 1]
        problems.extend(f"{text['origin'][i]} row {text['origin_row'][i]}: {describe(i)}" for i in bad)

    ind = catalog.indicators
    unit_of = dict(zip(ind["indicator_id"], ind["unit_id"]))
    breakdowns_of = {i: (b if isinstance(b, str) else "") for i, b in zip(ind["indicator_id"], ind["breakdowns"])}
    units = {u.unit_id: u for u in catalog.units.itertuples(index=False)}
    indicator, value, unit = text["indicator_id"], text["value"], text["unit"]
    known = [i in unit_of for i in indicator]

    control = {c: [bool(schema.CONTROL.search(v)) for v in raw[c]] for c in schema.CURATED_COLUMNS}
    for column in schema.CURATED_COLUMNS:  # NUL, a line break, ESC, BEL: in no field, not even at its ends
        report(control[column], lambda i, c=column: f"{c} has {schema.text_problem(raw[c][i])}")
    report([not k for k in known], lambda i: f"unknown indicator '{indicator[i][:60]}'")
    values = [schema.finite_value(v) for v in value]
    finite = [v is not None for v in values]
    report([not f for f in finite], lambda i: f"value '{value[i][:40]}' is not a finite number")
    report([u == "" for u in text["source_url"]], lambda i: "no source_url (every figure must name its source)")
    geo = text["geo"]
    report([g == "" for g in geo], lambda i: "no geo")
    report([g != "" and g not in schema.GEOS for g in geo],
           lambda i: f"geo '{geo[i][:20]}' is not one of {', '.join(schema.GEOS)} (a new one is declared in "
                     "etl/schema.py GEOS)")
    for column, check in (("source_url", schema.url_problem), ("published", schema.published_problem),
                          ("breakdown", schema.breakdown_problem), ("flags", schema.flags_problem)):
        found = [None if v == "" else check(v) for v in text[column]]
        report([f is not None and not c for f, c in zip(found, control[column])], lambda i, found=found: found[i])
    breakdown = text["breakdown"]
    dimension = [schema.breakdown_dimension(b) for b in breakdown]
    report([k and isinstance(d, str) and d not in breakdowns_of[i].split(";")
            for k, d, i in zip(known, dimension, indicator)],
           lambda i: f"breakdown '{breakdown[i][:40]}': the catalogue declares no breakdown '{dimension[i]}' for "
                     f"{indicator[i]} (declared: {breakdowns_of[indicator[i]] or 'none'})")
    years = [_year_or_problem(p) for p in text["period"]]
    report([isinstance(y, str) for y in years], lambda i: years[i])
    same_unit = [k and u == unit_of[i] for k, u, i in zip(known, unit, indicator)]
    report([k and not s for k, s in zip(known, same_unit)],
           lambda i: f"unit '{unit[i][:40]}' differs from the catalogue's unit for {indicator[i]}")
    report([s and f and not _low(units[u]) <= v <= _high(units[u])
            for s, f, u, v in zip(same_unit, finite, unit, values)],
           lambda i: f"value {value[i]} is outside what unit '{unit[i]}' allows ({_range_text(units[unit[i]])})")
    flags = text["flags"]
    report([bool(set(filter(None, f.split(";"))) - set(schema.FLAGS)) for f in flags],
           lambda i: f"unknown flag(s) in '{flags[i][:60]}' (allowed: {', '.join(schema.FLAGS)})")
    seen: set[tuple[str, ...]] = set()
    duplicate = []
    for key in zip(*(text[c] for c in schema.FILE_KEY)):
        duplicate.append(key in seen)
        seen.add(key)
    report(duplicate, lambda i: (
        f"duplicate key (indicator {indicator[i]}, geo {geo[i]}, breakdown '{breakdown[i]}', "
        f"period {text['period'][i]}) within one source ({text['source_url'][i]})"))

    if len(problems) == 1:
        raise DataError(f"invalid observation row: {problems[0]}")
    if problems:
        shown = problems[:MAX_REPORTED]
        more = f"\n… and more (first {MAX_REPORTED} shown)" if len(problems) > MAX_REPORTED else ""
        raise DataError(f"{len(shown)}{'+' if more else ''} invalid observation row(s):\n" + "\n".join(shown) + more)

    for column, trimmed in text.items():
        rows[column] = pd.Series(trimmed, index=rows.index, dtype=str)
    rows["value_text"] = rows["value"]
    rows["value"] = pd.Series(values, index=rows.index, dtype=float)
    rows["year"] = pd.Series(years, index=rows.index, dtype=int)
    rows["origin_row"] = rows["origin_row"].astype(int)
    return rows


def _year_or_problem(period: str) -> int | str:
    try:
        return schema.period_year(period)
    except schema.PeriodError as exc:
        return str(exc)


def _low(unit) -> float:
    """The lowest value a unit allows: ranks from 1, everything else from 0."""
    return 1.0 if unit.kind == "rank" else 0.0


def _high(unit) -> float:
    return math.inf if pd.isna(unit.limit_value) else float(unit.limit_value)


def _range_text(unit) -> str:
    low = int(_low(unit))
    return f"{low}–{unit.limit_value:g}" if not pd.isna(unit.limit_value) else f"≥ {low}"


def mark_preferred(observations: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Add `is_preferred`: exactly one row per observation key, by the rule in docs/data-model.md:
    not secondary, then not uncertain, then the catalogue's own publisher, then the most decimals, then the
    latest `published`, then file order."""
    obs = observations.copy()
    flags = obs["flags"].str.split(";")
    own_org = obs["indicator_id"].map(catalog.indicators.set_index("indicator_id")["source_org"])
    ranks = pd.DataFrame({
        "secondary": flags.map(lambda f: "secondary" in f).astype(int),
        "uncertain": flags.map(lambda f: "uncertain" in f).astype(int),
        "foreign": (obs["source_org"] != own_org).astype(int),
        "decimals": -obs["value_text"].map(_decimals).astype("int64"),  # int even with no rows
        "published": obs["published"].fillna(""),
        "order": range(len(obs)),
    }, index=obs.index)
    ordered = ranks.sort_values(["secondary", "uncertain", "foreign", "decimals", "published", "order"],
                                ascending=[True, True, True, True, False, True])
    first = ~obs.loc[ordered.index, schema.OBSERVATION_KEY].duplicated(keep="first")
    obs["is_preferred"] = first.reindex(obs.index)
    return obs


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _display(path: Path, root: Path | None) -> str:
    path = Path(path).resolve()
    if root is not None and path.is_relative_to(Path(root).resolve()):
        return path.relative_to(Path(root).resolve()).as_posix()
    return str(path)
