"""Pages in Kazakh or English, glossed into Russian before they are read.

The reader (layout, tables, prose, cues, periods) is written over Russian. Rather than a second
and third copy of every rule, a page whose words are mostly Kazakh or English is rewritten word
by word into Russian from its language's lexicon (`lexicon/<lang>.toml`): numbers to Russian
marks, dates and month spans, territory names (from the reference seeds' own Kazakh and English
names), and the domain's words and phrases. A rewrite replaces the words it covers by one word
with their joint box, so tables keep their geometry and every figure keeps its page and place.
A Russian page is left exactly as it is. Adding a language is adding a lexicon file.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from pipelines import reference

from . import lexicon
from .pdf import Page, Word

MONTHS_GENITIVE = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()
MONTHS_NOMINATIVE = "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь".split()

_KAZAKH = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
_LATIN = re.compile(r"[A-Za-z]{2,}")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]{2,}")


def language_of(words: list[Word]) -> str:
    """'kk', 'en' or 'ru': the language most of a page's words are written in. A Russian page
    naming Kazakh places ("Жетісу", "Ұлытау") stays Russian."""
    kazakh = sum(bool(_KAZAKH.search(w.text)) for w in words)
    latin = sum(bool(_LATIN.search(w.text)) for w in words)
    cyrillic = sum(bool(_CYRILLIC.search(w.text)) for w in words)
    if latin > cyrillic and latin >= 5:
        return "en" if "en" in lexicon.languages() else "ru"
    if cyrillic and kazakh >= max(3, KAZAKH_SHARE * cyrillic):
        return "kk" if "kk" in lexicon.languages() else "ru"
    return "ru"


# Words with Kazakh letters among the Cyrillic words of a page that make it a Kazakh page.
KAZAKH_SHARE = 0.12


def languages_of(pages: list[Page]) -> dict[int, str]:
    return {p.number: language_of(p.words) for p in pages}


def numbers(pages: list[Page], langs: dict[int, str]) -> list[Page]:
    """Numbers of a Kazakh or English page in Russian marks ("18,877.1" -> "18 877,1"), before
    the layout reads the page: a table's cells must parse as values to be found."""
    out = []
    for p in pages:
        rule = _numbers_rule(langs.get(p.number, "ru"))
        if rule is None:
            out.append(p)
            continue
        pattern, render = rule
        out.append(replace(p, words=[replace(w, text=pattern.sub(render, w.text)) for w in p.words]))
    return out


def blocks(bs: list, langs: dict[int, str]) -> None:
    """The text of every block of a Kazakh or English page rewritten in Russian, in place: a
    paragraph as a whole (a phrase or a date may wrap onto the next line), a table's caption,
    heads, notes and label cells one by one."""
    for b in bs:
        lang = langs.get(b.page, "ru")
        if lang == "ru":
            continue
        if b.table is not None:
            _table(b.table, lang)
            b.text = b.table.caption
        elif b.grid is not None:
            b.grid.cells = [[text(c, lang) for c in row] for row in b.grid.cells]
            b.grid.header = [text(h, lang) for h in b.grid.header]
        else:
            b.text, b.where = rewrite(b.text, b.where, lang)


def text(s: str, lang: str) -> str:
    return rewrite(s, [], lang)[0]


def _table(t, lang: str) -> None:
    t.caption, t.notes = text(t.caption, lang), text(t.notes, lang)
    for col in t.columns:
        col.header = [text(h, lang) for h in col.header]
    for row in t.rows:
        for cell in row.cells:
            new = text(cell.text, lang)
            if new == cell.text:
                continue
            if hasattr(cell, "joined"):
                cell.joined = new
            ws = cell.words
            cell.words = [replace(ws[0], text=new, x1=max(w.x1 for w in ws))] if new.strip() else ws[:0]
        row.cells = [c for c in row.cells if c.words]


def rewrite(s: str, where: list, lang: str) -> tuple[str, list]:
    """A text rewritten by the language's rules in their order; `where` (a place for each
    character) follows: a rewritten stretch takes the place of its first character."""
    for rx, render in rules(lang):
        s, where = substitute(s, where, rx, render)
    s, where = substitute(s, where, _SPACES, lambda m: " ")
    s, where = substitute(s, where, _BEFORE_STOP, lambda m: "")
    return s.strip(), where


_SPACES = re.compile(r"[ \t]{2,}")
_BEFORE_STOP = re.compile(r"(?<=\S) (?=[.,;:)])|(?<=\() ")


def substitute(s: str, where: list, rx: re.Pattern, render) -> tuple[str, list]:
    out, places, pos = [], [], 0
    cap = False  # a capitalised word was dropped: the next word starts the sentence
    for m in rx.finditer(s):
        new = render(m)
        between = s[pos : m.start()]
        if cap and between.strip():
            between, cap = _capital(between), False
        starts = not s[: m.start()].strip() or s[: m.start()].rstrip()[-1] in ".!?:•"
        # a sentence after another opening with a year ("2021 жылғы …" -> "на 1 июля 2021 г. …")
        # opens with a capital in Russian too, or the sentence before runs on into it
        opens = m.group(0)[:1].isdigit() and s[: m.start()].strip()[-1:] in tuple(".!?")
        if (m.group(0)[:1].isupper() and starts) or (opens and new[:1].islower()):
            if not new:
                cap = True
            elif new[:1].islower():
                new = new[0].upper() + new[1:]  # a sentence still starts with a capital
        elif cap and new.strip() and not between.strip():
            new, cap = _capital(new), False
        out.append(between)
        out.append(new)
        if where:
            places += where[pos : m.start()]
            places += [where[min(m.start(), len(where) - 1)]] * len(new)
        pos = m.end()
    if not out:
        return s, where
    out.append(_capital(s[pos:]) if cap else s[pos:])
    if where:
        places += where[pos:]
    return "".join(out), places


def _capital(s: str) -> str:
    i = next((k for k, ch in enumerate(s) if ch.isalpha()), None)
    return s if i is None else s[:i] + s[i].upper() + s[i + 1 :]


def _numbers_rule(lang: str):
    if lang == "ru":
        return None
    data = lexicon.languages()[lang]
    mark, group = data.get("decimal_mark", ","), data.get("group_mark", " ")
    if mark == "," and group == " ":
        return None
    return _number_rx(mark, group), lambda m: _russian_number(m.group(0), group, mark)


@cache
def rules(lang: str) -> tuple[tuple[re.Pattern, object], ...]:
    """The language's rewrites in the order they apply: dates, numbers, names, phrases."""
    data = lexicon.languages()[lang]
    months = data.get("months", [])
    month_rx = "|".join(f"(?:{m})" for m in months)
    out: list[tuple[re.Pattern, object]] = []

    def month_index(word: str) -> int:
        for i, m in enumerate(months):
            if re.fullmatch(m, word, re.I):
                return i
        raise ValueError(word)

    for pattern, template in data.get("dates", []):
        rx = re.compile(_bounded(pattern.replace("{month}", month_rx)), re.I)

        def render(m: re.Match, template=template) -> str:
            g = m.groupdict()
            values = {k: v for k, v in g.items() if v is not None}
            for key in ("m", "m1", "m2"):
                if g.get(key):
                    i = month_index(g[key])
                    values[key + "_gen"], values[key + "_nom"] = MONTHS_GENITIVE[i], MONTHS_NOMINATIVE[i]
            return template.format(**values)

        out.append((rx, render))
    out += _coordinations(data)
    for name_rx, russian in _names(lang):
        out.append((re.compile(_bounded(name_rx), re.I), lambda m, r=russian: r))
    for pattern, russian in data.get("phrases", []):
        out.append((re.compile(_bounded(pattern), re.I), lambda m, r=russian: m.expand(r)))
    for pattern, russian in data.get("suffixes", []):
        out.append((re.compile(pattern, re.I), lambda m, r=russian: m.expand(r)))
    return tuple(out)


# a name as the text capitalises it: one or two words ("Жамбыл", "Батыс Қазақстан", "North Kazakhstan")
_CAP = r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]*"
_MEMBER = rf"(?P<name>{_CAP}(?:\s+{_CAP})?)\s*(?P<value>\([^()]*\))"


def _coordinations(data: dict) -> list[tuple[re.Pattern, object]]:
    """Names coordinated under one plural head, each with its value in parentheses ("A (x) және
    B (y) облыстары", "the A (x) and B (y) regions", "the regions of A (x) and B (y)"): the
    head is written onto every name, so each reads as the territory it is (the Almaty region,
    not the city) before names are glossed."""
    conj = data.get("conjunctions", [])
    if not conj:
        return []
    joiner = rf"(?:\s*,\s*(?:(?:{'|'.join(conj)})\s+)?|\s+(?:{'|'.join(conj)})\s+)"
    chain = rf"{_MEMBER}(?:{joiner}{_MEMBER.replace('?P<name>', '').replace('?P<value>', '')})+"
    out = []
    for plural, singular in data.get("coordinated_heads", []):
        rx = re.compile(rf"(?<!\w)(?P<chain>{chain})\s+(?:{plural})(?!\w)")
        out.append((rx, lambda m, h=singular, c=conj[0]: _distribute(m.group("chain"), h, c, joiner)))
    for plural, singular in data.get("coordinated_heads_before", []):
        rx = re.compile(rf"(?<!\w)(?:{plural})\s+(?P<chain>{chain})")
        out.append((rx, lambda m, h=singular, c=conj[0]: _distribute(m.group("chain"), h, c, joiner)))
    return out


def _distribute(chain: str, head: str, conj: str, joiner: str) -> str:
    members = [f"{m.group('name')} {head} {m.group('value')}" for m in re.finditer(_MEMBER, chain)]
    return ", ".join(members[:-1]) + f" {conj} " + members[-1]


def _bounded(pattern: str) -> str:
    """Whole words only: nothing of a word before or after the match."""
    return rf"(?<!\w)(?:{pattern})(?!\w)"


def _number_rx(mark: str, group: str) -> re.Pattern:
    g, d = re.escape(group), re.escape(mark)
    return re.compile(rf"(?<![\w.,])-?\d{{1,3}}(?:{g}\d{{3}})+(?:{d}\d+)?(?![\w])|(?<![\w.,])-?\d+{d}\d+(?![\w])")


def _russian_number(s: str, group: str, mark: str) -> str:
    whole, _, frac = s.partition(mark)
    whole = whole.replace(group, " ")
    return f"{whole},{frac}" if frac else whole


@cache
def _names(lang: str) -> tuple[tuple[str, str], ...]:
    """Territory and country names of the seeds in the language, longest first, each as a
    pattern (a Kazakh name takes any case ending) and its Russian name."""
    pairs: list[tuple[str, str]] = []
    col = {"kk": "name_kk", "en": "name_en"}.get(lang)
    if col is None:
        return ()
    endings = lexicon.languages()[lang].get("name_endings", "")
    for r in reference.regions().values():
        name = getattr(r, col)
        if name:
            pairs.append((_name_rx(name, endings), r.name_ru))
    for c in reference.countries():
        if c.get(col):
            pairs.append((_name_rx(c[col], endings), c["name_ru"]))
    for name, russian in lexicon.languages()[lang].get("names", []):
        pairs.append((_name_rx(name, endings), russian))
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def _name_rx(name: str, endings: str) -> str:
    words = [re.escape(w) for w in name.split()]
    if endings:
        words = [w + endings for w in words]
    return r"\s+".join(words)
