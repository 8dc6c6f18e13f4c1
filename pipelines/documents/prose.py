"""Figures in running Russian text: sentence -> clauses -> each number with the words that
govern it.

A sentence is cut into clauses at commas, semicolons, colons, "и"/"а" and parentheses. A number
takes the cue of its own clause (cues.py), else the cue of an earlier clause of its sentence
("..., а в 2024 году - 140 521"), else what a list's lead line or the sentence before hands it.
A number in parentheses belongs to the clause before it and takes the comparison period
stated right before it ("чем за январь–июнь 2023г. (2237 человек)"). Period, region and
country are found the same way, nearest first, then from the scopes (context.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import context, cues, entities, periods
from .context import Scope
from .figure import FLOWS, SIGNED, STOCKS, Draft
from .numbers import Number, find_numbers, normalise_spaces
from .text import lemma, sentences

PERSON_INDICATORS = {"population", "population_urban", "population_rural", "natural_increase", "labour_force",
                     "arrivals", "departures", "net_migration", "labour_emigration"}
_CLAUSE_SEP = re.compile(r"[,;:](?=\s)|\s[иа]\s|\s(?:при\s+этом|тогда\s+как|в\s+то\s+время\s+как|то)\s|\s[–—]\s(?=[а-яё]+\s)", re.I)
_BREAKDOWN = re.compile(r"^\W*(?:из\s+них|из\s+которых|в\s+том\s+числе|в\s+т\.\s*ч\.|включая|среди\s+них)\b", re.I)
_REF = re.compile(r"(?:табл(?:ица|ице|ицы|\.)?|рис(?:унок|унке|\.)?|диаграмм[а-яё]*|график[а-яё]*|приложени[а-яё]*|№|ст\.|"
                  r"стать[а-яё]+|п\.|пункт[а-яё]*|глав[а-яё]*|раздел[а-яё]*|страниц[а-яё]*|стр\.|с\.|выпуск)\s*$", re.I)
_CHANGE = re.compile(r"(?:^|[\s(])(?:на|почти\s+на|примерно\s+на|более\s+чем\s+на|еще\s+на|ещё\s+на)\s*$", re.I)
_LEVEL = re.compile(r"(?:\bдо|составил[аио]?|составляла|составляет|достигл[аио]?|насчитывал[аио]?|равн[аыо]?)\s*[–—-]?\s*(?:почти|около|более|свыше|порядка)?\s*$", re.I)
_APPROX = re.compile(r"(?:около|почти|более|свыше|порядка|примерно|приблизительно|больше|менее|меньше)\s*$", re.I)
_OF_MANY = re.compile(r"^\s*из\s+\d+\s+(?:регион|област|стран|город)", re.I)
_ABROAD = re.compile(r"из-за\s+рубеж|за\s+(?:границ|рубеж)|внешн[а-яё]*\s+миграц|иммигрант|эмигрант|эмиграц", re.I)


@dataclass
class Clause:
    start: int
    end: int
    paren: bool = False
    breakdown: bool = False
    owner: int | None = None  # a parenthesis belongs to the clause before it


@dataclass
class DocState:
    """Across sentences and paragraphs of one document."""

    previous: list[Draft] = field(default_factory=list)  # figures of the sentence before
    flows: list[Draft] = field(default_factory=list)  # accepted arrivals/departures, for signs
    names_regions: bool = False


def clauses(text: str) -> list[Clause]:
    """Clauses of a sentence; parentheses are clauses of their own, owned by the one before."""
    out: list[Clause] = []
    depth_start = None
    pieces: list[tuple[int, int, bool]] = []
    pos = 0
    for i, ch in enumerate(text):
        if ch == "(" and depth_start is None:
            pieces.append((pos, i, False))
            depth_start = i
        elif ch == ")" and depth_start is not None:
            pieces.append((depth_start, i + 1, True))
            depth_start = None
            pos = i + 1
    if depth_start is not None:
        pieces.append((depth_start, len(text), True))
    else:
        pieces.append((pos, len(text), False))
    breakdown = False
    for a, b, paren in pieces:
        if a >= b:
            continue
        if paren:
            owner = len(out) - 1 if out else None
            out.append(Clause(a, b, True, breakdown, owner))
            continue
        start = a
        for m in _CLAUSE_SEP.finditer(text, a, b):
            if m.start() > start:
                c = Clause(start, m.start() + 1)
                breakdown = breakdown or bool(_BREAKDOWN.match(text[start : m.start() + 1]))
                c.breakdown = breakdown
                out.append(c)
            start = m.start() + 1
        if start < b:
            c = Clause(start, b)
            breakdown = breakdown or bool(_BREAKDOWN.match(text[start:b]))
            c.breakdown = breakdown
            out.append(c)
    return out


def _non_figure(text: str, n: Number, masks: list[periods.Period]) -> bool:
    if any(not (n.num_end <= p.start or n.num_start >= p.end) for p in masks):
        return True
    if n.unit in ("duration", "other", "currency"):
        return True
    if _REF.search(text[max(0, n.start - 12) : n.start]):
        return True
    if n.multiplier == 1 and not n.percent and " " not in n.raw and "," not in n.raw and 1900 <= abs(n.value) <= 2100:
        return True  # a year
    if re.match(r"\s*\)", text[n.end :]) and re.search(r"(?:^|\s)$", text[: n.start]) and n.value < 10 and n.sign == 0:
        return True  # a footnote mark "1)"
    if _OF_MANY.match(text[n.end :]):
        return True  # "в 11 из 20 регионов"
    if re.match(r"\s*[-–—]\s*\d+\s*(?:лет|год)", text[n.end :]):
        return True  # "15-64 лет"
    if re.match(r"\s*(?:-?[гйхя]|-?ый|-?ой|-?ом|-?ая|-?го|-?е)\b", text[n.num_end :]) and n.multiplier == 1:
        return True  # ordinals "1-й", "3-го"
    return False


def paragraph(text: str, para: Scope, state: DocState, page_of, lead: dict | None = None,
              heading: bool = False) -> list[Draft]:
    """Figures of one paragraph. `page_of(offset)` -> (page, top) of a character."""
    text = normalise_spaces(text)
    text = re.sub(r"\[\s*\d{1,3}\s*\]", lambda m: " " * len(m.group(0)), text)  # reference marks [1]
    out: list[Draft] = []
    for sa, sb in sentences(text):
        out += _sentence(text, sa, sb, para, state, page_of, lead)
        lead = lead if lead and lead.get("sticky") else None
    return out


def _sentence(text: str, sa: int, sb: int, para: Scope, state: DocState, page_of, lead) -> list[Draft]:
    s = text[sa:sb]
    scope = para.child("sentence")
    nums = find_numbers(s, lemma)
    all_periods = periods.find_periods(s)
    masks = [p for p in all_periods if p.kind == "mask"]
    ps = [p for p in all_periods if p.kind != "mask"]
    lem = cues.lemmatise(s)
    mentions = entities.find(s, lem.toks)
    found = cues.find_cues(lem)
    cls = clauses(s)
    clean = re.sub(r"\s+", " ", s).strip()

    def clause_of(pos: int) -> int:
        for i, c in enumerate(cls):
            if c.start <= pos < c.end:
                return i
        return len(cls) - 1

    regions = [m for m in mentions if m.kind == "region" and m.strong]
    if regions:
        state.names_regions = True
    countries = [m for m in mentions if m.kind == "country"]
    occupations = [m for m in mentions if m.kind == "occupation"]
    work = any(c.code == "labour_emigration" for c in found)
    if work:
        para.topics.add("work")
    chosen: dict[int, cues.Cue | None] = {}
    drafts: list[Draft] = []
    sentence_base: str | None = None  # period of the last figure, base of "годом ранее"

    def cue_for(ci: int) -> tuple[cues.Cue | None, str]:
        if ci in chosen:
            return chosen[ci], "clause"
        return None, ""

    for ni, n in enumerate(nums):
        if _non_figure(s, n, masks):
            continue
        ci = clause_of(n.num_start)
        c = cls[ci]
        before = s[max(0, n.start - 40) : n.start]
        inside = [k for k in found if k.start <= n.num_start < k.end]
        own = [k for k in found if c.start <= k.start < c.end and k not in inside]
        if _CHANGE.search(before) and not inside and n.unit != "ratio":
            continue  # "выросло на 5,3 тыс.": a change, not a level
        level_word = bool(_LEVEL.search(before))
        if level_word:
            own = [k for k in own if k.code != "growth"]
        how: dict[str, str] = {}
        cue = None
        if inside:
            cue, how["indicator"] = max(inside, key=lambda k: k.rank), "difference"
        elif own:
            top = max(k.rank for k in own)
            best = [k for k in own if k.rank == top]
            cue = min(best, key=lambda k: (k.start > n.num_start, abs(k.start - n.num_start)))
            how["indicator"] = "clause"
        elif c.breakdown:
            continue  # a part of the figure before it, named by nothing we know
        else:
            # an earlier clause of the sentence (a parenthesis: its owner first)
            order = ([c.owner] if c.paren and c.owner is not None else []) + list(range(ci - 1, -1, -1))
            for cj in order:
                if cj in chosen and chosen[cj] is not None:
                    cue = chosen[cj]
                    how["indicator"] = "sentence"
                    break
                own_j = [k for k in found if cls[cj].start <= k.start < cls[cj].end and (not level_word or k.code != "growth")]
                if own_j:
                    cue = max(own_j, key=lambda k: (k.rank, k.start))
                    how["indicator"] = "sentence"
                    break
            if cue is None and lead and lead.get("cue") is not None:
                cue, how["indicator"] = lead["cue"], "list"
            if cue is None and state.previous and _continues(s, n):
                prev = state.previous[-1]
                cue = cues.Cue(0, 0, prev.indicator, 0, 1)
                how["indicator"] = "previous"
        chosen[ci] = cue
        if cue is None or cue.code in cues.PSEUDO:
            continue
        code = cue.code
        if c.breakdown and code == "labour_emigration":
            parent = next((chosen[j] for j in range(ci - 1, -1, -1) if j in chosen and chosen[j] and not cls[j].breakdown), None)
            if parent is None or parent.code not in ("departures", "labour_emigration"):
                continue  # foreign workers coming in under contracts: not Kazakhstanis leaving
        # --- what kind of number fits the indicator
        if n.unit == "KZT":
            continue  # wages are read by wages()
        if n.unit == "ratio" or code == "departures_growth_ratio":
            if code != "departures_growth_ratio" or n.unit != "ratio":
                continue
        elif n.percent:
            if code in ("population_urban", "population_urban_share") and c.paren:
                code = "population_urban_share"
            elif code in ("population_rural", "population_rural_share") and c.paren:
                code = "population_rural_share"
            elif code in ("population_urban_share", "population_rural_share"):
                pass
            elif c.paren and _share_after(drafts, s, c):
                code = _share_after(drafts, s, c)
            else:
                continue
        elif code not in PERSON_INDICATORS:
            continue
        if code in ("departures", "arrivals", "labour_emigration") and "work" in para.all_topics() and code == "departures" \
                and cue.code == "departures":
            code = "labour_emigration"
            how["indicator"] = how.get("indicator", "clause")

        value = n.value
        if code in SIGNED:
            negative = n.sign < 0 or (n.sign == 0 and (
                cue.sign < 0 or cues.sign_words(lem, c.start, n.start) < 0 or (lead or {}).get("sign", 0) < 0))
            value = -abs(value) if negative else abs(value)
        elif value < 0:
            continue

        # --- period
        period, how["period"] = _period(code, n, c, cls, ps, scope, drafts, sentence_base, s)
        if period is None and code not in ("wage_offer_min", "wage_offer_max"):
            continue
        # --- region
        region, how["region"] = _region(n, c, regions, mentions, para, state, s)
        if region is None:
            continue
        # --- country
        country = None
        if code in ("arrivals", "departures", "labour_emigration"):
            country, csrc = _country(n, c, ci, cls, countries, s, lead)
            if country:
                how["country"] = csrc
        if _group_share(mentions, c):
            continue
        # sub-flows: a region's flows across the border, the country's flows including internal moves
        if code in ("arrivals", "departures", "net_migration") and region != "KZ":
            if _ABROAD.search(s) or "abroad" in para.all_topics():
                para.topics.add("abroad")
                continue
        if code in ("arrivals", "departures", "labour_emigration") and region not in (None, "KZ") and country:
            region = "KZ" if how.get("region") != "stated" else region
        page, top = page_of(sa + n.num_start)
        d = Draft(code, value, n.precision, period, region, country, None, page, top, (), clean, how,
                  bool(_APPROX.search(before)))
        d.order = (sa + n.num_start,)
        drafts.append(d)
        if period and not c.paren:
            sentence_base = period
    # the sentence's numbers "соответственно" take the figures of the sentence before, in order
    drafts = _respectively(s, drafts, nums, state, cls, ps, scope)
    _update_scope(para, s, ps, regions, drafts)
    if drafts:
        state.previous = drafts
    return drafts


def _continues(s: str, n: Number) -> bool:
    """A sentence with no words of its own for a number, listing labelled values ("Далее идут
    Костанайская – 645 человек")."""
    return bool(re.search(r"[–—:(]\s*[-+]?$", s[: n.start].rstrip()[-3:] + " ")) or bool(re.match(r"^\s*(?:далее|затем|следом)", s, re.I))


def _share_after(drafts: list[Draft], s: str, c: Clause) -> str | None:
    """'(57,4%)' right after an urban or rural count is its share."""
    for d in reversed(drafts):
        if d.indicator == "population_urban":
            return "population_urban_share"
        if d.indicator == "population_rural":
            return "population_rural_share"
        break
    return None


def _group_share(mentions, c: Clause) -> bool:
    return any(m.kind == "group" and c.start <= m.start < c.end for m in mentions)


def _fits(code: str, iso: str) -> bool:
    return periods.is_date(iso) == (code in STOCKS)


def _period(code, n: Number, c: Clause, cls, ps, scope: Scope, drafts, base, s) -> tuple[str | None, str]:
    def res(p, how):
        r = context.resolve(p, scope, base)
        if r is None:
            return None
        iso, src = r
        if not _fits(code, iso):
            if code not in STOCKS and periods.is_date(iso) and p.kind == "ytd":
                return None
            return None
        return iso, (how if src == "stated" else ("relative" if src == "relative" else src if src in ("report-date",) else how))

    own = [p for p in ps if c.start <= p.start < c.end]
    before = [p for p in own if p.start < n.num_start]
    after = [p for p in own if p.start >= n.num_start]
    for p in reversed(before):
        r = res(p, "stated")
        if r:
            return r
    if c.paren:
        # the comparison stated right before the parenthesis: "чем за январь–июнь 2023г. (2237)"
        prev = [p for p in ps if p.end <= c.start and s[p.end : c.start].strip(" ,.–—") == ""]
        for p in prev:
            r = res(p, "comparison")
            if r:
                return r
    for p in after:
        r = res(p, "stated")
        if r:
            return r
    sent_before = [p for p in ps if p.start < n.num_start and not p.comparative]
    for p in reversed(sent_before):
        r = res(p, "sentence")
        if r:
            return r
    sent_after = [p for p in ps if p.start > n.num_start and not p.comparative]
    for p in sent_after:
        r = res(p, "sentence")
        if r:
            return r
    return carried_period(code, scope)


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


def _region(n: Number, c: Clause, regions, mentions, para: Scope, state: DocState, s: str) -> tuple[str | None, str]:
    in_clause = [m for m in regions if c.start <= m.start < c.end]
    before = [m for m in in_clause if m.start < n.num_start]
    if before:
        return before[-1].code, "stated"
    # an unknown place labels the number: a town or district, not a region of the vocabulary
    places = [m for m in mentions if m.kind == "place" and c.start <= m.start < n.num_start]
    if places or _unknown_label(s, c, n):
        return None, "none"
    after = [m for m in in_clause if m.start > n.num_end]
    if after:
        return after[0].code, "stated"
    if c.paren:
        prev = [m for m in regions if m.end <= c.start and not re.search(r"[.;]", s[m.end : c.start])]
        if prev:
            return prev[-1].code, "stated"
    kz = [m for m in mentions if m.kind == "region" and m.code == "KZ" and c.start <= m.start < c.end]
    if kz:
        return "KZ", "stated"
    sent = [m for m in regions if m.start < n.num_start]
    if sent:
        return sent[-1].code, "sentence"
    v, lvl = para.find("region")
    if v:
        return v, lvl
    if any(m.kind == "region" and m.code == "KZ" for m in mentions):
        return "KZ", "sentence"
    return "KZ", ("default-mixed" if state.names_regions else "default")


_LABEL = re.compile(r"^\s*([А-ЯЁ][а-яё]+(?:[\s-][А-ЯЁа-яё]+){0,2})\s*(?::|[–—-]\s)\s*[-+]?(?:плюс\s+|минус\s+)?$")


def _unknown_label(s: str, c: Clause, n: Number) -> bool:
    """'Аркалык: 38,9 → 36,1 тыс.' — a label of its own before the number that names nothing known."""
    head = s[c.start : n.start]
    m = _LABEL.match(head)
    if not m:
        return False
    ms = entities.find(m.group(1))
    return not ms and not cues.find_cues(cues.lemmatise(m.group(1)))


def _country(n: Number, c: Clause, ci: int, cls, countries, s: str, lead) -> tuple[str | None, str]:
    in_clause = [m for m in countries if c.start <= m.start < c.end]
    if in_clause:
        m = min(in_clause, key=lambda m: abs(m.start - n.num_start))
        return m.code, "stated"
    if c.paren:
        prev = [m for m in countries if m.end <= c.start and not re.search(r"[.;]", s[m.end : c.start])]
        if prev and (c.owner is None or cls[c.owner].start <= prev[-1].start):
            return prev[-1].code, "stated"
    if re.search(r"\b(?:туда|оттуда)\b", s[c.start : c.end], re.I) or (ci > 0 and s[cls[ci - 1].end - 1 : cls[ci - 1].end] == ":"):
        prev = [m for m in countries if m.end <= c.start]
        if prev:
            return prev[-1].code, "sentence"
    if lead and lead.get("country"):
        return lead["country"], "list"
    return None, "none"


def _respectively(s, drafts, nums, state, cls, ps, scope) -> list[Draft]:
    if not re.search(r"соответственно", s, re.I) or not state.previous:
        return drafts
    out = list(drafts)
    for c in cls:
        if not (c.paren and re.search(r"соответственно", s[c.start : c.end], re.I)):
            continue
        inner = [n for n in nums if c.start <= n.num_start < c.end and not n.percent]
        prev = state.previous[-len(inner):] if len(inner) <= len(state.previous) else []
        if not prev:
            continue
        out = [d for d in out if not any(d.order[0] == n.num_start for n in inner)]
        period = None
        before = [p for p in ps if p.end <= c.start and p.kind != "mask"]
        if before:
            r = context.resolve(before[-1], scope, prev[0].period)
            period = r[0] if r else None
        for n, p in zip(inner, prev):
            if period is None or not _fits(p.indicator, period):
                continue
            d = Draft(p.indicator, n.value, n.precision, period, p.region, p.country, None, p.page, p.top, (n.num_start,),
                      p.text, dict(p.how, indicator="respectively", period="comparison"))
            out.append(d)
    return out


def _update_scope(para: Scope, s: str, ps, regions, drafts: list[Draft]) -> None:
    for p in ps:
        if p.comparative or not p.complete:
            continue
        if periods.is_date(p.value):
            para.date = p.value
        else:
            para.flow = p.value
            para.year = periods.year_of(p.value)
    for d in drafts:
        if d.how.get("period") in ("report-date",) and d.period and d.indicator in FLOWS:
            para.flow = para.flow or d.period
    codes = {m.code for m in regions}
    if len(codes) == 1 and any(d.region in codes for d in drafts) or (len(codes) == 1 and not drafts):
        para.region = next(iter(codes))


# ------------------------------------------------------------------------------------ wages

_OFFER = re.compile(r"зарплат|заработн[а-яё]*\s+плат|оплат[а-яё]*\s+труда|оклад|предлага|обеща|вакан|ставк", re.I)
_EARNED = re.compile(r"зарабатыва|заработал|получа|получил|накопи|копи", re.I)


def wages(text: str, scope: Scope, page_of, context_text: str = "") -> list[Draft]:
    """Offered wages: 'от X до Y тенге' -> min and max; 'до Y' only the max, 'от X' only the min;
    a single amount that is neither is not an offer."""
    text = normalise_spaces(text)
    out: list[Draft] = []
    for sa, sb in sentences(text):
        s = text[sa:sb]
        nums = find_numbers(s, lemma)
        if not any(n.unit == "KZT" for n in nums) or not (_OFFER.search(s) or _OFFER.search(context_text)) \
                or _EARNED.search(s):
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
            else:
                continue
            countries = [m for m in mentions if m.kind == "country"]
            occs = [m for m in mentions if m.kind == "occupation"]
            after_occ = [m for m in occs if m.start > n.num_end and not re.search(r"\bот\b", s[n.num_end : m.start])]
            occ = after_occ[0] if after_occ else None
            if occ is None:
                before_occ = [m for m in occs if m.end <= n.num_start]
                occ = before_occ[-1] if before_occ else None
            cm = min(countries, key=lambda m: abs(m.start - n.num_start)) if countries else None
            how = {"indicator": "clause", "period": "none", "region": "none"}
            if cm is None:
                ctx = [m for m in ctx_mentions if m.kind == "country"]
                cm = ctx[-1] if ctx else None
                how["country"] = "para" if cm else "none"
            else:
                how["country"] = "stated"
            page, top = page_of(sa + n.num_start)
            d = Draft(code, n.value, n.precision, None, None, cm.code if cm else None, occ.code if occ else None,
                      page, top, (sa + n.num_start,), re.sub(r"\s+", " ", s).strip(), how)
            out.append(d)
    return out
