"""Plotly charts that can be read without colour: a colour-blind-safe palette (Okabe–Ito) plus a distinct
dash pattern and marker per series, and a one-sentence summary of what each chart shows. The hover text and the
summary show each figure at the publisher's precision (ui.precision); the chart's data keep the values."""
from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go

from etl.schema import GEOS
from ui import comparable, precision
from ui.i18n import chart_separators, geo_name, t

# Okabe–Ito: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross", "hexagon"]
GEO_ORDER = list(GEOS)   # Norway first, then the neighbours, then the groups (etl.schema)


def series_style(position: int) -> dict:
    return {
        "color": PALETTE[position % len(PALETTE)],
        "dash": DASHES[position % len(DASHES)],
        "symbol": MARKERS[position % len(MARKERS)],
    }


def ordered_geos(geos) -> list[str]:
    present = list(dict.fromkeys(geos))
    return [g for g in GEO_ORDER if g in present] + sorted(g for g in present if g not in GEO_ORDER)


class FrozenFigure(go.Figure):
    """A finished Plotly figure that is only sent, never changed: built once (ui.render_cache) and shared by every
    session. st.plotly_chart calls `to_dict()` on a figure, which deep-copies all of it (a third of a page's
    time); this one hands out the dict made once when it was frozen, so what is sent is always the figure as it
    was then (st.plotly_chart and plotly.io.to_json only read it). The figure was validated when it was built;
    the frozen one is an empty Figure around its spec, so freezing does not validate it a second time."""

    def __init__(self, figure: go.Figure) -> None:
        super().__init__()
        self._frozen_spec = figure.to_dict()

    def to_dict(self) -> dict:
        return self._frozen_spec

    def to_plotly_json(self) -> dict:
        return self._frozen_spec


def frozen(figure: go.Figure | None) -> FrozenFigure | None:
    """`figure` as a FrozenFigure (None stays None)."""
    return None if figure is None else FrozenFigure(figure)


def _gap_at(part: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """`part` with an empty point just before `year`, so the line is not drawn across a method change there."""
    if year is None or not ((part["year"] < year).any() and (part["year"] >= year).any()):
        return part
    gap = pd.DataFrame({"year": [year - 0.5], "value": [float("nan")]})
    return pd.concat([part, gap]).sort_values("year", kind="stable")
def shown_column(frame: pd.DataFrame, lang: str) -> pd.Series:
    """Each observation of `frame` (columns value, unit_id and, where known, value_text) as shown on the pages."""
    texts = frame["value_text"] if "value_text" in frame else pd.Series(None, index=frame.index, dtype=object)
    return pd.Series([precision.value_shown(v, u, lang, x) for v, u, x in zip(frame["value"], frame["unit_id"], texts)],
                     index=frame.index, dtype=object)


def chart_text(text: object) -> str:
    """Text for a chart (a title, series name, label or hover text, often from the data): Plotly draws a subset of
    HTML in them (<a href>, <b>, <br>), so '<', '>' and '&' are escaped and every name shows as the characters
    it is made of."""
    return html.escape(str(text), quote=False)


TITLE_LINE_CHARACTERS = 46   # Plotly never wraps a title: longer ones are broken into lines that fit a phone


def chart_title(text: object) -> tuple[str, int]:
    """A chart title as escaped lines (Plotly's <br> between them), and how many: a title longer than
    TITLE_LINE_CHARACTERS gets a new line after "name:", then lines of at most that (a longer word stays whole)."""
    head, colon, rest = str(text).partition(": ")
    parts = [head + colon.rstrip(), rest] if colon and len(str(text)) > TITLE_LINE_CHARACTERS else [str(text)]
    lines = [line for part in parts
             for line in textwrap.wrap(part, TITLE_LINE_CHARACTERS, break_long_words=False, break_on_hyphens=False)]
    return "<br>".join(chart_text(line) for line in lines or [""]), max(1, len(lines))


def line_chart(frame: pd.DataFrame, *, series: str, title: str, y_title: str, lang: str,
               series_label=None, target: tuple[float, str, str] | None = None, rank: bool = False,
               breaks: list[tuple[object, int, str]] | None = None, hover: str | None = None) -> go.Figure:
    """One line per value of `series` over `year`; `frame` has columns year, value and `series`. `breaks`:
    (series key or None for every series, first comparable year, label) — the line is not drawn across the
    break and a dashed vertical line with the label marks it. `hover` names a column of display texts shown on
    hover instead of the raw value (the figures at the publisher's precision)."""
    fig = go.Figure()
    keys = ordered_geos(frame[series]) if series == "geo" else list(dict.fromkeys(frame[series]))
    breaks = breaks or []
    for position, key in enumerate(keys):
        part = frame[frame[series] == key].sort_values("year")
        for which, year, _ in breaks:
            if which is None or which == key:
                part = _gap_at(part, year)
        style = series_style(position)
        name = chart_text(series_label(key) if series_label else key)
        fig.add_trace(go.Scatter(
            x=part["year"], y=part["value"], name=name, mode="lines+markers",
            line={"color": style["color"], "dash": style["dash"], "width": 3 if position == 0 else 2},
            marker={"symbol": style["symbol"], "size": 9, "color": style["color"]},
            customdata=None if hover is None else [chart_text(x) if isinstance(x, str) else None for x in part[hover]],
            hovertemplate="%{fullData.name}<br>%{x}: " + ("%{y}" if hover is None else "%{customdata}") + "<extra></extra>",
        ))
    for position, (_, year, label) in enumerate(breaks):  # labels one under another when several
        fig.add_vline(x=year - 0.5, line={"color": "#555555", "dash": "dash", "width": 1.5},
                      annotation_text=chart_text(label), annotation_position="top right", annotation_yshift=-18 * position)
    if target is not None:
        value, period, label = target
        fig.add_hline(y=value, line={"color": "#555555", "dash": "dot", "width": 1.5},
                      annotation_text=chart_text(f"{label} ({period})"), annotation_position="top left")
    title_text, title_lines = chart_title(title)
    fig.update_layout(
        title={"text": title_text, "font": {"size": 16}},
        xaxis_title=t("col_year", lang), yaxis_title=chart_text(y_title),
        legend={"orientation": "h", "yanchor": "top", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 38 + 22 * title_lines, "b": 10}, height=398 + 22 * title_lines,
        separators=chart_separators(lang),
        font={"size": 14}, template="plotly_white",
    )
    fig.update_xaxes(dtick=1, tickformat="d")
    if rank:
        fig.update_yaxes(autorange="reversed")
    return fig


def indicator_summary(frame: pd.DataFrame, unit_id: str, lang: str, score: dict | None = None,
                      peers: pd.DataFrame | None = None, comparable_from=None) -> str:
    """One sentence: Norway's change over the comparable segment the score used (indicator_scores' base and
    latest period), what was left out before a method change, and the peers in Norway's latest period (the
    values the level score compared with; bounds as bounds) — ui.comparable."""
    norway = frame[frame["geo"] == "NO"].sort_values("year")
    if norway.empty:
        geos = ", ".join(geo_name(g, lang) for g in ordered_geos(frame["geo"]))
        return t("summary_no_norway", lang, geos=geos)
    fmt = lambda v: precision.value_shown(v, unit_id, lang)  # noqa: E731  (the unit's declared precision)
    text = comparable.trend_sentence(frame, score, fmt, lang, comparable_from)
    return text + comparable.peers_sentence(frame, score, peers, comparable.PEER_GEOS, fmt, lang, ordered_geos)


def break_label(period, lang: str, name: str | None = None) -> str:
    """The chart's mark of a method change: 'New method from 2020' (with the series' name when several)."""
    label = t("chart_break", lang, period=period)
    return f"{name}: {label}" if name else label
