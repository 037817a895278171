"""The package layout: no import cycles, the Pelican-free core, and plugins in a namespace of their own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wenming"
PELICAN_FREE = ("schema", "source", "model", "metrics")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports (at any depth in the file), as absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def project_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles_between_modules():
    graph = project_graph()
    # a package's __init__ importing its own modules is how a package exports them, not a cycle of logic
    graph = {name: {t for t in targets if not name.startswith(f"{t}.")} for name, targets in graph.items()}
    assert cycles(graph) == []


def test_the_core_subpackages_import_nothing_from_pelican_or_the_build():
    offenders = []
    for name in PELICAN_FREE:
        for path in (PACKAGE / name).rglob("*.py"):
            for imported in imports_of(path):
                if imported.split(".")[0] == "pelican" or imported.startswith(("wenming.build", "wenming.preview",
                                                                               "wenming.publish")):
                    offenders.append(f"{module_name(path)} imports {imported}")
    assert offenders == []


def test_the_core_subpackages_import_without_pelican_installed():
    """Import every module of schema/, source/, model/ and metrics/ in a process where Pelican cannot load."""
    modules = sorted(module_name(p) for name in PELICAN_FREE for p in (PACKAGE / name).rglob("*.py"))
    script = "\n".join([
        "import importlib, sys",
        "class NoPelican:",
        "    def find_spec(self, name, path=None, target=None):",
        "        if name == 'pelican' or name.startswith('pelican.'):",
        "            raise ImportError('Pelican is not installed here')",
        "sys.meta_path.insert(0, NoPelican())",
        f"for name in {modules!r}:",
        "    importlib.import_module(name)",
        "assert not any(m == 'pelican' or m.startswith('pelican.') for m in sys.modules), 'pelican was imported'",
        "print(len(sys.modules))",
    ])
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(modules) > 25


def test_at_most_ten_modules_at_the_top_of_the_package():
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= 10, top


def test_plugins_load_under_their_namespace_not_as_top_level_modules(built_site):
    built_site()
    loaded = set(sys.modules)
    assert "wenming_plugins.writer" in loaded and "wenming_plugins.feeds" in loaded
    generic = {"writer", "feeds", "services", "projects", "quota", "hall", "column", "towns", "volunteers"}
    assert generic & loaded == set()


# Which subpackages each may import: data flows one way, files -> model -> numbers and outputs.
LAYERS = {
    "schema": set(),
    "source": {"schema"},
    "media": {"schema", "source"},
    "model": {"schema", "source", "media"},
    "metrics": {"schema", "source", "media", "model"},
    # the handbook reads the schemas and the catalog; only the atomic swap comes from build/
    "handbook": {"schema", "source", "model", "build"},
}


def test_the_core_subpackages_depend_one_way():
    offenders = []
    for package, allowed in LAYERS.items():
        for path in (PACKAGE / package).rglob("*.py"):
            for imported in imports_of(path):
                parts = imported.split(".")
                if parts[0] == "wenming" and len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
                    if parts[1] not in allowed | {package}:
                        offenders.append(f"{module_name(path)} imports {imported}")
    assert offenders == []
