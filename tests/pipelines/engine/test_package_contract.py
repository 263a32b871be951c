"""The dependency between the two packages points one way: ckanext-casa
depends on casa-pipelines (declared in its pyproject.toml), and
casa_pipelines never imports ckanext."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_casa_pipelines_imports_nothing_from_ckanext() -> None:
    found = []
    for path in (REPO / "pipelines" / "casa_pipelines").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.relative_to(REPO)}: {n}" for n in names if n.split(".")[0] == "ckanext"]
    assert found == []


def test_ckanext_casa_declares_its_dependency_on_casa_pipelines() -> None:
    project = tomllib.loads((REPO / "ckanext-casa" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(d.split(">")[0].split("=")[0].strip() == "casa-pipelines" for d in project["dependencies"])
