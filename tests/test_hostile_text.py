"""Text from the data is shown as text on every public page (issue 13): a warehouse built from a copy of the real
data with hostile markdown in every text column (tests/hostile_text.py: curated source_org, source_dataset and
note, the catalogue's names, definitions, reasons, labels and publishers; javascript: source URLs) renders each
public page without a markdown link, image, heading, raw-HTML element or colour directive from the data, and no
link column offers a javascript: URL. The check renders each element's markdown with a CommonMark parser (raw
HTML off, as Streamlit without unsafe_allow_html) and also looks for bare URLs that GitHub-flavoured markdown would
link."""
from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.hostile_text import JAVASCRIPT, build_hostile_warehouse
from ui import data, nav
from ui.page import http_url, md
from ui.tables import link, markdown_table

APP = str(ROOT / "app.py")
_MD = MarkdownIt("commonmark", {"html": False}).enable("table")
_MD.validateLink = lambda url: True   # show every link markdown would make (markdown-it drops javascript: ones)
_TEXT_FIELDS = {"body", "label", "help", "caption", "placeholder"}
PUBLIC = [p.path for p in nav.visible_pages(public=True)]
CASES = [(page, {}) for page in PUBLIC] + [
    ("pages/goal.py", {"goal": "G1"}), ("pages/goal.py", {"goal": "G6"}), ("pages/report.py", {"goal": "G3"}),
    ("pages/indicator.py", {"indicator": "dfo_never_use_internet"}),
    ("pages/indicator.py", {"indicator": "eurostat_basic_or_above_basic_digital_skills"}),   # with a target
    ("pages/indicator.py", {"indicator": "egovbench_transparency_rank"}),                    # not counted
    ("pages/compare.py", {"indicator": "egovbench_overall"}),
    ("pages/explorer.py", {"indicators": "egdi_value,egdi_rank,dfo_never_use_internet", "geo": "NO,SE,DK",
                           "index": "2018"}),
]
SHOWS_DATA_TEXT = {"pages/overview.py", "pages/goal.py", "pages/indicator.py", "pages/explorer.py",
                   "pages/compare.py", "pages/life_events.py", "pages/assessment.py", "pages/report.py"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return build_hostile_warehouse(tmp_path_factory.mktemp("hostile"))


def _texts(node, out: list[str]) -> list[str]:
    """Every markdown-bearing string of the rendered page (bodies, labels, help texts), any element kind."""
    proto = getattr(node, "proto", None)
    if proto is not None:
        stack = [MessageToDict(proto, preserving_proto_field_name=True)]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for key, value in item.items():
                    if key in _TEXT_FIELDS and isinstance(value, str):
                        out.append(value)
                    elif isinstance(value, (dict, list)):
                        stack.append(value)
            elif isinstance(item, list):
                stack.extend(item)
    children = getattr(node, "children", None)
    for child in (children.values() if isinstance(children, dict) else ()):
        _texts(child, out)
    return out


def live_markdown(text: str) -> list[str]:
    """What in `text` markdown would make into a link, image, heading or directive from the hostile data."""
    # the tables' scroll regions are HTML the monitor writes (ui.tables.scroll_region, its label HTML-escaped):
    # Streamlit renders them as tags, so their attributes are no text markdown could link
    text = re.sub(r'<div class="monitor-table[^"<>]*" role="region" aria-label="[^"<>]*" tabindex="0">|</div>', "",
                  text)
    html = _MD.render(text)
    found = [f"link {href}" for href in re.findall(r'<a href="([^"]*)"', html)
             if "evil" in href or href.lower().startswith(("javascript", "data:"))]
    found += ["image"] * len(re.findall(r"<img", html))
    found += ["heading"] * len(re.findall(r"<h[1-6][^>]*>\s*Official notice", html))
    found += ["directive"] * text.count(":red[")
    visible = re.sub(r"<[^>]+>", " ", re.sub(r'href="[^"]*"', "", html))
    found += ["bare url"] * len(re.findall(r"(?i)(?:https?:(?!\u2060)//|www\.)evil", visible))   # GFM autolinks
    return found


def _chart_markup(spec) -> list[str]:
    """The strings of a Plotly figure that hold a tag Plotly would draw, other than the hover template's own
    <br> and <extra></extra>."""
    found, stack = [], [spec]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and re.search(r"<(?!br>|extra>|/extra>)/?[a-zA-Z]", item):
            found.append(item[:120])
    return found


def test_chart_texts_are_escaped_for_plotly():
    from tests.hostile_text import HOSTILE
    from ui.charts import line_chart

    frame = pd.DataFrame({"year": [2020, 2021], "value": [1.0, 2.0], "geo": [HOSTILE, HOSTILE]})
    fig = line_chart(frame, series="geo", title=HOSTILE, y_title=HOSTILE, lang="nb",
                     target=(1.5, "2030", HOSTILE), breaks=[(None, 2021, HOSTILE)])
    assert not _chart_markup(fig.to_plotly_json())
    assert fig.layout.title.text.startswith("# Official notice") and "&lt;img" in fig.layout.title.text


def test_the_check_finds_what_an_unescaped_page_would_show():
    from tests.hostile_text import HOSTILE

    assert set(live_markdown(HOSTILE)) >= {"heading", "image", "link https://evil.example/login",
                                           "link https://evil.example/auto", "directive"}
    assert live_markdown(f"| a |\n|---|\n| {HOSTILE.replace('#', '')} |")          # inside a table cell too
    assert live_markdown("see https://evil.example/x") == ["bare url"]
    assert live_markdown(md(HOSTILE)) == [] and "Official notice" in _MD.render(md(HOSTILE))


def test_links_are_made_only_to_http_urls_and_the_monitors_pages():
    assert http_url("https://www.ssb.no/statbank/table/11000") == "https://www.ssb.no/statbank/table/11000"
    for bad in (JAVASCRIPT, " JavaScript:alert(1)", "data:text/html,<b>x</b>", "//evil.example", "evil.example",
                "https://", "http://a b\"c", None, float("nan")):
        assert http_url(bad) is None, bad
    assert link("Kilde", JAVASCRIPT) == "Kilde"
    assert link("[x](y)", "https://a.example/p") == r"[\[x\]\(y\)](https://a.example/p)"
    assert link("Mål 1", "goal?goal=G1&lang=nb") == "[Mål 1](goal?goal=G1&lang=nb)"
    table = markdown_table(pd.DataFrame({"Kilde": ["![i](https://evil.example/p.png)"], "url": [JAVASCRIPT],
                                         "Note": [md("[a](https://evil.example) | b")]}), links={"Kilde": "url"})
    assert live_markdown(table) == [] and "javascript" not in table


@pytest.mark.parametrize("page, params", CASES, ids=[f"{p.split('/')[-1]}{'?' if q else ''}"
                                                     f"{'&'.join(f'{k}={v}' for k, v in q.items())}" for p, q in CASES])
def test_every_public_page_shows_hostile_data_text_as_text(hostile, monkeypatch, page, params):
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(hostile))
    monkeypatch.setenv("MONITOR_MODE", "public")
    data._registry.reset()
    for lang in ("nb", "en"):
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["lang"] = lang
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if page != nav.OVERVIEW:
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        texts = _texts(at._tree, [])
        if page in SHOWS_DATA_TEXT:   # the data's text is on the page, as its characters
            assert any("Official notice" in _MD.render(text) for text in texts), (page, lang)
        problems = {(problem, text[:160]) for text in texts for problem in live_markdown(text)}
        assert not problems, (page, lang, sorted(problems)[:5])
        for chart in at.get("plotly_chart"):   # Plotly draws <a href>, <b>, <br> in titles, names and hover texts
            markup = _chart_markup(json.loads(chart.proto.spec))
            assert not markup, (page, lang, markup[:3])
        for frame in at.dataframe:   # link columns (st.column_config.LinkColumn) get http(s) URLs only
            values = frame.value.data if hasattr(frame.value, "data") else frame.value
            text = values.astype(str) if isinstance(values, pd.DataFrame) else pd.DataFrame()
            assert not text.apply(lambda c: c.str.lower().str.startswith("javascript")).any().any(), page
    data._registry.reset()


def test_long_chart_titles_are_broken_into_lines_that_fit_a_phone():
    """Plotly never wraps a title; at 390 px a one-line title of about 80 characters was cut off at the right."""
    from ui.charts import TITLE_LINE_CHARACTERS, chart_title, line_chart

    title = "Samlet poengsum (eGovernment Benchmark): Norge sammenlignet med nabolandene og EU"
    text, lines = chart_title(title)
    assert text == "Samlet poengsum (eGovernment Benchmark):<br>Norge sammenlignet med nabolandene og EU" and lines == 2
    assert chart_title("Mål 1: Tillit") == ("Mål 1: Tillit", 1)            # short: one line, as written
    text, lines = chart_title("<b>" + "ord " * 40)
    assert lines == len(text.split("<br>")) > 3 and "<b>" not in text
    assert all(len(html.unescape(line)) <= TITLE_LINE_CHARACTERS for line in text.split("<br>"))
    frame = pd.DataFrame({"year": [2020, 2021], "value": [1.0, 2.0], "geo": ["NO", "NO"]})
    one, two = (line_chart(frame, series="geo", title=x, y_title="y", lang="nb") for x in ("Kort", title))
    # the plot keeps its height: the chart grows by the title's extra line
    assert two.layout.height - one.layout.height == two.layout.margin.t - one.layout.margin.t > 0
