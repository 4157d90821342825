"""Imports point one way (ARCHITECTURE §2): domain and engine never import Flask or web."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLASK = {"flask", "flask_sqlalchemy", "flask_login", "flask_babel", "flask_wtf", "werkzeug"}
FORBIDDEN = {
    "domain": FLASK | {"web", "engine", "connectors"},
    "engine": FLASK | {"web", "domain", "connectors"},
    "connectors": FLASK | {"web"},
}


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
