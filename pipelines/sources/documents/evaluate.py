"""`kazmig eval`: the extractor scored against annotated documents.

Every `<name>.pdf` in a folder that has a `<name>.gold.jsonl` beside it is extracted; its facts
(figures with status "fact") are matched one to one with the gold rows. A figure matches a gold
row when indicator, region, country, occupation and period are equal and the value is within
1e-6 relative. Figures waiting for review are reported beside the score, not in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

KEY_FIELDS = ("indicator", "region", "country", "occupation", "period")


class GoldError(Exception):
    """A gold file that cannot be read; the message names the file and line."""


def _norm(v):
    return None if v in ("", None) else str(v)


def _key(row: dict) -> tuple:
    return tuple(_norm(row.get(k)) for k in KEY_FIELDS)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1e-12)


def load_gold(path: Path) -> list[dict]:
    rows = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldError(f"{path.name}, line {no}: not JSON ({e.msg})") from None
        if not isinstance(row, dict) or "indicator" not in row or "value" not in row:
            raise GoldError(f"{path.name}, line {no}: a gold row needs at least indicator and value")
        try:
            row["value"] = float(row["value"])
        except (TypeError, ValueError):
            raise GoldError(f"{path.name}, line {no}: value {row['value']!r} is not a number") from None
        rows.append(row)
    return rows


@dataclass
class DocScore:
    name: str
    gold: int = 0
    facts: int = 0
    matched: int = 0
    review: int = 0
    review_matching: int = 0  # figures in the review queue that would match a missed gold row
    misses: list[dict] = field(default_factory=list)
    extras: list[dict] = field(default_factory=list)
    error: str | None = None
    language: str = "ru"
    genre: str = ""
    in_cells: int = 0  # gold figures whose value stands in a numeric cell of a table the engine built
    cells_matched: int = 0  # of these, extracted as facts

    @property
    def precision(self) -> float:
        return self.matched / self.facts if self.facts else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def match(figures: list[dict], gold: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """One-to-one matching: (pairs, unmatched gold, unmatched figures)."""
    left = list(gold)
    pairs, extras = [], []
    for f in figures:
        k = _key(f)
        hit = next((g for g in left if _key(g) == k and _close(float(f["value"]), g["value"])), None)
        if hit is None:
            extras.append(f)
        else:
            left.remove(hit)
            pairs.append((f, hit))
    return pairs, left, extras


def score_document(pdf: Path, gold_path: Path) -> DocScore:
    from .extract import DocumentError, extract_figures

    s = DocScore(pdf.name, genre=genre_of(pdf.name))
    gold = load_gold(gold_path)
    s.gold = len(gold)
    try:
        figures = [f.to_dict() for f in extract_figures(pdf)]
        s.language, cells = _layout_facts(pdf)
    except DocumentError as e:
        s.error = str(e)
        s.misses = gold
        return s
    facts = [f for f in figures if f["status"] == "fact"]
    review = [f for f in figures if f["status"] != "fact"]
    pairs, misses, extras = match(facts, gold)
    s.facts, s.matched, s.review = len(facts), len(pairs), len(review)
    s.misses, s.extras = misses, extras
    s.review_matching = len(match(review, misses)[0])
    in_cells = [g for g in gold if any(_close(c * k, abs(float(g["value"]))) for c in cells for k in (1, 1000, 10**6))]
    s.in_cells = len(in_cells)
    s.cells_matched = len(match(facts, in_cells)[0])
    return s


# The genre of a corpus document, from the first word of its name (the corpus's convention);
# a language code in front is skipped ("en_bns_…" is a bureau table in English).
GENRES = {
    "bns": "bureau tables",
    "express": "bureau releases",
    "annex": "annexes",
    "slides": "slides",
    "chart": "charts",
    "report": "reports",
}


def genre_of(name: str) -> str:
    words = name.split("_")
    if words and words[0] in ("en", "kk", "ru") and len(words) > 1:
        words = words[1:]
    return GENRES.get(words[0], "news and notes") if words else "news and notes"


def _layout_facts(pdf: Path) -> tuple[str, list[float]]:
    """The document's language (most of its pages') and the values of the numeric cells of
    every table and grid the engine built: the table layer measured on its own."""
    from . import document, gloss
    from .numbers import parse_cell
    from .pdf import read_pages

    pages = read_pages(pdf)
    langs = gloss.languages_of(pages)
    language = max(set(langs.values()), key=list(langs.values()).count)
    values = []
    for b in document.build(gloss.numbers(pages, langs)):
        if b.table is None:
            continue
        for row in b.table.rows:
            for c in row.cells:
                got = parse_cell(c.text)
                if got is not None:
                    values.append(float(abs(got[0])))
    return language, values


def evaluate_dir(folder: Path) -> list[DocScore]:
    folder = Path(folder)
    if not folder.is_dir():
        raise GoldError(f"{folder}: not a folder")
    out = []
    for pdf in sorted(folder.glob("*.pdf")):
        gold = pdf.with_name(pdf.stem + ".gold.jsonl")
        if gold.is_file():
            out.append(score_document(pdf, gold))
    if not out:
        raise GoldError(f"{folder}: no <name>.pdf with a <name>.gold.jsonl beside it")
    return out


def totals(scores: list[DocScore], name: str = "overall") -> DocScore:
    t = DocScore(name)
    for s in scores:
        t.gold += s.gold
        t.facts += s.facts
        t.matched += s.matched
        t.review += s.review
        t.review_matching += s.review_matching
        t.in_cells += s.in_cells
        t.cells_matched += s.cells_matched
    return t


def groups(scores: list[DocScore]) -> dict[str, list[DocScore]]:
    """Totals by language and by genre: 'language: kk', 'genre: slides'."""
    out: dict[str, list[DocScore]] = {}
    for s in scores:
        out.setdefault(f"language: {s.language}", []).append(s)
    for s in scores:
        out.setdefault(f"genre: {s.genre}", []).append(s)
    return out


def _fmt(row: dict) -> str:
    v = row.get("value")
    bits = [
        row.get("indicator"),
        f"{v:g}" if isinstance(v, float) else str(v),
        row.get("period") or "-",
        row.get("region") or "-",
    ]
    if row.get("country"):
        bits.append(f"country={row['country']}")
    if row.get("occupation"):
        bits.append(f"occupation={row['occupation']}")
    return " ".join(str(b) for b in bits)


def report_table(scores: list[DocScore]) -> str:
    from tabulate import tabulate

    rows = [
        [
            s.name,
            s.gold,
            s.facts,
            s.matched,
            f"{s.precision:.2f}",
            f"{s.recall:.2f}",
            f"{s.f1:.2f}",
            s.review,
            s.error or "",
        ]
        for s in scores
    ]
    out = [
        tabulate(
            rows,
            headers=["document", "gold", "facts", "matched", "precision", "recall", "F1", "review", "error"],
            tablefmt="simple",
        )
    ]
    for s in scores:
        if not (s.misses or s.extras):
            continue
        out.append(f"\n{s.name}")
        for g in s.misses:
            out.append(f"  miss   {_fmt(g)}  | {g.get('evidence', '')}")
        for f in s.extras:
            out.append(f"  extra  {_fmt(f)}  | p.{f.get('page')} {f.get('text', '')[:140]}")
    t = totals(scores)
    out.append("")
    group_rows = [
        [name, len(ss), g.gold, g.facts, g.matched, f"{g.precision:.3f}", f"{g.recall:.3f}", f"{g.f1:.3f}"]
        for name, ss in groups(scores).items()
        for g in [totals(ss, name)]
    ]
    out.append(
        tabulate(
            group_rows,
            headers=["group", "documents", "gold", "facts", "matched", "precision", "recall", "F1"],
            tablefmt="simple",
        )
    )
    out.append("")
    out.append(
        f"table layer: {t.in_cells} gold figures stand in a numeric cell of a table the engine found; "
        f"{t.cells_matched} of them extracted"
    )
    out.append(
        f"review queue: {t.review} figures wait for review; {t.review_matching} of them would match a missed gold row"
    )
    out.append(f"documents: {len(scores)}, gold figures: {t.gold}, facts: {t.facts}, matched: {t.matched}")
    out.append(f"overall: precision {t.precision:.3f}  recall {t.recall:.3f}  F1 {t.f1:.3f}")
    return "\n".join(out)


def report_json(scores: list[DocScore]) -> str:
    def d(s: DocScore) -> dict:
        return {
            "document": s.name,
            "gold": s.gold,
            "facts": s.facts,
            "matched": s.matched,
            "precision": round(s.precision, 4),
            "recall": round(s.recall, 4),
            "f1": round(s.f1, 4),
            "review": s.review,
            "review_matching": s.review_matching,
            "error": s.error,
            "language": s.language,
            "genre": s.genre,
            "in_cells": s.in_cells,
            "cells_matched": s.cells_matched,
            "misses": s.misses,
            "extras": s.extras,
        }

    def summary(s: DocScore) -> dict:
        return {
            k: v for k, v in d(s).items() if k not in ("misses", "extras", "document", "error", "language", "genre")
        }

    t = totals(scores)
    return json.dumps(
        {
            "documents": [d(s) for s in scores],
            "groups": {name: summary(totals(ss, name)) for name, ss in groups(scores).items()},
            "overall": summary(t),
        },
        ensure_ascii=False,
        indent=1,
    )
