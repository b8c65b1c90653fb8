"""The explorer's view: exactly the rows shown for an explorer state, optionally indexed to a base year.
Pure functions over the observations frame, tested without running the app."""
from __future__ import annotations

import pandas as pd

from ui.url_state import ExplorerState

VIEW_COLUMNS = ["indicator_id", "indicator", "unit_id", "unit", "geo", "geo_name", "breakdown", "period", "year",
                "value", "flags", "source", "source_url"]


def select_observations(observations: pd.DataFrame, state: ExplorerState) -> pd.DataFrame:
    """The preferred observations for the chosen indicators, geographies, years and breakdowns (totals always)."""
    obs = observations[observations["is_preferred"]]
    keep = (obs["indicator_id"].isin(state.indicators) & obs["geo"].isin(state.geos)
            & ((obs["breakdown"] == "") | obs["breakdown"].isin(state.breakdowns)))
    if state.year_from is not None:
        keep &= obs["year"] >= state.year_from
    if state.year_to is not None:
        keep &= obs["year"] <= state.year_to
    return obs[keep]


def series_key(frame: pd.DataFrame) -> pd.Series:
    return frame["indicator_id"] + "|" + frame["geo"] + "|" + frame["breakdown"]


def index_to_base(frame: pd.DataFrame, base_year: int) -> tuple[pd.DataFrame, list[str]]:
    """value / value in base_year × 100 per series (indicator, geo, breakdown); returns the indexed rows and the
    keys of the series that have no value in the base year (those are dropped from the indexed view).
    A series with several periods starting in the base year uses the first of them."""
    frame = frame.copy()
    frame["_key"] = series_key(frame)
    base = (frame[frame["year"] == base_year].sort_values("period")
            .drop_duplicates("_key").set_index("_key")["value"])
    base = pd.to_numeric(base, errors="coerce").astype("float64")
    missing = [k for k in dict.fromkeys(frame["_key"]) if k not in base.index or pd.isna(base[k]) or base[k] == 0]
    kept = frame[~frame["_key"].isin(missing)].copy()
    # float division on both sides: an empty selection (no series has the base year) gives an empty float column
    divisor = kept["_key"].map(base.to_dict()).astype("float64")
    kept["index_value"] = pd.to_numeric(kept["value"], errors="coerce").astype("float64") / divisor * 100
    return kept.drop(columns="_key"), missing
