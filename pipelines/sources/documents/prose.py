"""Figures in running Russian text: sentence -> clauses -> each number with the words that
govern it.

A sentence is cut into clauses at commas, semicolons, colons, "и"/"а" and parentheses. A number
takes the cue of its own clause (cues.py), else the cue of an earlier clause of its sentence
("..., а в 2024 году - 140 521"), else what a list's lead line or the sentence before hands it.
A number in parentheses belongs to the clause before it and takes the comparison period
stated right before it ("чем за январь–июнь YYYYг. (N человек)"). Period, region and
country are found the same way, nearest first, then from the scopes (context.py).
Territories coordinated with a value in parentheses each ("A (x), B (y) и C (z) областях")
keep their own value, and share the predicate after the last of them when none comes before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from pipelines import reference

from . import context, cues, entities, lexicon, periods
from .context import Scope
from .figure import FLOWS, SIGNED, STOCKS, Draft
from .numbers import Number, find_numbers, normalise_spaces
from .text import lemma, sentences

PERSON_INDICATORS = {
    "population",
    "population_urban",
    "population_rural",
    "natural_increase",
    "labour_force",
    "arrivals",
    "departures",
    "net_migration",
    "labour_emigration",
}
_CLAUSE_SEP = re.compile(r"[,;:](?=\s)|\s[иа]\s|\s(?:при\s+этом|тогда\s+как|в\s+то\s+время\s+как|то)\s", re.I)
_BREAKDOWN = re.compile(r"^\W*(?:из\s+них|из\s+которых|в\s+том\s+числе|в\s+т\.\s*ч\.|включая|среди)\b", re.I)
_REF = re.compile(
    r"(?:табл(?:ица|ице|ицы|\.)?|рис(?:унок|унке|\.)?|диаграмм[а-яё]*|график[а-яё]*|приложени[а-яё]*|№|ст\.|"
    r"стать[а-яё]+|п\.|пункт[а-яё]*|глав[а-яё]*|раздел[а-яё]*|страниц[а-яё]*|стр\.|с\.|выпуск)\s*$",
    re.I,
)
_CHANGE = re.compile(r"(?:^|[\s(])(?:на|почти\s+на|примерно\s+на|более\s+чем\s+на|еще\s+на|ещё\s+на)\s*$", re.I)
_LEVEL = re.compile(
    r"(?:\bдо|составил[аио]?|составляла|составляет|достигл[аио]?|насчитывал[аио]?|равн[аыо]?|остал[аио]?сь|оста[её]тся)\s*[–—-]?\s*(?:почти|около|более|свыше|порядка)?\s*$",
    re.I,
)
_APPROX = re.compile(r"(?:около|почти|более|свыше|порядка|примерно|приблизительно|больше|менее|меньше)\s*$", re.I)
_OF_MANY = re.compile(r"^\s*из\s+\d+\s+(?:регион|област|стран|город)", re.I)
# "в города прибыло ...", "из сёл уехали ...": a flow split by urban and rural areas
_URBAN_RURAL_SPLIT = re.compile(
    r"\b(?:в|из)\s+(?:города|городов|городах|с[её]ла|с[её]л|с[её]лах|сельскую\s+местность|сельской\s+местности)\b"
    r"|\b(?:городск|сельск)[а-яё]+\s+(?:местност|населени)[а-яё]*",
    re.I,
)
_URBAN_RURAL = ("population_urban", "population_rural")
_CITIES = {r.kato for r in reference.regions().values() if r.kind == "city"}


def _in_a_name(k, regions, offset: int = 0) -> bool:
    """A cue or match (`offset` into the sentence) that is part of a named city's mention ("в
    городах Алматы"), not of a region's ("в городах Алматинской области": its towns)."""
    a, b = (k.start, k.end) if isinstance(k, cues.Cue) else (k.start() + offset, k.end() + offset)
    return any(a < m.end and m.start < b and m.code in _CITIES for m in regions)


_RESULT = re.compile(r"^\W*(?:итог|итого|в\s+итоге|в\s+результате|разница|баланс)\b", re.I)
_ABROAD = re.compile(r"из-за\s+рубеж|за\s+(?:границ|рубеж)|внешн[а-яё]*\s+миграц|иммигрант|эмигрант|эмиграц", re.I)


TRACE: list[tuple[str, str]] | None = None  # set to a list to learn why numbers were dropped


def _trace(n: Number, reason: str) -> None:
    if TRACE is not None:
        TRACE.append((n.raw, reason))


@dataclass
class Clause:
    start: int
    end: int
    paren: bool = False
    breakdown: bool = False
    owner: int | None = None  # a parenthesis belongs to the clause around it
    holes: list[tuple[int, int]] = field(default_factory=list)  # its parentheses

    def has(self, pos: int) -> bool:
        return self.start <= pos < self.end and not any(a <= pos < b for a, b in self.holes)


@dataclass
class DocState:
    """Across sentences and paragraphs of one document."""

    previous: list[Draft] = field(default_factory=list)  # figures of the sentence before
    paragraph: list[Draft] = field(default_factory=list)  # figures of the paragraph so far
    flows: list[Draft] = field(default_factory=list)  # accepted arrivals/departures, for signs
    just_before: set[str] = field(default_factory=set)  # what the sentence right before spoke of
    names_regions: bool = False


def clauses(text: str) -> list[Clause]:
    """Clauses of a sentence, cut at separators outside parentheses. A parenthesis is a clause
    of its own, owned by the clause around it, which goes on after it ("в том числе 452,0 тыс.
    (57,4%) – городских")."""
    spans: list[tuple[int, int]] = []  # parentheses
    depth_start = None
    for i, ch in enumerate(text):
        if ch == "(" and depth_start is None:
            depth_start = i
        elif ch == ")" and depth_start is not None:
            spans.append((depth_start, i + 1))
            depth_start = None
    if depth_start is not None:
        spans.append((depth_start, len(text)))

    def in_paren(k: int) -> bool:
        return any(a <= k < b for a, b in spans)

    cuts = [0]
    for m in _CLAUSE_SEP.finditer(text):
        if not in_paren(m.start()):
            cuts.append(m.start() + 1)
    cuts.append(len(text))
    out: list[Clause] = []
    breakdown = False
    for a, b in zip(cuts, cuts[1:]):
        if a >= b:
            continue
        # the clause's own text without its parentheses decides whether it starts a breakdown
        own = "".join(ch for k, ch in enumerate(text[a:b], start=a) if not in_paren(k))
        breakdown = breakdown or bool(_BREAKDOWN.match(own))
        main = Clause(a, b, False, breakdown)
        out.append(main)
        owner = len(out) - 1
        for pa, pb in spans:
            if a <= pa < b:
                main.holes.append((pa, pb))
                # "(за два месяца +8 747, естественный прирост 3 792)": each part on its own
                start = pa
                for m in re.finditer(r"[,;](?=\s)", text[pa:pb]):
                    out.append(Clause(start, pa + m.start() + 1, True, breakdown, owner))
                    start = pa + m.start() + 1
                out.append(Clause(start, pb, True, breakdown, owner))
    return out


def _non_figure(text: str, n: Number, masks: list[periods.Period]) -> bool:
    if not text[: n.start].strip() and re.match(r"[.)]\s+[А-ЯЁA-Z«]", text[n.num_end :]) and n.multiplier == 1:
        return True  # a list or section number: "1. Повышение ...", "2) ..."
    if any(not (n.num_end <= p.start or n.num_start >= p.end) for p in masks):
        return True
    if n.unit in ("duration", "other", "currency"):
        return True
    if _REF.search(text[max(0, n.start - 12) : n.start]):
        return True
    if (
        n.multiplier == 1
        and not n.percent
        and " " not in n.raw
        and "," not in n.raw
        and 1900 <= abs(n.value) <= 2100
        and n.unit != "persons"
        and not n.sign
    ):
        return True  # a year
    if re.match(r"\s*\)", text[n.end :]) and re.search(r"(?:^|\s)$", text[: n.start]) and n.value < 10 and n.sign == 0:
        return True  # a footnote mark "1)"
    if _OF_MANY.match(text[n.end :]):
        return True  # "в N из M регионов"
    if re.match(r"\s*[-–—]\s*\d+\s*(?:лет|год)", text[n.end :]):
        return True  # "15-64 лет"
    if re.match(r"\s*(?:-?[гйхя]|-?ый|-?ой|-?ом|-?ая|-?го|-?е)\b", text[n.num_end :]) and n.multiplier == 1:
        return True  # ordinals "1-й", "3-го"
    return False


def paragraph(
    text: str, para: Scope, state: DocState, page_of, lead: dict | None = None, heading: bool = False
) -> list[Draft]:
    """Figures of one paragraph. `page_of(offset)` -> (page, top) of a character."""
    text = normalise_spaces(text)
    text = re.sub(r"\[\s*\d{1,3}\s*\]", lambda m: " " * len(m.group(0)), text)  # reference marks [1]
    out: list[Draft] = []
    state.paragraph = []
    for sa, sb in sentences(text):
        got = _sentence(text, sa, sb, para, state, page_of, lead)
        state.paragraph += got
        out += got
        lead = lead if lead and lead.get("sticky") else None
    return out


def _sentence(text: str, sa: int, sb: int, para: Scope, state: DocState, page_of, lead) -> list[Draft]:
    st = _Sentence.read(text, sa, sb, para, state, page_of, lead)
    for ni, n in enumerate(st.nums):
        _number(st, ni, n)
    s, cls, found = st.s, st.cls, st.found
    # a sentence about leaving to work makes the paragraph's later departures labour emigration
    if any(k.code == "labour_emigration" and not cls[st.clause_of(k.start)].breakdown for k in found):
        para.topics.add("work")
    # "городского и сельского ... соответственно 271 572 и 355 202": the named indicators in order
    _respectively_in_sentence(s, sa, st.drafts, found)
    # the sentence's numbers "соответственно" take the figures of the sentence before, in order
    drafts = _respectively(s, sa, st.drafts, st.nums, state, cls, st.ps, st.scope)
    parens = [(x.start, x.end) for x in cls if x.paren]
    _update_scope(para, s, [p for p in st.ps if not any(a <= p.start < b for a, b in parens)], st.regions, drafts)
    if drafts:
        state.previous = drafts
    # what the sentence spoke of: its figures, else the indicators it names
    state.just_before = {d.indicator for d in drafts} or {k.code for k in found if k.code not in cues.PSEUDO}
    return drafts


@dataclass
class _Sentence:
    """One sentence as each of its numbers reads it, and what its numbers chose so far."""

    s: str
    sa: int
    para: Scope
    state: DocState
    page_of: object
    lead: dict | None
    scope: Scope
    nums: list[Number]
    masks: list[periods.Period]
    ps: list[periods.Period]
    lem: object
    mentions: list
    found: list[cues.Cue]
    cls: list[Clause]
    clean: str
    regions: list = field(default_factory=list)
    countries: list = field(default_factory=list)
    border: list = field(default_factory=list)  # the country named as a border ("за пределы страны")
    chosen: dict[int, cues.Cue | None] = field(default_factory=dict)
    chosen_how: dict[int, str] = field(default_factory=dict)
    drafts: list[Draft] = field(default_factory=list)
    sentence_base: str | None = None  # period of the last figure, base of "годом ранее"
    chains: list | None = None  # coordinated territories with their values in parentheses
    chain_cues: dict = field(default_factory=dict)  # the cue each coordination's members share

    @classmethod
    def read(cls_, text: str, sa: int, sb: int, para: Scope, state: DocState, page_of, lead) -> _Sentence:
        s = text[sa:sb]
        all_periods = periods.find_periods(s)
        mentions = entities.find(s)
        st = cls_(
            s,
            sa,
            para,
            state,
            page_of,
            lead,
            para.child("sentence"),
            find_numbers(s, lemma),
            all_periods,  # the digits of dates, years and ranges are never figures
            [p for p in all_periods if p.kind != "mask"],
            None,
            mentions,
            [],
            clauses(s),
            re.sub(r"\s+", " ", s).strip(),
        )
        st.lem = cues.lemmatise(s)
        # "за пределы страны": the country as the border a flow crosses is not its territory
        st.border = [m for m in mentions if _border(s, m)]
        st.mentions = mentions = [m for m in mentions if m not in st.border]
        st.regions = [m for m in mentions if m.kind == "region" and m.strong]
        # "в городах Алматы и Шымкент": the head noun of named cities, not the urban population
        st.found = [k for k in cues.find_cues(st.lem) if not (k.code in _URBAN_RURAL and _in_a_name(k, st.regions))]
        st.countries = [m for m in mentions if m.kind == "country"]
        return st

    def clause_of(self, pos: int) -> int:
        for i, c in enumerate(self.cls):
            if c.has(pos):
                return i
        return len(self.cls) - 1


@dataclass
class _Num:
    """One number of a sentence on its way to a figure."""

    n: Number
    ci: int  # its clause
    c: Clause
    before: str  # the words right before it
    how: dict[str, str] = field(default_factory=dict)
    cue: cues.Cue | None = None
    code: str = ""
    value: object = None
    unsigned: bool = False
    period: str | None = None
    region: str | None = None
    country: str | None = None


def _number(st: _Sentence, ni: int, n: Number) -> None:
    """One number of the sentence: a figure added to its drafts, or a traced reason it is none."""
    if _not_counted(st, ni, n):
        return
    ci = st.clause_of(n.num_start)
    x = _Num(n, ci, st.cls[ci], st.s[max(0, n.start - 40) : n.start])
    if not _choose_cue(st, x):
        return
    st.chosen[ci] = x.cue
    st.chosen_how[ci] = x.how.get("indicator", "")
    if x.cue is None or x.cue.code in cues.PSEUDO:
        _trace(n, "no indicator, or a pseudo-indicator")
        return
    x.code = x.cue.code
    if _part_of_a_parent(st, x) or not _fit_kind(st, x) or not _sign(st, x):
        return
    if not _date(st, x) or not _place(st, x) or _sub_flow(st, x):
        return
    _add_draft(st, x)


# ------------------------------------------------------------------ numbers to skip


def _not_counted(st: _Sentence, ni: int, n: Number) -> bool:
    if _non_figure(st.s, n, st.masks):
        _trace(n, "not a figure: year, date, reference, unit")
        return True
    if n.unit == "bare" and ni > 0 and st.nums[ni - 1].unit == "other" and n.multiplier == 1:
        _trace(n, "ellipsis of a count of other things")
        return True  # "в N регионах, сейчас – в M": the count goes on
    return False


def _a_change(st: _Sentence, x: _Num, inside: list[cues.Cue]) -> bool:
    n, before = x.n, x.before
    if re.search(r"(?:^|[\s(])с\s*$", before) and re.match(r"\s*(?:тыс\.?|млн\.?|человек)?\s*до\s+\d", st.s[n.end :]):
        _trace(n, "the start of a change (с X до Y)")
        return True
    if _CHANGE.search(before) and not inside and n.unit != "ratio":
        _trace(n, "a change (на N)")
        return True  # "выросло на 5,3 тыс.": a change, not a level
    return False


# ------------------------------------------------------------------ choosing the cue


def _choose_cue(st: _Sentence, x: _Num) -> bool:
    """The indicator's cue of the number (None if none); False: the number is dropped before."""
    n, c, s, found = x.n, x.c, st.s, st.found
    inside = [k for k in found if k.start <= n.num_start <= k.end and k.rank >= 9]  # a pattern may end on the number
    own = [k for k in found if c.has(k.start) and k not in inside]
    if _a_change(st, x, inside):
        return False
    level_word = bool(_LEVEL.search(x.before))
    if level_word:
        own = [k for k in own if k.code != "growth"]
    if _RESULT.match(s[c.start : n.start]) and {"arrivals", "departures"} <= {
        k.code for k in found if k.start < c.start
    }:
        # "прибыли X, выбыли Y; итог — минус Z": the balance of the flows before it
        inside = [cues.Cue(c.start, n.end, "net_migration", 0, 9)]
    if c.breakdown and any(
        m.kind == "place" and not st.cls[st.clause_of(m.start)].breakdown and m.start < c.start for m in st.mentions
    ):
        _trace(n, "a part of a town's figure")
        return False  # "население Актау увеличилось на 12 111, из них 5 432 — естественный прирост"
    if inside:
        x.cue, x.how["indicator"] = max(inside, key=lambda k: k.rank), "difference"
    elif own:
        x.cue = _own_cue(own, n)
        x.how["indicator"] = "clause"
    elif _unnamed_part(st, x):
        return False
    else:
        _earlier_cue(st, x, level_word)
    _reread_cue(st, x)
    return True


def _own_cue(own: list[cues.Cue], n: Number) -> cues.Cue:
    if any(k.code in ("arrivals", "departures", "labour_emigration") for k in own):
        # "за рубеж уехали 85 горожан": the verb counts, the noun says who
        own = [k for k in own if k.code not in ("population_urban", "population_rural", "population")]
    top = max(k.rank for k in own)
    best = [k for k in own if k.rank == top]
    return min(best, key=lambda k: (k.start > n.num_start, abs(k.start - n.num_start)))


def _unnamed_part(st: _Sentence, x: _Num) -> bool:
    c, cls = x.c, st.cls
    if c.breakdown and not c.paren and not any(c.has(m.start) for m in st.countries):
        _trace(x.n, "part of a breakdown with no words of its own")
        return True  # a part of the figure before it, named by nothing we know
    if (
        c.breakdown
        and c.paren
        and c.owner is not None
        and not any(cls[c.owner].has(m.start) for m in st.countries)
        and not any(cls[c.owner].has(m.start) for m in st.regions)
        and not _share_after(st.drafts, st.s, c)
    ):
        _trace(x.n, "part of a breakdown by something the vocabulary has no codes for")
        return True
    return False


def _earlier_cue(st: _Sentence, x: _Num, level_word: bool) -> None:
    c, ci = x.c, x.ci
    # an earlier clause of the sentence (a parenthesis: its owner first)
    order = ([c.owner] if c.paren and c.owner is not None else []) + list(range(ci - 1, -1, -1))
    if not c.paren:  # a parenthesis speaks of its own item: what it counts does not carry on
        order = [cj for cj in order if not st.cls[cj].paren]
    shared = _members_cue(st, x, level_word)
    if shared:
        x.cue, x.how["indicator"] = shared
    else:
        _cue_of_clauses(st, x, order, level_word)
    if x.cue is None and st.lead and st.lead.get("cue") is not None:
        x.cue, x.how["indicator"] = st.lead["cue"], "list"
    if x.cue is None and st.state.previous and _continues(st.s, x.n):
        prev = st.state.previous[-1]
        x.cue = cues.Cue(0, 0, prev.indicator, 0, 1)
        x.how["indicator"] = _continues(st.s, x.n)


_MEMBER_GAP = re.compile(r"\s*(?:,\s*(?:и\s+)?|и\s+)(?:во?\s+)?", re.I)


def _chain(st: _Sentence, c: Clause) -> list[tuple[int, int]] | None:
    """The coordination the parenthesis `c` is a member of ("A (x), B (y) и C (z) областях":
    each territory with its value in parentheses), as the spans of its parentheses, or None."""
    if st.chains is None:
        s, st.chains, cur = st.s, [], []
        for m in sorted(st.regions, key=lambda m: m.start):
            pm = re.match(r"\s*\(", s[m.end :])
            pb = s.find(")", m.end)
            if not pm or pb < 0 or (cur and m.start < cur[-1][1]):
                continue
            pa = m.end + pm.end() - 1
            if cur and _MEMBER_GAP.fullmatch(s[cur[-1][1] : m.start]):
                cur.append((pa, pb + 1))
                continue
            st.chains.append(cur)
            cur = [(pa, pb + 1)]
        st.chains = [ch for ch in st.chains + [cur] if len(ch) > 1]
    if not c.paren:
        return None
    return next((ch for ch in st.chains if any(pa <= c.start < pb for pa, pb in ch)), None)


def _members_cue(st: _Sentence, x: _Num, level_word: bool) -> tuple[cues.Cue, str] | None:
    """The one cue the members of a coordination share: the words before the first of them in
    its clause ("численность населения A (x) и B (y) областей"), else the predicate after the
    last ("A (x) и B (y) области потеряли ..."); None: neither, or not a member. A level ("до N")
    takes no verb of growth."""
    ch = _chain(st, x.c)
    if ch is None:
        return None
    key = (ch[0][0], level_word)
    if key not in st.chain_cues:
        ok = [k for k in st.found if not level_word or k.code != "growth"]
        first = st.clause_of(ch[0][0] - 1)
        found = [k for k in ok if st.cls[first].has(k.start) and k.start < ch[0][0]]
        if not found:
            last = st.clause_of(ch[-1][1])
            found = [k for k in ok if k.start >= ch[-1][1] and st.cls[last].has(k.start)]
        st.chain_cues[key] = (_own_cue(found, x.n), "sentence") if found else None
    return st.chain_cues[key]


def _sign_after_members(st: _Sentence, x: _Num) -> int:
    """'в A (x) и B (y) областях сальдо было отрицательным': the sign words of the predicate
    the members share."""
    ch = _chain(st, x.c)
    return 0 if ch is None else cues.sign_words(st.lem, ch[-1][1], st.cls[st.clause_of(ch[-1][1])].end)


def _cue_of_clauses(st: _Sentence, x: _Num, order: list[int], level_word: bool) -> None:
    cls, chosen, chosen_how = st.cls, st.chosen, st.chosen_how
    for cj in order:
        if any(m.kind == "place" and cls[cj].has(m.start) for m in st.mentions):
            x.cue = cues.Cue(0, 0, "other", 0, 1)  # the clause it continues was about a town
            x.how["indicator"] = "sentence"
            return
        if cj in chosen and chosen[cj] is not None:
            x.cue = chosen[cj]
            x.how["indicator"] = (
                chosen_how.get(cj) if chosen_how.get(cj) in ("previous", "continued", "list", "context") else "sentence"
            )
            return
        own_j = [k for k in st.found if cls[cj].has(k.start) and (not level_word or k.code != "growth")]
        if own_j:
            x.cue = max(own_j, key=lambda k: (k.rank, k.start))
            x.how["indicator"] = "sentence"
            return


def _reread_cue(st: _Sentence, x: _Num) -> None:
    balance = _residents_balance(st, x)
    if balance is not None:
        x.cue, x.how["indicator"] = balance
    elif (
        x.cue is not None
        and x.cue.code == "growth"
        and x.how.get("indicator") == "sentence"
        and x.n.sign == 0
        and not re.search(r"\bна\s*$", x.before)
        and any(d.indicator in STOCKS for d in st.state.paragraph)
    ):
        # "Прибавили все три мегаполиса: Нур-Султан – 1 144 755 чел.": a level listed after the
        # verb of growth, of the stock the paragraph counts
        x.cue = cues.Cue(0, 0, next(d.indicator for d in reversed(st.state.paragraph) if d.indicator in STOCKS), 0, 1)
        x.how["indicator"] = "previous"
    if x.cue is not None and _future(st.lem, st.s, x.c, st.cls):
        x.cue = cues.Cue(0, 0, "plan", 0, 9)  # "сальдо останется положительным и превысит 10 тысяч": a forecast


# a territory that lost or gained residents: the sign its verb gives
_RESIDENTS_VERB = {"потерять": -1, "лишиться": -1, "недосчитаться": -1, "прибавить": 1, "приобрести": 1}
# migration as the cause ("в результате миграции", "из-за оттока"), over lemmas
_BY_MIGRATION = re.compile(
    r"\b(?:за\s+сч[её]т|в\s+результат|из-за|вследствие|благодаря)\s+(?:[а-яё]+\s+)?"
    r"(?:миграция|переезд|переселение|отток|приток|выезд)\b"
)


def _residents_balance(st: _Sentence, x: _Num) -> tuple[cues.Cue, str] | None:
    """Residents a territory lost or gained ("<область> лишилась N жителей") are its migration
    balance, signed by the verb, when migration is what the text speaks of: named as the cause in
    this sentence, or all the sentence right before spoke of (its figures, else the indicators it
    names); elsewhere the verb is a change of the population, which is no figure (GUIDE §8).
    None: not such a number."""
    cue = x.cue
    if cue is None or cue.code != "growth" or re.search(r"(?:^|\s)на\s*$", x.before):
        return None
    verb = next(
        (_RESIDENTS_VERB[w] for w in cues.lemmatise(st.s[cue.start : cue.end]).string.split() if w in _RESIDENTS_VERB),
        0,
    )
    vc = st.cls[st.clause_of(cue.start)]
    if not verb or not re.search(r"\b(?:житель|население)\b", cues.lemmatise(st.s[vc.start : vc.end]).string):
        return None  # what was lost is not residents ("работу потеряли N человек")
    named = {k.code for k in st.found if k.end <= x.n.start and k.code not in cues.PSEUDO}
    # "Сальдо отрицательное: <область> лишилась N жителей"; not "сальдо положительное, но ...":
    # a loss set against the balance is the population's
    against = re.search(r"\b(?:но|однако|хотя|несмотря|зато|при\s+этом)\b", st.s, re.I)
    if _BY_MIGRATION.search(st.lem.string) or (named == {"net_migration"} and not against):
        how = "sentence"
    elif st.state.just_before == {"net_migration"} or (
        not st.state.just_before
        and st.state.paragraph
        and {d.indicator for d in st.state.paragraph} == {"net_migration"}
    ):
        how = "context"
    else:
        return None
    return cues.Cue(cue.start, cue.end, "net_migration", verb, cue.rank), how


def _part_of_a_parent(st: _Sentence, x: _Num) -> bool:
    if not x.c.breakdown:
        return False
    if x.code in ("population_urban", "population_rural"):
        parent = _parent_cue(st, x.ci)
        if parent is not None and parent.code in FLOWS:
            _trace(x.n, "urban or rural part of a flow")
            return True
    if x.code == "labour_emigration":
        parent = _parent_cue(st, x.ci)
        if parent is None or parent.code not in ("departures", "labour_emigration"):
            _trace(x.n, "contract workers coming in")
            return True  # foreign workers coming in under contracts: not Kazakhstanis leaving
    return False


def _parent_cue(st: _Sentence, ci: int) -> cues.Cue | None:
    chosen = st.chosen
    return next(
        (chosen[j] for j in range(ci - 1, -1, -1) if j in chosen and chosen[j] and not st.cls[j].breakdown), None
    )


# ------------------------------------------------------------------ the number's kind, its sign


def _fit_kind(st: _Sentence, x: _Num) -> bool:
    """What kind of number fits the indicator; False: this one does not."""
    n, code, s = x.n, x.code, st.s
    if n.unit == "KZT":
        _trace(n, "money (wages read apart)")
        return False  # wages are read by wages()
    if (
        n.unit == "ratio"
        and code == "departures"
        and re.match(r"\s*(?:раз[а]?\s+)?больше", s[n.end :])
        and any(p.comparative and p.start > n.num_start for p in st.ps)
    ):
        code = "departures_growth_ratio"  # "выбыло 55 тыс., что в 1,2 раза больше, чем в 2023 году"
    if n.unit == "ratio" or code == "departures_growth_ratio":
        if code != "departures_growth_ratio" or n.unit != "ratio":
            _trace(n, "ratio of something else")
            return False
    elif n.percent:
        code = _share_code(st, x, code)
        if code is None:
            return False
    elif code not in PERSON_INDICATORS:
        _trace(n, "not a count of persons")
        return False
    if (
        code in ("departures", "arrivals", "labour_emigration")
        and "work" in st.para.all_topics()
        and code == "departures"
        and x.cue.code == "departures"
    ):
        code = "labour_emigration"
        x.how["indicator"] = x.how.get("indicator", "clause")
    x.code = code
    return True


def _share_code(st: _Sentence, x: _Num, code: str) -> str | None:
    c, how = x.c, x.how
    if code in ("population_urban", "population_urban_share") and c.paren:
        code, how["indicator"] = "population_urban_share", "clause"
    elif code in ("population_rural", "population_rural_share") and c.paren:
        code, how["indicator"] = "population_rural_share", "clause"
    elif code in ("population_urban_share", "population_rural_share"):
        pass
    elif c.paren and _share_after(st.drafts, st.s, c):
        code = _share_after(st.drafts, st.s, c)
    else:
        _trace(x.n, "percent of something else")
        return None
    return code


def _sign(st: _Sentence, x: _Num) -> bool:
    n, code, cue = x.n, x.code, x.cue
    x.value = n.value
    x.unsigned = False
    if code in SIGNED:
        words = (
            cues.sign_words(st.lem, x.c.start, n.start) or (st.lead or {}).get("sign", 0) or _sign_after_members(st, x)
        )
        negative = n.sign < 0 or (n.sign == 0 and (cue.sign < 0 or (words < 0 and cue.sign == 0)))
        x.unsigned = n.sign == 0 and cue.sign == 0 and words == 0
        x.value = -abs(x.value) if negative else abs(x.value)
    elif x.value < 0:
        _trace(n, "negative level")
        return False
    elif code in STOCKS and (n.sign > 0 or re.search(r"\b(?:плюс|минус)\s*$", x.before, re.I)):
        _trace(n, "a change of a stock (+N)")
        return False
    return True


# ------------------------------------------------------------------ period, region, country


def _date(st: _Sentence, x: _Num) -> bool:
    n, code, s, how = x.n, x.code, st.s, x.how
    x.period, how["period"] = _period(
        code, n, x.c, st.cls, st.ps, st.scope, st.drafts, st.sentence_base, s, st.state.paragraph
    )
    if x.period and how["period"] not in ("stated", "comparison") and _DURATION.search(s[: n.start]):
        how["period"] = "duration"  # "за двадцать лет ... до 719,6 тыс.": the end of a span no date anchors
    elif (
        x.period
        and how["period"] in ("section", "doc", "report-date", "context-year")
        and _SPAN_END.search(s[: n.start])
    ):
        how["period"] = "duration"  # "выросла с 40,8 до 52,7%" with no date in the sentence: when was 52,7?
    elif code in STOCKS and (x.period is None or how["period"] in ("para", "section", "doc", "inferred")):
        end = _own_span_end(st, x)
        if end and (
            x.period is None or periods.year_of(end) not in (periods.year_of(x.period), periods.year_of(x.period) + 1)
        ):
            # "за первое полугодие YYYY года … N жителей": a date carried from another sentence (of
            # another year) is not this stock's, and the end of its own span is a guess, for review
            x.period, how["period"] = end, "span-end"
    if x.period is None and code not in STOCKS:
        _trace(n, "flow without a period")
        return False  # a stock may still be dated by its section (extract.py); a flow may not
    return True


def _own_span_end(st: _Sentence, x: _Num) -> str | None:
    """The day after the span of months its sentence states for itself (not a comparison, not
    in another clause's parenthesis), or None."""
    holes = [(y.start, y.end) for y in st.cls if y.paren and y is not x.c]
    for p in st.ps:
        if p.comparative or not p.complete or any(a <= p.start < b for a, b in holes) or periods.is_date(p.value):
            continue
        m = periods.interval_months(p.value)
        if m:
            y, _, m2 = m
            return f"{y + 1:04d}-01-01" if m2 == 12 else f"{y:04d}-{m2 + 1:02d}-01"
    return None


def _place(st: _Sentence, x: _Num) -> bool:
    n, c, code, s = x.n, x.c, x.code, st.s
    x.region, x.how["region"] = _region(n, c, st.regions, st.mentions, st.para, st.state, s, code)
    if st.border and x.region == "KZ" and x.how["region"] != "anaphor":
        # nothing else names the territory: the flow across the border is the country's own
        x.how["region"] = "stated" if any(c.has(m.start) for m in st.border) else "sentence"
    if x.region is None:
        _trace(n, "a place outside the vocabulary")
        return False
    if code in ("arrivals", "departures", "labour_emigration"):
        x.country, csrc = _country(n, c, x.ci, st.cls, st.countries, s, st.lead)
        if x.country:
            x.how["country"] = csrc
    return True


# ------------------------------------------------------------------ sub-flow filters


def _sub_flow(st: _Sentence, x: _Num) -> bool:
    """A group of countries, an urban or rural part, internal moves, a region's flow across the border."""
    n, c, code, s, cls = x.n, x.c, x.code, st.s, st.cls
    if (
        any(m.kind == "group" and (m.start < n.num_start or c.has(m.start)) for m in st.mentions)
        and not x.country
        or any(m.kind == "group" and (c.has(m.start) or _joined(s, c, m)) for m in st.mentions)
    ):
        _trace(n, "a group of countries")
        return True  # "со странами СНГ пришлось ...": a group of countries without a code
    ha, hb = (cls[c.owner].start, cls[c.owner].end) if c.paren and c.owner is not None else (c.start, c.end)
    if x.how.get("indicator") == "sentence":
        ha, hb = 0, n.start  # the clause it continues counts too
    # an urban or rural part, not the head noun of a named city ("в городах Алматы")
    split = next((m for m in _URBAN_RURAL_SPLIT.finditer(s[ha:hb]) if not _in_a_name(m, st.regions, ha)), None)
    # "из города выбыли" in a text about a city: the city itself, not its urban part
    the_city = split and re.fullmatch(r"из\s+города", split.group(0), re.I) and _referred_region(st.para, {"city"})
    if code in FLOWS and split and not the_city:
        _trace(n, "an urban or rural part of a flow")
        return True
    if code in ("arrivals", "departures", "net_migration") and any(
        k.code == "internal" and k.start < c.end and not cls[st.clause_of(k.start)].breakdown for k in st.found
    ):
        _trace(n, "includes or is internal moves")
        return True  # a total that includes moves inside the country, or a part made of them
    return _across_the_border(st, x)


def _across_the_border(st: _Sentence, x: _Num) -> bool:
    # sub-flows: a region's flows across the border, the country's flows including internal moves
    if x.code in ("arrivals", "departures", "net_migration") and x.region != "KZ":
        own = [y for y in st.cls[: x.ci + 1] if not y.breakdown or y is x.c]
        own_text = " ".join(st.s[y.start : y.end] for y in own)
        own_text += " " + ((st.lead or {}).get("text") or "")
        crosses = any(y.has(m.start) for y in own for m in st.border)
        # the paragraph's talk of the border goes on in a sentence that leans on the one before,
        # not in one with its own words, period and territory ("В январе–мае YYYY года в область прибыли …")
        carried = "abroad" in st.para.all_topics() and not (
            x.how.get("indicator") in ("clause", "sentence", "difference")
            and any(p.complete and not p.comparative for p in st.ps)
            and (st.regions or _anaphor_kinds(st.s, len(st.s), st.mentions))
        )
        if crosses or _ABROAD.search(own_text) or carried:
            st.para.topics.add("abroad")
            _trace(x.n, "a region's flow across the border")
            return True
    return False


# ------------------------------------------------------------------ the draft


def _add_draft(st: _Sentence, x: _Num) -> None:
    n, c, code, how = x.n, x.c, x.code, x.how
    region, country = x.region, x.country
    if code in ("arrivals", "departures", "labour_emigration") and region not in (None, "KZ") and country:
        region = "KZ" if how.get("region") != "stated" else region
    page, top = st.page_of(st.sa + n.num_start)
    d = Draft(
        code,
        x.value,
        n.precision,
        x.period,
        region,
        country,
        None,
        page,
        top,
        (),
        st.clean,
        how,
        bool(_APPROX.search(x.before)),
        _evidence(st.s, n),
    )
    d.order = (st.sa + n.num_start,)
    if x.unsigned and code == "net_migration":
        _sign_from_flows(d, st.drafts + st.state.flows)
    st.drafts.append(d)
    if code in ("arrivals", "departures"):
        st.state.flows.append(d)
    if x.period and not c.paren:
        st.sentence_base = x.period


def _future(lem, s: str, c: Clause, cls) -> bool:
    """The clause's verb is in the future tense (or the sentence expects): a forecast, a plan."""
    verbs = [t for t in lem.toks if c.has(t.start) and t.pos == "VERB"]
    # "обеспечить к 2025 году рост доли до 50%": an infinitive with no finite verb is a task set
    directive = any(t.pos == "INFN" for t in lem.toks) and not any(t.pos == "VERB" for t in lem.toks)
    return (
        directive
        or bool(verbs)
        and all("futr" in t.tags for t in verbs)
        or bool(re.search(r"\b(?:рассчитыва|ожида|прогнозир|планиру|намечен|предполага)[а-яё]*", s[: c.end], re.I))
    )


def _evidence(s: str, n: Number) -> str:
    """The number as written with up to five words before it: what a reader finds it by, and
    what keys the figure for corrections."""
    head = s[: n.start].split()[-5:]
    return " ".join(head + [s[n.start : n.end]]).strip()


def _sign_from_flows(d: Draft, flows: list[Draft]) -> None:
    """A balance written without a sign word ("сальдо миграции составило — 1919") takes the
    sign of arrivals minus departures stated for the same territory and period."""
    same = [f for f in flows if f.period == d.period and f.region == d.region and f.country is None]
    a = next((f.value for f in reversed(same) if f.indicator == "arrivals"), None)
    b = next((f.value for f in reversed(same) if f.indicator == "departures"), None)
    if a is not None and b is not None and abs(abs(a - b) - abs(d.value)) <= d.precision:
        d.value = abs(d.value) if a >= b else -abs(d.value)


def _continues(s: str, n: Number) -> str:
    """A sentence with no words of its own for a number that goes on with the sentence before:
    'continued' when it says so ("Далее идут Костанайская – 645 человек"), 'previous' when it
    only lists labelled values."""
    if re.match(r"^\W*(?:далее|дальше|затем|потом|следом|за\s+н(?:ими|им|ей))\b", s, re.I):
        return "continued"
    # "этот показатель", "данный показатель", "тот же показатель": the figure before, named again
    if re.search(r"\b(?:этот|данный|тот\s+же|указанный)\s+показател[ья]\b", s[: n.start], re.I):
        return "continued"
    if re.search(r"[–—:(]\s*[-+]?$", s[: n.start].rstrip()[-3:] + " "):
        return "previous"
    return ""


def _share_after(drafts: list[Draft], s: str, c: Clause) -> str | None:
    """'(57,4%)' right after an urban or rural count is its share."""
    for d in reversed(drafts):
        if d.indicator == "population_urban":
            return "population_urban_share"
        if d.indicator == "population_rural":
            return "population_rural_share"
        break
    return None


def _fits(code: str, iso: str) -> bool:
    return periods.is_date(iso) == (code in STOCKS)


_SPAN_END = re.compile(r"\bс\s+[-+]?\d[\d\s]*(?:[.,]\d+)?\s*(?:тыс\.?|млн\.?|%|человек\w*)?\s+до\s*$", re.I)
_DURATION = re.compile(
    r"\bза\s+(?:последни[еих]\s+)?(?:\d{1,2}|один|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять"
    r"|\w+надцать|двадцать|тридцать|сорок|пятьдесят|несколько|полтора|полторы)\s+"
    r"(?:лет|года?|десятилети[йея])\b(?!\s*\d)|\bза\s+(?:последнее\s+)?десятилетие\b|\bза\s+четверть\s+века\b",
    re.I,
)


def _period(
    code, n: Number, c: Clause, cls, ps, scope: Scope, drafts, base, s, earlier: list[Draft] = ()
) -> tuple[str | None, str]:
    def res(p, how):
        return _resolve_fitting(code, p, how, scope, base)

    own = [p for p in ps if c.has(p.start)]
    if any(p.kind == "rel" for p in own):  # "годом ранее за те же месяцы": the year before wins
        own = [p for p in own if p.kind != "same"]
    before = [p for p in own if p.start < n.num_start]
    after = [p for p in own if p.start >= n.num_start]
    if code in STOCKS and any(p.kind == "same" and "дат" in p.text for p in own):
        # "на ту же дату": the date of the last level counted before it
        prior = [d.period for d in reversed(list(drafts) + list(earlier)) if d.indicator in STOCKS and d.period]
        if prior:
            return prior[0], "relative"
    r = _first_resolved(reversed(before), "stated", res)
    if r:
        return r
    if c.paren:
        # the comparison stated right before the parenthesis: "чем за январь–июнь YYYYг. (N)"
        prev = [p for p in ps if p.end <= c.start and s[p.end : c.start].strip(" ,.–—") == ""]
        r = _first_resolved(prev, "comparison", res)
        if r:
            return r
    r = _first_resolved(after, "stated", res)
    if r:
        return r
    # a period inside another clause's parenthesis compares; it does not date this number
    holes = [(x.start, x.end) for x in cls if x.paren and x is not c]
    ps = [p for p in ps if not any(a <= p.start < b for a, b in holes)]
    sent_before = [p for p in ps if p.start < n.num_start and not p.comparative]
    sent_after = [p for p in ps if p.start > n.num_start and not p.comparative]
    return (
        _first_resolved(reversed(sent_before), "sentence", res)
        or _first_resolved(sent_after, "sentence", res)
        or carried_period(code, scope)
    )


def _resolve_fitting(code, p, how, scope: Scope, base):
    """The ISO period of `p` if it fits the indicator (a date for a stock, a span for a flow), and how it was found."""
    r = context.resolve(p, scope, base)
    if r is None:
        return None
    iso, src = r
    if not _fits(code, iso):
        if code not in STOCKS and periods.is_date(iso) and p.kind == "ytd":
            return None
        return None
    return iso, (
        how if src == "stated" else ("relative" if src == "relative" else src if src in ("report-date",) else how)
    )


def _first_resolved(candidates, how, res):
    for p in candidates:
        r = res(p, how)
        if r:
            return r
    return None


def carried_period(code: str, scope: Scope) -> tuple[str | None, str]:
    if code in STOCKS:
        v, lvl = scope.find("date")
        if v:
            return v, lvl
        fl, lvl = scope.find("flow")
        if fl:
            m = periods.interval_months(fl)
            if m:
                y, m1, m2 = m
                return (f"{y + 1:04d}-01-01" if m2 == 12 else f"{y:04d}-{m2 + 1:02d}-01"), "inferred"
        return None, "none"
    v, lvl = scope.find("flow")
    if v:
        return v, lvl
    rd, lvl = scope.find("report_date")
    if rd:
        return periods.to_date_interval(rd), "report-date"
    year = context.context_year(scope)
    months, _ = scope.find("months")
    if year and months:
        return periods.interval(year, *months), "context-year"
    return None, "none"


def _region(
    n: Number, c: Clause, regions, mentions, para: Scope, state: DocState, s: str, code: str = ""
) -> tuple[str | None, str]:
    # the role is read against this clause's verb: a region stated in another clause of the
    # sentence ("в область прибыло 12 345, выбыло 15 678") is the territory of both
    regions = [m for m in regions if _role_ok(s, m, code) or (not c.has(m.start) and not _origin(s, m))]
    # "в третьем мегаполисе страны": the country qualifies a place the text leaves unnamed
    mentions = [m for m in mentions if not (m.code == "KZ" and not m.strong and _QUALIFIED.search(s[: m.start]))]
    return _region_of_clause(n, c, regions, mentions, s) or _region_of_sentence(n, regions, mentions, para, state, s, c)


def _role_ok(s: str, m, code: str) -> bool:
    # arrivals "из Туркестанской области" name where people came from, departures "в Астану"
    # where they went: the other end of the flow, not the territory the figure is about
    prep = re.search(r"(\S+)\s+$", s[max(0, m.start - 12) : m.start])
    p = prep.group(1).lower() if prep else ""
    if code == "arrivals" and p in ("из", "со", "с"):
        return False
    if code in ("departures", "labour_emigration") and p in ("в", "во", "на"):
        return False
    return True


def _region_of_clause(n: Number, c: Clause, regions, mentions, s: str) -> tuple[str | None, str] | None:
    """The region the number's own clause states (or the clause its parenthesis follows); None: it states none."""
    in_clause = [m for m in regions if c.has(m.start)]
    before = [m for m in in_clause if m.start < n.num_start]
    if before:
        return before[-1].code, "stated"
    weak = [m for m in mentions if m.kind == "region" and not m.strong and c.has(m.start) and m.start < n.num_start]
    if weak:
        return weak[-1].code, "stated"  # "в столице", "в стране"
    # an unknown place labels the number: a town or district, not a region of the vocabulary
    places = [m for m in mentions if m.kind == "place" and c.has(m.start) and m.start < n.num_start]
    if places or _unknown_label(s, c, n):
        return None, "none"
    after = [m for m in in_clause if m.start > n.num_end]
    if after:
        return after[0].code, "stated"
    if c.paren:
        prev = [m for m in regions if m.end <= c.start and not re.search(r"[.;]", s[m.end : c.start])]
        if prev:
            return prev[-1].code, "stated"
    kz = [m for m in mentions if m.kind == "region" and m.code == "KZ" and c.has(m.start)]
    if kz:
        return "KZ", "stated"
    return None


def _region_of_sentence(
    n: Number, regions, mentions, para: Scope, state: DocState, s: str, c: Clause
) -> tuple[str | None, str]:
    own = _anaphor_kinds(s, c.end, mentions, c.start)
    if own:
        # "в целом по республике — N, из области — M": the clause's own region word outranks
        # the country an earlier clause names; it refers to a region named before it, or the text's
        named = [m for m in regions if m.start < n.num_start and _of_kind(m.code, own)]
        if named:
            return named[-1].code, "sentence"
        return _referred_region(para, own) or ("KZ", "anaphor")
    sent = [m for m in regions if m.start < n.num_start]
    if sent:
        return sent[-1].code, "sentence"
    if any(m.kind == "region" and m.code == "KZ" and m.start < n.num_start for m in mentions):
        return "KZ", "sentence"  # "уехали N казахстанцев, а в YYYY году - M": the country still
    kinds = _anaphor_kinds(s, n.end, mentions)
    if kinds:
        referred = _referred_region(para, kinds)
        if referred:
            return referred  # "население области": the region the text is about, not the country
    v, lvl = para.find("region")
    if v:
        return v, lvl
    if any(m.kind == "region" and m.code == "KZ" for m in mentions):
        return "KZ", "sentence"
    if re.search(r"\b(?:област|регион|город|район|мегаполис|центр)[а-яё]*\b", s[: n.start], re.I):
        return "KZ", "anaphor"  # "население области": some region the text does not name here
    if any(d.how.get("region") == "anaphor" for d in state.paragraph):
        return "KZ", "anaphor"  # the paragraph is about a place it has not named
    return "KZ", ("default-mixed" if state.names_regions else "default")


@cache
def _border_rx() -> re.Pattern:
    return re.compile(r"(?:^|[\s(])(?:" + "|".join(lexicon.phrases("border")) + r")\s+$", re.I)


def _border(s: str, m) -> bool:
    """'за пределы страны', 'за пределами Казахстана': the country named as the border a flow
    crosses, which says nothing of the territory whose flow it is."""
    return m.kind == "region" and m.code == "KZ" and bool(_border_rx().search(s[max(0, m.start - 30) : m.start]))


@cache
def _anaphor_rx() -> tuple[re.Pattern, re.Pattern, tuple[str, ...]]:
    pairs = lexicon.phrases("region_anaphor")
    words = "|".join(f"(?P<w{i}>{w})" for i, (w, _) in enumerate(pairs))
    others = "|".join(lexicon.phrases("region_anaphor_not"))
    return (
        re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.I),
        re.compile(rf"(?<![\w-])(?:{others})\s+$", re.I),
        tuple(k for _, k in pairs),
    )


def _anaphor_kinds(s: str, end: int, mentions, start: int = 0) -> set[str]:
    """Kinds of territory a region word of s[start:end] refers back to ("населения области",
    "в регион"): not a word of a name ("Павлодарской области"), not "в соседней области"."""
    words, others, kinds = _anaphor_rx()
    out = set()
    for m in words.finditer(s[:end], start):
        if any(x.start <= m.start() < x.end for x in mentions) or others.search(s[max(0, m.start() - 20) : m.start()]):
            continue
        out.add(kinds[int(next(k for k, v in m.groupdict().items() if v is not None)[1:])])
    return out


def _of_kind(code: str, kinds: set[str]) -> bool:
    known = reference.regions()
    return code != "KZ" and code in known and ("any" in kinds or known[code].kind in kinds)


def _referred_region(para: Scope, kinds: set[str]) -> tuple[str, str] | None:
    """The nearest region of the scopes (the paragraph's, a section's, the title's) of a kind
    the word can name: a country a sentence spoke of before is not "the region"."""
    sc: Scope | None = para
    while sc is not None:
        if sc.region and _of_kind(sc.region, kinds):
            return sc.region, sc.level
        sc = sc.parent
    return None


def _joined(s: str, c: Clause, m) -> bool:
    """'в Великобритании и странах Евросоюза': a group joined to the clause's place by 'и'."""
    return m.start >= c.end and bool(re.fullmatch(r"\s*и\s+(?:во?\s+)?(?:[а-яё]+\s+){0,2}", s[c.end : m.start], re.I))


def _origin(s: str, m) -> bool:
    """'из Туркестанской области': where people came from, whatever the clause."""
    prep = re.search(r"(\S+)\s+$", s[max(0, m.start - 12) : m.start])
    return bool(prep) and prep.group(1).lower() in ("из", "со", "с")


_QUALIFIED = re.compile(r"\b(?:мегаполис|город|област|регион|район|центр|столиц)[а-яё]*\s+$", re.I)
_LABEL = re.compile(r"^\s*([А-ЯЁ][а-яё]+(?:[\s-][А-ЯЁа-яё]+){0,2})\s*(?::|[–—-]\s)\s*[-+]?(?:плюс\s+|минус\s+)?$")


def _unknown_label(s: str, c: Clause, n: Number) -> bool:
    """'<Town>: N → M тыс.' — a label of its own before the number that names nothing known."""
    head = s[c.start : n.start]
    m = _LABEL.match(head)
    if not m:
        return False
    ms = entities.find(m.group(1))
    return not ms and not cues.find_cues(cues.lemmatise(m.group(1)))


def _country(n: Number, c: Clause, ci: int, cls, countries, s: str, lead) -> tuple[str | None, str]:
    in_clause = [m for m in countries if c.has(m.start)]
    if in_clause:
        m = min(in_clause, key=lambda m: abs(m.start - n.num_start))
        return m.code, "stated"
    if c.paren:
        prev = [m for m in countries if m.end <= c.start and not re.search(r"[.;]", s[m.end : c.start])]
        if prev and (c.owner is None or cls[c.owner].start <= prev[-1].start):
            return prev[-1].code, "stated"
    if re.search(r"\b(?:туда|оттуда)\b", s[c.start : c.end], re.I) or (
        ci > 0 and s[cls[ci - 1].end - 1 : cls[ci - 1].end] == ":"
    ):
        prev = [m for m in countries if m.end <= c.start]
        if prev:
            return prev[-1].code, "sentence"
    if lead and lead.get("country"):
        return lead["country"], "list"
    return None, "none"


def _respectively_in_sentence(s: str, sa: int, drafts: list[Draft], found) -> None:
    m = re.search(r"\bсоответственно\b", s, re.I)
    if not m or s[max(0, m.start() - 1)] == "(":
        return
    named = []
    for k in found:
        if k.start < m.start() and k.code not in cues.PSEUDO and (not named or named[-1] != k.code):
            named.append(k.code)
    after = [d for d in drafts if d.order[0] - sa > m.start()]
    if len(named) < 2 or not after or len(after) % len(named):
        return
    for i, d in enumerate(after):
        code = named[i % len(named)]
        if (code in FLOWS) == (d.indicator in FLOWS):
            d.indicator = code
            d.how["indicator"] = "respectively"


def _respectively(s, sa, drafts, nums, state, cls, ps, scope) -> list[Draft]:
    if not re.search(r"соответственно", s, re.I) or not state.previous:
        return drafts
    out = list(drafts)
    for c in cls:
        if not (c.paren and re.search(r"соответственно", s[c.start : c.end], re.I)):
            continue
        inner = [n for n in nums if c.start <= n.num_start < c.end and not n.percent]
        prev = state.previous[-len(inner) :] if len(inner) <= len(state.previous) else []
        if not prev:
            continue
        out = [d for d in out if not any(d.order[0] == sa + n.num_start for n in inner)]
        period = None
        before = [p for p in ps if p.end <= c.start and p.kind != "mask"]
        if before:
            r = context.resolve(before[-1], scope, prev[0].period)
            period = r[0] if r else None
        for n, p in zip(inner, prev):
            if period is None or not _fits(p.indicator, period):
                continue
            d = Draft(
                p.indicator,
                n.value,
                n.precision,
                period,
                p.region,
                p.country,
                None,
                p.page,
                p.top,
                (sa + n.num_start,),
                p.text,
                dict(p.how, indicator="respectively", period="comparison"),
                evidence=_evidence(s, n),
            )
            out.append(d)
    return out


_COMPARISON = re.compile(r"^\W*(?:для\s+сравнения|для\s+справки|напомним|ранее|в\s+то\s+же\s+время\s+год)", re.I)


def _update_scope(para: Scope, s: str, ps, regions, drafts: list[Draft]) -> None:
    if _COMPARISON.match(s):
        ps = []  # "Для сравнения: в августе 2019 года ..." dates only itself
    for p in ps:
        if p.comparative or p.kind in ("mask", "rel", "same", "ytd"):
            continue
        r = context.resolve(p, para)
        if r is None:
            continue
        iso = r[0]
        if periods.is_date(iso):
            para.date = iso
        else:
            para.flow = iso
            para.year = periods.year_of(iso)
    for d in drafts:
        if d.how.get("period") in ("report-date",) and d.period and d.indicator in FLOWS:
            para.flow = para.flow or d.period
    codes = {m.code for m in regions}
    if not codes and any(d.region == "KZ" and d.how.get("region") == "stated" for d in drafts):
        codes = {"KZ"}
    if len(codes) == 1 and any(d.region in codes for d in drafts) or (len(codes) == 1 and not drafts):
        para.region = next(iter(codes))


# ------------------------------------------------------------------------------------ wages

_OFFER = re.compile(
    r"зарплат|заработн[а-яё]*\s+плат|оплат[а-яё]*\s+труда|оклад|предлага|обеща|вакан|ставк|"
    r"получают|зарабатывают|платят",
    re.I,
)
# earnings actually received (past tense, or of someone) are not offers
_EARNED = re.compile(r"зарабатывал|заработал|получал[аи]?\b|получил[аи]?\b|накопи|копи", re.I)


def _names_workers(s: str) -> bool:
    """'разнорабочим и отделочникам платят': the sentence names whom it pays (people in the
    dative), so an occupation of the paragraph is not theirs."""
    return any(t.pos == "NOUN" and "datv" in t.tags and "anim" in t.tags for t in cues.lemmatise(s).toks)


def wages(text: str, scope: Scope, page_of, context_text: str = "") -> list[Draft]:
    """Offered wages: 'от X до Y тенге' -> min and max; 'до Y' only the max, 'от X' only the min;
    a single amount that is neither is not an offer."""
    text = normalise_spaces(text)
    out: list[Draft] = []
    for sa, sb in sentences(text):
        s = text[sa:sb]
        nums = find_numbers(s, lemma)
        if (
            not any(n.unit == "KZT" for n in nums)
            or not (_OFFER.search(s) or _OFFER.search(context_text))
            or _EARNED.search(s)
        ):
            continue
        mentions = entities.find(s)
        ctx_mentions = entities.find(context_text) if context_text else []
        for i, n in enumerate(nums):
            if n.unit != "KZT":
                continue
            before = s[max(0, n.start - 6) : n.start]
            if n.range_with is not None:
                code = "wage_offer_min" if n.range_with > i else "wage_offer_max"
            elif re.search(r"\bот\s*$", before, re.I):
                code = "wage_offer_min"
            elif re.search(r"\bдо\s*$", before, re.I):
                code = "wage_offer_max"
            elif any(
                o.unit == "KZT"
                and o.num_start > n.num_end
                and re.search(r"\bдо\s*$", s[max(0, o.start - 6) : o.start], re.I)
                for o in nums[i + 1 :]
            ):
                code = "wage_offer_min"  # a base pay paired with a "до Y" later in the sentence
            else:
                continue
            countries = [m for m in mentions if m.kind == "country"]
            if not countries and any(m.kind == "group" for m in mentions + ctx_mentions):
                continue  # "страны ЕС": a place without a code
            occs = [m for m in mentions if m.kind == "occupation"]
            after_occ = [m for m in occs if m.start > n.num_end and not re.search(r"\bот\b", s[n.num_end : m.start])]
            occ = after_occ[0] if after_occ else None
            if occ is None:
                before_occ = [m for m in occs if m.end <= n.num_start]
                occ = before_occ[-1] if before_occ else None
            if occ is None and not _names_workers(s):
                ctx_occ = [m for m in ctx_mentions if m.kind == "occupation"]
                occ = ctx_occ[-1] if len({m.code for m in ctx_occ}) == 1 else None
            cm = min(countries, key=lambda m: abs(m.start - n.num_start)) if countries else None
            how = {"indicator": "clause", "period": "none", "region": "none"}
            if cm is None:
                ctx = [m for m in ctx_mentions if m.kind == "country"]
                cm = ctx[-1] if ctx else None
                how["country"] = "para" if cm else "none"
            else:
                how["country"] = "stated"
            page, top = page_of(sa + n.num_start)
            d = Draft(
                code,
                n.value,
                n.precision,
                None,
                None,
                cm.code if cm else None,
                occ.code if occ else None,
                page,
                top,
                (sa + n.num_start,),
                re.sub(r"\s+", " ", s).strip(),
                how,
                evidence=_evidence(s, n),
            )
            out.append(d)
    return out
