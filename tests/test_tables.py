"""The shared table renderer: every Markdown table comes in a named, focusable scroll region, and no cell text can
become HTML (the region is rendered with HTML allowed)."""
from __future__ import annotations

import re

import pandas as pd

from tests.conftest import ROOT
from ui.tables import markdown_table, safe_html, wrap_tables

REGION = re.compile(r'<div class="monitor-table( monitor-table-wide)?" role="region" aria-label="([^"]+)" tabindex="0">'
                    r"\n\n(\|.*?)\n\n</div>", re.S)


def test_a_table_comes_in_its_labelled_region_and_its_cells_stay_text():
    frame = pd.DataFrame({"Indicator": ['a <b onmouseover="x"> & "c"'], "url": ["indicator?indicator=x&lang=en"],
                          "Value": ["< 5 %"]})
    md = markdown_table(frame, links={"Indicator": "url"}, label='Goal "1" <table>')
    match = REGION.fullmatch(md)
    assert match, md
    assert match.group(2) == "Goal &quot;1&quot; &lt;table&gt;"
    assert "<b" not in match.group(3) and "&lt;b onmouseover" in match.group(3) and "&lt; 5 %" in match.group(3)
    assert not match.group(1)  # two columns: not a wide table


def test_the_default_label_names_the_columns_and_many_columns_make_a_wide_table():
    md = markdown_table(pd.DataFrame({f"c{i}": ["x"] for i in range(7)}))
    match = REGION.fullmatch(md)
    assert match.group(2) == "c0, c1, c2, c3, c4, c5, c6" and match.group(1)


def test_every_table_of_the_method_text_is_wrapped():
    text = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
    tables = re.findall(r"(?m)^\|[^\n]*\|\s*\n\|\s*:?-{3,}", text)
    wrapped = wrap_tables(text)
    assert len(tables) >= 2 and len(REGION.findall(wrapped)) == len(tables)
    assert re.sub(r'<div class="monitor-table[^>]*>\n\n|\n\n</div>', "", wrapped).replace("\n\n", "\n") == \
        text.replace("\n\n", "\n")


def test_only_the_regions_own_tags_pass_as_html():
    """show_markdown renders with HTML allowed for the regions: any other tag — in the text around a table or in
    a Markdown cell (links), e.g. a name or a note from the data — arrives escaped."""
    table = markdown_table(pd.DataFrame({"source": ["[A](https://a.example) <img src=x onerror=alert(1)>"]}),
                           markdown=("source",))
    shown = safe_html("Before <script>alert(1)</script><b>x</b>\n\n" + table + "\n\nafter <iframe src=y>")
    tags = re.findall(r"<[^&\s][^>]*>", shown)
    assert tags == [re.search(r"<div [^>]*>", table).group(0), "</div>"], tags
    assert "&lt;script>" in shown and "&lt;img src=x" in shown and "&lt;iframe" in shown
