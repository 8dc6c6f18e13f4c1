"""Regions, countries and occupations named in running text, in any grammatical case.

Names are matched word by word on stems: a light Russian stemmer strips case/number endings
from both the reference names (pipelines.reference) and the text, so "Акмолинской области",
"в Россию", "Республике Корея", "для сварщиков" meet "Акмолинская область", "Россия",
"Республика Корея", "сварщики". No document's wording is listed here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines import reference

# Inflectional endings of nouns and adjectives, longest first.
_ENDINGS = sorted(
    """иями ями ами иях ях ах ией ией ей ой ий ый ая яя ое ее ие ые ого его ому ему ым им ом ем
    ую юю их ых ия ии ию ья ье ьи ью ьё ов ев ёв ам ям а я о е и ы у ю ь й""".split(),
    key=len,
    reverse=True,
)
_WORD = re.compile(r"[A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+(?:-[A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+)*")


def stem(word: str) -> str:
    """Crude but symmetric: the same stem for every case form of a name."""
    if word.isupper() and len(word) <= 5:  # abbreviations: ОАЭ, США, РФ, КНР
        return word.lower()
    w = word.lower().replace("ё", "е")
    for e in _ENDINGS:
        if w.endswith(e) and len(w) - len(e) >= 3:
            return w[: -len(e)]
    return w


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    code: str
    kind: str  # region | country | occupation
    strong: bool = True


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), stem(m.group(0))) for m in _WORD.finditer(text)]


class _Matcher:
    """Longest match of stem sequences; words must be separated by spaces only."""

    def __init__(self, names: list[tuple[str, str]], kind: str):
        self.kind = kind
        self.index: dict[tuple[str, ...], str] = {}
        for name, code in names:
            key = tuple(t[2] for t in _tokens(name))
            if key:
                self.index.setdefault(key, code)
        self.maxlen = max((len(k) for k in self.index), default=1)

    def find(self, text: str) -> list[Mention]:
        toks = _tokens(text)
        out: list[Mention] = []
        i = 0
        while i < len(toks):
            hit = None
            for n in range(min(self.maxlen, len(toks) - i), 0, -1):
                span = toks[i : i + n]
                if any(text[a[1] : b[0]].strip(" .") for a, b in zip(span, span[1:])):
                    continue
                code = self.index.get(tuple(t[2] for t in span))
                if code:
                    hit = (n, code)
                    break
            if hit:
                n, code = hit
                out.append(Mention(toks[i][0], toks[i + n - 1][1], code, self.kind))
                i += n
            else:
                i += 1
        return out


@lru_cache(maxsize=None)
def _region_matcher() -> _Matcher:
    names: list[tuple[str, str]] = [(a, k) for a, k in reference.region_aliases()]
    for r in reference.regions().values():
        names += [(r.name_ru, r.kato), (r.name_kk, r.kato)]
        # "Акмолинская область" is also written "область ... " / "... обл."
        if r.name_ru.endswith(" область"):
            names.append((r.name_ru.replace(" область", " обл"), r.kato))
    return _Matcher(names, "region")


@lru_cache(maxsize=None)
def _country_matcher() -> _Matcher:
    names: list[tuple[str, str]] = []
    for c in reference.countries():
        names.append((c["name_ru"], c["code"]))
        names += [(a, c["code"]) for a in (c.get("aliases") or "").split(";") if a.strip()]
    return _Matcher(names, "country")


@lru_cache(maxsize=None)
def _occupation_matcher() -> _Matcher:
    names: list[tuple[str, str]] = []
    for o in reference.occupations():
        names.append((o["name_ru"], o["isco"]))
        names += [(a, o["isco"]) for a in (o.get("aliases") or "").split(";") if a.strip()]
    return _Matcher(names, "occupation")


# Citizens of the country as a whole: "казахстанцев", "граждан" (weak: a named region wins).
_DEMONYM = re.compile(r"\bказахстанц[а-я]*", re.I)
_CITIZENS = re.compile(r"\b[Гг]раждан[а-я]*\b(?!\s+(?:других|иностранн|[А-ЯЁ]))")


def find_regions(text: str) -> list[Mention]:
    out = _region_matcher().find(text)
    out += [Mention(m.start(), m.end(), "KZ", "region") for m in _DEMONYM.finditer(text)]
    out += [Mention(m.start(), m.end(), "KZ", "region", strong=False) for m in _CITIZENS.finditer(text)]
    return sorted(out, key=lambda m: m.start)


def find_countries(text: str) -> list[Mention]:
    return _country_matcher().find(text)


def find_occupations(text: str) -> list[Mention]:
    return _occupation_matcher().find(text)


def resolve_country(name: str) -> str | None:
    ms = find_countries(name)
    return ms[0].code if ms else None


def resolve_region(name: str) -> str | None:
    ms = find_regions(name)
    return ms[0].code if ms else None
