"""Words of Russian text with their lemmas (pymorphy3), and sentences (razdel).

Lemmas let every rule be written once for all the forms a word takes: "выбыло", "выбывших",
"выбытие" and "выбыли" meet the same cue; "Акмолинской области" and "в Акмолинскую область"
the same region.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+(?:-[A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+)*")
_KAZAKH = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def analyse(word: str) -> tuple[str, str, frozenset]:
    """(lemma, part of speech, grammemes) of a word; Kazakh spellings are kept as they are."""
    w = word.lower()
    if _KAZAKH.search(w):
        return w.replace("ё", "е"), "NOUN", frozenset()
    p = _morph().parse(w)[0]
    return p.normal_form.replace("ё", "е"), str(p.tag.POS or ""), frozenset(p.tag.grammemes)


def lemma(word: str) -> str:
    return analyse(word)[0]


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    lemma: str
    pos: str
    tags: frozenset

    @property
    def capital(self) -> bool:
        return self.text[:1].isupper()


def tokens(text: str) -> list[Token]:
    out = []
    for m in _WORD.finditer(text):
        lem, pos, tags = analyse(m.group(0))
        out.append(Token(m.start(), m.end(), m.group(0), lem, pos, tags))
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (razdel knows "г.", "тыс.", initials and the like)."""
    from razdel import sentenize

    spans = [(s.start, s.stop) for s in sentenize(text)]
    # razdel splits after "г." before a lowercase word only rarely; also keep "тыс. человек"
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and re.search(r"(?:\bг|\bгг|тыс|млн|чел|обл|руб|т\.ч|т\.е)\.\s*$", text[out[-1][0]:out[-1][1]], re.I) \
                and re.match(r"\s*[а-яё0-9(]", text[a:b]):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out
