"""Accessible tables: Markdown renders as a real HTML <table> that screen readers and keyboards handle,
and it can hold links (unlike st.table).

Every table sits in its own scroll region: on a phone a wide table scrolls sideways inside the region while the
page and its main area keep their width (WCAG 1.4.10 Reflow allows this for data tables). The region is a
labelled landmark a keyboard can reach and scroll (role="region", aria-label, tabindex="0"); TABLE_CSS styles it
(with a shadow at the edge that has more table behind it), breaks a word too long for its cell, and on paper lets
the table fit the page in smaller type instead of clipping its right-hand columns.
A Markdown text holding a table is shown with `show_markdown` (the region is HTML)."""
from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from ui.plain_text import http_url, md

REGION_CLASS = "monitor-table"

TABLE_CSS = f"""<style>
.{REGION_CLASS} {{ max-width: 100%; overflow-x: auto; margin-bottom: 1rem;
  /* a shadow at an edge with more table behind it (the covers scroll with the table, the shadows stay) */
  background: linear-gradient(to right, #fff 30%, rgba(255, 255, 255, 0)) left / 2rem 100% no-repeat local,
    linear-gradient(to left, #fff 30%, rgba(255, 255, 255, 0)) right / 2rem 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, 0.18), rgba(0, 0, 0, 0)) left / 0.75rem 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, 0.18), rgba(0, 0, 0, 0)) right / 0.75rem 100% no-repeat scroll; }}
.{REGION_CLASS}:focus-visible {{ outline: 2px solid #0072B2; outline-offset: 2px; }}
.{REGION_CLASS} table {{ margin-bottom: 0; }}
.{REGION_CLASS} th, .{REGION_CLASS} td {{ padding: 0.375rem 0.5rem; }}
@media (max-width: 640px) {{ .{REGION_CLASS} th, .{REGION_CLASS} td {{ padding: 0.25rem 0.375rem; }} }}
.{REGION_CLASS}-wide th:first-child, .{REGION_CLASS}-wide td:first-child {{ min-width: 10rem; }}
[data-testid="stMain"] th, [data-testid="stMain"] td {{ overflow-wrap: break-word; hyphens: auto; }}
[data-testid="stMain"] td code {{ overflow-wrap: anywhere; }}
@media print {{
  .{REGION_CLASS} {{ overflow: visible !important; max-width: none !important; background: none !important; }}
  [data-testid="stMain"] table {{ width: 100% !important; font-size: 8.5pt !important; }}
  [data-testid="stMain"] thead {{ display: table-header-group; }}
  [data-testid="stMain"] th, [data-testid="stMain"] td {{ padding: 2px 3px !important; min-width: 0 !important; }}
  [data-testid="stMain"] td a {{ overflow-wrap: anywhere; }}
}}
</style>"""


def page_url(page: str, **params: str) -> str:
    """A relative link to another page with its state in the query string, e.g. indicator?indicator=x&lang=en."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{page}?{query}" if query else page


# what page_url makes (a page of the monitor), or an anchor on this page (#g1)
_PAGE_LINK = re.compile(r"[a-z_]+(\?[A-Za-z0-9_.~%&=+\-]*)?|#[a-z0-9_\-]+")


def link(text: str, url: str) -> str:
    """A markdown link with `text` shown as its characters (ui.page.md); only to a page of the monitor (page_url)
    or an http(s) URL (ui.page.http_url). Any other URL (javascript:, data:, a mangled one) gives the text alone."""
    target = str(url) if isinstance(url, str) and _PAGE_LINK.fullmatch(url) else http_url(url)
    if target is None:
        return md(text)
    target = target.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{md(text)}]({target})"


def url_link(url: str) -> str:
    """An http(s) URL from the data as a markdown autolink (<url>; http_url lets no space, <, > or quote through),
    any other as its characters."""
    target = http_url(url)
    return f"<{target}>" if target else md(url)


def markdown_table(frame: pd.DataFrame, *, links: dict[str, str] | None = None, markdown: tuple[str, ...] = (),
                   label: str | None = None) -> str:
    """`frame` holds display strings; `links` maps a column to the column holding each cell's URL; the cells of
    the `markdown` columns are Markdown already (e.g. several links made with `link`, or text from the data made
    safe with ui.page.md), only line breaks, pipes and '<' are escaped. The table comes in its scroll region, named
    `label` (by default its column headings); show it with `show_markdown`."""
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
                cells.append(_no_html(_UNESCAPED_PIPE.sub(r"\1\\\2", text.replace("\n", " "))))
            elif column in links and text:   # the text of a link column comes from the data: link() shows it as text
                cells.append(_no_html(link(text, url) if linked else link(text, None)))
            else:
                cells.append(_escape(text))
        lines.append("| " + " | ".join(cells) + " |")
    return scroll_region("\n".join(lines), label if label else ", ".join(str(c) for c in shown))


WIDE_COLUMNS = 7   # a table with this many columns scrolls on a phone anyway: its first column gets room to be read


def scroll_region(table: str, label: str) -> str:
    """A Markdown table inside its labelled, focusable scroll region (HTML around Markdown: blank lines between)."""
    name = html.escape(" ".join(str(label).split()), quote=True)
    wide = len(_cells(table.splitlines()[0])) >= WIDE_COLUMNS
    classes = REGION_CLASS + (f" {REGION_CLASS}-wide" if wide else "")
    return f'<div class="{classes}" role="region" aria-label="{name}" tabindex="0">\n\n{table}\n\n</div>'


def _cells(line: str) -> list[str]:
    """The cells of one Markdown table line (an escaped "\\|" is text)."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


_TABLE_BLOCK = re.compile(r"(?m)^(\|[^\n]*\|[ \t]*\n\|[ \t]*:?-{3,}[^\n]*\n(?:\|[^\n]*\n?)*)")


def wrap_tables(markdown: str) -> str:
    """Every Markdown table of a written text (docs/method.md) in its scroll region, named by its headings."""
    def wrap(match: re.Match) -> str:
        block = match.group(1).rstrip("\n")
        return scroll_region(block, ", ".join(h for h in _cells(block.splitlines()[0]) if h)) + "\n"
    return _TABLE_BLOCK.sub(wrap, markdown)


_REGION_TAGS = re.compile(r'&lt;(div class="' + REGION_CLASS + r'[a-z -]*" role="region" aria-label="[^"<>]*" tabindex="0">|/div>)')


def safe_html(markdown: str) -> str:
    """`markdown` with every "<" escaped except the scroll regions' own tags: no text around or inside a table (a
    name, a figure, a note from the data) can become HTML, whatever it holds."""
    markdown = _ESCAPED_LT.sub(r"\1<", markdown)   # text made safe with ui.page.md: its "\<" becomes "&lt;" too
    return _REGION_TAGS.sub(r"<\1", markdown.replace("<", "&lt;"))


def show_markdown(markdown: str) -> None:
    """Markdown that may hold tables from `markdown_table` (their regions are the only HTML let through)."""
    st.markdown(safe_html(markdown), unsafe_allow_html=True)


# A pipe or bracket not escaped yet (an even number of backslashes before it): text made safe with ui.page.md has
# every one escaped already, so it can stand in any cell without a second, visible escape.
_UNESCAPED = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]|])")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)(\|)")
_UNESCAPED_LT = re.compile(r"(?<!\\)((?:\\\\)*)<")
_ESCAPED_LT = re.compile(r"(?<!\\)((?:\\\\)*)\\<")


def _no_html(text: str) -> str:
    """Every "<" of a cell as "&lt;", escaped or not (the table is shown as HTML-enabled markdown)."""
    return _UNESCAPED_LT.sub(r"\1&lt;", _ESCAPED_LT.sub(r"\1&lt;", text))


def _escape(text: str) -> str:
    return _no_html(_UNESCAPED.sub(r"\1\\\2", str(text).replace("\n", " ")))
