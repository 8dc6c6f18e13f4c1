"""The marts reference, docs/marts.md, generated from dbt's column docs: each mart's yml beside its
SQL (sql/models/marts/<mart>.yml).

`kazmig docs` rewrites the block between the markers; `kazmig docs --check` (and the test suite)
fails when the file's block differs from what the ymls say.
"""

from __future__ import annotations

from pathlib import Path

from pipelines import settings
from pipelines.dbt.manifest import MODELS_DIR, model_properties

START = "<!-- marts:start -->"
END = "<!-- marts:end -->"
MARTS = MODELS_DIR / "marts"
REFERENCE = settings.REPO_ROOT / "docs" / "marts.md"


def _cell(text: str | None) -> str:
    return " ".join(str(text or "").split()).replace("|", "\\|")


def mart_models(marts: Path = MARTS) -> list[dict]:
    """Every mart's properties, by name."""
    return [model_properties(sql) for sql in sorted(marts.glob("*.sql"))]


def marts_reference(marts: Path = MARTS) -> str:
    """Markdown for every mart, by name: its description, then a column table."""
    out = [
        f"<!-- generated from {marts.relative_to(settings.REPO_ROOT).as_posix()}/*.yml by `kazmig docs`; do not edit by hand -->",
        "",
    ]
    for model in mart_models(marts):
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


def write_readme(readme: Path = REFERENCE, marts: Path = MARTS) -> bool:
    """Replace the block with the generated reference; True when the file changed."""
    text = readme.read_text(encoding="utf-8")
    head, _, tail = _split(text)
    new = f"{head}{START}\n{marts_reference(marts)}\n{END}{tail}"
    if new == text:
        return False
    readme.write_text(new, encoding="utf-8")
    return True
