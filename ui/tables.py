"""Accessible tables: Markdown renders as a real HTML <table> that screen readers and keyboards handle,
and it can hold links (unlike st.table)."""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd


def page_url(page: str, **params: str) -> str:
    """A relative link to another page with its state in the query string, e.g. indicator?indicator=x&lang=en."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{page}?{query}" if query else page


def link(text: str, url: str) -> str:
    url = str(url).replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{_escape(text)}]({url})"


def markdown_table(frame: pd.DataFrame, *, links: dict[str, str] | None = None, markdown: tuple[str, ...] = ()) -> str:
    """`frame` holds display strings; `links` maps a column to the column holding each cell's URL; the cells of
    the `markdown` columns are Markdown already (e.g. several links made with `link`), only line breaks and
    pipes are escaped."""
    links = links or {}
    shown = [c for c in frame.columns if c not in links.values()]
    lines = ["| " + " | ".join(_escape(c) for c in shown) + " |", "|" + "---|" * len(shown)]
    for _, row in frame.iterrows():
        cells = []
        for column in shown:
            text = "" if pd.isna(row[column]) else str(row[column])
            url = row[links[column]] if column in links else None
            linked = isinstance(url, str) and bool(url) and bool(text)
            if column in markdown:
                cells.append(text.replace("|", "\\|").replace("\n", " "))
            else:
                cells.append(link(text, url) if linked else _escape(text))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").replace("[", "\\[").replace("]", "\\]")
