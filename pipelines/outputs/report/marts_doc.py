"""The marts reference, docs/marts.md, generated from dbt's column docs (sql/models/marts/schema.yml).

`kazmig docs` rewrites the block between the markers; `kazmig docs --check` (and the test suite)
fails when the file's block differs from what schema.yml says.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines import settings

START = "<!-- marts:start -->"
END = "<!-- marts:end -->"
SCHEMA = settings.SQL_DIR / "models" / "marts" / "schema.yml"
REFERENCE = settings.REPO_ROOT / "docs" / "marts.md"


def _cell(text: str | None) -> str:
    return " ".join(str(text or "").split()).replace("|", "\\|")


def marts_reference(schema: Path = SCHEMA) -> str:
    """Markdown for every mart in schema.yml: its description, then a column table."""
    doc = yaml.safe_load(schema.read_text(encoding="utf-8"))
    out = [
        f"<!-- generated from {schema.relative_to(settings.REPO_ROOT).as_posix()} by `kazmig docs`; do not edit by hand -->",
        "",
    ]
    for model in doc.get("models", []):
        out.append(f"### `marts.{model['name']}`")
        out.append("")
        out.append(_cell(model.get("description")))
        out.append("")
        out.append("| column | description |")
        out.append("|---|---|")
        for col in model.get("columns", []):
            out.append(f"| `{col['name']}` | {_cell(col.get('description'))} |")
        out.append("")
    return "\n".join(out).rstrip("\n")


def _split(text: str) -> tuple[str, str, str]:
    if START not in text or END not in text:
        raise ValueError(f"docs/marts.md has no {START} … {END} block")
    head, rest = text.split(START, 1)
    body, tail = rest.split(END, 1)
    return head, body, tail


def readme_block(readme: Path = REFERENCE) -> str:
    """The text currently between the markers, without the surrounding newlines."""
    return _split(readme.read_text(encoding="utf-8"))[1].strip("\n")


def write_readme(readme: Path = REFERENCE, schema: Path = SCHEMA) -> bool:
    """Replace the block with the generated reference; True when the file changed."""
    text = readme.read_text(encoding="utf-8")
    head, _, tail = _split(text)
    new = f"{head}{START}\n{marts_reference(schema)}\n{END}{tail}"
    if new == text:
        return False
    readme.write_text(new, encoding="utf-8")
    return True
