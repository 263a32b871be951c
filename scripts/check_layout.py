"""Part of `make lint`: no Python file of the repository over 400 lines, and
no import cycle among the modules of our two packages (imports read from the
source, TYPE_CHECKING and function-level ones included: a cycle there is
still two modules that cannot be understood apart).

Written here rather than taken from a linter: ruff has no cycle rule, and
the check is a topological sort of the import graph (graphlib)."""

from __future__ import annotations

import ast
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MAX_LINES = 400
PACKAGES = {"casa_pipelines": REPO / "pipelines", "ckanext.casa": REPO / "ckanext-casa"}


def long_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.split()
    out = []
    for name in listed:
        path = REPO / name
        if path.is_file():
            n = len(path.read_text(encoding="utf-8", errors="replace").splitlines())
            if n > MAX_LINES:
                out.append(f"{name}: {n} lines (at most {MAX_LINES})")
    return out


def _modules() -> dict[str, Path]:
    found = {}
    for package, root in PACKAGES.items():
        for path in (root / package.replace(".", "/")).rglob("*.py"):
            if "migrations" in path.parts or "migration" in path.parts:
                continue  # alembic scripts are loaded by alembic, not imported
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                wanted = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([node.module] if node.module else []))
                wanted = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for target in wanted:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


def main() -> int:
    problems = long_files()
    try:
        TopologicalSorter(import_graph()).prepare()
    except CycleError as err:
        problems.append("import cycle: " + " -> ".join(err.args[1]))
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
