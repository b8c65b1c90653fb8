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
    for line, record in enumerate(body, start=2):
        if len(record) != len(header):
            raise DataError(f"{shown} row {line}: {len(record)} fields, the header has {len(header)} "
                            "(a stray comma or an unterminated quote?)")
    frame = pd.DataFrame(body, columns=header, dtype=str)[columns].copy() if body else pd.DataFrame(columns=columns, dtype=str)
    if kind == "curated":
        frame["origin"] = shown
        frame["origin_row"] = [str(n) for n in range(2, len(frame) + 2)]  # line 1 is the header
    frame["origin_kind"] = kind
    frame["source"] = path.stem
    return frame


def validate_observations(rows: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Typed observations (value float, year int, value_text as written) or DataError listing each bad row."""
    rows = rows.reset_index(drop=True).copy()
    raw = {c: rows[c].fillna("").astype(str) for c in schema.CURATED_COLUMNS}  # as written, before trimming
    for column in (*schema.CURATED_COLUMNS, "origin", "origin_row"):
        rows[column] = rows[column].fillna("").astype(str).str.strip()

    problems: list[str] = []

    def report(mask: pd.Series, describe) -> None:
        if not mask.any():
            return
        for _, row in rows[mask].head(MAX_REPORTED + 1).iterrows():
            problems.append(f"{row['origin']} row {row['origin_row']}: {describe(row)}")

    indicators = catalog.indicators.set_index("indicator_id")
    units = catalog.units.set_index("unit_id")
    control = {c: raw[c].str.contains(schema.CONTROL.pattern, regex=True) for c in schema.CURATED_COLUMNS}
    for column in schema.CURATED_COLUMNS:  # NUL, a line break, ESC, BEL: in no field, not even at its ends
        report(control[column], lambda r, c=column: f"{c} has {schema.text_problem(raw[c][r.name])}")
    report(~rows["indicator_id"].isin(indicators.index), lambda r: f"unknown indicator '{r['indicator_id'][:60]}'")
    values = pd.to_numeric(rows["value"], errors="coerce")
    finite = values.map(lambda v: not pd.isna(v) and math.isfinite(v))
    report(~finite, lambda r: f"value '{r['value'][:40]}' is not a finite number")
    report(rows["source_url"] == "", lambda r: "no source_url (every figure must name its source)")
    report(rows["geo"] == "", lambda r: "no geo")
    report((rows["geo"] != "") & ~rows["geo"].isin(schema.GEOS),
           lambda r: f"geo '{r['geo'][:20]}' is not one of {', '.join(schema.GEOS)} (a new one is declared in "
                     "etl/schema.py GEOS)")
    for column, check in (("source_url", schema.url_problem), ("published", schema.published_problem),
                          ("breakdown", schema.breakdown_problem), ("flags", schema.flags_problem)):
        found = rows[column].map(lambda text: None if text == "" else check(text))
        report(found.notna() & ~control[column], lambda r, found=found: found[r.name])
    dimension = pd.Series([schema.breakdown_dimension(b) for b in rows["breakdown"]], index=rows.index, dtype=object)
    declared = rows["indicator_id"].map(indicators["breakdowns"]).fillna("").str.split(";")
    undeclared = pd.Series([isinstance(d, str) and d not in allowed for d, allowed in zip(dimension, declared)],
                           index=rows.index, dtype=bool)
    report(undeclared & rows["indicator_id"].isin(indicators.index),
           lambda r: f"breakdown '{r['breakdown'][:40]}': the catalogue declares no breakdown "
                     f"'{dimension[r.name]}' for {r['indicator_id']} (declared: "
                     f"{indicators.at[r['indicator_id'], 'breakdowns'] or 'none'})")
    years = rows["period"].map(_year_or_problem)
    bad_period = years.map(lambda y: isinstance(y, str))
    for index in rows.index[bad_period][:MAX_REPORTED + 1]:
        problems.append(f"{rows.at[index, 'origin']} row {rows.at[index, 'origin_row']}: {years[index]}")
    expected_unit = rows["indicator_id"].map(indicators["unit_id"])
    report(expected_unit.notna() & (rows["unit"] != expected_unit),
           lambda r: f"unit '{r['unit'][:40]}' differs from the catalogue's unit for {r['indicator_id']}")
    low, high = _unit_range(rows["unit"], units)
    out_of_range = finite & (expected_unit == rows["unit"]) & ((values < low) | (values > high))
    report(out_of_range, lambda r: f"value {r['value']} is outside what unit '{r['unit']}' allows "
                                   f"({_range_text(r['unit'], units)})")
    bad_flags = rows["flags"].map(lambda text: sorted(set(filter(None, text.split(";"))) - set(schema.FLAGS)))
    report(bad_flags.map(bool), lambda r: f"unknown flag(s) in '{r['flags'][:60]}' (allowed: {', '.join(schema.FLAGS)})")
    report(rows.duplicated(schema.FILE_KEY, keep="first"), lambda r: (
        f"duplicate key (indicator {r['indicator_id']}, geo {r['geo']}, breakdown '{r['breakdown']}', "
        f"period {r['period']}) within one source ({r['source_url']})"))

    if len(problems) == 1:
        raise DataError(f"invalid observation row: {problems[0]}")
    if problems:
        shown = problems[:MAX_REPORTED]
        more = f"\n… and more (first {MAX_REPORTED} shown)" if len(problems) > MAX_REPORTED else ""
        raise DataError(f"{len(shown)}{'+' if more else ''} invalid observation row(s):\n" + "\n".join(shown) + more)

    rows["value_text"] = rows["value"]
    rows["value"] = values.astype(float)
    rows["year"] = years.astype(int)
    rows["origin_row"] = rows["origin_row"].astype(int)
    return rows


def _year_or_problem(period: str) -> int | str:
    try:
        return schema.period_year(period)
    except schema.PeriodError as exc:
        return str(exc)


def _unit_range(unit_ids: pd.Series, units: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Lowest and highest value each row's unit allows: ranks from 1, everything else from 0, up to the limit."""
    kind = unit_ids.map(units["kind"])
    limit = unit_ids.map(units["limit_value"]).astype(float)
    low = kind.map(lambda k: 1.0 if k == "rank" else 0.0).astype(float)
    return low, limit.fillna(math.inf)


def _range_text(unit_id: str, units: pd.DataFrame) -> str:
    unit = units.loc[unit_id]
    low = 1 if unit["kind"] == "rank" else 0
    return f"{low}–{unit['limit_value']:g}" if not pd.isna(unit["limit_value"]) else f"≥ {low}"


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
