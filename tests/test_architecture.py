"""The shape of the package, read from its import graph (grimp; imports inside functions count).

Layers, top to bottom; a module imports only from layers below its own, and the packages that
share a layer do not import each other:

    cli | service              the commands and the Dagster service
    build                      `kazmig build`: the no-op check, one Dagster run, the summary
    definitions                the Dagster Definitions
    defs                       the assets, checks, sensors and schedules
    outputs                    what is made from the warehouse: the note (reads the report's
                               data), the report, exports, the PostgreSQL tier, queries, status,
                               and at the bottom the charts the note and the report draw with
    sources                    the bureau's tables (bns) and PDF documents (documents)
    warehouse                  the DuckDB files, their lock, record, publication and history
    dbt                        the dbt project's manifest, code versions, and dbt in this process
    reference | files | messages | progress | templates
                               small shared helpers and the reference tables
    settings                   where things are and what the environment says

Inside cli, outputs, sources and dbt the same holds one level down (CLI, OUTPUTS, SOURCES, DBT).

And no module is part of an import loop: every cycle between modules fails, whichever layer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

LAYERS = (
    {"cli", "service"},
    "build",
    "definitions",
    "defs",
    "outputs",
    "sources",
    "warehouse",
    "dbt",
    {"reference", "files", "messages", "progress", "templates"},
    "settings",
)
OUTPUTS = ({"note"}, {"report"}, {"exports", "serving", "status"}, {"query"}, {"charts"})
SOURCES = ({"bns", "documents"},)
DBT = ("run", "manifest")
# the command group above the commands, which share how a command ends (exits)
CLI = ({"__main__"}, "app", {"pipeline", "documents", "outputs"}, "exits")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("pipelines", cache_dir=None)


def _loops(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return loops


def _line(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    return f"{importer}:{details[0]['line_number']} imports {imported}" if details else f"{importer} imports {imported}"


def _cycle(graph: grimp.ImportGraph, loop: list[str]) -> list[str]:
    """One shortest cycle through the loop's first module (breadth first, inside the loop)."""
    members, start = set(loop), loop[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for module in frontier:
            for imported in sorted(graph.find_modules_directly_imported_by(module) & members):
                if imported == start:
                    path = [module]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if imported not in came_from:
                    came_from[imported] = module
                    nxt.append(imported)
        frontier = nxt
    return loop


def test_no_import_loops(graph):
    loops = _loops(graph)
    described = []
    for loop in loops:
        cycle = _cycle(graph, loop)
        described.append(" -> ".join(_line(graph, a, b) for a, b in zip(cycle, cycle[1:], strict=False)))
    assert not loops, "import loops:\n" + "\n".join(described)


CONTAINERS = {
    "pipelines": LAYERS,
    "pipelines.cli": CLI,
    "pipelines.outputs": OUTPUTS,
    "pipelines.sources": SOURCES,
    "pipelines.dbt": DBT,
}


@pytest.mark.parametrize("container", sorted(CONTAINERS))
def test_layers_import_downwards_only(graph, container):
    layers = CONTAINERS[container]
    broken = graph.find_illegal_dependencies_for_layers(layers=layers, containers={container})
    lines = sorted(
        f"{dep.importer} -> {dep.imported}: "
        + "; ".join(" -> ".join([*sorted(r.heads)[:1], *r.middle, *sorted(r.tails)[:1]]) for r in dep.routes)
        for dep in broken
    )
    assert not broken, f"imports against the layers of {container} (top to bottom {layers!r}):\n" + "\n".join(lines)


@pytest.mark.parametrize("container", sorted(CONTAINERS))
def test_every_module_has_a_layer(graph, container):
    # A new module or package in one of these folders must be placed in its layers above.
    layers = CONTAINERS[container]
    placed = {name for layer in layers for name in ([layer] if isinstance(layer, str) else layer)}
    depth = container.count(".") + 1
    top = {m.split(".")[depth] for m in graph.modules if m.startswith(container + ".") and m.count(".") >= depth}
    assert top <= placed, f"not in any layer of {container} in tests/test_architecture.py: {sorted(top - placed)}"


# --- nothing heavy at import ------------------------------------------------------------------

_IMPORT_ALL_BUT_DEFINITIONS = """
import importlib, pkgutil, sys
import pipelines
for info in pkgutil.walk_packages(pipelines.__path__, "pipelines."):
    if not info.name.startswith(("pipelines.definitions", "pipelines.defs")):
        importlib.import_module(info.name)
heavy = sorted(m for m in ("dagster", "dagster_dbt", "dbt") if m in sys.modules)
print(pipelines.__file__, ",".join(heavy) or "-")
"""


def test_importing_the_package_runs_no_dbt(tmp_path):
    """Every module but the Dagster definitions imports without dbt (no `dbt parse`, which
    would write sql/target/manifest.json) and without Dagster: a copy of the package and the dbt
    project with no manifest stays without one."""
    root = Path(__file__).resolve().parent.parent
    ignore = shutil.ignore_patterns("target", "logs", "dbt_packages", "__pycache__", ".user.yml")
    shutil.copytree(root / "pipelines", tmp_path / "pipelines", ignore=ignore)
    shutil.copytree(root / "sql", tmp_path / "sql", ignore=ignore)
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "KAZMIG_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL_BUT_DEFINITIONS], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    where, heavy = proc.stdout.split()
    assert Path(where).is_relative_to(tmp_path), where  # the copy was imported, not the worktree
    assert heavy == "-", f"importing pipelines loaded {heavy}"
    assert not (tmp_path / "sql" / "target").exists(), "importing pipelines ran dbt"


def test_loading_the_definitions_parses_only_a_changed_project():
    """With the manifest made for the project as it is, loading the definitions (as `kazmig
    build`, `dagster dev` and `dg check defs` do) does not run `dbt parse` again: the manifest
    file is left as it was."""
    from pipelines.dbt.manifest import _HASH_FILE, MANIFEST, prepare

    prepare()
    before = (MANIFEST.stat().st_mtime_ns, _HASH_FILE.stat().st_mtime_ns)
    proc = subprocess.run(
        [sys.executable, "-c", "import pipelines.definitions"], capture_output=True, text=True, cwd=MANIFEST.parent
    )
    assert proc.returncode == 0, proc.stderr
    assert (MANIFEST.stat().st_mtime_ns, _HASH_FILE.stat().st_mtime_ns) == before


# --- every third-party import is a declared dependency --------------------------------------


def _requirement_name(spec: str) -> str:
    import re

    return re.split(r"[\s\[<>=!~;]", spec.strip(), maxsplit=1)[0]


def _normalized(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_third_party_import_is_declared():
    """What pipelines/ imports (at the top or in a function) comes from a distribution that
    pyproject.toml's [project] dependencies name: a package that only arrives through another
    one (pydantic through dagster, say) disappears when that one stops needing it."""
    import ast
    import tomllib
    from importlib.metadata import packages_distributions

    root = Path(__file__).resolve().parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    declared = {_normalized(_requirement_name(spec)) for spec in project["dependencies"]}
    providers = packages_distributions()
    imported: dict[str, str] = {}  # top-level module -> the first place that imports it
    for path in sorted((root / "pipelines").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "pipelines" and top not in sys.stdlib_module_names:
                    imported.setdefault(top, f"{path.relative_to(root)}:{node.lineno}")
    assert {"dagster", "duckdb", "pydantic", "pypdfium2"} <= set(imported), sorted(imported)  # the walk found them
    undeclared = sorted(
        f"{where} imports {module} (from {', '.join(providers.get(module, ['no installed distribution']))})"
        for module, where in imported.items()
        if not declared & {_normalized(d) for d in providers.get(module, [])}
    )
    assert not undeclared, "not in pyproject.toml's dependencies:\n" + "\n".join(undeclared)
