"""View state in the URL, so every view can be shared as a link.

- `choose`: a selectbox whose value lives in one query parameter (`?goal=G3`, `?indicator=egdi_value`).
- The explorer's state: `indicators=a,b&geo=NO,SE&from=2015&to=2024&index=2019&breakdown=age=16-24` parsed into an
  `ExplorerState` plus a list of problems (shown as friendly messages, never raised), and back to parameters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import streamlit as st

from ui.i18n import t
from ui.page import MAX_ECHO_CHARS, MAX_PARAMS, plain, show_problems

MAX_VALUES_READ = 200   # comma-separated values read from one parameter; the rest are not looked at
MAX_PARAM_CHARS = 4_000  # characters of one parameter value looked at


def resolve_choice(requested: object, options: list[str]) -> tuple[str | None, bool]:
    """(the option the URL asks for, or None; whether the URL asked for something unknown). Pure."""
    if requested is None:
        return None, False
    if isinstance(requested, str) and requested in options:
        return requested, False
    return None, True


def choose(param: str, options: list[str], *, label: str, lang: str, format_func, unknown_key: str,
           key: str) -> str:
    """A selectbox whose value lives in `?param=`; an unknown value gives a friendly message (the value shown as
    plain text), never a traceback."""
    requested, unknown = resolve_choice(st.query_params.get(param), options)
    if unknown:
        show_problems([t(unknown_key, lang, value=plain(st.query_params.get(param)))], lang)
    index = options.index(requested) if requested in options else 0
    value = st.selectbox(label, options, index=index, format_func=format_func, key=key)
    if st.query_params.get(param) != value:
        st.query_params[param] = value
    return value


MAX_INDICATORS = 8
MAX_GEOS = 10


@dataclass
class ExplorerState:
    indicators: list[str] = field(default_factory=list)
    geos: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    index_year: int | None = None
    breakdowns: list[str] = field(default_factory=list)

    def to_params(self) -> dict[str, str]:
        """The URL parameters for this state (empty values left out)."""
        params = {
            "indicators": ",".join(self.indicators),
            "geo": ",".join(self.geos),
            "from": "" if self.year_from is None else str(self.year_from),
            "to": "" if self.year_to is None else str(self.year_to),
            "index": "" if self.index_year is None else str(self.index_year),
            "breakdown": ",".join(self.breakdowns),
        }
        return {k: v for k, v in params.items() if v}


@dataclass(frozen=True)
class Problem:
    """A URL parameter that was ignored: `kind` names the text key suffix, `param` and `value` fill it in."""
    kind: str
    param: str
    value: str


def _split(value: str | None) -> list[str]:
    if value is None:
        return []
    parts = str(value)[:MAX_PARAM_CHARS].split(",", MAX_VALUES_READ)[:MAX_VALUES_READ]
    return list(dict.fromkeys(part.strip() for part in parts if part.strip()))


def _year(params: dict, name: str, years: list[int], problems: list[Problem]) -> int | None:
    raw = params.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    if not re.fullmatch(r"[0-9]{4}", text):
        problems.append(Problem("bad_year", name, text[:MAX_ECHO_CHARS * 4]))
        return None
    year = int(text)
    if years and not (min(years) <= year <= max(years)):
        problems.append(Problem("year_out_of_range", name, text))
        return None
    return year


def parse_state(params: dict, *, indicators: list[str], geos: list[str], years: list[int],
                breakdowns: list[str] | None = None) -> tuple[ExplorerState, list[Problem]]:
    """Read the explorer's state from URL parameters; anything unknown or malformed is dropped and reported."""
    problems: list[Problem] = []
    state = ExplorerState()
    for name, options, target, limit in (("indicators", indicators, state.indicators, MAX_INDICATORS),
                                         ("geo", geos, state.geos, MAX_GEOS)):
        for value in _split(params.get(name)):
            if value not in options:
                problems.append(Problem("unknown_value", name, value[:MAX_ECHO_CHARS * 4]))
            elif len(target) >= limit:
                problems.append(Problem("too_many", name, str(limit)))
                break
            else:
                target.append(value)
    state.year_from = _year(params, "from", years, problems)
    state.year_to = _year(params, "to", years, problems)
    if state.year_from is not None and state.year_to is not None and state.year_from > state.year_to:
        problems.append(Problem("from_after_to", "from", f"{state.year_from}>{state.year_to}"))
        state.year_from, state.year_to = state.year_to, state.year_from
    state.index_year = _year(params, "index", years, problems)
    if breakdowns is not None:
        for value in _split(params.get("breakdown")):
            if value in breakdowns:
                state.breakdowns.append(value)
            else:
                problems.append(Problem("unknown_value", "breakdown", value[:MAX_ECHO_CHARS * 4]))
    known = {"indicators", "geo", "from", "to", "index", "breakdown", "lang"}
    for n, name in enumerate(params):
        if n >= MAX_PARAMS:
            problems.append(Problem("unknown_param", "…", str(len(params) - MAX_PARAMS)))
            break
        if name not in known:
            problems.append(Problem("unknown_param", str(name)[:MAX_ECHO_CHARS * 4],
                                    str(params[name])[:MAX_ECHO_CHARS * 4]))
    return state, problems


def problem_message(problem: Problem, lang: str) -> str:
    """The friendly message for one problem, the URL's text in it shown as plain text."""
    return t(f"explorer_problem_{problem.kind}", lang, param=plain(problem.param), value=plain(problem.value))


def show_state_problems(problems: list[Problem], lang: str) -> None:
    """All the problems of an explorer link in one warning."""
    show_problems([problem_message(p, lang) for p in problems], lang)


EXPLORER_PARAMS = ("indicators", "geo", "from", "to", "index", "breakdown")


def sync_params(state: ExplorerState) -> None:
    """Keep the URL in step with the explorer's choices; an emptied choice stays empty when the link is opened."""
    wanted = {"indicators": "", "geo": "", **state.to_params()}
    current = st.query_params.to_dict()
    params = {k: v for k, v in current.items() if k not in EXPLORER_PARAMS}
    params.update({k: wanted[k] for k in EXPLORER_PARAMS if k in wanted})
    if params != current:
        st.query_params.from_dict(params)  # one message to the browser, not one per parameter
