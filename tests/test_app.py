"""The app rendered with streamlit's AppTest against a warehouse built from the real catalogue and snapshot."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from etl.build import build_warehouse
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture(scope="session")
def real_warehouse(tmp_path_factory):
    target = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    build_warehouse(target, catalog_path=ROOT / "indicators" / "catalog.toml", snapshot_dir=ROOT / "data" / "snapshot")
    return target


@pytest.fixture
def app(real_warehouse, monkeypatch):
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(real_warehouse))

    def run(**params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    parts += [str(m.value) + " " + m.label for m in at.metric]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("page", [{}, {"goal": "G3"}, {"indicator": "egdi_value"}])
def test_every_page_renders_in_both_languages(app, lang, page):
    at = app(lang=lang, **page)
    assert at.title, "page has a title"
    assert at.sidebar.radio[0].value == lang


def test_overview_shows_six_goals_with_real_values(app):
    at = app(lang="en")
    headers = [h.value for h in at.header]
    assert len(headers) == 6 and headers[0].startswith("Goal 1")
    text = _text(at)
    assert "indicator?indicator=egdi_value&lang=en" in text


def test_indicator_page_shows_the_published_egdi_2022_value(app):
    at = app(lang="en", indicator="egdi_value")
    table = at.dataframe[0].value
    norway_2022 = table[(table["Country/area"] == "Norway") & (table["Period"] == "2022")]
    assert list(norway_2022["Value"]) == ["0.8879"]
    assert "publicadministration.un.org" in norway_2022["Source link"].iloc[0]


def test_indicator_page_in_bokmal_formats_numbers_the_norwegian_way(app):
    at = app(lang="nb", indicator="egdi_value")
    table = at.dataframe[0].value
    assert "0,8879" in list(table[(table["Land/område"] == "Norge") & (table["Periode"] == "2022")]["Verdi"])
    assert at.title[0].value != ""


def test_bogus_indicator_gives_a_friendly_message(app):
    at = app(lang="en", indicator="no_such_thing")
    assert "No indicator has the id «no_such_thing»" in at.warning[0].value


def test_bogus_language_falls_back_to_bokmal_with_a_message(app):
    at = app(lang="xx")
    assert "lang=nb" in at.warning[0].value
