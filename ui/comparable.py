"""What may be set side by side, as the scoring stored it (nothing is decided here that the build did not store):

- a *trend* ("from X in A to Y in B") is Norway's change over the comparable segment the score used, from
  `indicator_scores.base_period` to `latest_period`; when earlier values exist but lie before a method change
  (`comparable_from_period`, or the catalogue's `comparable_from` when no value is left after it), the text says so;
- a *level* ("Norway and the peers in the same period") is Norway's latest scored value beside the peers' values
  the level score compared it with (`indicator_score_peers`: the same period within the method's tolerance, never
  a non-exact value); a peer figure that was left out because it is a bound is shown as the bound it is
  ("over 80 %"), never as a value, and a peer without a figure for that period is named with its latest period.

Every function takes the indicator's preferred totals (`frame`: geo, period, year, value, flags), Norway's
indicator_scores row (`score`, a dict or None) and its indicator_score_peers rows (`peers`)."""
from __future__ import annotations

import pandas as pd

from ui.i18n import geo_name, t

# The geos a scored country is compared with, as indicators/method.toml's [level] peer_geos lists them (without
# Norway); tests/test_pages_more.py checks that the two agree.
PEER_GEOS = ["SE", "DK", "FI", "EU27", "OECD"]
# flag → the text that shows the figure as what it is (the flag's word is shown beside it too)
BOUND_TEXTS = {"lower_bound": "value_lower_bound", "approximate": "value_approximate"}


def missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def flag_list(flags) -> list[str]:
    return [] if missing(flags) else [f for f in str(flags).split(";") if f]


def as_published(shown: str, flags, lang: str) -> str:
    """A formatted figure as what it is: 'over 80 %' for a lower bound, 'om lag 80 %' for an approximate value."""
    for flag in flag_list(flags):
        if flag in BOUND_TEXTS:
            return t(BOUND_TEXTS[flag], lang, value=shown)
    return shown


def _year_of(period) -> int | None:
    text = "" if missing(period) else str(period)
    return int(text[:4]) if text[:4].isdigit() else None


def norway_latest(frame: pd.DataFrame, score: dict | None) -> dict | None:
    """Norway's latest value: the scored one (latest in the comparable segment, exact); without one, Norway's
    latest published figure (which may be a bound or from before a method change; its flags say so)."""
    if score is not None and not missing(score.get("latest_value")):
        return {"period": str(score["latest_period"]), "year": int(score["latest_year"]),
                "value": float(score["latest_value"]), "flags": score.get("latest_flags"), "scored": True}
    norway = frame[frame["geo"] == "NO"].sort_values(["year", "period"])
    if norway.empty:
        return None
    last = norway.iloc[-1]
    return {"period": str(last["period"]), "year": int(last["year"]), "value": float(last["value"]),
            "flags": last.get("flags"), "scored": False}


def same_period_peers(frame: pd.DataFrame, latest: dict | None, peers: pd.DataFrame | None,
                      geos: list[str]) -> dict[str, dict]:
    """{geo: {value, period, flags, exact}} for the peers in Norway's latest period: the values the level score
    compared with (indicator_score_peers) when Norway's value is scored, and a figure of exactly that period
    the score left out (a bound) as not exact."""
    if latest is None:
        return {}
    out: dict[str, dict] = {}
    if latest["scored"] and peers is not None and not peers.empty:
        flags = frame.set_index(["geo", "period"])["flags"] if not frame.empty else pd.Series(dtype=object)
        for row in peers.itertuples():
            if row.peer_geo in geos:
                key = (row.peer_geo, str(row.peer_period))
                out[row.peer_geo] = {"value": float(row.peer_value), "period": str(row.peer_period),
                                     "flags": flags.get(key) if key in flags.index else None, "exact": True}
    same = frame[(frame["period"].astype(str) == latest["period"]) & frame["geo"].isin(geos)]
    for row in same.itertuples():
        if row.geo in out or row.geo == "NO":
            continue
        exact = not any(f in BOUND_TEXTS for f in flag_list(row.flags))
        if latest["scored"] and exact:
            continue  # an exact figure the level score did not compare with is not shown as if it had been
        out[row.geo] = {"value": float(row.value), "period": str(row.period), "flags": row.flags, "exact": exact}
    return out


def peers_without(frame: pd.DataFrame, latest: dict | None, shown: dict, geos: list[str]) -> list[tuple[str, str]]:
    """(geo, its latest period) for each peer with figures for the indicator but none shown for Norway's period."""
    if latest is None:
        return []
    out = []
    for geo in geos:
        if geo == "NO" or geo in shown:
            continue
        part = frame[frame["geo"] == geo].sort_values(["year", "period"])
        if not part.empty:
            out.append((geo, str(part.iloc[-1]["period"])))
    return out


def earlier_not_comparable(frame: pd.DataFrame, score: dict | None, comparable_from=None) -> dict | None:
    """When Norway has values before the period the trend may start from: {first_period, from_period}. The period
    is the score's `comparable_from_period` (a flagged break or the catalogue's comparable-from period); when no
    value is left from it on, the catalogue's `comparable_from` (`comparable_from`)."""
    from_period = None if score is None else score.get("comparable_from_period")
    if missing(from_period):
        from_period = comparable_from
    from_year = _year_of(from_period)
    if from_year is None:
        return None
    norway = frame[frame["geo"] == "NO"].sort_values(["year", "period"])
    before = norway[norway["year"] < from_year]
    if before.empty:
        return None
    return {"first_period": str(before.iloc[0]["period"]), "from_period": str(from_period),
            "from_year": from_year, "all_before": len(before) == len(norway)}


def trend_sentence(frame: pd.DataFrame, score: dict | None, fmt, lang: str, comparable_from=None,
                   name: str | None = None) -> str | None:
    """Norway's change as the score measured it ('from X in A to Y in B': base to latest), or its one value, and
    what was left out before a method change. `name` prefixes the sentence (the compare page's rankings)."""
    latest = norway_latest(frame, score)
    if latest is None:
        return None
    shown_latest = as_published(fmt(latest["value"]), latest["flags"], lang)
    has_change = (score is not None and latest["scored"] and not missing(score.get("base_period"))
                  and not missing(score.get("base_value")) and str(score["base_period"]) != latest["period"])
    if has_change:
        text = t("summary_trend", lang, first=fmt(score["base_value"]), first_year=score["base_period"],
                 last=shown_latest, last_year=latest["period"])
    else:
        text = t("summary_single", lang, last=shown_latest, last_year=latest["period"])
    if name:
        text = f"{name}: {text}"
    earlier = earlier_not_comparable(frame, score, comparable_from)
    if earlier is not None:
        key = "summary_only_before_break" if not latest["scored"] and earlier["all_before"] else "summary_earlier_not_comparable"
        text += t(key, lang, first_period=earlier["first_period"], from_period=earlier["from_period"])
    return text


def break_mark(frame: pd.DataFrame, score: dict | None, comparable_from=None) -> tuple[int, str] | None:
    """(first year, first period) of the comparable segment when the chart shows earlier values of Norway."""
    earlier = earlier_not_comparable(frame, score, comparable_from)
    return None if earlier is None else (earlier["from_year"], earlier["from_period"])


def peers_sentence(frame: pd.DataFrame, score: dict | None, peers: pd.DataFrame | None, geos: list[str], fmt,
                   lang: str, order) -> str:
    """' Same period: Sweden 70.5, …' and the peers without a figure for that period."""
    latest = norway_latest(frame, score)
    shown = same_period_peers(frame, latest, peers, geos)
    text = ""
    if shown:
        parts = []
        for geo in order(shown):
            peer = shown[geo]
            value = as_published(fmt(peer["value"]), peer["flags"], lang)
            when = "" if peer["period"] == latest["period"] else f" ({peer['period']})"
            parts.append(f"{geo_name(geo, lang)} {value}{when}")
        text += t("summary_peers", lang, peers=", ".join(parts))
    without = peers_without(frame, latest, shown, geos)
    if without:
        text += t("summary_no_peer_period", lang, period=latest["period"],
                  geos=", ".join(f"{geo_name(g, lang)} ({p})" for g, p in without))
    return text
