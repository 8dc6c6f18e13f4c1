"""Regions, countries and occupations named in text, in any grammatical case.

Names from the reference seeds (pipelines.reference) and the text are compared as sequences of
lemmas, so "Акмолинской области", "в Россию", "Республике Корея", "для сварщиков" meet
"Акмолинская область", "Россия", "Республика Корея", "сварщики". The country as a whole is
"Казахстан", "республика", "страна" (in the singular); a capitalised place that is none of
these (a town, a district) is reported as `place`, so that its figures are not given to a
region. No document's wording is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from pipelines import reference

from .text import Token, tokens


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    code: str
    kind: str  # region | country | occupation | place | group
    strong: bool = True  # False: an indirect mention of the country ("страна", "казахстанцы")
    via: str = "name"  # name | capital ("столица": Astana) | word ("страна", "республика")


def _key(name: str) -> tuple[str, ...]:
    return tuple(t.lemma for t in tokens(name) if t.lemma not in ("г", "город"))


@cache
def _index() -> tuple[dict[tuple[str, ...], tuple[str, str]], int]:
    idx: dict[tuple[str, ...], tuple[str, str]] = {}

    def add(name: str, code: str, kind: str) -> None:
        k = _key(name)
        if k:
            idx.setdefault(k, (code, kind))

    for alias, kato in reference.region_aliases():
        add(alias, kato, "region")
    for r in reference.regions().values():
        add(r.name_ru, r.kato, "region")
        add(r.name_kk, r.kato, "region")
        if r.kind == "oblast" and r.name_ru.endswith(" область"):
            # the adjective alone, its noun shared with others ("Абайская (N) и … области")
            add(r.name_ru.removesuffix(" область"), r.kato, "region")
    for c in reference.countries():
        for name in [c["name_ru"], *(c.get("aliases") or "").split(";")]:
            if name.strip():
                add(name, c["code"], "country")
    for o in reference.occupations():
        for name in [o["name_ru"], *(o.get("aliases") or "").split(";")]:
            if name.strip():
                add(name, o["isco"], "occupation")
    for name in ("СНГ", "страны СНГ", "ЕС", "Евросоюз", "дальнее зарубежье", "ближнее зарубежье"):
        add(name, name, "group")
    return idx, max(len(k) for k in idx)


_KZ_WORDS = {"страна", "республика"}
# a town spoken of without its name
_TOWN_NOUNS = {"областной": {"центр"}, "городской": {"администрация"}, "районный": {"центр"}}
_CAPITAL = "710000000"
_SOUTHERN_CAPITAL = "750000000"  # "южная столица": Almaty


def find(text: str) -> list[Mention]:
    """Every named region, country, occupation, group and unknown place, longest match first."""
    return list(_find(text))


@lru_cache(maxsize=50_000)
def _find(text: str) -> tuple[Mention, ...]:
    toks = tokens(text)
    idx, maxlen = _index()
    out: list[Mention] = []
    i = 0
    while i < len(toks):
        hit = None
        for n in range(min(maxlen, len(toks) - i), 0, -1):
            span = toks[i : i + n]
            # words of a name stand next to each other (spaces, a hyphen or "г." between them)
            if any(text[a.end : b.start].strip(" .") for a, b in zip(span, span[1:])):
                continue
            key = tuple(t.lemma for t in span if t.lemma not in ("г", "город"))
            got = idx.get(key)
            if got and (n > 1 or _plausible(span[0], got)):
                hit = (n, got)
                break
        if hit:
            n, (code, kind) = hit
            a, b = toks[i].start, toks[i + n - 1].end
            if text[max(0, a - 1) : a] in '«"„' and text[b : b + 1] in '»"“' and a > 0:
                kind, code = "place", text[a:b]  # a name in quotes: a district, a newspaper, a firm
            elif kind == "region" and i > 0 and toks[i - 1].lemma == "южный" and code == "710000000":
                code = "750000000"
            out.append(Mention(a, b, code, kind))
            i += n
            continue
        t = toks[i]
        if (
            t.lemma == "г"
            and i + 1 < len(toks)
            and toks[i + 1].capital
            and text[t.end : t.end + 1] == "."
            and not idx.get((toks[i + 1].lemma,))
        ):
            out.append(Mention(t.start, toks[i + 1].end, toks[i + 1].text, "place"))  # "г. Актобе": a town
            i += 2
            continue
        if t.lemma in _TOWN_NOUNS and i + 1 < len(toks) and toks[i + 1].lemma in _TOWN_NOUNS[t.lemma]:
            out.append(
                Mention(t.start, toks[i + 1].end, t.text, "place")
            )  # "областной центр", "городская администрация"
            i += 2
            continue
        if (
            t.lemma == "столица"
            and i > 0
            and toks[i - 1].lemma in ("южный", "бывший", "старый")
            and toks[i - 1].end == t.start - 1
        ):
            out.append(Mention(toks[i - 1].start, t.end, _SOUTHERN_CAPITAL, "region", True, "capital"))  # Almaty
        elif (
            t.lemma == "столица"
            and "sing" in t.tags
            and not _named_after(toks, i)
            and not (i + 1 < len(toks) and idx.get((toks[i + 1].lemma,), ("", ""))[1] == "country")
        ):
            out.append(Mention(t.start, t.end, _CAPITAL, "region", True, "capital"))  # the capital: Astana
        elif t.lemma in _KZ_WORDS and "sing" in t.tags and not _named_after(toks, i):
            out.append(Mention(t.start, t.end, "KZ", "region", strong=False))
        elif t.lemma == "казахстанец":
            out.append(Mention(t.start, t.end, "KZ", "region", strong=False))
        elif (
            t.capital
            and ("Geox" in t.tags or t.pos in ("", "UNKN"))
            and i > 0
            and len(t.text) > 2
            and not t.text.isupper()
        ):
            out.append(Mention(t.start, t.end, t.text, "place"))
        i += 1
    return tuple(out)


def _plausible(t: Token, got: tuple[str, str]) -> bool:
    """A one-word name must look like one: capitalised (abbreviations included), and an
    occupation is a noun."""
    code, kind = got
    if kind == "occupation":
        return t.pos == "NOUN"
    return t.capital


def _named_after(toks: list[Token], i: int) -> bool:
    """'Республика Корея': the word is part of another country's name."""
    return i + 1 < len(toks) and toks[i + 1].capital and toks[i + 1].lemma not in ("казахстан",)


def region_for_label(label: str) -> str | None:
    """KATO code (or KZ) for a table label, through the bureau's own spellings first."""
    code = reference.region_for_label(label)
    if code:
        return code
    codes = {m.code for m in find(label) if m.kind == "region" and m.strong}
    return codes.pop() if len(codes) == 1 else None


def country_for_label(label: str) -> str | None:
    codes = {m.code for m in find(label) if m.kind == "country"}
    return codes.pop() if len(codes) == 1 else None
