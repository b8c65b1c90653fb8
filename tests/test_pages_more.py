"""The explorer, SQL console, international comparison, life events, data sources and about pages, rendered with
AppTest against a warehouse built once per session from the real catalogue and snapshot; plus the helpers in
ui/url_state.py, ui/explorer_view.py, ui/sql_console.py and ui/bundle.py (URL state, index to base year, SQL guard
and limits, data bundle)."""
from __future__ import annotations

import io
import time
import zipfile

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from etl.build import build_warehouse
from tests.conftest import ROOT, page_text
from ui import nav
from ui.i18n import format_value
from ui.bundle import BUNDLE_TABLES, bundle_zip, data_dictionary
from ui.explorer_view import index_to_base
from ui.page import md
from ui.sql_console import ROW_LIMIT, SqlRefused, SqlTimeout, check_sql, run_with_timeout
from ui.url_state import ExplorerState, parse_state

APP = str(ROOT / "app.py")
PAGES = {
    "explorer": "pages/explorer.py",
    "compare": "pages/compare.py",
    "life_events": "pages/life_events.py",
    "sources": "pages/sources.py",
    "about": "pages/about.py",
    "sql": "pages/sql.py",
}


@pytest.fixture(scope="session")
def warehouse(app_warehouse):
    return app_warehouse


def build_with_status(folder):
    """The same data plus a live folder whose status.csv is as a refresh writes it (test values, not a real
    refresh): eurostat failed after an earlier success, ssb has never succeeded (empty last_success)."""
    live = folder / "live"
    (live / "rows").mkdir(parents=True)
    (live / "status.csv").write_text(
        "source,last_attempt,last_success,last_error,row_count\n"
        "eurostat,2026-11-27 06:00:00+00:00,2026-11-20 06:00:00+00:00,offline: name resolution failed,0\n"
        "ssb,2026-11-27 06:01:00+00:00,,offline: name resolution failed,0\n", encoding="utf-8")
    target = folder / "warehouse.duckdb"
    build_warehouse(target, catalog_path=ROOT / "indicators" / "catalog.toml", curated_dir=ROOT / "data" / "curated",
                    live_dir=live)
    return target


@pytest.fixture(scope="session")
def con(warehouse):
    connection = duckdb.connect(str(warehouse), read_only=True,
                                config={"enable_external_access": False, "lock_configuration": True})
    yield connection
    connection.close()


class _Storages(list):
    def file_bytes(self, url: str) -> bytes:
        name = url.rsplit("/", 1)[-1]
        for storage in reversed(self):
            try:
                return storage.get_file(name).content
            except Exception:  # noqa: BLE001 - try the next run's storage
                continue
        raise KeyError(url)


@pytest.fixture
def media(monkeypatch):
    """Keep AppTest's in-memory media storage so the bytes behind a download button can be read back."""
    storages = _Storages()
    original = app_test_module.MemoryMediaFileStorage

    def capture(*args, **kwargs):
        storage = original(*args, **kwargs)
        storages.append(storage)
        return storage

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", capture)
    return storages


@pytest.fixture
def page(warehouse, monkeypatch):
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(warehouse))
    monkeypatch.delenv("MONITOR_MODE", raising=False)

    def open_page(name: str, **params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        at.switch_page(PAGES[name]).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_page


def open_explorer_tab(at: AppTest, text_key: str) -> AppTest:
    """Open one of the explorer's tabs (their hidden content does not run) as a click on it would."""
    from ui.explorer_page import TAB_KEY
    from ui.i18n import t

    lang = "en" if "en" in str(at.query_params.get("lang", "")) else "nb"
    at.session_state[TAB_KEY] = t(text_key, lang)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def explorer_table(at: AppTest) -> pd.DataFrame:
    if not at.dataframe:
        open_explorer_tab(at, "explorer_table")
    return at.dataframe[0].value.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------------
# Every page, both languages, both modes
# ---------------------------------------------------------------------------------------------------------------

EXPECTED = {  # a phrase from the page in each language, plus a check against the warehouse below
    "explorer": {"nb": "Velg indikatorer og land", "en": "Choose indicators and countries"},
    "compare": {"nb": "Norges plassering over tid", "en": "Norway's rank over time"},
    "life_events": {"nb": "livshendelser har minst én indikator", "en": "life events have at least one indicator"},
    "sources": {"nb": "Alle kildene tallene i monitoren kommer fra", "en": "Every source the monitor's figures come from"},
    "about": {"nb": "Tilgjengelighetserklæring", "en": "Accessibility statement"},
    "sql": {"nb": "Tabeller og kolonner", "en": "Tables and columns"},
}


@pytest.mark.parametrize("mode", ["", "public"])
@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_in_both_languages_and_modes(page, monkeypatch, con, name, lang, mode):
    if mode:
        monkeypatch.setenv("MONITOR_MODE", mode)
    if name == "sql" and mode == "public":
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["lang"] = lang
        at.run()
        with pytest.raises(ValueError):
            at.switch_page(PAGES["sql"])
        return
    at = page(name, lang=lang)
    assert at.title and at.title[0].value
    text = page_text(at)
    assert EXPECTED[name][lang] in text
    if name == "explorer":
        assert len(explorer_table(at)) > 0
    elif name == "compare":
        (no_egdi,), = con.execute("SELECT count(*) FROM observations WHERE indicator_id = 'egdi_rank' "
                                  "AND geo = 'NO' AND is_preferred").fetchall()
        assert no_egdi > 0 and ("UN EGDI" in text or "FNs" in text or "EGDI" in text)
    elif name == "life_events":
        events = con.execute(f"SELECT name_{lang} FROM life_events").fetchall()
        headers = [h.value for h in at.header]
        assert len(events) == 7 and [md(e) for (e,) in events] == headers   # as text (ui.page.md) in the markdown
    elif name == "sources":
        (n_sources,), = con.execute("SELECT count(*) FROM sources").fetchall()
        table = at.dataframe[0].value
        assert len(table) == n_sources
        curated = {"nb": "kuratert øyeblikksbilde, ikke oppdatert fra et API", "en": "curated snapshot, not refreshed from an API"}
        (n_curated,), = con.execute("SELECT count(*) FROM sources WHERE origin_kind <> 'live'").fetchall()
        assert (table.iloc[:, -1] == curated[lang]).sum() == n_curated
    elif name == "about":
        assert "WCAG 2.1" in text and ("issue tracker" in text or "saksliste" in text)
    elif name == "sql":
        assert len(at.dataframe[0].value) > 0


def test_sql_console_is_registered_only_outside_the_public_mode():
    public = [p.path for p in nav.visible_pages(public=True)]
    internal = [p.path for p in nav.visible_pages(public=False)]
    assert PAGES["sql"] not in public and PAGES["sql"] in internal
    for name in ("explorer", "compare", "life_events", "sources", "about"):
        assert PAGES[name] in public


# ---------------------------------------------------------------------------------------------------------------
# Explorer
# ---------------------------------------------------------------------------------------------------------------

def test_explorer_two_indicators_three_geographies_shows_exactly_the_warehouse_rows(page, con):
    at = page("explorer", lang="en", indicators="egdi_value,egdi_rank", geo="NO,SE,FI")
    # one chart per unit (the charts tab is open first): an index and a rank never share an axis
    assert len(at.get("plotly_chart")) == 2 and not at.dataframe   # the table's tab has not run
    table = explorer_table(at)
    expected = con.execute("""
        SELECT indicator_id, geo, period, value FROM observations
        WHERE is_preferred AND breakdown = '' AND indicator_id IN ('egdi_value', 'egdi_rank') AND geo IN ('NO','SE','FI')
        ORDER BY indicator_id, geo, period""").df()
    assert len(expected) > 0
    shown = table[["indicator_id", "geo", "period", "value"]].sort_values(["indicator_id", "geo", "period"])
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), expected, check_dtype=False)
    assert set(table["geo_name"]) == {"Norway", "Sweden", "Finland"}
    assert not at.get("plotly_chart")   # and the charts' tab does not run beside the table's
    assert [m.value for m in at.multiselect[:2]] == [["egdi_value", "egdi_rank"], ["NO", "SE", "FI"]]


def test_explorer_deep_link_restores_the_same_view(page):
    params = {"lang": "en", "indicators": "egovbench_overall,egdi_rank", "geo": "DK,NO,EU27", "from": "2016",
              "to": "2023", "index": "2019"}
    first = page("explorer", **params)
    url = dict(first.query_params)
    assert {k: url[k] for k in params} == params
    again = page("explorer", **url)
    pd.testing.assert_frame_equal(explorer_table(first), explorer_table(again))
    assert [m.value for m in again.multiselect[:2]] == [["egovbench_overall", "egdi_rank"], ["DK", "NO", "EU27"]]
    assert [s.value for s in again.selectbox[:3]] == [2016, 2023, 2019]
    table = explorer_table(again)
    assert table["year"].between(2016, 2023).all()
    base = table[table["year"] == 2019]
    assert (base["index_value"] == 100).all() and len(base) > 0


def test_explorer_index_names_the_series_without_a_base_year(page, con):
    at = page("explorer", lang="en", indicators="egdi_rank", geo="NO,SE", index="2020")
    # Sweden has no 2020 EGDI rank in the snapshot; Norway has one
    (sweden_2020,), = con.execute("SELECT count(*) FROM observations WHERE indicator_id = 'egdi_rank' AND geo = 'SE' "
                                  "AND year = 2020 AND is_preferred").fetchall()
    assert sweden_2020 == 0
    warning = "\n".join(w.value for w in at.warning)
    assert "no value in the base year 2020" in warning and "Sweden" in warning
    table = explorer_table(at)
    assert set(table["geo"]) == {"NO"}
    assert table.loc[table["year"] == 2020, "index_value"].tolist() == [100.0]


def test_explorer_malformed_params_give_a_friendly_message_in_the_chosen_language(page):
    at = page("explorer", lang="en", indicators="egdi_value,no_such_thing", geo="NO,XX", to="abcd", index="1700",
              colour="red")
    warnings = "\n".join(w.value for w in at.warning)
    assert "«no_such_thing» in indicators, which does not exist" in warnings
    assert "«XX» in geo" in warnings
    assert "«abcd» in to is not a year" in warnings
    assert "1700" in warnings and "unknown parameter «colour»" in warnings
    assert at.multiselect[0].value == ["egdi_value"] and at.multiselect[1].value == ["NO"]
    assert at.query_params["indicators"] == "egdi_value"
    nb = page("explorer", lang="nb", indicators="no_such_thing")
    assert "som ikke finnes" in nb.warning[0].value


def test_explorer_breakdowns_where_the_data_have_them(page, con):
    row = con.execute("""SELECT indicator_id, breakdown FROM observations WHERE breakdown LIKE 'age=%' AND geo = 'NO'
                         AND is_preferred ORDER BY indicator_id, breakdown LIMIT 1""").fetchall()
    if not row:
        pytest.skip("no age breakdown in the snapshot")
    indicator_id, breakdown = row[0]
    at = page("explorer", lang="nb", indicators=indicator_id, geo="NO", breakdown=breakdown)
    table = explorer_table(at)
    assert set(table["breakdown"]) == {"", breakdown} or set(table["breakdown"]) == {breakdown}
    assert at.query_params["breakdown"] == breakdown


def test_explorer_downloads_hold_exactly_the_table(page, media):
    at = page("explorer", lang="nb", indicators="egdi_value,egovbench_overall", geo="NO,SE,DK")
    table = explorer_table(at)
    open_explorer_tab(at, "explorer_download")
    buttons = {b.proto.url.rsplit(".", 1)[-1] if "." in b.proto.url.rsplit("/", 1)[-1] else "parquet": b
               for b in at.download_button if b.proto.url}
    csv = media.file_bytes(buttons["csv"].proto.url)
    assert csv == table.to_csv(index=False).encode("utf-8")
    assert pd.read_csv(io.BytesIO(csv))["value"].tolist() == table["value"].tolist()
    xlsx = pd.read_excel(io.BytesIO(media.file_bytes(buttons["xlsx"].proto.url)), keep_default_na=False)
    assert xlsx["value"].tolist() == table["value"].tolist() and list(xlsx.columns) == list(table.columns)
    parquet = pd.read_parquet(io.BytesIO(media.file_bytes(buttons["parquet"].proto.url)))
    pd.testing.assert_frame_equal(parquet, table, check_dtype=False)


def test_bundle_has_every_table_and_a_bilingual_dictionary_from_the_schema(con, warehouse, monkeypatch):
    from etl.publish import exports
    from ui import bundle

    monkeypatch.setenv("MONITOR_WAREHOUSE", str(warehouse))
    # every warehouse table is in the bundle except the build's own bookkeeping (what changed since the previous
    # build, the live sources' fetch state and responses): a new table must be added here or to BUNDLE_TABLES
    stored = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert stored - set(BUNDLE_TABLES) == {"changes", "status_changes", "source_status", "raw_responses"}
    archive = zipfile.ZipFile(io.BytesIO(bundle.warehouse_bundle()))
    assert set(archive.namelist()) == {f"{n}.csv" for n in BUNDLE_TABLES} | {"data_dictionary.csv", "README.md"}
    tables = {n: con.execute(f'SELECT * FROM "{n}"').df() for n in BUNDLE_TABLES}
    # every published table is the published file, byte for byte (what `python -m etl publish` writes)
    for name in BUNDLE_TABLES:
        if name in bundle.PUBLISHED:
            assert archive.read(f"{name}.csv") == exports.table_csv(con, name), name
    for name in ("observations", "indicator_scores", "goal_scores", "movers"):
        frame = pd.read_csv(archive.open(f"{name}.csv"), keep_default_na=False)
        extra = list(exports.EXTRA_COLUMNS) if name == "observations" else []
        assert len(frame) == len(tables[name]) and list(frame.columns) == list(tables[name].columns) + extra
    dictionary = pd.read_csv(archive.open("data_dictionary.csv"), keep_default_na=False)
    for name in BUNDLE_TABLES:
        described = dictionary[dictionary["file"] == f"{name}.csv"]
        columns = list(pd.read_csv(archive.open(f"{name}.csv"), nrows=0).columns)
        assert list(described["column"]) == columns
        for row in described.itertuples():  # the one description: etl.schema (+ the published extra columns)
            assert (row.description_en, row.description_nb) == exports.describe(name, row.column)
    assert not dictionary["description_en"].str.contains("not yet described").any()
    assert not dictionary["description_nb"].str.contains("ikke beskrevet").any()
    origin_kind = dictionary[(dictionary["file"] == "observations.csv") & (dictionary["column"] == "origin_kind")]
    kinds = set(tables["observations"]["origin_kind"])
    assert kinds and all(k in origin_kind["description_en"].iloc[0] for k in kinds | {"curated", "live"})
    assert "snapshot" not in origin_kind["description_en"].iloc[0]
    assert tables["build"]["build_id"].iloc[0] in archive.read("README.md").decode("utf-8")
    # the pure function on any tables
    small = zipfile.ZipFile(io.BytesIO(bundle_zip({"goals": tables["goals"]}, {"build_id": "test", "built_at": "now"})))
    assert set(small.namelist()) == {"goals.csv", "data_dictionary.csv", "README.md"}
    assert list(data_dictionary({"goals": tables["goals"]})["column"]) == list(tables["goals"].columns)


def test_explorer_offers_the_published_file_of_each_chosen_indicator(page, media, con):
    from etl.publish import exports

    at = page("explorer", lang="en", indicators="egdi_value,egovbench_overall", geo="NO")
    assert not at.download_button   # the downloads' tab has not run
    open_explorer_tab(at, "explorer_download")
    published = {b.proto.label: b for b in at.download_button if b.proto.label.endswith(".csv")}
    assert set(published) == {"egdi_value.csv", "egovbench_overall.csv"}
    from ui import bundle
    assert bundle.indicator_csv("egdi_value") == exports.indicator_csv(con, "egdi_value")


def test_parse_state_keeps_the_valid_and_reports_the_rest():
    state, problems = parse_state({"indicators": "a,zz,b,a", "geo": "NO", "from": "2024", "to": "2015", "index": "x"},
                                  indicators=["a", "b"], geos=["NO", "SE"], years=list(range(2010, 2026)))
    assert state.indicators == ["a", "b"] and state.geos == ["NO"]
    assert (state.year_from, state.year_to, state.index_year) == (2015, 2024, None)
    assert {p.kind for p in problems} == {"unknown_value", "from_after_to", "bad_year"}
    assert ExplorerState(["a"], ["NO", "SE"], 2015, None, 2019).to_params() == {
        "indicators": "a", "geo": "NO,SE", "from": "2015", "index": "2019"}


def test_index_to_base_is_per_series():
    frame = pd.DataFrame({"indicator_id": ["x"] * 4, "geo": ["NO", "NO", "SE", "SE"], "breakdown": [""] * 4,
                          "year": [2019, 2020, 2020, 2021], "period": ["2019", "2020", "2020", "2021"],
                          "value": [50.0, 75.0, 10.0, 20.0]})
    indexed, missing = index_to_base(frame, 2019)
    assert indexed["index_value"].tolist() == [100.0, 150.0]
    assert missing == ["x|SE|"]


# ---------------------------------------------------------------------------------------------------------------
# SQL console
# ---------------------------------------------------------------------------------------------------------------

def test_sql_select_works_and_is_limited(con):
    frame, truncated = run_with_timeout(con, "SELECT indicator_id, value FROM observations WHERE geo = 'NO'")
    (n_norway,), = con.execute("SELECT count(*) FROM observations WHERE geo = 'NO'").fetchall()
    assert len(frame) == min(n_norway, ROW_LIMIT) and truncated == (n_norway > ROW_LIMIT)
    frame, truncated = run_with_timeout(con, "SELECT * FROM range(5000) t(i);")
    assert len(frame) == ROW_LIMIT and truncated
    frame, truncated = run_with_timeout(con, "-- the goals\nWITH g AS (SELECT * FROM goals) SELECT count(*) AS n FROM g")
    assert frame["n"].tolist() == [6] and not truncated
    for statement in ("DESCRIBE observations", "SHOW TABLES", "SUMMARIZE goals", "SELECT 'copy; attach' AS s"):
        assert len(run_with_timeout(con, statement)[0]) > 0


@pytest.mark.parametrize("sql, reason", [
    ("COPY observations TO 'out.csv'", "not_a_query"),
    ("ATTACH 'other.duckdb' AS other", "not_a_query"),
    ("SELECT * FROM read_csv('/etc/passwd')", "denied_function"),
    ("select * from read_csv_auto('/etc/passwd')", "denied_function"),
    ("SELECT * FROM '/etc/passwd'", "file_access"),
    ("INSTALL httpfs", "not_a_query"),
    ("LOAD httpfs", "not_a_query"),
    ("SET threads = 1", "not_a_query"),
    ("PRAGMA version", "not_a_query"),
    ("CREATE TABLE x AS SELECT 1", "not_a_query"),
    ("SELECT 1; DROP TABLE goals", "several_statements"),
    ("WITH a AS (SELECT 1) INSERT INTO goals SELECT * FROM a", "not_a_query"),
    ("SELECT getenv('HOME')", "denied_function"),
    ("", "empty"),
])
def test_sql_guard_refuses_anything_but_one_read_only_query(con, sql, reason):
    with pytest.raises(SqlRefused) as refused:
        check_sql(sql)
    assert refused.value.reason == reason
    with pytest.raises(SqlRefused):
        run_with_timeout(con, sql)


def test_sql_slow_query_is_interrupted_within_the_time_limit(con):
    from tests.test_security import _ready_worker
    _ready_worker()   # the limit counts from the query's start, not a worker's start on a busy machine
    started = time.perf_counter()
    with pytest.raises(SqlTimeout):
        run_with_timeout(con, "SELECT count(*) FROM range(100000000) a, range(100000) b", timeout=1.0)
    assert time.perf_counter() - started < 3.0
    assert run_with_timeout(con, "SELECT 42 AS answer")[0]["answer"].tolist() == [42]


def test_sql_page_refuses_copy_with_a_friendly_message(page):
    at = page("sql", lang="en")
    at.text_area(key="sql_text").set_value("COPY observations TO '/tmp/out.csv'")
    at.button[0].click().run()
    assert not at.exception
    assert "Only read-only queries" in at.error[0].value
    at.text_area(key="sql_text").set_value("SELECT * FROM range(2000)")
    at.button[0].click().run()
    assert "only the first 1,000 are shown" in at.warning[0].value
    assert len(at.dataframe[0].value) == ROW_LIMIT


# ---------------------------------------------------------------------------------------------------------------
# Comparison, life events, sources
# ---------------------------------------------------------------------------------------------------------------

def test_compare_shows_norways_ranks_with_a_reversed_axis_and_peer_values(page, con):
    at = page("compare", lang="en")
    text = page_text(at)
    ranks = con.execute("""SELECT indicator_id, arg_max(value, year) FROM observations WHERE geo = 'NO' AND is_preferred
                           AND breakdown = '' AND indicator_id IN ('egdi_rank', 'egovbench_rank', 'oecd_dgi_rank')
                           GROUP BY 1""").fetchall()
    assert ranks
    for _, latest in ranks:
        assert f"#{int(latest)}" in text
    chart = at.get("plotly_chart")[0]
    assert '"autorange":"reversed"' in chart.proto.spec.replace(" ", "")
    at = page("compare", lang="nb", indicator="egdi_value")
    (value,), = con.execute("SELECT value FROM observations WHERE indicator_id = 'egdi_value' AND geo = 'SE' "
                            "AND period = '2022' AND is_preferred").fetchall()
    assert format_value(value, "index", "nb") in page_text(at)


def test_life_events_link_indicators_and_say_no_indicator_yet(page, con):
    at = page("life_events", lang="en")
    text = page_text(at)
    events = con.execute("SELECT life_event_id FROM life_events").fetchall()
    linked = con.execute("SELECT indicator_id, life_events FROM indicators WHERE life_events <> ''").fetchall()
    with_indicator = {e for _, ids in linked for e in ids.split(";")}
    assert text.count("No indicator yet") == len([e for (e,) in events if e not in with_indicator])
    for indicator_id, _ in linked:
        assert f"indicator?indicator={indicator_id}&lang=en" in text
    assert "secondary source" in text


def test_sources_page_shows_the_last_refresh_from_source_status(tmp_path, monkeypatch):
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(build_with_status(tmp_path)))
    monkeypatch.delenv("MONITOR_MODE", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(PAGES["sources"]).run()
    assert not at.exception
    refresh = at.dataframe[1].value
    assert refresh["Source (API)"].tolist() == ["eurostat", "ssb"]
    assert refresh["Last success"].tolist() == ["2026-11-20 06:00 UTC", "never"]
    assert "offline" in refresh["Last error"].iloc[0]


def test_explorer_choices_made_on_the_page_go_into_the_link(page):
    at = page("explorer", lang="en", indicators="egdi_value", geo="NO,SE")
    at.multiselect(key="explorer_geos").set_value(["NO", "DK"]).run()
    at.selectbox(key="explorer_index").set_value(2018).run()
    assert at.query_params["geo"] == "NO,DK" and at.query_params["index"] == "2018"
    again = page("explorer", **dict(at.query_params))
    pd.testing.assert_frame_equal(explorer_table(at), explorer_table(again))
    at.multiselect(key="explorer_geos").set_value([]).run()
    assert at.query_params["geo"] == ""
    emptied = page("explorer", **dict(at.query_params))
    assert emptied.multiselect[1].value == [] and "Choose at least one" in emptied.info[0].value


# ---------------------------------------------------------------------------------------------------------------
# Comparison: like for like (issue 9) — the same period as the level score, bounds as bounds, no trend across a
# method change
# ---------------------------------------------------------------------------------------------------------------

def _markdown_tables(at: AppTest) -> list[list[dict[str, str]]]:
    import re

    tables = []
    for block in (part for element in at.markdown for part in element.value.split("\n\n")):
        lines = block.strip().splitlines()
        if len(lines) < 2 or not lines[0].startswith("| ") or not lines[1].startswith("|---"):
            continue
        split = lambda line: [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]  # noqa: E731
        header = split(lines[0])
        tables.append([dict(zip(header, split(line))) for line in lines[2:]])
    return tables


def _linked_indicator(cell: str) -> str:
    import re

    return re.search(r"\?indicator=([A-Za-z0-9_]+)", cell).group(1)


def _shows(cell: str, value: float, lang: str) -> bool:
    """The cell's first number is `value` at the precision shown (whatever the number of decimals)."""
    import re

    match = re.search(r"[0-9][0-9\u00a0,.]*", cell)
    if not match:
        return False
    digits = match.group(0).replace("\u00a0", "").rstrip(".,")
    digits = digits.replace(",", "") if lang == "en" else digits.replace(",", ".")
    places = len(digits.split(".")[1]) if "." in digits else 0
    return abs(float(digits) - float(value)) <= 0.5 * 10 ** -places + 1e-9


def test_the_compare_pages_peers_and_bounds_are_the_scorings():
    from indicators.method import METHOD
    from ui.comparable import BOUND_TEXTS, PEER_GEOS

    assert ["NO", *PEER_GEOS] == list(METHOD.peer_geos)
    assert set(BOUND_TEXTS) == set(METHOD.non_exact_flags)


def test_compare_table_sets_norways_scored_value_beside_the_peers_of_the_same_period(page, con):
    """Each row: Norway's latest scored value (indicator_scores) and, per peer, the value its level score compared
    with (indicator_score_peers) — never a peer's value from another year, never a bound as a value; a peer without
    a figure for Norway's period is '–' and named with its latest period."""
    from ui.comparable import PEER_GEOS
    from ui.i18n import geo_name, t

    at = page("compare", lang="nb")
    table = next(tb for tb in _markdown_tables(at) if tb and t("compare_col_other", "nb") in tb[0])
    scores = con.execute("SELECT * FROM indicator_scores WHERE geo = 'NO'").df().set_index("indicator_id")
    peers = con.execute("SELECT * FROM indicator_score_peers WHERE geo = 'NO'").df()
    obs = con.execute("SELECT indicator_id, geo, period, year, value, coalesce(flags, '') AS flags FROM observations "
                      "WHERE is_preferred AND breakdown = ''").df()
    checked = 0
    rows = {}
    for row in table:
        indicator_id = _linked_indicator(row[t("col_indicator", "nb")])
        rows[indicator_id] = row
        score = scores.loc[indicator_id]
        if pd.isna(score["latest_value"]):
            continue
        assert row[t("col_period", "nb")] == score["latest_period"], indicator_id
        assert _shows(row[geo_name("NO", "nb")], score["latest_value"], "nb"), (indicator_id, row)
        for geo in PEER_GEOS:
            cell = row[geo_name(geo, "nb")]
            peer = peers[(peers["indicator_id"] == indicator_id) & (peers["peer_geo"] == geo)]
            same = obs[(obs["indicator_id"] == indicator_id) & (obs["geo"] == geo) & (obs["period"] == score["latest_period"])]
            if not peer.empty:
                assert _shows(cell, peer["peer_value"].iloc[0], "nb"), (indicator_id, geo, cell)
            elif not same.empty:  # left out of the score: only a bound
                assert "lower_bound" in same["flags"].iloc[0] and cell.startswith("over "), (indicator_id, geo, cell)
            else:
                assert cell == "–", (indicator_id, geo, cell)
                others = obs[(obs["indicator_id"] == indicator_id) & (obs["geo"] == geo)].sort_values("year")
                if not others.empty:
                    assert f"{geo_name(geo, 'nb')} ({others['period'].iloc[-1]})" in row[t("compare_col_other", "nb")]
        checked += 1
    assert checked >= 30
    # the audit's rows, with the real figures: the OECD DGI in 2025 beside the OECD average of 2025, not 2023 peers
    dgi = rows["oecd_dgi_composite"]
    assert dgi[t("col_period", "nb")] == "2025" and _shows(dgi["Norge"], 0.83, "nb") and _shows(dgi["OECD-snitt"], 0.70, "nb")
    assert dgi["Sverige"] == dgi["Danmark"] == dgi["Finland"] == "–"
    assert "Sverige (2023)" in dgi[t("compare_col_other", "nb")]
    # OURdata's pillars: Norway 2024, the peers only 2022
    ourdata = rows["oecd_ourdata_data_availability"]
    assert ourdata[t("col_period", "nb")] == "2024" and ourdata["Sverige"] == "–"
    # "Har kommunisert digitalt": Norway's 92 % of 2021, not 2016's 'over 80 %' lower bounds as values
    interaction = rows["eurostat_egov_interaction_12m"]
    assert interaction[t("col_period", "nb")] == "2021" and _shows(interaction["Norge"], 92, "nb")
    assert interaction["Danmark"] == interaction["Finland"] == "–"
    assert "Danmark (2016)" in interaction[t("compare_col_other", "nb")]
    # the source of Norway's figure is linked
    assert "(https://www.digdir.no/rikets-digitale-tilstand/mal-3/3517)" in interaction[t("col_source", "nb")]


def test_compare_detail_shows_a_lower_bound_as_a_bound(page, con):
    at = page("compare", lang="nb", indicator="eurostat_egov_interaction_12m")
    bounds = con.execute("""SELECT geo, value FROM observations WHERE indicator_id = 'eurostat_egov_interaction_12m'
                            AND period = '2016' AND is_preferred AND breakdown = '' AND flags LIKE '%lower_bound%'""").fetchall()
    assert {g for g, _ in bounds} == {"NO", "DK", "FI"}
    table = next(tb for tb in _markdown_tables(at) if tb and "Danmark" in tb[0] and "Indikator" not in tb[0])
    row = next(r for r in table if r["Periode"] == "2016")
    for geo in ("Norge", "Danmark", "Finland"):
        assert row[geo] == "over " + format_value(80, "percent", "nb"), row
    summary = next(m.value for m in at.markdown if m.value.startswith("**Norge gikk"))
    assert "Danmark 80" not in summary and "2021" in summary


def test_compare_rank_sentences_trend_over_the_comparable_segment_and_name_the_method_change(page, con):
    """'OECD DGI: from 13th in 2019 to 4th in 2023' crossed the break the catalogue declares (comparable from 2023):
    each ranking's sentence is the change its score measured, and says that earlier places are from before a
    method change; the chart marks each break."""
    import json

    from ui.i18n import t

    at = page("compare", lang="nb")
    sentence = next(m.value for m in at.markdown if "EGDI:" in m.value)
    scores = con.execute("SELECT * FROM indicator_scores WHERE geo = 'NO' AND indicator_id IN "
                         "('egdi_rank', 'egovbench_rank', 'oecd_dgi_rank')").df().set_index("indicator_id")
    rank = lambda v: format_value(v, "rank", "nb")  # noqa: E731
    for indicator_id, score in scores.iterrows():
        first = con.execute("SELECT period FROM observations WHERE indicator_id = ? AND geo = 'NO' AND is_preferred "
                            "AND breakdown = '' ORDER BY year, period LIMIT 1", [indicator_id]).fetchone()[0]
        assert pd.notna(score["comparable_from_period"]) and first != score["comparable_from_period"]
        assert t("summary_earlier_not_comparable", "nb", first_period=first,
                 from_period=score["comparable_from_period"]) in sentence, indicator_id
        if pd.notna(score["base_period"]):
            assert t("summary_trend", "nb", first=rank(score["base_value"]), first_year=score["base_period"],
                     last=rank(score["latest_value"]), last_year=score["latest_period"]) in sentence
        else:
            assert t("summary_single", "nb", last=rank(score["latest_value"]), last_year=score["latest_period"]) in sentence
    # the audit's figures
    assert "fra 17. i 2022 til 15. i 2024" in sentence and "fra 13. i 2014" not in sentence
    assert "hadde 4. i 2023" in sentence and "fra 13. i 2019" not in sentence
    assert "fra 11. i 2019-2020 til 11. i 2022-2023" in sentence and "fra 8. i 2016-2017" not in sentence
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert sorted(s["x0"] for s in spec["layout"]["shapes"]) == [2018.5, 2021.5, 2022.5]
    assert any(a["text"].endswith(t("chart_break", "nb", period="2023")) for a in spec["layout"]["annotations"])
