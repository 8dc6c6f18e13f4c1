"""The documents' commands: extract, eval, review (the PDF extractor and its review)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipelines.cli.exits import command, shown


@command("extract", "print the figures found in a PDF document")
@click.argument("file")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl")
def extract(file: str, fmt: str) -> int:
    from pipelines.sources.documents.extract import DocumentError, extract_figures, format_table

    try:
        figures = extract_figures(file)
    except DocumentError as exc:
        print(f"kazmig extract: {shown(exc)}", file=sys.stderr)
        return 2
    if fmt == "table":
        print(format_table(figures))
    else:
        for fig in figures:
            print(json.dumps(fig.to_dict(), ensure_ascii=False))
    return 0


@command("eval", "score the extractor on annotated PDFs (<name>.pdf with <name>.gold.jsonl)")
@click.argument("folder", metavar="DIR")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--min-f1", type=float, metavar="X", help="exit 1 when the overall F1 is below X")
def evaluate(folder: str, fmt: str, min_f1: float | None) -> int:
    from pipelines.sources.documents.evaluate import GoldError, evaluate_dir, report_json, report_table, totals

    try:
        scores = evaluate_dir(Path(folder))
    except GoldError as exc:
        print(f"kazmig eval: {shown(exc)}", file=sys.stderr)
        return 2
    print(report_json(scores) if fmt == "json" else report_table(scores))
    f1 = totals(scores).f1
    if min_f1 is not None and f1 < min_f1:
        print(f"kazmig eval: F1 {f1:.3f} is below --min-f1 {min_f1}", file=sys.stderr)
        return 1
    return 0


@command(
    "review",
    "list the figures waiting for review and write a corrections template",
    "List the figures waiting for review and write a corrections template. "
    "FILE: one document of raw/documents (default: all).",
)
@click.argument("file", required=False, metavar="[FILE]")
@click.option("--out", metavar="YAML", help="corrections file to append to (default: raw/documents/corrections.yaml)")
def review(file: str | None, out: str | None) -> int:
    """What waits for review, and a corrections template for it."""
    from dagster import Failure

    from pipelines import settings
    from pipelines.defs.documents import list_documents, load_corrections
    from pipelines.files import sha256_file
    from pipelines.sources.documents.corrections import path_in, write_template

    target = Path(out) if out else path_in(settings.documents_dir())
    try:
        decisions = load_corrections()
        docs = list_documents()
        if file:
            digest = sha256_file(Path(file)) if Path(file).is_file() else None
            docs = [d for d in docs if d["sha256"] == digest or d["name"] == Path(file).name]
            if not docs:
                print(f"kazmig review: {shown(file)} is not a document in raw/documents", file=sys.stderr)
                return 2
        entries, waiting = _waiting(docs, decisions)
    except Failure as exc:
        print(f"kazmig review: {shown(exc.description)}", file=sys.stderr)
        return 2
    n = write_template(target, entries)
    print(
        f"{waiting} figures wait for review; {n} new entries written to {target}"
        if waiting
        else "nothing waits for review"
    )
    return 0


def _waiting(docs: list[dict], decisions: list) -> tuple[list[dict], int]:
    """Print each figure that waits for review; the template's new entries and how many wait."""
    from pipelines.defs.documents import reviewed_figures
    from pipelines.sources.documents.corrections import template_entries

    decided = {(c.document, c.key) for c in decisions if c.action != "pending"}
    pending = {(c.document, c.key) for c in decisions if c.action == "pending"}
    entries, waiting = [], 0
    for doc in docs:
        figures = reviewed_figures(doc, decisions)
        todo = [f for f in figures if f["status"] == "review"]
        waiting += len(todo)
        for f in todo:
            print(
                f"{doc['name']}  {f['key']}  p.{f['page']}  {f['indicator']} {f['value']:g} {f['period'] or '-'} "
                f"{f['region'] or '-'}{' ' + f['country'] if f['country'] else ''}  conf {f['confidence']:.2f}  "
                f"| {f['evidence']}"
            )
        entries += [e for e in template_entries(doc, figures, decided) if (e["document"], e["key"]) not in pending]
    return entries, waiting
