"""The app rendered with streamlit's AppTest against a warehouse built from the real catalogue and snapshot."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, page_text

APP = str(ROOT / "app.py")


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


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("page", [{}, {"goal": "G3"}, {"indicator": "egdi_value"}])
def test_every_page_renders_in_both_languages(app, lang, page):
    at = app(lang=lang, **page)
    assert at.title, "page has a title"
    assert at.sidebar.radio[0].value == lang


def _open(app, page: str, **params) -> AppTest:
    at = app(**params)
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang, heading", [("nb", "Utviklingsstatus"), ("en", "Trend status")])
def test_method_page_exists_in_both_languages(app, lang, heading):
    at = _open(app, "pages/method.py", lang=lang)
    text = page_text(at)
    assert heading in text and ("0.95" in text or "0,95" in text)
    assert ("ikke Digdirs" in text) if lang == "nb" else ("not Digdir's" in text)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_goal_report_prints_score_history_and_indicators(app, lang):
    at = _open(app, "pages/report.py", lang=lang, goal="G4")
    text = page_text(at)
    assert "@media print" in " ".join(h.proto.body for h in at.get("html"))
    assert ("Poengsum" if lang == "nb" else "Score") in text
    assert "indicator?indicator=data_norge_datasets_registered" in text


def test_goal_page_shows_score_label_and_explanation_matching_the_scoring_module(app, real_warehouse, tmp_path):
    import shutil

    import duckdb

    from indicators import scoring

    copy = tmp_path / "copy.duckdb"  # the app holds the original open with its own configuration
    shutil.copy(real_warehouse, copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        obs = con.execute("SELECT * FROM observations").df()
        indicators = con.execute("SELECT * FROM indicators").df()
    expected = scoring.score_goal(obs, indicators, "G1")
    at = app(lang="en", goal="G1")
    text = page_text(at)
    label = {"god": "good", "middels": "medium", "mindre god": "less good"}[expected.label]
    assert f"Score {expected.score:.2f} of 3 – " in text and label in text
    assert f"weighted mean of {expected.n_indicators} indicator scores" in text
    assert "Base " in text and "annual growth" in text
    sweden = scoring.score_goal(obs, indicators, "G1", geo="SE")
    assert f"| Sweden | {sweden.score:.2f} |" in text


def test_overview_shows_six_goals_with_real_values(app):
    at = app(lang="en")
    headers = [h.value for h in at.header]
    assert len(headers) == 6 and headers[0].startswith("Goal 1")
    text = page_text(at)
    assert "indicator?indicator=egdi_value&lang=en" in text
    assert "| [Goal 6: Benefits realisation](goal?goal=G6&lang=en) |" in text


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


def test_every_page_url_is_its_file_stem():
    # Streamlit's file-based mode (used until app.py has run once) names a page after its file; the same page in
    # app.py's navigation must have the same name, or a first visit lands on the overview instead.
    from pathlib import Path

    from ui import nav

    assert all(spec.url_path == Path(spec.path).stem for spec in nav.PAGES)
