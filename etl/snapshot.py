"""Read and validate observation rows: the curated snapshot CSVs and rows from live connectors.

Validation collects every problem with the file (or raw response) and row it came from, so one run of
`python -m etl build` tells the curator everything that needs fixing.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from indicators.catalog import Catalog

SNAPSHOT_COLUMNS = [
    "indicator_id", "geo", "breakdown", "period", "value", "unit", "source_org", "source_dataset",
    "source_url", "published", "flags", "note",
]
KEY = ["indicator_id", "geo", "breakdown", "period", "source_url"]
FLAGS = {
    "secondary", "inferred_year", "break_in_series", "provisional", "uncertain", "lower_bound", "approximate",
}
PERIOD_PATTERN = re.compile(r"^(\d{4})(-\d{2}(-\d{2})?|-\d{4}|-\d{2}/\d{2})?$")
MAX_REPORTED = 20


class SnapshotError(ValueError):
    """One or more observation rows are invalid; the message lists them with file and row."""


def read_snapshot(snapshot_dir: Path) -> pd.DataFrame:
    """All snapshot CSVs as one frame of strings, with `origin` (file) and `origin_row` (1-based data row)."""
    frames = []
    files = sorted(Path(snapshot_dir).glob("*.csv"))
    if not files:
        raise SnapshotError(f"{snapshot_dir}: no snapshot CSV files")
    for path in files:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        missing = [c for c in SNAPSHOT_COLUMNS if c not in frame.columns]
        if missing:
            raise SnapshotError(f"{_display(path)}: missing column(s) {', '.join(missing)}")
        frame = frame[SNAPSHOT_COLUMNS].copy()
        frame["origin"] = _display(path)
        # row 1 is the header, so the first data row is line 2 of the file
        frame["origin_row"] = range(2, len(frame) + 2)
        frame["origin_kind"] = "curated"
        frame["connector_source"] = ""
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def validate_observations(rows: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Return typed, validated observations (value float, year int) or raise SnapshotError listing each bad row."""
    rows = rows.copy()
    for column in ("breakdown", "published", "flags", "note", "source_org", "source_dataset"):
        rows[column] = rows[column].fillna("").astype(str).str.strip()
    for column in ("indicator_id", "geo", "period", "unit", "source_url"):
        rows[column] = rows[column].fillna("").astype(str).str.strip()

    problems: list[str] = []

    def report(mask: pd.Series, describe) -> None:
        for _, row in rows[mask].iterrows():
            problems.append(f"{row['origin']} row {row['origin_row']}: {describe(row)}")

    known = catalog.indicator_ids()
    report(~rows["indicator_id"].isin(known), lambda r: f"unknown indicator '{r['indicator_id']}'")
    values = pd.to_numeric(rows["value"], errors="coerce")
    report(values.isna(), lambda r: f"value '{r['value']}' is not a number")
    report(rows["source_url"] == "", lambda r: "no source_url (every figure must name its source)")
    report(rows["geo"] == "", lambda r: "no geo")
    years = rows["period"].str.extract(PERIOD_PATTERN)[0]
    report(years.isna(), lambda r: f"period '{r['period']}' is not a year, a span like 2021-2022, or a month")
    expected_unit = rows["indicator_id"].map(dict(zip(catalog.indicators["indicator_id"], catalog.indicators["unit_id"])))
    report(expected_unit.notna() & (rows["unit"] != expected_unit),
           lambda r: f"unit '{r['unit']}' differs from the catalogue's unit for {r['indicator_id']}")
    bad_flags = rows["flags"].map(lambda text: sorted(set(filter(None, text.split(";"))) - FLAGS))
    report(bad_flags.map(bool), lambda r: f"unknown flag(s) in '{r['flags']}' (allowed: {', '.join(sorted(FLAGS))})")
    duplicated = rows.duplicated(KEY, keep="first")
    report(duplicated, lambda r: (
        f"duplicate key (indicator {r['indicator_id']}, geo {r['geo']}, breakdown '{r['breakdown']}', "
        f"period {r['period']}) within one source ({r['source_url']})"))

    if problems:
        shown = problems[:MAX_REPORTED]
        more = f"\n… and {len(problems) - MAX_REPORTED} more" if len(problems) > MAX_REPORTED else ""
        raise SnapshotError(f"{len(problems)} invalid observation row(s):\n" + "\n".join(shown) + more)

    rows["value_text"] = rows["value"].astype(str)
    rows["value"] = values.astype(float)
    rows["year"] = years.astype(int)
    return rows


def mark_preferred(observations: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Add `is_preferred`: one row per (indicator, geo, breakdown, period), by the rule in docs/data-model.md."""
    obs = observations.copy()
    flags = obs["flags"].str.split(";")
    own_org = obs["indicator_id"].map(dict(zip(catalog.indicators["indicator_id"], catalog.indicators["source_org"])))
    obs["_rank_secondary"] = flags.map(lambda f: "secondary" in f).astype(int)
    obs["_rank_uncertain"] = flags.map(lambda f: "uncertain" in f).astype(int)
    obs["_rank_foreign"] = (obs["source_org"] != own_org).astype(int)
    obs["_rank_decimals"] = -obs["value_text"].map(_decimals)
    obs["_rank_published"] = obs["published"].fillna("")
    obs["_order"] = range(len(obs))
    ordered = obs.sort_values(
        ["_rank_secondary", "_rank_uncertain", "_rank_foreign", "_rank_decimals", "_rank_published", "_order"],
        ascending=[True, True, True, True, False, True],
    )
    first = ~ordered.duplicated(["indicator_id", "geo", "breakdown", "period"], keep="first")
    obs["is_preferred"] = first.reindex(obs.index)
    return obs.drop(columns=[c for c in obs.columns if c.startswith("_")])


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _display(path: Path) -> str:
    path = Path(path).resolve()
    for parent in path.parents:
        if (parent / ".git").exists() or (parent / "Makefile").exists():
            return str(path.relative_to(parent))
    return str(path)
