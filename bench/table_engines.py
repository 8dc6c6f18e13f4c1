"""Table engines compared on the development corpus: kazmig's own, pdfplumber's table finder
(ruled and text strategies) and camelot's stream flavour when it is installed.

    .venv/bin/python -m bench.table_engines [DIR]

For each engine: how many gold figures stand in a numeric cell of a table it found (a value
read by kazmig's cell parser, in base units, in thousands or in millions), how many numeric
cells it returned (a text strategy that makes a table of every page finds prose numbers too),
and pages per second (median of 3). Camelot is not a dependency of kazmig; it is measured when
importable (`uv pip install camelot-py` into the venv for the run).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from pipelines.sources.documents.numbers import parse_cell


def _cells_ours(pdf: Path) -> list[str]:
    from pipelines.sources.documents import document, gloss
    from pipelines.sources.documents.pdf import read_pages

    pages = read_pages(pdf)
    langs = gloss.languages_of(pages)
    out = []
    for b in document.build(gloss.numbers(pages, langs)):
        if b.table is not None:
            out += [c.text for row in b.table.rows for c in row.cells]
    return out


def _cells_pdfplumber(strategy: str):
    def run(pdf: Path) -> list[str]:
        import pdfplumber

        settings = {} if strategy == "lines" else {"vertical_strategy": "text", "horizontal_strategy": "text"}
        out = []
        with pdfplumber.open(pdf) as doc:
            for page in doc.pages:
                for table in page.extract_tables(settings):
                    out += [c for row in table for c in row if c]
        return out

    return run


def _cells_camelot(pdf: Path) -> list[str]:
    import camelot

    tables = camelot.read_pdf(str(pdf), flavor="stream", pages="all")
    return [str(v) for t in tables for v in t.df.to_numpy().ravel() if str(v).strip()]


def _values(cells: list[str]) -> list[float]:
    out = []
    for c in cells:
        for line in str(c).splitlines():
            got = parse_cell(line)
            if got is not None:
                out.append(abs(float(got[0])))
    return out


def _found(gold: list[dict], values: list[float]) -> int:
    vs = set(values)
    hits = 0
    for g in gold:
        v = abs(float(g["value"]))
        if any(abs(x * k - v) <= 1e-6 * max(v, 1) for x in vs for k in (1, 1000, 10**6)):
            hits += 1
    return hits


def main(folder: Path) -> None:
    from pipelines.sources.documents.pdf import read_pages

    docs = [(p, p.with_name(p.stem + ".gold.jsonl")) for p in sorted(folder.glob("*.pdf"))]
    docs = [(p, g) for p, g in docs if g.exists()]
    gold = {p: [json.loads(x) for x in g.read_text().splitlines() if x.strip()] for p, g in docs}
    pages = sum(len(read_pages(p)) for p, _ in docs)
    engines = {
        "kazmig": _cells_ours,
        "pdfplumber (lines)": _cells_pdfplumber("lines"),
        "pdfplumber (text)": _cells_pdfplumber("text"),
    }
    try:
        import camelot  # noqa: F401

        engines["camelot (stream)"] = _cells_camelot
    except ImportError:
        print("camelot: not installed, not measured", file=sys.stderr)
    total = sum(len(g) for g in gold.values())
    print(f"{len(docs)} documents, {pages} pages, {total} gold figures\n")
    print("| engine | gold figures in its cells | numeric cells | pages/s |")
    print("|---|---|---|---|")
    for name, run in engines.items():
        times, found, cells = [], 0, 0
        for r in range(3):
            t0 = time.perf_counter()
            per_doc = {p: run(p) for p, _ in docs}
            times.append(time.perf_counter() - t0)
            if r == 0:
                for p, cs in per_doc.items():
                    vals = _values(cs)
                    cells += len(vals)
                    found += _found(gold[p], vals)
        print(f"| {name} | {found} | {cells} | {pages / statistics.median(times):.1f} |")


if __name__ == "__main__":
    main(
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1].parent / "shared" / "extraction"
    )
