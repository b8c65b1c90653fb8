"""Text not written by the monitor, made safe for markdown: `plain` (URL text in messages, capped), `md` (text from
the data: names, sources, notes, labels) and `http_url` (the only URLs a page links to). A leaf module: it imports
nothing of the project, so ui.page, ui.tables and every view can use it."""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

MAX_ECHO_CHARS = 60          # one echoed value (a parameter name or value from the URL)
# Every ASCII punctuation character markdown may give a meaning to (CommonMark lets any of them be escaped); an
# underscore inside a word (no_such_thing) cannot start emphasis and stays as it is.
_MARKDOWN_SPECIAL = re.compile(r"((?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|[\\`*{}\[\]()#+\-.!|<>~$:=&\"'@^%/;,?])")


_AUTOLINK = re.compile(r"(?i)(:(?=//)|\bwww(?=\.)|@)")


def plain(value: object, limit: int | None = MAX_ECHO_CHARS) -> str:
    """User text made safe to put into a message (messages are markdown): control and format characters removed,
    whitespace collapsed, at most `limit` characters (then "…"; None: no cap), and every markdown character
    escaped, so a link, image, heading, HTML tag, emoji or colour directive in the URL shows as the characters it
    is made of. The one function through which any text not written by the monitor reaches markdown (`md`)."""
    text = "" if value is None else str(value)
    if limit is not None:
        text = text[: limit * 4]  # bound the work on a huge value before cleaning it
    text = "".join(" " if ch.isspace() else ch for ch in text
                   if ch.isspace() or unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    # GFM turns bare URLs and e-mail addresses into links after escapes are resolved: an invisible word joiner
    # after "://", "www" and "@" keeps them text.
    text = _AUTOLINK.sub(lambda m: m.group(0) + "\u2060", text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def md(value: object) -> str:
    """Text from the data (a name, definition, source, note or label from the catalogue, the curated files or a
    live publisher) for markdown: exactly its characters, never a link, image, heading or HTML (`plain`, uncapped).
    A missing value (None, NaN) is the empty text."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return plain(value, None)


def http_url(url: object) -> str | None:
    """`url` when it is an absolute http(s) URL a page may link to, else None (a javascript:, data: or relative
    URL from the data is never made a link, whatever the build checked)."""
    if not isinstance(url, str):
        return None
    text = url.strip().replace(" ", "%20")
    if not re.fullmatch(r"(?i)https?://[^\s<>\"'`\\]+", text) or not urlsplit(text).netloc:
        return None
    return text
