"""Imports point one way (ARCHITECTURE §2): domain and engine never import Flask or web."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLASK = {"flask", "flask_sqlalchemy", "flask_login", "flask_babel", "flask_wtf", "werkzeug"}
FORBIDDEN = {
    "domain": FLASK | {"web", "engine", "connectors", "services"},
    "engine": FLASK | {"web", "domain", "connectors", "services"},
    "connectors": FLASK | {"web", "services"},
    "services": FLASK | {"web"},
}
PACKAGES = ("domain", "engine", "connectors", "services", "web")


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_one_way(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files or package == "connectors"
    bad = {str(f.relative_to(ROOT)): sorted(imported_roots(f) & FORBIDDEN[package]) for f in files}
    assert not {k: v for k, v in bad.items() if v}


def test_detector_sees_a_flask_import(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from flask import Flask\nimport os\n")
    assert "flask" in imported_roots(sample)


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def module_imports(path: Path, known: set[str]) -> set[str]:
    """The project modules a module imports (anywhere in it, functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(f): f for p in PACKAGES for f in (ROOT / p).rglob("*.py")}
    known = set(files)
    graph = {}
    for name, path in files.items():
        # A package's __init__ importing its submodules is how blueprints register: skip it.
        graph[name] = {m for m in module_imports(path, known) - {name}
                       if not m.startswith(name + ".")}  # fmt: skip
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    """No module imports itself back through others — not at the top, not inside a function."""
    found = cycles(import_graph())
    assert not found, f"import cycles: {found}"


def test_the_cycle_finder_sees_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_use_cases_live_in_services_and_import_no_flask():
    assert (ROOT / "services" / "wiring.py").exists()
    registries = []
    for f in (ROOT / "services").rglob("*.py"):
        tree = ast.parse(f.read_text())
        for node in tree.body:  # a module-level call that registers something at import time
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                registries.append(f"{f.name}:{node.lineno}")
    assert not registries, registries


def test_an_import_inside_a_function_says_why():
    """Imports belong at the top; one inside a function (a heavy optional dependency) carries a
    comment on its line or the line above."""
    silent = []
    for package in PACKAGES:
        for f in (ROOT / package).rglob("*.py"):
            lines = f.read_text().splitlines()
            for node in ast.walk(ast.parse("\n".join(lines))):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Import | ast.ImportFrom):
                        here, above = lines[sub.lineno - 1], lines[sub.lineno - 2]
                        if "#" not in here and not above.strip().startswith("#"):
                            silent.append(f"{f.relative_to(ROOT)}:{sub.lineno}")
    assert not silent, silent
