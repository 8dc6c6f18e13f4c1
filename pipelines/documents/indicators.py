"""Which indicator a stretch of Russian text speaks about.

Each rule is a stem pattern for a way Russian statistical prose names the indicator
("численность населения", "естественная убыль", "выбыло", "уехали на работу"). A rule may
carry a sign (убыль, отрицательное сальдо) and a specificity used when several rules hit the
same clause ("численность городского населения" is urban, not total, population).
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    code: str
    sign: int = 1  # -1 when the words themselves say the value is negative
    rank: int = 0  # higher = more specific


_W = r"[а-яё]*"
_RULES: list[tuple[str, int, int, str]] = [
    # (code, sign, rank, pattern)
    ("population_urban_share", 1, 3, rf"\bдол{_W}\s+городск{_W}(?:\s+населени{_W})?"),
    ("population_rural_share", 1, 3, rf"\bдол{_W}\s+сельск{_W}(?:\s+населени{_W})?"),
    ("population_urban", 1, 2, rf"\bгородск{_W}(?:\s+(?:населени|жител|местност|поселени){_W})?"),
    ("population_rural", 1, 2, rf"\bсельск{_W}(?!\s+(?:хозяйств|округ){_W})(?:\s+(?:населени|жител|местност){_W})?"),
    ("population", 1, 1, rf"\bчисленност{_W}\s+(?:\w+\s+){{0,1}}населени{_W}"),
    ("population", 1, 1, rf"\bнаселени{_W}\s+(?:\w+\s+){{0,3}}(?:составил|насчитыва|достиг){_W}"),
    ("population", 1, 1, rf"\bпроживал{_W}|\bпроживает\b|\bпроживают\b"),
    ("natural_increase", -1, 3, rf"\bестественн{_W}\s+убыл{_W}"),
    ("natural_increase", 1, 3, rf"\bестественн{_W}\s+прирост{_W}"),
    ("labour_force", 1, 3, rf"\bрабоч{_W}\s+сил{_W}|\bэкономически\s+активн{_W}\s+населени{_W}"),
    ("net_migration", -1, 4, rf"\b(?:отрицательн{_W}\s+(?:\w+\s+){{0,1}}сальдо|миграционн{_W}\s+(?:убыл|отток){_W}|отток{_W}\s+населени{_W})"),
    ("net_migration", 1, 3, rf"\b(?:положительн{_W}\s+)?сальдо(?:\s+миграци{_W})?|\bмиграционн{_W}\s+прирост{_W}"),
    ("arrivals", 1, 2, rf"\bприбывш{_W}|\bприбыти{_W}|\bприбыл[оаи]?\b(?!ь)|\bприбывают\b"),
    ("departures", 1, 2, rf"\bвыбывш{_W}|\bвыбыти{_W}|\bвыбыл[оаи]?\b|\bвыбывают\b|\bвыбывающ{_W}"),
    # movement abroad for work: "уехали на работу за границу", "выехавшие за рубеж", "поехали в"
    ("labour_emigration", 1, 2, rf"\b(?:у|вы|по|от)(?:ех|езж|езжа){_W}|\bотправ(?:ил|ля|ляют|ились|ились){_W}|\bтрудов{_W}\s+(?:эмигра|мигра){_W}|\bработа(?:ют|ющ{_W})\s+за\s+(?:рубеж|границ){_W}"),
    # verbs of paying count only beside an amount in tenge (prose.py checks the unit)
    ("wage", 1, 2, rf"\bзарплат{_W}|\bзаработн{_W}\s+плат{_W}|\bоклад{_W}|\bоплат{_W}\s+труда|\bвознагражден{_W}|\bзарабатыва{_W}|\bплат(?:ят|ит|или)\b|\bполуча(?:ют|ет|ли)\b|\bпредлага(?:ют|ет|ли|ется|ются)\b"),
]
_COMPILED = [(code, sign, rank, re.compile(p, re.IGNORECASE)) for code, sign, rank, p in _RULES]

# labour_emigration needs a context of work or going abroad somewhere in the sentence.
WORK_CONTEXT = re.compile(r"\bна\s+работ|\bработ(?:ать|ы)\b|трудов|трудоустр|за\s+(?:границ|рубеж)|вакан|заработ", re.I)
# A clause about some other quantity: an indicator carried from an earlier clause must not
# jump onto it ("прирост составил 500 человек, число родившихся – 1 200").
OTHER_SUBJECT = re.compile(
    r"родивш|рожден|умерш|смерт|брак|развод|безработ|занят[а-я]*\b|пенсионер|студент|учащ|дет[еи]|младен|"
    r"доход|расход|инфляц|\bцен[аыу]?\b|врп|продукц|инвестиц|иммигрант|репатриант|кандас|оралман|"
    r"вакан|предприяти|организаци|семей|семьи|домохозяйств", re.I)
# Parts of a flow that are not the flow itself ("сальдо внешней миграции", "выбыло за пределы
# республики"): the vocabulary's indicators are totals over all flows.
PARTIAL_FLOW = re.compile(
    r"внешн[а-я]*\s+миграц|внутренн[а-я]*\s+миграц|межрегиональн|внутрирегиональн|внутриреспубликанск|"
    r"международн[а-я]*\s+миграц|за\s+пределы\s+(?:республики|страны|области)|из-за\s+пределов|"
    r"стран[а-я]*\s+снг|в\s+другие\s+регион|из\s+других\s+регион", re.I)
BREAKDOWN = re.compile(r"^\W*(?:в\s+том\s+числе|в\s+т\.\s*ч\.|из\s+них|из\s+которых|включая)\b", re.I)
NEGATIVE_WORDS = re.compile(r"\bминус\b|\bубыл[ьи]\b|\bсократил|\bуменьшил", re.I)


def find_indicator_hits(text: str) -> list[Hit]:
    hits: list[Hit] = []
    for code, sign, rank, rx in _COMPILED:
        for m in rx.finditer(text):
            if any(not (m.end() <= h.start or m.start() >= h.end) for h in hits):
                continue  # an earlier, more specific rule already owns these words
            hits.append(Hit(m.start(), m.end(), code, sign, rank))
    return sorted(hits, key=lambda h: h.start)


# Table captions and headers name indicators in the nominative.
def indicator_for_caption(text: str) -> tuple[str | None, int]:
    hits = find_indicator_hits(text)
    hits = [h for h in hits if h.code not in ("wage", "labour_emigration")] or hits
    if not hits:
        return None, 1
    best = max(hits, key=lambda h: (h.rank, -h.start))
    return best.code, best.sign
