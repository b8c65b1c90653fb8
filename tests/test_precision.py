"""Figures at the publisher's precision, with one rounding rule, on every page of the app (AppTest on the real
warehouse).

The rule (ui/precision.py): a figure is shown with as many decimals as written in its source file, never more than
its unit declares (units.decimals in the catalogue, with the reason), rounded half up from the exact decimal; a
change is the difference of the exact decimals of its two ends, shown with the decimals of the more precise end.
The expectations below are computed here with Python's decimal module from the warehouse's own rows (value_text,
units.decimals), independently of the app's formatting code."""
from __future__ import annotations

import json
import re
import shutil
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, page_text
from ui.i18n import format_change, format_number, format_value, t

APP = str(ROOT / "app.py")
NUMBER = re.compile(r"(?<![\d,.])\d{1,3}(?:\u00a0\d{3})*,\d+(?![\d,])")   # a bokmål number with a decimal comma
OLD_MAX = 4   # the pages showed up to four decimals before the precision was declared


def quantize(text, places: int, rounding=ROUND_HALF_UP) -> Decimal:
    return Decimal(str(text)).quantize(Decimal(1).scaleb(-places), rounding=rounding)


def written(text: str) -> int:
    exponent = Decimal(str(text)).as_tuple().exponent
    return max(0, -exponent)


def nb(number: Decimal) -> str:
    """A Decimal as bokmål writes it (decimal comma, no-break-space grouping, U+2212 minus)."""
    sign = "\u2212" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u00a0")
    return sign + grouped + ("," + fraction if fraction else "")


@pytest.fixture(scope="module")
def stored(real_warehouse, tmp_path_factory) -> dict[str, pd.DataFrame]:
    copy = tmp_path_factory.mktemp("precision") / "copy.duckdb"
    shutil.copy(real_warehouse, copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        return {
            "observations": con.execute("""
                SELECT o.*, u.decimals AS cap, u.kind FROM observations o JOIN units u USING (unit_id)
                WHERE o.is_preferred""").df(),
            "units": con.execute("SELECT * FROM units").df(),
            "changes": con.execute("""
                SELECT s.indicator_id, s.geo, s.goal_id, s.base_value, s.latest_value, bo.value_text AS base_text,
                       lo.value_text AS latest_text, u.decimals AS cap, u.kind
                FROM indicator_scores s JOIN indicators i USING (indicator_id) JOIN units u USING (unit_id)
                JOIN observations bo ON bo.indicator_id = s.indicator_id AND bo.geo = s.geo AND bo.breakdown = ''
                     AND bo.period = s.base_period AND bo.is_preferred
                JOIN observations lo ON lo.indicator_id = s.indicator_id AND lo.geo = s.geo AND lo.breakdown = ''
                     AND lo.period = s.latest_period AND lo.is_preferred
                WHERE s.change IS NOT NULL""").df(),
        }


def shown_places(row) -> int:
    return min(int(row.cap), written(row.value_text))


def ties(stored) -> pd.DataFrame:
    """Preferred totals whose half-up and half-even roundings differ at the decimals they are shown with."""
    obs = stored["observations"]
    obs = obs[obs["breakdown"] == ""]
    keep = [quantize(r.value_text, shown_places(r)) != quantize(r.value_text, shown_places(r), ROUND_HALF_EVEN)
            for r in obs.itertuples()]
    return obs[keep]


def change_expected(row) -> tuple[Decimal, int]:
    places = min(int(row.cap), max(written(row.base_text), written(row.latest_text)))
    return quantize(Decimal(row.latest_text) - Decimal(row.base_text), places), places


@pytest.fixture
def app(app_warehouse, monkeypatch):
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(app_warehouse))
    monkeypatch.delenv("MONITOR_MODE", raising=False)
    # one scripted session walks through many indicators faster than a person could: no rate limit for it
    monkeypatch.setattr("ui.page.take_token", lambda bucket, now, **_: ({"tokens": 1, "at": now, "refused": 0}, True))

    def run(page: str | None = None, **params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if page is not None:
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def everything_shown(at: AppTest) -> str:
    """The page's text, its tables' cells and its charts' hover texts."""
    parts = [page_text(at)]
    parts += [frame.value.astype(str).to_csv(sep="|") for frame in at.dataframe]
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            parts += [str(c) for c in trace.get("customdata") or []]
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------------------------
# The rule
# ---------------------------------------------------------------------------------------------------------------

def test_one_rounding_rule_half_up_from_the_exact_decimal():
    from indicators.scoring import round_score
    from ui.scores import score_text

    assert format_number("79.25", "nb", 1) == format_number(79.25, "nb", 1) == "79,3"      # Babel alone: 79,2
    assert format_value(68.65, "percent", "nb", 1) == "68,7\u00a0%"                       # 68.65 is 68.6499… in binary
    assert format_value("0.92745", "index", "en", 4) == "0.9275"
    assert format_change(Decimal("-0.0375"), "index", "nb", 3) == "\u22120,038"
    assert format_change(Decimal("1.0"), "score", "nb", 1) == "+1,0"                       # trailing zero kept
    assert format_change(Decimal("-0.04"), "percent", "en", 0) == "±0\u00a0pp"             # rounds to nothing
    # the build (and the command line) and the pages round goal scores by the same rule
    assert round_score(2.125) == 2.13 and score_text(2.125, "nb") == "2,13" and score_text(2.135, "en") == "2.14"


def test_the_publishers_precision_is_declared_per_unit_with_its_reason(stored):
    units = stored["units"].set_index("unit_id")
    assert units["decimals_reason"].str.len().min() > 10
    assert units["decimals"].between(0, 6).all()
    # the eGovernment Benchmark prints whole points; the curated rows say so where the workbook has ten decimals
    obs = stored["observations"]
    benchmark = obs[(obs["unit_id"] == "score_0_100") & obs["note"].str.contains("published reports round to integers")]
    assert len(benchmark) > 100 and units.loc["score_0_100", "decimals"] == 0
    assert units.loc["index_0_1", "decimals"] == 4 and units.loc["rank", "decimals"] == 0


# ---------------------------------------------------------------------------------------------------------------
# On the pages
# ---------------------------------------------------------------------------------------------------------------

def test_ties_in_the_real_data_are_rounded_half_up_wherever_they_are_shown(app, stored):
    """E.g. UN HCI Sweden 2024 0.92745 → 0,9275 (half to even: 0,9274), Eurostat Denmark 2021 68.65 → 68,7 %,
    the benchmark's Norway 2016-2017 online availability 92.5 → 93 (half to even: 92): on the indicator page's table
    and summary and in the international comparison's table."""
    from tests.test_app import markdown_tables

    found = ties(stored)
    assert {"un_human_capital_index", "eurostat_basic_or_above_basic_digital_skills",
            "egovbench_online_availability"} <= set(found["indicator_id"]), found
    bare = lambda cell: re.sub(r"[^\d,\u2212\u00a0]", "", cell).strip("\u00a0")  # noqa: E731  (no %, no rank dot)
    at = app(lang="nb", indicator=found.iloc[0]["indicator_id"])
    for indicator_id, rows in found.groupby("indicator_id"):
        if at.selectbox(key="indicator_select").value != indicator_id:
            at.selectbox(key="indicator_select").set_value(indicator_id).run()
        assert not at.exception, indicator_id
        table = at.dataframe[0].value
        for row in rows.itertuples():
            up = nb(quantize(row.value_text, shown_places(row)))
            cell = table[(table[t("col_geo", "nb")] == t(f"geo_{row.geo}", "nb")) & (table[t("col_period", "nb")] == row.period)
                         & (table[t("col_preferred", "nb")] == t("yes", "nb"))][t("col_value", "nb")]
            assert [bare(c) for c in cell] == [up], (indicator_id, row.geo, row.period, list(cell), up)
        if indicator_id == "un_human_capital_index":
            assert "Sverige 0,9275" in page_text(at) and "0,9274" not in everything_shown(at)
    # the comparison's table per indicator: a row per period, a column per country
    obs = stored["observations"]
    with_peers = {i for i, part in obs[obs["breakdown"] == ""].groupby("indicator_id")
                  if "NO" in set(part["geo"]) and set(part["geo"]) & {"SE", "DK", "FI", "EU27"}}
    compare = app("pages/compare.py", lang="nb")
    checked = 0
    for indicator_id, rows in found[found["geo"].isin(["NO", "SE", "DK", "FI", "EU27"])].groupby("indicator_id"):
        if indicator_id not in with_peers:
            continue
        compare.selectbox(key="compare_indicator").set_value(indicator_id).run()
        table = next(tb for tb in markdown_tables(compare) if tb and t("col_period", "nb") in tb[0]
                     and t("col_indicator", "nb") not in tb[0] and t("geo_NO", "nb") in tb[0])
        for row in rows.itertuples():
            cells = [c for c in table if c[t("col_period", "nb")] == row.period]
            assert [bare(c[t(f"geo_{row.geo}", "nb")]) for c in cells] == [nb(quantize(row.value_text, shown_places(row)))], \
                (indicator_id, row.geo, row.period, cells)
        checked += 1
    assert checked >= 3


def too_precise_and_allowed(stored) -> tuple[set[str], set[str]]:
    """Every rendering of a figure with more decimals than shown by the rule (as the pages wrote them before: up to
    four, half to even or half up, trailing zeros dropped or kept), and every rendering the rule allows; a number on a
    page that is only in the first set is a figure shown too precisely."""
    too, allowed = set(), set()

    def add(text, places: int) -> None:
        allowed.add(nb(abs(quantize(text, places))))
        for more in range(places + 1, min(written(text), OLD_MAX) + 1):
            for rounding in (ROUND_HALF_UP, ROUND_HALF_EVEN):
                value = abs(quantize(text, more, rounding))
                too.update({nb(value), nb(value.normalize()) if value != value.to_integral() else nb(value)})

    for row in stored["observations"].itertuples():
        add(row.value_text, shown_places(row))
    for row in stored["changes"].itertuples():
        change = Decimal(row.latest_text) - Decimal(row.base_text)
        add(str(change), change_expected(row)[1])
    # The monitor's own numbers (scores 1,00–3,00, growth rates and thresholds, the limit factor, weights) have up
    # to three decimals and are small: a rendering is only taken as a figure's when it could not be one of them.
    figure_like = lambda n: "," in n and (float(n.replace("\u00a0", "").replace(",", ".")) >= 20  # noqa: E731
                                          or len(n.split(",")[1]) >= OLD_MAX)
    return {n for n in too if figure_like(n)} - allowed, allowed


PAGES = ([{}] + [{"goal": f"G{n}"} for n in range(1, 7)] + [("pages/report.py", {"goal": f"G{n}"}) for n in range(1, 7)]
         + [("pages/assessment.py", {}), ("pages/life_events.py", {}), ("pages/compare.py", {}),
            ("pages/compare.py", {"indicator": "egovbench_cross_border_services"}),
            ("pages/explorer.py", {"indicators": "egovbench_overall,egovbench_user_centricity,un_human_capital_index,"
                                                 "eurostat_basic_or_above_basic_digital_skills", "geo": "NO,SE,DK,FI,EU27"})])


def test_no_page_shows_a_figure_more_precisely_than_its_unit_declares(app, stored):
    """Overview, goal (its "how was this calculated" expander included), report, assessment, life events, compare,
    explorer and the indicator pages (text, tables and the charts' hover texts): no benchmark score with decimals
    (72,5132 or 71,0 → 73 and 71), no Eurostat share with two, no change more precise than its ends."""
    too, _ = too_precise_and_allowed(stored)
    assert {"72,5132", "70,9958", "71,0", "82,4", "87,8472"} <= too   # what the pages showed before
    problems = {}
    for page in PAGES:
        name, params = page if isinstance(page, tuple) else (None, page)
        at = app(name, lang="nb", **params)
        shown = set(NUMBER.findall(everything_shown(at)))
        if shown & too:
            problems[str(page)] = sorted(shown & too)[:10]
    obs = stored["observations"]
    over = obs[[written(r.value_text) > r.cap for r in obs.itertuples()]]
    at = app(lang="nb", indicator=over.iloc[0]["indicator_id"])
    for indicator_id in sorted(set(over["indicator_id"])):
        if at.selectbox(key="indicator_select").value != indicator_id:
            at.selectbox(key="indicator_select").set_value(indicator_id).run()
        shown = set(NUMBER.findall(everything_shown(at)))
        if shown & too:
            problems[indicator_id] = sorted(shown & too)[:10]
    assert not problems, problems


def test_the_charts_hover_shows_each_figure_at_its_precision(app, stored):
    at = app(lang="nb", indicator="egovbench_overall")
    obs = stored["observations"]
    norway = obs[(obs["indicator_id"] == "egovbench_overall") & (obs["geo"] == "NO") & (obs["breakdown"] == "")]
    trace = next(tr for chart in at.get("plotly_chart") for tr in json.loads(chart.proto.spec)["data"]
                 if tr["name"] == t("geo_NO", "nb"))
    assert "%{customdata}" in trace["hovertemplate"]
    expected = [nb(quantize(r.value_text, shown_places(r))) for r in norway.sort_values("year").itertuples()]
    assert trace["customdata"] == expected and "79" in expected   # 2017-2018: 79.25, a whole point as published


def test_changes_are_computed_from_their_exact_ends_at_the_ends_precision(app, stored):
    """The goal tables' change column: latest − base from the two observations' texts, rounded half up to the
    decimals of the more precise end (the UN's online service index: +0,1110 beside 0,8007 → 0,9117, not +0,111;
    the benchmark's cross-border services 72.5132 → 70.9958: −2, not −1,5)."""
    from tests.test_app import linked_id, markdown_tables

    changes = stored["changes"]
    norway = changes[(changes["geo"] == "NO") & (changes["kind"] != "rank")].set_index("indicator_id")
    checked = 0
    for goal_id in sorted(set(norway["goal_id"])):
        at = app(lang="nb", goal=goal_id)
        table = next(tb for tb in markdown_tables(at) if tb and t("col_since", "nb") in tb[0])
        for cells in table:
            indicator_id = linked_id(cells[t("col_indicator", "nb")], "indicator")
            if indicator_id not in norway.index:
                continue
            change, places = change_expected(norway.loc[indicator_id].rename(None))
            sign = "+" if change > 0 else ("\u2212" if change < 0 else "±")
            assert cells[t("col_change", "nb")].startswith(sign + nb(abs(change))), (indicator_id, cells, change)
            number = cells[t("col_change", "nb")][1:].split("\u00a0prosentpoeng")[0]
            assert (len(number.split(",")[1]) if "," in number else 0) == places, (indicator_id, number, places)
            checked += 1
    assert checked == len(norway)
    assert change_expected(norway.loc["un_online_service_index"].rename(None)) == (Decimal("0.1110"), 4)


def test_a_peers_change_is_exact_too(app_warehouse, stored, monkeypatch):
    """Sweden's human capital index 0.96490 → 0.92745 is −0.03745 exactly: −0,0375 (the float difference rounded
    by Python's round gives −0,0374)."""
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(app_warehouse))
    from ui import data, precision

    row = data.indicator_score("un_human_capital_index", "SE")
    assert round(row["latest_value"] - row["base_value"], 4) == -0.0374
    assert precision.scored_change_shown(row, "nb") == "\u22120,0375"


def test_the_explorer_table_shows_each_value_at_its_precision(app_warehouse, stored, monkeypatch):
    """The explorer's table keeps the values as data (it sorts by them; the downloads keep every decimal) and shows
    each at its precision."""
    import io

    import pyarrow as pa
    from streamlit.elements.lib.pandas_styler_utils import marshall_styler
    from streamlit.proto.ArrowData_pb2 import ArrowData

    monkeypatch.setenv("MONITOR_WAREHOUSE", str(app_warehouse))
    from ui.explorer_render import explorer_result

    result = explorer_result(("egovbench_overall", "un_human_capital_index"), ("NO", "SE"), None, None, None, (), "nb")
    proto = ArrowData()
    marshall_styler(proto, result["table"], "default")
    display = pa.ipc.open_stream(io.BytesIO(proto.styler.display_values)).read_all().to_pandas()
    view = result["view"]
    obs = stored["observations"].set_index(["indicator_id", "geo", "breakdown", "period"])
    for position, row in enumerate(view.itertuples()):
        source = obs.loc[(row.indicator_id, row.geo, row.breakdown, row.period)]
        assert display["value"].iloc[position] == nb(quantize(source["value_text"], shown_places(source))), row
        assert row.value == source["value"]   # the data keep the value as stored
