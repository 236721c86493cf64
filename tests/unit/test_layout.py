"""The layout rules a reader relies on: the tree shows the pipeline, and the packages stay apart.

- ``streams.settings`` (read by every command) loads neither numpy nor spaCy;
- no import cycle among the project's modules (imports at module level, ``TYPE_CHECKING`` blocks included: a
  cycle held apart by that guard is still one unit split in two);
- no module imports another module's private (underscore) names;
- no module of the packages is longer than 1,000 lines.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("schemas", "agents", "streams", "bench")


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


MODULES = _modules()


def _top_level_imports(path: Path) -> list[ast.ImportFrom | ast.Import]:
    """Imports at module level, including try/if blocks and ``if TYPE_CHECKING:`` (not those inside functions)."""
    found: list[ast.ImportFrom | ast.Import] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.append(node)
            elif isinstance(node, ast.If):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return found


def _targets(node: ast.Import | ast.ImportFrom) -> list[str]:
    """Project modules an import statement loads (a ``from package import module`` loads the module)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif node.level or node.module is None:
        return []
    else:
        names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return [n for n in names if n in MODULES]


def test_settings_load_neither_numpy_nor_spacy() -> None:
    code = "import streams.settings, streams.topics, sys; print(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "'numpy'" not in loaded and "'spacy'" not in loaded and "'faust'" not in loaded, loaded


def _related(a: str, b: str) -> bool:
    """A package and its own modules (a package's __init__ importing its modules is no cycle)."""
    return a.startswith(b + ".") or b.startswith(a + ".")


def import_graph() -> dict[str, list[str]]:
    """Module → the project modules it imports when it is imported, plus its parent package (imported first)."""
    graph: dict[str, list[str]] = {}
    for name, path in MODULES.items():
        targets = {t for node in _top_level_imports(path) for t in _targets(node)}
        parent = name.rpartition(".")[0]
        if parent in MODULES:
            targets.add(parent)
        graph[name] = sorted(t for t in targets if t != name)
    return graph


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle of imports between unrelated modules, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if _related(node, nxt):
                continue
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := walk(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for name in sorted(graph):
        if name not in state and (cycle := walk(name)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a.x": ["b.y"], "b.y": ["c.z"], "c.z": ["a.x"]}) == ["a.x", "b.y", "c.z", "a.x"]
    assert find_cycle({"a": ["a.x"], "a.x": ["a"]}) is None


def test_no_import_cycles() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_no_module_imports_private_names_of_another() -> None:
    offenders = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in MODULES and node.module != name:
                private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                if private:
                    offenders.append(f"{name} imports {', '.join(private)} from {node.module}")
    assert not offenders, "\n".join(offenders)


def test_no_module_is_longer_than_1000_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in MODULES.values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 1000
    }
    assert not long, long
