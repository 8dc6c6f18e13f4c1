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
# lemmas of the domain's verbs and nouns (cues.py), preferred when a form is ambiguous
PREFERRED = {
    "прибыть",
    "выбыть",
    "уехать",
    "выехать",
    "приехать",
    "въехать",
    "переехать",
    "жить",
    "проживать",
    "насчитываться",
    "составить",
    "село",
    "житель",
    "горожанин",
    "трудиться",
    "работать",
    "поехать",
}


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=1)
def _place_lemmas() -> frozenset:
    """Lemmas of the words of region and country names, as they should read: the adjective
    for "-ская" names, the place noun otherwise."""
    from pipelines import reference

    names = [a for a, _ in reference.region_aliases()] + [c["name_ru"] for c in reference.countries()]
    names += [a for c in reference.countries() for a in (c.get("aliases") or "").split(";") if a]
    out = set()
    for name in names:
        for m in _WORD.finditer(name):
            w = m.group(0).lower()
            if _KAZAKH.search(w) or len(w) < 3:
                continue
            parses = _morph().parse(w)
            adj = [p for p in parses if p.tag.POS == "ADJF"]
            geo = [p for p in parses if "Geox" in p.tag]
            best = adj[0] if adj and re.search(r"(?:ая|ий|ое|ые)$", w) else (geo[0] if geo else parses[0])
            out.add(best.normal_form)
    return frozenset(out)


@lru_cache(maxsize=200_000)
def analyse(word: str) -> tuple[str, str, frozenset]:
    """(lemma, part of speech, grammemes) of a word; Kazakh spellings are kept as they are."""
    w = word.lower()
    if _KAZAKH.search(w):
        return w.replace("ё", "е"), "NOUN", frozenset()
    parses = _morph().parse(w)
    p = parses[0]
    # "прибыли" is the verb прибыть here far more often than the noun прибыль, and
    # "Мангистауской" the adjective of a region, not a guessed noun: a reading whose lemma is
    # a word of this domain or a place of the vocabulary wins over a more frequent one
    preferred = PREFERRED | _place_lemmas()
    if p.normal_form not in preferred:
        p = next((q for q in parses[1:4] if q.normal_form in preferred), p)
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
        prev = text[out[-1][0] : out[-1][1]] if out else ""
        if out and (
            re.search(r";\s*$", prev)
            or re.search(r"(?:\bг|\bгг|тыс|млн|чел|обл|руб|т\.ч|т\.е)\.\s*$", prev, re.I)
            and re.match(r"\s*[а-яё0-9(]", text[a:b])
        ):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out
