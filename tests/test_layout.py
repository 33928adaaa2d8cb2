"""The layout reads as the pipeline: every import goes from a later stage to an earlier one,
no two modules import each other, and the command line starts without the heavy libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "geonews"

#: Each part of the package and its rank: a module may import only parts of a lower rank,
#: or its own part. regions (the admin-1 tables) sits low: the gazetteer indexes regions.
RANKS = {
    "model": 0,
    "errors": 0,
    "language": 1,
    "read": 1,
    "regions": 1,
    "gazetteer": 2,
    "geoparse": 3,
    "events": 4,
    "render": 5,
    "pipeline": 6,
    "batch": 7,
    "living": 7,
    "cli": 8,
    "__init__": 9,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The geonews modules ``path`` imports, at its top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("geonews"):
                found.add(node.module)
                for alias in node.names:  # "from geonews.read import articles"
                    if (PACKAGE.parent / node.module.replace(".", "/") / alias.name).with_suffix(
                        ".py"
                    ).exists():
                        found.add(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("geonews")}
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_no_import_runs_back_up_the_pipeline():
    upward = [
        (m, i)
        for m, targets in _graph().items()
        for i in targets
        if _part(i) != _part(m) and RANKS[_part(i)] >= RANKS[_part(m)]
    ]
    assert upward == []


def test_no_two_modules_import_each_other():
    graph = _graph()
    assert all(_part(m) in RANKS for m in graph), sorted(m for m in graph if _part(m) not in RANKS)
    seen: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(m: str, path: list[str]) -> list[str] | None:
        seen[m] = 1
        for n in sorted(graph.get(m, ())):
            if n == m or n not in graph:
                continue
            if seen.get(n) == 1:
                return [*path, m, n]
            if n not in seen and (cycle := visit(n, [*path, m])):
                return cycle
        seen[m] = 2
        return None

    cycles = [c for m in sorted(graph) if m not in seen and (c := visit(m, []))]
    assert cycles == []


def test_the_command_line_loads_no_heavy_library():
    code = (
        "import sys, geonews.cli; "
        "print(sorted(m for m in ('folium', 'branca', 'jinja2', 'geopandas', 'shapely', "
        "'numpy', 'marisa_trie', 'requests') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
