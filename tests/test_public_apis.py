"""pipelines/ uses the libraries' public APIs only, so a dependency can move within its range:
no import from a private or internal module of Dagster, dagster-dbt, dbt or dbt-duckdb, and no
underscored attribute reached on their objects."""

from __future__ import annotations

import ast

from conftest import REPO

LIBRARIES = ("dagster", "dagster_dbt", "dbt")
ALLOWED_MODULES = {"dagster", "dagster_dbt", "dbt.cli.main"}  # what their docs present as the API


def modules_imported(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def test_no_private_or_internal_imports_of_dagster_or_dbt():
    found = []
    for path in sorted((REPO / "pipelines").rglob("*.py")):
        for line, module in modules_imported(ast.parse(path.read_text(), str(path))):
            if module.split(".")[0] in LIBRARIES and module not in ALLOWED_MODULES:
                found.append(f"{path.relative_to(REPO)}:{line}: {module}")
    assert found == []


def test_no_underscored_attribute_reached_on_other_objects():
    trees = {path: ast.parse(path.read_text(), str(path)) for path in sorted((REPO / "pipelines").rglob("*.py"))}
    ours = {"_exit"}  # os._exit is the standard library's public way out
    for tree in trees.values():  # names kazmig defines itself
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                ours.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                ours.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                ours.add(node.id)
    found = [
        f"{path.relative_to(REPO)}:{node.lineno}: .{node.attr}"
        for path, tree in trees.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and node.attr not in ours
    ]
    assert found == []


def test_the_pins_are_ranges():
    import tomllib

    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert deps and all("==" not in d and "<" in d and ">=" in d for d in deps), deps
