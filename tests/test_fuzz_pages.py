"""Property-based fuzzing (hypothesis) of what a visitor controls: the query string.

1. The pure parsing behind every page, 10,000 examples per target: the explorer's `parse_state` (and the
   messages made from its problems), the one-value choices of the goal, indicator, compare and report pages
   (`resolve_choice`) with the language, and `plain`, the one helper that puts user text into a message. Each
   gives a correct result (only known values kept, limits respected) and messages that are plain text of bounded
   length, never an exception.
2. Whole pages through AppTest in public mode, with random and hostile query strings (long strings, markdown,
   HTML, unicode, many values, many parameters): each renders its page or the friendly message, never an
   exception, with at most one warning about the link, bounded in length, with no link or image in it.

Marked `long` (derandomized, so every run tries the same inputs). The whole-page runs per page are set by
MONITOR_FUZZ_PAGE_RUNS (default 200 for every page).
"""
from __future__ import annotations

import os
import random
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui import nav
from ui.page import MAX_ECHO_CHARS, MAX_PROBLEMS_SHOWN, plain
from ui.url_state import (EXPLORER_PARAMS, MAX_GEOS, MAX_INDICATORS, MAX_VALUES_READ, parse_state, problem_message,
                          resolve_choice)

pytestmark = pytest.mark.long

PURE = settings(max_examples=10_000, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

HOSTILE = [
    "[click here](https://evil.example/login)", "![x](https://evil.example/pixel.png)", "# Official notice",
    "<img src=https://evil.example/i.png>", "<script>alert(1)</script>", "https://evil.example", "www.evil.example",
    ":red[alert] :material/warning: :smile:", "$x^2$", "**bold** _it_ `code`", "> quote", "- item\n- item",
    "a\u202eb\u200bc\x00d\x1b[31m", "😀" * 50, "ﬁ" * 100, "%00%0a%3Cb%3E", "'; DROP TABLE goals; --",
    "{value}", "{0}", "{", "}", "\\", "NO,SE,XX," * 200, "2019", "1700", "99999", "-1", "２０１９", "",
    " " * 10, "x" * 5000,
]
KNOWN = ["egdi_value", "egdi_rank", "egovbench_overall", "G1", "G3", "G6", "NO", "SE", "EU27", "2015", "2019",
         "2024", "nb", "en", "age=16-24"]
texts = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(KNOWN), st.text(max_size=40),
                  st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
lists = st.lists(st.one_of(st.sampled_from(KNOWN), st.sampled_from(HOSTILE)), max_size=8).map(",".join)
names = st.one_of(st.sampled_from([*EXPLORER_PARAMS, "lang", "indicator", "goal"]), texts)
params_strategy = st.dictionaries(names, st.one_of(texts, lists), max_size=6)


def _random_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.35:
        return rng.choice(HOSTILE)
    if kind < 0.6:
        return rng.choice(KNOWN)
    if kind < 0.8:   # any code point but surrogates (a URL is UTF-8)
        return "".join(chr(rng.choice([rng.randrange(0x20, 0x7f), rng.randrange(0, 0xd800),
                                       rng.randrange(0xe000, 0x110000)])) for _ in range(rng.randrange(0, 30)))
    return ",".join(rng.choice(KNOWN + HOSTILE) for _ in range(rng.randrange(0, 20)))


def _random_params(seed: int) -> dict[str, str]:
    """A query string from a seed: quick to make, so 10,000 examples take seconds (hypothesis draws the seeds)."""
    rng = random.Random(seed)
    known = [*EXPLORER_PARAMS, "lang", "indicator", "goal"]
    return {(rng.choice(known) if rng.random() < 0.7 else _random_text(rng)): _random_text(rng)
            for _ in range(rng.randrange(0, 9))}


# The pure targets draw seeds (10,000 examples in seconds); the whole pages use hypothesis' own strategies.
fast_params = st.integers(0, 2**32).map(_random_params)

INDICATORS = ["egdi_value", "egdi_rank", "egovbench_overall", "share_online"]
GEOS = ["NO", "SE", "DK", "FI", "EU27"]
YEARS = list(range(2008, 2026))
BREAKDOWNS = ["age=16-24", "age=65-74"]
UNESCAPED = re.compile(r"(?<!\\)(\]\(|!\[|<[a-zA-Z/]|\]\[|:[a-z_]+\[|https?:)")


def assert_plain_message(message: str) -> None:
    """A message carrying user text: bounded, one line per problem, no markdown construct made of user text."""
    assert len(message) < 2_000, len(message)
    assert not UNESCAPED.search(message.replace("«", "").replace("»", "")), message
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", message), repr(message)


@PURE
@given(params=fast_params)
def test_explorer_parse_state_keeps_only_known_values_and_reports_the_rest_as_plain_text(params):
    state, problems = parse_state(params, indicators=INDICATORS, geos=GEOS, years=YEARS, breakdowns=BREAKDOWNS)
    assert set(state.indicators) <= set(INDICATORS) and len(state.indicators) <= MAX_INDICATORS
    assert set(state.geos) <= set(GEOS) and len(state.geos) <= MAX_GEOS
    assert set(state.breakdowns) <= set(BREAKDOWNS)
    for year in (state.year_from, state.year_to, state.index_year):
        assert year is None or year in range(min(YEARS), max(YEARS) + 1)
    if state.year_from is not None and state.year_to is not None:
        assert state.year_from <= state.year_to
    assert len(problems) <= 3 * MAX_VALUES_READ + 60
    for problem in problems[:MAX_PROBLEMS_SHOWN]:  # the ones a page shows
        for lang in ("nb", "en"):
            assert_plain_message(problem_message(problem, lang))
    # the state round-trips through the URL
    again, _ = parse_state(state.to_params(), indicators=INDICATORS, geos=GEOS, years=YEARS, breakdowns=BREAKDOWNS)
    assert again == state


@PURE
@given(seed=st.integers(0, 2**32))
def test_choices_and_language_resolve_to_a_known_option_or_a_plain_message(seed):
    from ui.i18n import t

    rng = random.Random(seed)
    requested = None if rng.random() < 0.1 else _random_text(rng)
    options = [_random_text(rng) for _ in range(rng.randrange(0, 8))] + rng.sample(KNOWN, 3)
    lang = _random_text(rng) if rng.random() < 0.5 else rng.choice(["nb", "en"])
    value, unknown = resolve_choice(requested, options)
    assert value is None or value in options
    assert unknown == (requested is not None and requested not in options)
    for key in ("unknown_goal", "unknown_indicator", "unknown_lang"):
        assert_plain_message(t(key, "en", value=plain(requested)))
    chosen, unknown_lang = resolve_choice(lang, ["nb", "en"])
    assert (chosen or "nb") in ("nb", "en") and unknown_lang == (lang not in ("nb", "en"))


def _unescape(text: str) -> str:
    """The visible text: markdown escapes and the invisible word joiners plain() puts into links taken away."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


@settings(PURE, max_examples=3_000)
@given(value=st.one_of(texts, st.binary(max_size=50).map(lambda b: b.decode("latin-1")), st.integers(), st.none()))
def test_plain_is_the_visible_text_capped_and_escaped(value):
    out = plain(value)
    assert len(_unescape(out)) <= MAX_ECHO_CHARS
    assert not re.search(r"[\x00-\x1f\x7f]", out)
    # every markdown character is escaped: taking the escapes away gives the cleaned, capped text back
    visible = _unescape(out)
    source = " ".join("".join(ch for ch in str("" if value is None else value)[: MAX_ECHO_CHARS * 4]
                              if ch.isspace() or unicodedata.category(ch)[0] != "C").split())
    assert source.startswith(visible.rstrip("…").rstrip()) or visible.endswith("…")
    assert_plain_message(out)


# --------------------------------------------------------------------------------------------------------------
# Whole pages
# --------------------------------------------------------------------------------------------------------------

# Whole-page runs per page (the issue asks for a few hundred per page); each page is its own test, so the pages
# are spread over the workers of `make test` (pytest-xdist).
PAGE_RUNS = int(os.environ.get("MONITOR_FUZZ_PAGE_RUNS", "0")) or 200
PUBLIC_PAGES = [spec.path for spec in nav.visible_pages(public=True) if (ROOT / spec.path).exists()]
FRIENDLY = ("no_warehouse", "too_many_requests")


@pytest.fixture(scope="module")
def public_app(app_warehouse):
    mp = pytest.MonkeyPatch()
    mp.setenv("MONITOR_WAREHOUSE", str(app_warehouse))
    mp.setenv("MONITOR_MODE", "public")
    yield
    mp.undo()


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_every_public_page_renders_or_explains_for_any_query_string(public_app, page):
    from ui.i18n import t
    from ui.page import _BUCKET

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    runs = PAGE_RUNS
    seen = {"runs": 0}

    @settings(max_examples=runs, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(params=params_strategy)
    def one_run(params):
        at.query_params.clear()
        for name, value in params.items():
            at.query_params[name] = value
        at.session_state[_BUCKET] = None   # the rerun limit is tested on its own (test_security.py)
        at.switch_page(page).run()
        seen["runs"] += 1
        assert not at.exception, (params, [e.value for e in at.exception][:1])
        assert not at.error, (params, [e.value for e in at.error][:1])
        # a correct page (its title) or a friendly message
        assert at.title or at.header or any(t(k, "nb").split("{")[0][:20] in w.value for w in at.warning
                                            for k in FRIENDLY), params
        # the link's problems in one message at most (plus the explorer's own notes about the chosen years)
        assert len(at.warning) <= 3, [w.value[:80] for w in at.warning]
        for warning in at.warning:
            assert warning.value.count("\n- ") <= MAX_PROBLEMS_SHOWN + 1
            assert_plain_message(warning.value)

    one_run()
    print(f"\n{page}: {seen['runs']} runs")
    assert seen["runs"] >= runs   # hypothesis ran every example (none skipped or cut short)
