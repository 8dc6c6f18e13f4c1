"""A ledger's convention: where a document says that parentheses mark negative values
("в скобках — отрицательные значения"), a bare number in parentheses is negative. The
rewrite is made on the blocks' text (and table cells) before they are interpreted, so the
readers see the sign as words ("минус N") or as a leading minus; nothing changes in a document
that does not say so (elsewhere a number in parentheses is a comparison or a share).
"""

from __future__ import annotations

import re
from dataclasses import replace

from . import gloss, lexicon

_BARE = re.compile(r"\((\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)\)")


def says_parens_negative(blocks: list) -> bool:
    rx = lexicon.pattern("parens_negative")
    for b in blocks:
        texts = [b.text] + ([b.table.caption, b.table.notes] if b.table is not None else [])
        if any(t and rx.search(t) for t in texts):
            return True
    return False


def parens_negative(blocks: list) -> None:
    """Rewrite "(6 946)" as a negative value in every block of a document that says so."""
    if not says_parens_negative(blocks):
        return
    for b in blocks:
        if b.table is not None:
            for row in b.table.rows:
                for cell in row.cells:
                    m = _BARE.fullmatch(cell.text.strip())
                    if m and cell.words:
                        cell.words = [replace(cell.words[0], text="-" + m.group(1), x1=cell.words[-1].x1)]
        elif b.text:
            b.text, b.where = gloss.substitute(b.text, b.where, _BARE, lambda m: "минус " + m.group(1))
