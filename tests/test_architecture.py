"""The shape of the house: one-way imports, pages that only read, a framework that names no source, docs that
follow the schema."""
from __future__ import annotations

import ast
from pathlib import Path

from etl.docs import main as docs_main
from tests.conftest import ROOT

PACKAGES = ("etl", "indicators", "ui", "pages")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_modules() -> dict[str, Path]:
    files = [ROOT / "app.py"] + [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    return {_module_name(p): p for p in files if "test" not in p.name and "fixtures" not in p.parts}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules imported anywhere in the file, function-level imports included."""
    found: set[str] = set()
    this = _module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != this:
                found.add(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _project_modules()
    return {name: _imports(path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_no_import_cycle_anywhere():
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_pages_and_ui_never_import_the_scoring_code():
    graph = _graph()
    readers = {m: deps for m, deps in graph.items() if m.split(".")[0] in ("ui", "pages", "app")}
    assert readers, "no ui/pages modules found"
    offending = {m: sorted(d for d in deps if d.split(".")[0] == "indicators") for m, deps in readers.items()}
    assert {m: d for m, d in offending.items() if d} == {}


# What indicators/ may use of etl/: the shared leaf modules (the data description, the project's error family and
# the one input reader), which themselves use nothing else of etl/.
SHARED_ETL = ("etl.schema", "etl.errors", "etl.inputs")


def test_data_flows_one_way_between_the_layers():
    """indicators/ knows nothing of ui/ or pages/; etl/ knows nothing of ui/ or pages/."""
    graph = _graph()
    for module, deps in graph.items():
        layer = module.split(".")[0]
        if layer in ("etl", "indicators"):
            assert not {d for d in deps if d.split(".")[0] in ("ui", "pages", "app")}, module
        if layer == "indicators":
            assert not {d for d in deps if d.split(".")[0] == "etl" and d not in SHARED_ETL}, module
    for module in SHARED_ETL:
        assert graph[module] <= set(SHARED_ETL), module


def test_the_etl_framework_names_no_source():
    """Framework modules (etl/*.py, etl/readers/) import no source folder and hold no source name as a string."""
    sources_dir = ROOT / "etl" / "sources"
    names = {p.name for p in sources_dir.iterdir() if (p / "source.toml").exists()} if sources_dir.exists() else set()
    framework = [p for p in (ROOT / "etl").rglob("*.py") if sources_dir not in p.parents or p.parent == sources_dir]
    graph = _graph()
    for path in framework:
        module = _module_name(path)
        assert not {d for d in graph.get(module, ()) if d.startswith("etl.sources.")}, module
        strings = {n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        assert not (strings & names), (module, strings & names)


def test_the_data_model_document_follows_the_schema():
    assert docs_main(check=True) == 0
