"""Accessible tables: Markdown renders as a real HTML <table> that screen readers and keyboards handle,
and it can hold links (unlike st.table)."""
from __future__ import annotations

import re
from urllib.parse import urlencode

import pandas as pd


def page_url(page: str, **params: str) -> str:
    """A relative link to another page with its state in the query string, e.g. indicator?indicator=x&lang=en."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{page}?{query}" if query else page


# what page_url makes (a page of the monitor), or an anchor on this page (#g1)
_PAGE_LINK = re.compile(r"[a-z_]+(\?[A-Za-z0-9_.~%&=+\-]*)?|#[a-z0-9_\-]+")


def link(text: str, url: str) -> str:
    """A markdown link with `text` shown as its characters (ui.page.md); only to a page of the monitor (page_url)
    or an http(s) URL (ui.page.http_url). Any other URL (javascript:, data:, a mangled one) gives the text alone."""
    from ui.page import http_url, md

    target = str(url) if isinstance(url, str) and _PAGE_LINK.fullmatch(url) else http_url(url)
    if target is None:
        return md(text)
    target = target.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{md(text)}]({target})"


def url_link(url: str) -> str:
    """An http(s) URL from the data as a markdown autolink (<url>; http_url lets no space, <, > or quote through),
    any other as its characters."""
    from ui.page import http_url, md

    target = http_url(url)
    return f"<{target}>" if target else md(url)


def markdown_table(frame: pd.DataFrame, *, links: dict[str, str] | None = None, markdown: tuple[str, ...] = ()) -> str:
    """`frame` holds display strings; `links` maps a column to the column holding each cell's URL; the cells of
    the `markdown` columns are Markdown already (e.g. several links made with `link`, or text from the data made
    safe with ui.page.md), only line breaks and pipes are escaped."""
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
                cells.append(_UNESCAPED_PIPE.sub(r"\1\\\2", text.replace("\n", " ")))
            elif column in links and text:   # the text of a link column comes from the data: link() shows it as text
                cells.append(link(text, url) if linked else link(text, None))
            else:
                cells.append(_escape(text))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# A pipe or bracket not escaped yet (an even number of backslashes before it): text made safe with ui.page.md has
# every one escaped already, so it can stand in any cell without a second, visible escape.
_UNESCAPED = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]|])")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)(\|)")


def _escape(text: str) -> str:
    return _UNESCAPED.sub(r"\1\\\2", str(text).replace("\n", " "))
