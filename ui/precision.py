"""Figures at the publisher's precision, on every page that shows an observed value or a change.

The precision is data: each unit of the catalogue declares `decimals`, the most decimals its publishers print, with
the reason (indicators/catalog.toml, the warehouse's `units` table): whole points for the eGovernment Benchmark's
scores, four decimals for the UN's indices, one for SSB's shares, none for ranks. The rule, one for every figure:
as many decimals as the publisher wrote (`observations.value_text`; a number without its text: its shortest repr),
never more than the unit declares, rounded half up from the exact decimal (etl.schema.round_half_up, the rule the
build rounds goal scores with). So the curated biennial means of the benchmark (ten decimals, computed from the
published parts) are shown as the benchmark publishes its scores, as whole points.

A change is computed from the exact decimals of its two ends (never from their float difference) and shown with the
decimals of the more precise end, capped the same way. Goal and indicator scores (1.00–3.00) are the monitor's
own, shown with two decimals (ui.scores.score_text); downloads keep every value as stored.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from etl.schema import exact_decimal, written_decimals
from ui import data
from ui.i18n import format_change, format_number, format_value
from ui.render_cache import per_version


def _missing(value) -> bool:
    if value is None or isinstance(value, Decimal):
        return value is None or value.is_nan()
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


@per_version
def units() -> dict[str, dict]:
    """unit_id → {"kind", "decimals"} (the declared precision), as the build stored the catalogue."""
    frame = data.query("SELECT unit_id, kind, decimals FROM units")
    return {row.unit_id: {"kind": row.kind, "decimals": int(row.decimals)} for row in frame.itertuples()}


@per_version
def indicator_units() -> dict[str, str]:
    """indicator_id → unit_id."""
    frame = data.query("SELECT indicator_id, unit_id FROM indicators")
    return dict(zip(frame["indicator_id"], frame["unit_id"]))


def _unit(unit_id: str) -> dict:
    return units()[unit_id]


def exact(value, text=None):
    """The exact decimal a figure stands for: its text as written where there is one, else the number."""
    return text if not _missing(text) else value


def places(unit_id: str, *figures) -> int:
    """Decimals to show figures of `unit_id` with: the most written among `figures` (texts or numbers; missing
    ones ignored), never more than the unit declares."""
    cap = _unit(unit_id)["decimals"]
    written = [written_decimals(f) for f in figures if not _missing(f)]
    return min(cap, max(written)) if written else cap


def value_shown(value, unit_id: str, lang: str, text=None) -> str:
    """'71' / '68,7 %' / '0,9275' / '7.': a figure with its unit's sign, at the publisher's precision."""
    figure = exact(value, text)
    kind = _unit(unit_id)["kind"]
    if _missing(figure):
        return format_value(None, kind, lang)
    return format_value(figure, kind, lang, decimals=places(unit_id, figure))


def number_shown(value, unit_id: str, lang: str, text=None) -> str:
    """The figure alone (tables with a unit column), at the publisher's precision."""
    figure = exact(value, text)
    if _missing(figure):
        return format_number(None, lang)
    return format_number(figure, lang, decimals=places(unit_id, figure))


def change_value(base, latest, base_text=None, latest_text=None) -> Decimal | None:
    """latest − base from the exact decimals of the two ends (79.25 − 78.5 = 0.75 exactly)."""
    start, end = exact(base, base_text), exact(latest, latest_text)
    if _missing(start) or _missing(end):
        return None
    return exact_decimal(end) - exact_decimal(start)


def change_shown(base, latest, unit_id: str, lang: str, base_text=None, latest_text=None) -> str:
    """A signed change from the exact decimals of its two ends, at the decimals of the more precise end."""
    change = change_value(base, latest, base_text, latest_text)
    kind = _unit(unit_id)["kind"]
    if change is None:
        return format_change(None, kind, lang)
    return format_change(change, kind, lang,
                         decimals=places(unit_id, exact(base, base_text), exact(latest, latest_text)))


def scored_change_shown(row, lang: str) -> str:
    """The change of an indicator_scores row (latest − base) from the exact decimals of the observations behind its
    two ends, at their precision."""
    indicator_id = row["indicator_id"] if "indicator_id" in row else row.name  # a row of a frame indexed by id
    texts = texts_of(indicator_id, row.get("geo", "NO"))
    return change_shown(row["base_value"], row["latest_value"], indicator_units()[indicator_id], lang,
                        texts["base_text"], texts["latest_text"])


@per_version
def scored_texts(geo: str = "NO") -> dict:
    """indicator_id → {"base_text", "latest_text"}: the texts of the two ends of each scored change of `geo`."""
    return {row.indicator_id: {"base_text": None if _missing(row.base_text) else row.base_text,
                               "latest_text": None if _missing(row.latest_text) else row.latest_text}
            for row in data.score_sources(geo).itertuples()}


def texts_of(indicator_id: str, geo: str = "NO") -> dict:
    """{"base_text", "latest_text"} of one indicator's scored ends (None when it has none)."""
    return scored_texts(geo).get(indicator_id, {"base_text": None, "latest_text": None})
