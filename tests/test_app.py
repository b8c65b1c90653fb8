"""The app rendered with streamlit's AppTest against a warehouse built from the real catalogue and curated files.

The pages show what the build stored: every expectation below is read from the warehouse's score tables
(indicator_scores, indicator_score_peers, goal_scores, goal_score_history, movers, changes, status_changes),
never hard-coded, and never recomputed with the scoring code.
"""
from __future__ import annotations

import ast
import csv
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, page_text
from ui.i18n import format_change, format_number, t, tn
from ui.page import md
from ui.scores import LABEL_COLOURS, LABEL_ICONS, STATUS_ICONS

APP = str(ROOT / "app.py")
# Emoji and pictographs (and the variation selector that makes a symbol an emoji): they need an emoji font.
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F]")
STORED = ("indicator_scores", "indicator_score_peers", "goal_scores", "goal_score_history", "movers", "indicators",
          "units", "goals", "build", "changes", "status_changes")


def read_tables(warehouse: Path, folder: Path) -> dict[str, pd.DataFrame]:
    copy = folder / "copy.duckdb"  # the app holds the original open with its own configuration
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        return {name: con.execute(f'SELECT * FROM "{name}"').df() for name in STORED}


@pytest.fixture(scope="module")
def stored(real_warehouse, tmp_path_factory) -> dict[str, pd.DataFrame]:
    return read_tables(real_warehouse, tmp_path_factory.mktemp("stored"))


@pytest.fixture(scope="module")
def kinds(stored) -> dict[str, str]:
    units = stored["units"].set_index("unit_id")["kind"]
    return stored["indicators"].set_index("indicator_id")["unit_id"].map(units).to_dict()


def norway(stored, table: str) -> pd.DataFrame:
    frame = stored[table]
    return frame[frame["geo"] == "NO"]


def scored_changes(stored) -> pd.DataFrame:
    """Norway's indicators whose score has a change (and the base period it is measured from)."""
    scores = norway(stored, "indicator_scores")
    return scores[scores["change"].notna() & scores["base_period"].notna()]


def sign_of(change: float) -> str:
    return "+" if change > 0 else ("\u2212" if change < 0 else "±")


def assert_change_shown(shown: str, change: float, kind: str, lang: str, what: str) -> None:
    """The displayed change has the stored change's sign: '+'/'−' before the number, or for a rank (a higher
    number is a worse place) '↓ n places down' for a positive change and '↑ n places up' for a negative one."""
    number = format_number(abs(change), lang)
    if kind == "rank":
        key = "rank_down" if change > 0 else ("rank_up" if change < 0 else "rank_same")
        expected = t(key, lang) if key == "rank_same" else tn(key, lang, abs(change), n=number)
        assert shown == expected and shown[0] == {"rank_down": "↓", "rank_up": "↑", "rank_same": "±"}[key], (what, shown, change)
        if abs(change) == 1:  # one place, not «1 plasser» / "1 places"
            assert ("1 plass " in shown) if lang == "nb" else ("1 place " in shown), shown
    else:
        assert shown.startswith(sign_of(change) + number), (what, shown, change)
        assert shown == format_change(change, kind, lang), (what, shown)


def assert_rounded_change_shown(shown: str, change: float, kind: str, lang: str, what: str) -> None:
    """On the summary pages the change is shown at the publisher's precision: the stored change's sign, and the
    number is the stored change rounded to the decimals shown (never another figure)."""
    if kind == "rank":
        assert_change_shown(shown, change, kind, lang, what)
        return
    match = re.match(r"^([+\u2212±])([0-9\u00a0,.]+)", shown)
    assert match, (what, shown)
    assert match.group(1) == sign_of(round(change, 6)) or (match.group(2).strip("0,.") == "" and match.group(1) == "±"), (what, shown, change)
    digits = match.group(2).replace("\u00a0", "")
    digits = digits.replace(",", "") if lang == "en" else digits.replace(",", ".")
    places = len(digits.split(".")[1]) if "." in digits else 0
    assert abs(float(digits) - abs(change)) <= 0.5 * 10 ** -places + 1e-9, (what, shown, change)


def as_of_words(row, lang: str) -> str:
    """An as-of year as the pages must say it: when the figures were published by, and the year their data end."""
    if pd.isna(row["data_to_year"]):
        return t("as_of_only", lang, year=int(row["as_of"]))
    return t("as_of_when", lang, year=int(row["as_of"]), data_year=int(row["data_to_year"]))


def history_words(first, last, lang: str) -> str:
    return t("score_trend_text", lang, first_when=as_of_words(first, lang), first=format_number(first["score"], lang, 2),
             last_when=as_of_words(last, lang), last=format_number(last["score"], lang, 2),
             n_first=int(first["n_indicators"]), n_last=int(last["n_indicators"]))


def status_words(status: str, lang: str) -> str:
    return f"{STATUS_ICONS[status]} {t('status_' + status, lang)}"


def label_words(label, lang: str) -> str:
    return t("label_none", lang) if pd.isna(label) else f"{LABEL_ICONS[label]} {t('label_' + label, lang)}"


def markdown_tables(at: AppTest) -> list[list[dict[str, str]]]:
    """Every Markdown table on the page as a list of rows (header → cell text, links kept as Markdown)."""
    tables = []
    for block in (part for element in at.markdown for part in element.value.split("\n\n")):
        lines = block.strip().splitlines()
        if len(lines) < 2 or not lines[0].startswith("| ") or not lines[1].startswith("|---"):
            continue
        split = lambda line: [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]  # noqa: E731
        header = split(lines[0])
        tables.append([dict(zip(header, split(line))) for line in lines[2:]])
    return tables


def linked_id(cell: str, param: str) -> str | None:
    match = re.search(rf"\?{param}=([A-Za-z0-9_]+)", cell)
    return match.group(1) if match else None


@pytest.fixture
def app(app_warehouse, monkeypatch):
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(app_warehouse))
    monkeypatch.delenv("MONITOR_MODE", raising=False)

    def run(page: str | None = None, **params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if page is not None:
            at.switch_page(page).run()
            assert not at.exception, [e.value for e in at.exception]
        return at

    return run


# ---------------------------------------------------------------------------------------------------------------
# Pages read the score tables; no scoring code behind the pages
# ---------------------------------------------------------------------------------------------------------------

def test_no_page_or_ui_module_imports_the_scoring_code():
    offenders = []
    for path in [ROOT / "app.py", *sorted(ROOT.glob("pages/*.py")), *sorted(ROOT.glob("ui/**/*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n == "indicators" or n.startswith("indicators.")]
    assert not offenders, offenders


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("page", [{}, {"goal": "G3"}, {"indicator": "egdi_value"}, "pages/assessment.py",
                                  "pages/report.py"])
def test_every_page_renders_in_both_languages(app, lang, page):
    at = app(page, lang=lang) if isinstance(page, str) else app(lang=lang, **page)
    assert at.title, "page has a title"
    assert at.sidebar.radio[0].value == lang


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_indicator_page_shows_the_scored_change_with_its_sign_and_base(app, stored, kinds, lang, monkeypatch):
    """For every indicator: the change beside the status is indicator_scores.change since base_period."""
    # one scripted session walks through every indicator faster than a person could: no rate limit for it
    monkeypatch.setattr("ui.page.take_token", lambda bucket, now, **_: ({"tokens": 1, "at": now, "refused": 0}, True))
    scores = norway(stored, "indicator_scores").set_index("indicator_id")
    with_change = set(scored_changes(stored)["indicator_id"])
    assert with_change, "the warehouse has scored changes"
    ids = list(stored["indicators"]["indicator_id"])
    at = app(lang=lang, indicator=ids[0])
    checked = 0
    for indicator_id in ids:
        if at.selectbox(key="indicator_select").value != indicator_id:
            at.selectbox(key="indicator_select").set_value(indicator_id).run()
        assert not at.exception, (indicator_id, [e.value for e in at.exception])
        row = scores.loc[indicator_id]
        metrics = {m.label: m.value for m in at.metric}
        change_labels = [label for label in metrics if label.startswith(t("headline_change", lang, year=""))]
        text = page_text(at)
        assert f"{t('col_status', lang)}:** {status_words(row['status'], lang)}" in text, indicator_id
        if indicator_id not in with_change:
            assert not change_labels, (indicator_id, metrics)
            continue
        assert change_labels == [t("headline_change", lang, year=row["base_period"])], (indicator_id, metrics)
        shown = metrics[change_labels[0]]
        assert_rounded_change_shown(shown, row["change"], kinds[indicator_id], lang, indicator_id)
        latest = f"{t('headline_latest', lang)} ({row['latest_period']})"
        assert latest in metrics, (indicator_id, metrics)
        # "How was this calculated" starts from the same base and latest periods
        assert f"({row['base_period']})" in text and f"({row['latest_period']})" in text
        checked += 1
    assert checked == len(with_change)


def test_indicator_explanation_reads_the_stored_score_and_peers(app, stored, kinds):
    scores = norway(stored, "indicator_scores")
    peers = norway(stored, "indicator_score_peers")
    with_peers = scores[(scores["level_basis"] == "peers") & scores["score"].notna()]
    assert len(with_peers) > 0
    row = with_peers.iloc[0]
    at = app(lang="en", indicator=row["indicator_id"])
    text = page_text(at)
    own = peers[peers["indicator_id"] == row["indicator_id"]]
    assert f"at least as good as {int(row['n_peers_matched'])} of {int(row['n_peers'])} comparator" in text  # comparator(s): singular for one
    assert int(own["own_at_least_as_good"].sum()) == int(row["n_peers_matched"]) and len(own) == int(row["n_peers"])
    for peer in own.itertuples():
        assert f"({peer.peer_period})" in text
    assert (f"= mean of development score {format_number(row['development_score'], 'en', 2)} and level score "
            f"{format_number(row['level_score'], 'en', 2)} = {format_number(row['score'], 'en', 2)}") in text


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_goal_tables_show_the_scored_change_base_and_status(app, stored, kinds, lang):
    scores = norway(stored, "indicator_scores").set_index("indicator_id")
    with_change = set(scored_changes(stored)["indicator_id"])
    seen = set()
    for goal_id in stored["goals"]["goal_id"]:
        at = app(lang=lang, goal=goal_id)
        table = next(tb for tb in markdown_tables(at) if tb and t("col_since", lang) in tb[0])
        for cells in table:
            indicator_id = linked_id(cells[t("col_indicator", lang)], "indicator")
            row = scores.loc[indicator_id]
            seen.add(indicator_id)
            change, since = cells[t("col_change", lang)], cells[t("col_since", lang)]
            if indicator_id in with_change:
                assert_rounded_change_shown(change, row["change"], kinds[indicator_id], lang, indicator_id)
                assert since == row["base_period"], (indicator_id, since)
            else:
                assert (change, since) == ("–", "–"), indicator_id
            assert cells[t("col_status", lang)] == status_words(row["status"], lang)
            score = "–" if pd.isna(row["score"]) else format_number(row["score"], lang, 2)
            assert cells[t("col_score", lang)].split(" · ")[0] == score  # then the "not counted" marker, if any
        assert_goal_table_agrees_with_the_scores(at, stored, goal_id, lang)
    assert seen == set(stored["indicators"]["indicator_id"])


def test_movers_appear_in_the_movers_tables_order(app, stored):
    movers = norway(stored, "movers").sort_values(["goal_id", "rank"])
    assert len(movers) > 0
    for goal_id, expected in movers.groupby("goal_id"):
        at = app(lang="en", goal=goal_id)
        line = next(m.value for m in at.markdown if m.value.startswith(f"**{t('movers', 'en')}:**"))
        shown = re.findall(r"\(indicator\?indicator=([A-Za-z0-9_]+)&lang=en\) \(([^)]+)\)", line)
        assert shown == [(r.indicator_id, t(f"movers_{r.direction}", "en")) for r in expected.itertuples()], goal_id


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_goal_page_shows_the_stored_score_label_explanation_and_neighbours(app, stored, lang):
    goals = stored["goal_scores"].set_index(["geo", "goal_id"])
    for goal_id in stored["goals"]["goal_id"]:
        goal = goals.loc[("NO", goal_id)]
        at = app(lang=lang, goal=goal_id)
        text = page_text(at)
        # a heading: the label in words, without an icon (its name would be read and put in the anchor)
        score_line = t("goal_score", lang, score=format_number(goal["score"], lang, 2), label=t(f"label_{goal['label']}", lang))
        assert f"### {score_line}" in [m.value for m in at.markdown], goal_id
        n, excluded = int(goal["n_indicators"]), int(goal["n_excluded"])
        assert tn("explain_goal", lang, n, n=n, weight=format_number(goal["total_weight"], lang),
                  score=format_number(goal["score"], lang, 2)) + " " + tn("explain_excluded", lang, excluded,
                                                                          excluded=excluded) in text
        # "how was this calculated" lists exactly the indicators the score is the mean of (counted, with a score)
        weight = t("col_weight", lang).lower()
        pattern = r"^\*\*\[[^\]]+\]\(indicator\?indicator=([A-Za-z0-9_]+)&lang=" + lang + r"\)\*\* \(" + re.escape(weight) + " "
        listed = re.findall(pattern, text, flags=re.M)
        members = norway(stored, "indicator_scores")
        members = members[(members["goal_id"] == goal_id) & members["score"].notna() & members["counted"]]
        assert sorted(listed) == sorted(members["indicator_id"]) and len(listed) == int(goal["n_indicators"]), goal_id
        # the history's first and last scores say what each rests on (not like for like)
        past = norway(stored, "goal_score_history")
        past = past[(past["goal_id"] == goal_id) & past["score"].notna()].sort_values("as_of")
        first, last = past.iloc[0], past.iloc[-1]
        assert history_words(first, last, lang) in text, goal_id
        assert f"**{t('assess_lfl_score_title', lang)}:** " in text, goal_id  # ... and like for like beside it
        neighbours = next(tb for tb in markdown_tables(at) if tb and t("col_geo", lang) in tb[0])
        for cells, geo in zip(neighbours, ("NO", "SE", "DK", "FI")):
            assert cells[t("col_geo", lang)] == t(f"geo_{geo}", lang)
            if (geo, goal_id) in goals.index and pd.notna(goals.loc[(geo, goal_id), "score"]):
                assert cells[t("col_score", lang)] == format_number(goals.loc[(geo, goal_id), "score"], lang, 2)
                assert cells[t("col_label", lang)] == label_words(goals.loc[(geo, goal_id), "label"], lang)
            else:
                assert cells[t("col_score", lang)] == "–"


def cards_of(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("### ") and "-badge[" in m.value]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_overview_cards_show_the_stored_scores_changes_trend_and_freshness(app, stored, real_warehouse, tmp_path, lang):
    at = app(lang=lang)
    goals = norway(stored, "goal_scores").set_index("goal_id")
    history = norway(stored, "goal_score_history")
    history = history[history["score"].notna()].sort_values("as_of")
    confidence = read_extra(real_warehouse, tmp_path, "goal_confidence").query("geo == 'NO'").set_index("goal_id")
    members = norway(stored, "indicator_scores")
    cards = cards_of(at)
    assert len(cards) == len(stored["goals"]) == 6
    for card, goal_row in zip(cards, stored["goals"].sort_values("number").itertuples()):
        goal = goals.loc[goal_row.goal_id]
        assert card.startswith(f"### {t('goal_n', lang, n=goal_row.number)} · {getattr(goal_row, f'short_{lang}')}")
        badge = f":{LABEL_COLOURS[goal['label']]}-badge[{LABEL_ICONS[goal['label']]} {t('label_' + goal['label'], lang)}]"
        assert badge + " " + t("card_score", lang, score=format_number(goal["score"], lang, 2)) in card
        past = history[history["goal_id"] == goal_row.goal_id]
        latest = int(past["as_of"].max())
        before = past[past["as_of"] == latest - 1].iloc[0]
        delta = round(goal["score"] - before["score"], 2) + 0.0
        sign = "+" if delta > 0 else ("\u2212" if delta < 0 else "±")
        icon = {"+": ":material/trending_up:", "\u2212": ":material/trending_down:", "±": ":material/trending_flat:"}[sign]
        assert t("card_change", lang, icon=icon, change=f"{sign}{format_number(abs(delta), lang, 2)}", year=latest - 1,
                 previous=format_number(before["score"], lang, 2), label=label_words(before["label"], lang)) in card
        first, last = past.iloc[0], past.iloc[-1]
        trend = history_words(first, last, lang)
        # the line (hidden from screen readers) and the same numbers once, in words
        assert '<svg aria-hidden="true"' in card and card.count(trend) == 1 and f"\n\n{trend}  \n" in card
        assert tn("card_basis", lang, int(goal["n_indicators"]), n=int(goal["n_indicators"])) in card
        conf = confidence.loc[goal_row.goal_id]
        own = members[(members["goal_id"] == goal_row.goal_id) & members["score"].notna() & members["counted"]]
        assert f"{tn('card_fresh', lang, int(conf['n_indicators']), year=int(own['latest_year'].max()), n_recent=int(conf['n_recent']), n=int(conf['n_indicators']), share='X', from_year=int(conf['recent_from_year'])).split('X')[0]}" in card
        assert (t("card_fragile", lang) if conf["loo_label_changes"] else t("card_robust", lang)) in card
    assert [p.proto.label for p in at.get("page_link") if p.proto.label.startswith(t("open_goal", lang, n=""))] == [
        t("open_goal", lang, n=n) for n in range(1, 7)]
    table = next(tb for tb in markdown_tables(at) if tb and t("col_as_of", lang) in tb[0])
    assert [c[t("col_as_of", lang)] for c in table] == [str(int(y)) for y in sorted(norway(stored, "goal_score_history")["as_of"].unique())]
    text = page_text(at)
    assert t("changes_first_build", lang) in text  # one build: nothing to compare with
    assert not EMOJI.findall(text + "".join(p.proto.icon for p in at.get("page_link"))), "no emoji needed"


def read_extra(warehouse: Path, folder: Path, table: str) -> pd.DataFrame:
    copy = folder / f"{table}.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        return con.execute(f'SELECT * FROM "{table}"').df()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_goal_report_prints_the_stored_score_history_and_indicators(app, stored, lang):
    goal_id = "G4"
    at = app("pages/report.py", lang=lang, goal=goal_id)
    assert "@media print" in " ".join(h.proto.body for h in at.get("html"))
    goal = norway(stored, "goal_scores").set_index("goal_id").loc[goal_id]
    markdown = [m.value for m in at.markdown]
    assert f"### {t('goal_score', lang, score=format_number(goal['score'], lang, 2), label=t('label_' + goal['label'], lang))}" in markdown
    history = norway(stored, "goal_score_history")
    history = history[(history["goal_id"] == goal_id) & history["score"].notna()].sort_values("as_of")
    table = next(tb for tb in markdown_tables(at) if tb and t("col_as_of", lang) in tb[0])
    assert [(c[t("col_as_of", lang)], c[t("col_score", lang)]) for c in table] == [
        (str(int(r.as_of)), format_number(r.score, lang, 2)) for r in history.itertuples()]
    members = stored["indicators"][stored["indicators"]["goal_id"] == goal_id]["indicator_id"]
    text = page_text(at)
    assert all(f"indicator?indicator={i}&lang={lang}" in text for i in members)
    assert stored["build"]["build_id"].iloc[0] in text


# ---------------------------------------------------------------------------------------------------------------
# What changed: the changes and status_changes tables of a second build
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rebuilt_warehouse(stored, tmp_path_factory) -> Path:
    """The real warehouse rebuilt after one of Norway's latest figures was halved in a copy of the curated files
    (a test edit, not real data), so the second build has changes and a changed trend status."""
    from etl.build import build_warehouse

    folder = tmp_path_factory.mktemp("rebuilt")
    curated = folder / "curated"
    shutil.copytree(ROOT / "data" / "curated", curated)
    scores = norway(stored, "indicator_scores").merge(stored["indicators"][["indicator_id", "direction"]])
    target_row = scores[(scores["status"] == "substantial_progress") & (scores["direction"] == "higher")
                        & scores["target_value"].isna()].iloc[0]
    target = folder / "warehouse.duckdb"
    kwargs = {"catalog_path": ROOT / "indicators" / "catalog.toml", "live_dir": ROOT / "data" / "live"}
    build_warehouse(target, curated_dir=curated, **kwargs)
    edited = 0
    for path in sorted(curated.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        header = rows[0]
        col = {name: n for n, name in enumerate(header)}
        for row in rows[1:]:
            if (row[col["indicator_id"]], row[col["geo"]], row[col["breakdown"]], row[col["period"]]) == (
                    target_row["indicator_id"], "NO", "", target_row["latest_period"]):
                row[col["value"]] = repr(float(target_row["base_value"]) / 2)
                edited += 1
        if edited:
            with path.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle, lineterminator="\n").writerows(rows)
            break
    assert edited
    build_warehouse(target, curated_dir=curated, **kwargs)
    return target


def test_what_changed_reads_the_changes_and_status_changes_tables(rebuilt_warehouse, tmp_path, monkeypatch):
    tables = read_tables(rebuilt_warehouse, tmp_path)
    changes, statuses = tables["changes"], tables["status_changes"]
    statuses = statuses[statuses["geo"] == "NO"]
    assert len(changes) > 0 and len(statuses) > 0, "the second build changed a figure and a status"
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(rebuilt_warehouse))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    counts = changes["change_kind"].value_counts()
    assert t("changes_summary", "en", new=int(counts.get("new", 0)), changed=int(counts.get("changed", 0)),
             statuses=len(statuses), build_id=tables["build"]["build_id"].iloc[0]) in text
    status_table = next(tb for tb in markdown_tables(at) if tb and t("col_new_status", "en") in tb[0])
    assert [(linked_id(c[t("col_indicator", "en")], "indicator"), c[t("col_old_status", "en")],
             c[t("col_new_status", "en")]) for c in status_table] == [
        (r.indicator_id, status_words(r.old_status, "en"), status_words(r.new_status, "en"))
        for r in statuses.sort_values("indicator_id").itertuples()]


# ---------------------------------------------------------------------------------------------------------------
# Other pages and URL handling
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, heading", [("nb", "Utviklingsstatus"), ("en", "Trend status")])
def test_method_page_exists_in_both_languages(app, lang, heading):
    at = app("pages/method.py", lang=lang)
    text = page_text(at)
    assert heading in text and ("0.95" in text or "0,95" in text)
    assert ("ikke Digdirs" in text) if lang == "nb" else ("not Digdir's" in text)


def test_indicator_page_shows_the_published_egdi_2022_value(app):
    at = app(lang="en", indicator="egdi_value")
    table = at.dataframe[0].value
    norway_2022 = table[(table["Country/area"] == "Norway") & (table["Period"] == "2022")]
    assert list(norway_2022["Value"]) == ["0.8879"]
    assert "github.com/pluralitybook/plurality" in norway_2022["Source link"].iloc[0]  # the copy it was read from


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
    from ui import nav

    assert all(spec.url_path == Path(spec.path).stem for spec in nav.PAGES)


def test_every_status_label_and_level_basis_the_schema_names_has_an_icon_and_text():
    from etl.schema import INDICATOR_SCORES

    status_doc = next(c for c in INDICATOR_SCORES if c.name == "status").en
    statuses = re.findall(r"[a-z]+(?:_[a-z]+)+|stable", status_doc.split(":", 1)[1])
    assert "insufficient_data" in statuses and len(statuses) >= 6
    for status in statuses:
        assert status in STATUS_ICONS, status
        for lang in ("nb", "en"):
            assert t(f"status_{status}", lang)
    for label in ("god", "middels", "mindre god"):
        assert label in LABEL_ICONS and t(f"label_{label}", "en")


# ---------------------------------------------------------------------------------------------------------------
# Leaders' view: icons without emoji, the final assessment, how sure, precision
# ---------------------------------------------------------------------------------------------------------------

def test_every_status_and_label_reads_as_a_material_icon_and_words_without_emoji():
    from ui.scores import label_badge, label_text, status_text

    for status, icon in STATUS_ICONS.items():
        assert re.fullmatch(r":material/[a-z_]+:", icon), status
        for lang in ("nb", "en"):
            shown = status_text(status, lang)
            assert shown == f"{icon} {t('status_' + status, lang)}" and not EMOJI.search(shown)
    assert len(set(STATUS_ICONS.values())) == len(STATUS_ICONS), "each status its own icon"
    for label in ("god", "middels", "mindre god"):
        for lang in ("nb", "en"):
            assert label_text(label, lang) == f"{LABEL_ICONS[label]} {t('label_' + label, lang)}"
            assert t("label_" + label, lang) in label_badge(label, lang) and not EMOJI.search(label_badge(label, lang))
    assert len(set(LABEL_ICONS.values())) == 3


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_final_assessment_page_shows_start_end_confidence_and_the_successor(app, stored, real_warehouse, tmp_path, lang):
    at = app("pages/assessment.py", lang=lang)
    text = page_text(at)
    assert "«Fremtidens digitale Norge» (2024–2030)" in text
    assert "https://regjeringen.no/en/dokumenter/the-digital-norway-of-the-future/id3054645/" in text
    assert ("ikke Digdirs vurdering" in text) if lang == "nb" else ("not Digdir's assessment" in text)
    history = norway(stored, "goal_score_history")
    history = history[history["score"].notna()].sort_values("as_of")
    confidence = read_extra(real_warehouse, tmp_path, "goal_confidence").query("geo == 'NO'").set_index("goal_id")
    period = read_extra(real_warehouse, tmp_path, "goal_period_scores").query("geo == 'NO'").set_index("goal_id")
    summary = next(tb for tb in markdown_tables(at) if tb and t("assess_end", lang) in tb[0])
    assert len(summary) == 6
    for cells, goal_id in zip(summary, sorted(stored["goals"]["goal_id"])):
        past = history[history["goal_id"] == goal_id]
        start, end = past[past["as_of"] >= 2019].iloc[0], past[past["as_of"] <= 2025].iloc[-1]
        assert cells[t("assess_col_start", lang)].startswith(f"{format_number(start['score'], lang, 2)} ({int(start['as_of'])}, n={int(start['n_indicators'])})")
        assert cells[t("assess_end", lang)].startswith(f"{format_number(end['score'], lang, 2)} ({int(end['as_of'])}")
        assert cells[t("col_label", lang)] == label_words(end["label"], lang)
        same = period.loc[goal_id]
        assert cells[t("assess_col_same", lang)] == (f"{format_number(same['start_score'], lang, 2)} → "
                                                     f"{format_number(same['end_score'], lang, 2)} "
                                                     f"(n={int(same['n_common'])})")
        conf = confidence.loc[goal_id]
        assert tn("sure_recent", lang, int(conf["n_recent"]), n_recent=int(conf["n_recent"]), n=int(conf["n_indicators"]),
                 from_year=int(conf["recent_from_year"])) in text
    g1_start, g1_end = history.query("goal_id == 'G1' and as_of == 2019").iloc[0], history.query("goal_id == 'G1' and as_of == 2025").iloc[0]
    assert tn("assess_not_like_for_like", lang, 3, n_start=3, n_end=12, start=as_of_words(g1_start, lang),
              end=as_of_words(g1_end, lang)) in text  # goal 1, from the data
    # ... and then the same goal on the same three indicators at both ends (goal_period_scores)
    g1 = period.loc["G1"]
    assert int(g1["n_common"]) == 3 and (int(g1["start_as_of"]), int(g1["end_as_of"])) == (2019, 2025)
    assert f"{t('assess_lfl_score_title', lang)}:** " + tn(
        "assess_lfl_score", lang, 3, n=3, start=as_of_words({"as_of": 2019, "data_to_year": g1["start_data_to_year"]}, lang),
        end=as_of_words({"as_of": 2025, "data_to_year": g1["end_data_to_year"]}, lang), start_score=format_number(g1["start_score"], lang, 2),
        start_label=label_words(g1["start_label"], lang), end_score=format_number(g1["end_score"], lang, 2),
        end_label=label_words(g1["end_label"], lang),
        change=("+" if g1["change"] > 0 else "\u2212") + format_number(abs(g1["change"]), lang)) in text
    # goal 6 has no score for 2019 (no indicator with data): said, not hidden
    assert t("assess_years_without", lang, years="2019") in text
    # which surveys ended when, from the data: IT i praksis' newest figure year is the data's
    assert "IT i praksis" in text and tn("assess_survey_line", lang, 2, survey="X", year=2023, n="", status="").split("X")[1].split("(")[0] in text
    assert len([s for s in at.subheader if s.value.startswith(t("goal_n", lang, n=""))]) == 6


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_goal_page_says_how_sure_the_score_is(app, real_warehouse, tmp_path, lang):
    confidence = read_extra(real_warehouse, tmp_path, "goal_confidence").query("geo == 'NO'").set_index("goal_id")
    for goal_id in ("G1", "G2"):
        conf = confidence.loc[goal_id]
        at = app(lang=lang, goal=goal_id)
        assert t("sure_title", lang) in [s.value for s in at.subheader]
        text = page_text(at)
        n = int(conf["n_indicators"])
        assert tn("sure_rests_on", lang, n, n=n, n_level=int(conf["n_with_level"])) in text
        assert tn("sure_uncertain", lang, int(conf["n_uncertain"]), n_uncertain=int(conf["n_uncertain"]), n=n,
                 share=format_number(round(100 * conf["uncertain_share"]), lang, 0) + ("\u00a0%" if lang == "nb" else "%")) in text
        fragile = tn("sure_fragile", lang, len(str(conf["loo_indicators"]).split(";")), low=format_number(conf["loo_score_min"], lang, 2),
                    high=format_number(conf["loo_score_max"], lang, 2), indicators="").split("(")[0]
        robust = t("sure_robust", lang, low=format_number(conf["loo_score_min"], lang, 2),
                   high=format_number(conf["loo_score_max"], lang, 2))
        assert (fragile in text) if conf["loo_label_changes"] else (robust in text), goal_id
        if conf["loo_label_changes"]:
            for indicator_id in conf["loo_indicators"].split(";"):
                assert f"indicator?indicator={indicator_id}&lang={lang}" in text
        assert t("open_report", lang) in [p.proto.label for p in at.get("page_link")]


def test_goal_table_shows_flags_and_the_latest_figures_source(app, stored):
    scores = norway(stored, "indicator_scores")
    flagged = scores[scores["latest_flags"].fillna("").str.contains("secondary") & scores["latest_value"].notna()]
    row = flagged.iloc[0]
    at = app(lang="en", goal=row["goal_id"])
    table = next(tb for tb in markdown_tables(at) if tb and t("col_since", "en") in tb[0])
    cells = next(c for c in table if linked_id(c[t("col_indicator", "en")], "indicator") == row["indicator_id"])
    assert ":material/warning:" in cells[t("col_flags", "en")] and t("flag_secondary", "en") in cells[t("col_flags", "en")]
    assert re.match(r"^\[.+\]\(https?://", cells[t("col_latest_source", "en")]), cells


def test_benchmark_scores_are_shown_at_the_benchmarks_precision_not_four_decimals(app, stored):
    """eGovernment Benchmark scores (0–100) are published as whole points (units.decimals of score_0_100): the
    curated biennial means carry ten decimals, the goal table shows none, rounded half up."""
    from decimal import ROUND_HALF_UP, Decimal

    scores = norway(stored, "indicator_scores")
    row = scores[(scores["indicator_id"] == "egovbench_transparency")].iloc[0]
    assert stored["units"].set_index("unit_id").loc["score_0_100", "decimals"] == 0
    at = app(lang="en", goal=row["goal_id"])
    table = next(tb for tb in markdown_tables(at) if tb and t("col_since", "en") in tb[0])
    cells = next(c for c in table if linked_id(c[t("col_indicator", "en")], "indicator") == "egovbench_transparency")
    assert cells[t("col_latest", "en")] == str(Decimal(repr(float(row["latest_value"]))).quantize(Decimal(1), ROUND_HALF_UP))


def test_precision_rule(app_warehouse, monkeypatch):
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(app_warehouse))
    from ui.precision import places

    assert places("score_0_100", "66.3333333333") == 0     # a computed mean → the benchmark's whole points
    assert places("index_0_1", "0.8879") == 4              # EGDI as the UN publishes it
    assert places("index_0_1", "0.83") == 2                # as written
    assert places("pct_agencies", "26") == 0
    assert places("rank", "7") == 0
    assert places("pct_population_16_79", "50", "47.25") == 1   # a change: the more precise end, capped


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_report_carries_the_final_assessment_of_its_goal(app, lang):
    at = app("pages/report.py", lang=lang, goal="G6")
    text = page_text(at)
    assert t("report_assessment", lang) in [h.value for h in at.header]
    assert "Fremtidens digitale Norge" in text and t("sure_title", lang) in text
    assert t("assess_years_without", lang, years="2019") in text


# ---------------------------------------------------------------------------------------------------------------
# Issue 9: headlines over the comparable segment; flags and the real source beside every summary figure
# ---------------------------------------------------------------------------------------------------------------

def shows_number(text: str, value: float, lang: str) -> bool:
    """`text`'s first number is `value` at the precision shown (whatever the number of decimals)."""
    match = re.search(r"[0-9][0-9\u00a0,.]*", text)
    if not match:
        return False
    digits = match.group(0).replace("\u00a0", "").rstrip(".,")
    digits = digits.replace(",", "") if lang == "en" else digits.replace(",", ".")
    places = len(digits.split(".")[1]) if "." in digits else 0
    return abs(float(digits) - float(value)) <= 0.5 * 10 ** -places + 1e-9


def flag_list(flags) -> list[str]:
    return [] if flags is None or pd.isna(flags) else [f for f in str(flags).split(";") if f]


def preferred_totals(warehouse: Path, folder: Path) -> pd.DataFrame:
    obs = read_extra(warehouse, folder, "observations")
    return obs[obs["is_preferred"] & (obs["breakdown"] == "")]


def test_every_indicator_headline_trends_over_the_scores_comparable_segment(stored, real_warehouse, app_warehouse,
                                                                            tmp_path, monkeypatch):
    """The headline above each indicator's chart ('Norway went from X in A to Y in B') is the change the score
    measured — indicator_scores' base_period to latest_period, the period the 'Change since' metric beside it
    names — and says when Norway's earlier values are from before a method change."""
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(app_warehouse))
    from ui import indicator_view

    obs = preferred_totals(real_warehouse, tmp_path)
    obs = obs[obs["geo"] == "NO"].sort_values(["year", "period"])
    checked = cut = 0
    for score in scored_changes(stored).to_dict("records"):
        if score["base_period"] == score["latest_period"]:
            continue
        texts = indicator_view.indicator_texts.uncached(score["indicator_id"], "en")
        summary = texts["summary"]
        match = re.search(r"Norway went from (.+?) in (\S+) to (.+?) in (\S+?)\.", summary)
        assert match, (score["indicator_id"], summary)
        assert (match.group(2), match.group(4)) == (score["base_period"], score["latest_period"]), summary
        assert shows_number(match.group(1), score["base_value"], "en") and shows_number(match.group(3), score["latest_value"], "en")
        assert texts["metrics"][1][0] == t("headline_change", "en", year=score["base_period"])
        before = obs[(obs["indicator_id"] == score["indicator_id"])]
        if pd.notna(score["comparable_from_period"]):
            before = before[before["year"] < int(str(score["comparable_from_period"])[:4])]
            if not before.empty:
                assert t("summary_earlier_not_comparable", "en", first_period=before["period"].iloc[0],
                         from_period=score["comparable_from_period"]) in summary, summary
                cut += 1
        checked += 1
    assert checked >= 40 and cut >= 15


@pytest.mark.parametrize("indicator_id, old, new, break_period", [
    ("egovbench_rank", "fra 8. i 2016-2017", "fra 11. i 2019-2020 til 11. i 2022-2023", "2019-2020"),
    ("egovbench_life_event_family", " i 2016 til ", " i 2020 til ", "2020"),
])
def test_indicator_page_headline_does_not_cross_the_benchmarks_2020_method_change(app, indicator_id, old, new, break_period):
    import json

    at = app(lang="nb", indicator=indicator_id)
    summary = next(m.value for m in at.markdown if m.value.startswith("**Norge gikk"))
    assert old not in summary and new in summary
    assert f"er fra før en metodeendring i {break_period}" in summary
    assert t("headline_change", "nb", year=break_period) in [m.label for m in at.metric]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [s["x0"] for s in spec["layout"]["shapes"] if s.get("line", {}).get("dash") == "dash"] == [int(break_period[:4]) - 0.5]
    assert t("chart_break", "nb", period=break_period) in [a["text"] for a in spec["layout"]["annotations"]]


def test_final_assessment_figures_carry_their_flags_and_the_page_they_were_read_from(app, stored, real_warehouse, tmp_path):
    """'De samme indikatorene ved start og slutt' and 'Bedret/Svekket mest': each start and latest figure with the
    flags the score stored for it (in words) and a link to the source_url of the observation behind it."""
    from ui.tables import link

    at = app("pages/assessment.py", lang="nb")
    scores = norway(stored, "indicator_scores").set_index("indicator_id")
    obs = preferred_totals(real_warehouse, tmp_path)
    obs = obs[obs["geo"] == "NO"].set_index(["indicator_id", "period"])
    url = lambda indicator_id, period: link("x", obs.loc[(indicator_id, period), "source_url"])[3:]  # noqa: E731
    period = read_extra(real_warehouse, tmp_path, "goal_period_indicators")
    period = period[period["geo"] == "NO"].set_index(["indicator_id", "period_end"])
    ends = read_extra(real_warehouse, tmp_path, "goal_period_scores").query("geo == 'NO'").iloc[0]
    start_col = t("assess_col_lfl_start", "nb", year=int(ends["start_as_of"]))
    end_col = t("assess_col_period_end", "nb", year=int(ends["end_as_of"]))
    tables = [tb for tb in markdown_tables(at) if tb and start_col in tb[0] and end_col in tb[0]]
    rows = [row for tb in tables for row in tb]
    assert len(tables) >= 5 and len(rows) >= 10
    for row in rows:
        indicator_id = linked_id(row[t("col_indicator", "nb")], "indicator")
        for end, column in (("start", start_col), ("end", end_col)):
            figure_period = period.loc[(indicator_id, end), "latest_period"]
            flags = flag_list(obs.loc[(indicator_id, figure_period), "flags"])
            assert all(t(f"flag_{f}", "nb") in row[column] for f in flags), (indicator_id, end, row[column])
            assert (":material/warning:" in row[column]) == bool(flags), (indicator_id, end, row[column])
            assert url(indicator_id, figure_period) in row[t("col_source", "nb")], (indicator_id, row)
    assert sum(":material/warning:" in r[start_col] + r[end_col] for r in rows) >= 2  # flagged figures are there
    movers = [line for m in at.markdown for line in m.value.splitlines() if line.startswith("- [") and " → " in line]
    assert movers
    for line in movers:
        indicator_id = linked_id(line, "indicator")
        score = scores.loc[indicator_id]
        flags = flag_list(score["latest_flags"])
        assert all(t(f"flag_{f}", "nb") in line.split(" → ")[1] for f in flags), line
        assert url(indicator_id, score["latest_period"]) in line and url(indicator_id, score["base_period"]) in line, line
    epart = next(line for line in movers if "indicator=un_epart_index" in line)
    assert f"(2024) :material/warning: {t('flag_secondary', 'nb')}" in epart


def test_goal_table_shows_the_base_figures_flags_where_they_differ_from_the_latest(app, stored):
    scores = scored_changes(stored)
    differ = scores[scores["base_flags"].fillna("") != scores["latest_flags"].fillna("")]
    differ = differ[differ["base_flags"].notna()]
    assert len(differ) >= 10
    from ui.i18n import flag_names

    for goal_id, part in differ.groupby("goal_id"):
        at = app(lang="en", goal=goal_id)
        table = next(tb for tb in markdown_tables(at) if tb and t("col_since", "en") in tb[0])
        for row in part.itertuples():
            cells = next(c for c in table if linked_id(c[t("col_indicator", "en")], "indicator") == row.indicator_id)
            at_start = t("flags_at_start", "en", period=row.base_period,
                         flags=f":material/warning: {flag_names(row.base_flags, 'en')}")
            assert at_start in cells[t("col_flags", "en")], (row.indicator_id, cells[t("col_flags", "en")])


# ---------------------------------------------------------------------------------------------------------------
# Labels never contradict the scores on their row; the rows a reader counts match the goal's basis
# ---------------------------------------------------------------------------------------------------------------

def goal_table(at: AppTest, lang: str) -> list[dict[str, str]]:
    return next(tb for tb in markdown_tables(at) if tb and t("col_status", lang) in tb[0] and t("col_since", lang) in tb[0])


def assert_goal_table_agrees_with_the_scores(at: AppTest, stored, goal_id: str, lang: str) -> None:
    """Every row's status matches its score (no «For lite data» beside a score; a level-only score says so), every
    indicator shown but not counted is marked with the reason, and the unmarked rows with a score are exactly the
    indicators the goal score rests on."""
    rows = norway(stored, "indicator_scores").set_index("indicator_id")
    goal = norway(stored, "goal_scores").set_index("goal_id").loc[goal_id]
    marker = "Teller ikke:" if lang == "nb" else "Not counted:"
    counted_with_score = []
    for cells in goal_table(at, lang):
        indicator_id = linked_id(cells[t("col_indicator", lang)], "indicator")
        row = rows.loc[indicator_id]
        status, score = cells[t("col_status", lang)], cells[t("col_score", lang)]
        assert status == status_words(row["status"], lang), (indicator_id, status)
        if row["status"] == "insufficient_data":
            assert score == "–", (indicator_id, status, score)  # never a score beside "insufficient data"
        else:
            assert score.startswith(format_number(row["score"], lang, 2)), (indicator_id, score)
        if row["status"] == "level_only":
            assert pd.isna(row["development_score"]) and row["score"] == row["level_score"], indicator_id
        if bool(row["counted"]):
            assert marker not in score, (indicator_id, score)
            if pd.notna(row["score"]):
                counted_with_score.append(indicator_id)
        else:
            assert marker in score, (indicator_id, score)
            other = str(row["not_counted_reason"]).removeprefix("same_as ")
            if other != row["not_counted_reason"]:  # a copy names the indicator that counts instead
                names = stored["indicators"].set_index("indicator_id")[f"name_{lang}"]
                assert md(names[other]) in score, (indicator_id, score)   # as text (ui.page.md) in the markdown
    assert len(counted_with_score) == int(goal["n_indicators"]), (goal_id, counted_with_score)
    assert t("goal_table_counted", lang, n=int(goal["n_indicators"]), n_not_counted=int(goal["n_not_counted"]),
             n_excluded=int(goal["n_excluded"])) in page_text(at)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_report_table_never_puts_insufficient_data_beside_a_score_and_marks_what_is_not_counted(app, stored, lang):
    scores = norway(stored, "indicator_scores")
    assert ((scores["status"] == "level_only") & scores["score"].notna()).sum() > 0  # the audit's 21 rows, from the data
    # the goal pages: test_goal_tables_show_the_scored_change_base_and_status; the report's table here
    assert_goal_table_agrees_with_the_scores(app("pages/report.py", lang=lang, goal="G2"), stored, "G2", lang)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_level_only_indicator_page_says_level_only_beside_its_score(app, stored, lang):
    row = norway(stored, "indicator_scores").set_index("indicator_id").loc["dfo_never_use_internet"]
    assert row["status"] == "level_only" and bool(row["counted"])
    text = page_text(app("pages/indicator.py", lang=lang, indicator="dfo_never_use_internet"))
    assert (f"**{t('col_status', lang)}:** {status_words('level_only', lang)} · "
            f"**{t('col_score', lang)}:** {format_number(row['score'], lang, 2)}") in text
    assert t("status_insufficient_data", lang) not in text
    assert t("explain_score_level", lang, score=format_number(row["score"], lang, 2)) in text


def test_an_eu_reference_is_named_the_eus_in_the_explanation(app, stored):
    rows = norway(stored, "indicator_scores")
    eu = rows[(rows["target_kind"] == "eu_reference") & rows["required_cagr"].notna()]
    assert len(eu)
    for lang in ("nb", "en"):
        text = page_text(app("pages/indicator.py", lang=lang, indicator=eu.iloc[0]["indicator_id"]))
        eu_head = t("explain_target_eu", lang, target="X", target_year=0, required="", ratio="").split("X")[0]
        own_head = t("explain_target", lang, target="X", target_year=0, required="", ratio="").split("X")[0]
        assert eu_head in text and own_head not in text, lang  # «Med EU-referansen 80 %», never «Med mål 80 %»


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_first_year_comparisons_are_like_for_like_and_as_of_years_say_their_data_year(app, stored, real_warehouse,
                                                                                      tmp_path, lang):
    """Overview, goal and report pages: beside the history's first and latest score (each on the indicators it
    had) stands the like-for-like comparison of goal_period_scores; an as-of year says the year its data end, and
    no page claims data up to a year no figure measures."""
    period = read_extra(real_warehouse, tmp_path, "goal_period_scores").query("geo == 'NO'").set_index("goal_id")
    history = norway(stored, "goal_score_history")
    history = history[history["score"].notna()].sort_values("as_of")
    newest_data = int(history["data_to_year"].max())
    last_as_of = int(history["as_of"].max())
    assert newest_data < last_as_of  # from the data: the latest as-of year is a publication year, not a data year
    lfl_title = f"**{t('assess_lfl_score_title', lang)}:** "
    claim = "data til og med" if lang == "nb" else "data to"
    for page, params in (("overview", {}), ("goal", {"goal": "G1"}), ("report", {"goal": "G1"})):
        at = app("pages/report.py", lang=lang, **params) if page == "report" else app(lang=lang, **params)
        text = page_text(at)
        goal_ids = list(stored["goals"]["goal_id"]) if page == "overview" else [params["goal"]]
        for goal_id in goal_ids:
            same = period.loc[goal_id]
            past = history[history["goal_id"] == goal_id]
            first, last = past.iloc[0], past.iloc[-1]
            assert history_words(first, last, lang) in text, (page, goal_id)
            n = int(same["n_common"])
            lfl = tn("assess_lfl_score", lang, n, n=n,
                     start=as_of_words({"as_of": same["start_as_of"], "data_to_year": same["start_data_to_year"]}, lang),
                     end=as_of_words({"as_of": same["end_as_of"], "data_to_year": same["end_data_to_year"]}, lang),
                     start_score=format_number(same["start_score"], lang, 2),
                     start_label=label_words(same["start_label"], lang),
                     end_score=format_number(same["end_score"], lang, 2), end_label=label_words(same["end_label"], lang),
                     change=format_change(same["change"], "score", lang))
            assert f"{history_words(first, last, lang)}  \n{lfl_title}{lfl}" in text, (page, goal_id)
        assert t("as_of_when", lang, year=last_as_of, data_year=newest_data) in text, page
        for year in range(newest_data + 1, last_as_of + 1):
            assert f"{claim} {year}" not in text, (page, year)
