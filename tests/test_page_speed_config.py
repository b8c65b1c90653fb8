"""What the pages' speed work relies on, checked as behaviour (timings live in bench/, never here): the shipped
config turns Streamlit's magic off, so no page may rely on it; results cached per warehouse version are shared
frozen, computed once, and recomputed for a new version; a frozen figure sends exactly the figure it was made
from."""
from __future__ import annotations

import ast
import threading
import tomllib
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from ui import render_cache
from ui.charts import FrozenFigure, frozen, line_chart

ROOT = Path(__file__).resolve().parent.parent


def _magic_expressions(path: Path) -> list[int]:
    """Lines of the expression statements Streamlit's magic would show with st.write (not calls, docstrings,
    yields or awaits): with magic off they would silently show nothing."""
    found = []

    def visit(body, parent):
        for i, node in enumerate(body):
            if isinstance(node, ast.Expr):
                value = node.value
                docstring = (i == 0 and isinstance(value, ast.Constant) and isinstance(value.value, str)
                             and parent in (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef))
                if not (docstring or isinstance(value, (ast.Call, ast.Yield, ast.YieldFrom, ast.Await))):
                    found.append(node.lineno)
            for name in ("body", "orelse", "finalbody", "handlers"):
                sub = getattr(node, name, None)
                if isinstance(sub, list):
                    visit(sub, type(node))

    visit(ast.parse(path.read_text(encoding="utf-8")).body, ast.Module)
    return found


def test_the_shipped_config_turns_magic_off():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["magicEnabled"] is False


@pytest.mark.parametrize("script", [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))],
                         ids=lambda p: p.name)
def test_no_page_relies_on_magic(script):
    assert _magic_expressions(script) == []


def test_the_magic_check_finds_a_bare_expression(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('"""doc"""\nimport streamlit as st\nx = 1\nx\nst.write(x)\nif x:\n    "shown by magic"\n')
    assert _magic_expressions(page) == [4, 7]


@pytest.fixture
def version(monkeypatch):
    """The warehouse version render_cache keys on, set by the test."""
    current = {"key": ("v1",)}
    monkeypatch.setattr(render_cache.data, "warehouse_version", lambda: current["key"])
    render_cache.clear()
    yield current
    render_cache.clear()


def test_results_are_frozen_and_shared(version):
    @render_cache.per_version
    def view(lang):
        return {"rows": [{"a": 1}], "title": lang}

    first = view("nb")
    assert first is view("nb")
    assert first["rows"][0]["a"] == 1 and first["title"] == "nb"
    with pytest.raises(TypeError):
        first["title"] = "changed"
    with pytest.raises(TypeError):
        first["rows"][0]["a"] = 2
    with pytest.raises(AttributeError):
        first["rows"].append({})


def test_a_result_is_computed_once_per_version_even_for_many_first_viewers(version):
    calls = []
    gate = threading.Event()

    @render_cache.per_version_resource
    def slow(x):
        calls.append(x)
        gate.wait(5)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(slow(1))) for _ in range(8)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert calls == [1] and len({id(r) for r in results}) == 1
    version["key"] = ("v2",)  # a new build
    assert slow(1) is not results[0] and calls == [1, 1]


def test_only_the_newest_versions_are_kept(version):
    made = []

    @render_cache.per_version
    def value():
        made.append(version["key"])
        return len(made)

    for key in [("a",), ("b",), ("c",)]:
        version["key"] = key
        value()
    version["key"] = ("a",)   # dropped: more than KEEP_VERSIONS newer ones came after it
    value()
    assert made == [("a",), ("b",), ("c",), ("a",)]


def test_a_frozen_figure_sends_the_figure_it_was_made_from():
    import pandas as pd

    frame = pd.DataFrame({"geo": ["NO", "NO", "SE"], "year": [2020, 2021, 2021], "value": [1.5, 2.0, 1.0]})
    figure = line_chart(frame, series="geo", title="T", y_title="Y", lang="en", target=(2.5, "2025", "Target"))
    cold = frozen(figure)
    assert isinstance(cold, FrozenFigure) and isinstance(cold, go.Figure)
    assert pio.to_json(cold.to_dict(), validate=False) == pio.to_json(figure.to_dict(), validate=False)
    assert cold.to_dict() is cold.to_dict()   # no copy per view
    assert frozen(None) is None


def test_freely_chosen_states_keep_only_the_last_ones(version):
    made = []

    @render_cache.per_version_lru(2)
    def view(state):
        made.append(state)
        return [state]

    assert view("a") == ("a",)          # frozen like per_version
    view("b")
    view("a")                            # a hit: "a" is now the most recent
    view("c")                            # "b" goes
    view("a")
    view("b")
    assert made == ["a", "b", "c", "b"]
    version["key"] = ("v2",)             # a new build: computed again
    view("a")
    assert made[-1] == "a" and len(made) == 5
