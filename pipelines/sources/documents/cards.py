"""Cards: a number set large in a drawn box with a few small words of its own, the key figures
of an infographic or a slide ("19 879 003 / человек – численность населения страны").

A card is read as one line of text, its number first and its words after it
("105 тыс. – естественный прирост с начала года."), so that the prose rules read it as they read
a sentence. A box that holds other boxes with words is a panel (a slide), not a card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import layout
from .pdf import Page, Word

_BADGE = re.compile(r"^\W*\d{1,2}\W*$")  # a rank or a slide number set in a circle


@dataclass
class Card:
    page: int
    top: float
    x0: float
    size: float
    text: str
    words: list[Word]


def find_cards(page: Page, words: list[Word]) -> list[Card]:
    boxes = [b for b in page.boxes if 20 < b[2] - b[0] < 0.5 * page.width and 12 < b[3] - b[1] < 0.25 * page.height]
    held = {
        b: [w for w in words if b[0] - 1 <= w.x0 and w.x1 <= b[2] + 1 and b[1] - 1 <= w.top and w.bottom <= b[3] + 1]
        for b in boxes
    }
    cards: list[Card] = []
    taken: set[int] = set()
    for b, ws in sorted(held.items(), key=lambda it: (it[0][1], it[0][0])):
        if not ws or any(id(w) in taken for w in ws):
            continue  # empty, or the same card's frame drawn twice
        if any(
            o != b
            and held[o]
            and len(held[o]) < len(ws)
            and b[0] - 1 <= o[0]
            and o[2] <= b[2] + 1
            and b[1] - 1 <= o[1]
            and o[3] <= b[3] + 1
            for o in boxes
        ):
            continue  # a panel around cards
        card = _card(page.number, b, ws)
        if card is not None:
            cards.append(card)
            taken |= {id(w) for w in ws}
    return cards


def _card(number: int, box, ws: list[Word]) -> Card | None:
    lines = layout.lines_of(ws)
    if not 2 <= len(lines) <= 8:
        return None
    top_size = max(ln.size for ln in lines)
    big = [ln for ln in lines if ln.size >= 0.8 * top_size]
    rest = [ln for ln in lines if ln.size < 0.8 * top_size and not _BADGE.match(ln.text)]
    figure = " ".join(ln.text for ln in big)
    if not rest or top_size < 1.3 * max(ln.size for ln in rest) or not re.search(r"\d", figure) or len(figure) > 30:
        return None
    words_ = " ".join(ln.text for ln in rest).rstrip(" .")
    text = f"{figure} – {words_}."
    return Card(number, box[1], box[0], rest[0].size, text, ws)
