"""Which quantity a stretch of Russian text speaks about: cues written over lemmas.

Text is rewritten as a string of lemmas ("в область Абай проживать # тыс человек"), numbers as
"#", so one pattern covers every form of a word ("выбыло", "выбывших", "выбытие"). A cue names an
indicator of the vocabulary, or a *pseudo-indicator*: something a number can measure that is
not a figure (growth of the population, births, rates, students, internal moves, parts of a
flow). A number takes the cue that governs it; when that cue is a pseudo-indicator, the number
is not reported. Signs come from words (убыль, отток, отрицательное), never from a dash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .text import Token, tokens

# What is not a figure of the vocabulary.
PSEUDO = {
    "growth",
    "births",
    "deaths",
    "marriage",
    "rate",
    "study",
    "plan",
    "internal",
    "subflow",
    "other",
    "earnings",
    "group_share",
    "span",
}


@dataclass(frozen=True)
class Cue:
    start: int  # offsets in the original text
    end: int
    code: str
    sign: int = 0  # -1 / +1 when the words give the sign
    rank: int = 1  # higher wins within a clause


@dataclass
class Lemmas:
    """A text as lemmas, with a map from lemma-string offsets back to the text."""

    text: str
    string: str
    back: list[int]  # offset in `text` of every character of `string`
    toks: list[Token]

    def span(self, a: int, b: int) -> tuple[int, int]:
        return self.back[a], self.back[max(a, b - 1)] + 1


@lru_cache(maxsize=20_000)
def lemmatise(text: str) -> Lemmas:
    toks = tokens(text)
    parts: list[str] = []
    back: list[int] = []
    pos = 0
    for t in toks:
        gap = text[pos : t.start]
        gap = re.sub(r"[ \t\n]+", " ", gap)
        # map the gap characters roughly to their start
        for ch in gap:
            parts.append(ch)
            back.append(min(pos, len(text) - 1))
        for ch in t.lemma:
            parts.append(ch)
            back.append(t.start)
        pos = t.end
        if back:
            back[-1] = t.end - 1
    tail = re.sub(r"[ \t\n]+", " ", text[pos:])
    for ch in tail:
        parts.append(ch)
        back.append(min(pos, len(text) - 1))
    return Lemmas(text, "".join(parts), back or [0], toks)


_W = r"(?:\s+[а-яёa-z0-9.,-]+){0,%d}"  # up to n words (or numbers) in between
_N = r"[-+]?\d[\d ]*(?:[.,]\d+)?\s*(?:тыс\.?|млн\.?|тысяча|миллион)?"  # a number, as the text writes it


def _w(n: int) -> str:
    return _W % n


_GAIN = r"(?:увеличиться|вырасти|прибавить|пополниться|возрасти|получить|приобрести|прирасти)"
_LOSS = r"(?:уменьшиться|сократиться|снизиться|потерять|лишиться|убавиться)"
_CAUSE = r"(?:за\s+счет|в\s+результат|из-за|благодаря|вследствие)"


def _component(verb: str, cause: str) -> str:
    """A verb of gain or loss and its cause, in either order, then the number."""
    return (
        rf"\b{_CAUSE}\s+{cause}"
        + _w(4)
        + rf"\s+{verb}\s+(?:на\s+)?"
        + _N
        + rf"|\b{verb}"
        + _w(3)
        + rf"\s+{_CAUSE}\s+{cause}"
        + _w(2)
        + r"\s+(?:на\s+)?"
        + _N
    )


# (code, sign, rank, pattern over lemmas)
_RULES: list[tuple[str, int, int, str]] = [
    # --- differences that are figures: "родилось на N больше, чем умерло", "приехавших на N больше"
    (
        "natural_increase",
        1,
        9,
        r"\bродиться" + _w(3) + rf"\s+на\s+{_N}[^;]*?\b(?:большой|больший),?\s+чем\s+(?:умереть|умерший)\b",
    ),
    (
        "net_migration",
        1,
        9,
        r"\b(?:приехать|прибыть|въехать)"
        + _w(8)
        + rf"\s+на\s+{_N}[^;]*?\bбольшой,?\s+чем"
        + _w(2)
        + r"\s+(?:уехать|выбыть|выехать)\b",
    ),
    (
        "net_migration",
        -1,
        9,
        r"\b(?:уехать|выбыть|выехать)"
        + _w(8)
        + rf"\s+на\s+{_N}[^;]*?\bбольшой,?\s+чем"
        + _w(2)
        + r"\s+(?:приехать|прибыть|въехать)\b",
    ),
    (
        "natural_increase",
        1,
        9,
        r"\bродиться" + _w(4) + r"\s+(?:больший|большой),?\s+чем\s+(?:умереть|умерший),?\s+на\s+" + _N,
    ),
    # the migration component of a change of the population, cause before or after the verb
    # ("за счёт переселенцев численность увеличилась на N", "потеряла в результате миграции N")
    ("net_migration", 1, 9, _component(_GAIN, r"(?:миграция|переселенец|мигрант|переезд|приток)")),
    ("net_migration", -1, 9, _component(_LOSS, r"(?:миграция|отток|переезд|выезд)")),
    # the same over a list of regions ("… потеряли из-за миграции:"), the numbers below it
    ("net_migration", 1, 8, rf"\b{_GAIN}" + _w(3) + rf"\s+{_CAUSE}\s+миграция\s*:"),
    ("net_migration", -1, 8, rf"\b{_LOSS}" + _w(3) + rf"\s+{_CAUSE}\s+миграция\s*:"),
    ("net_migration", 1, 9, r"\bприток\s+превысить\s+отток" + _w(3) + r"\s+(?:на\s+)?(?:[а-яё]+\s+)?(?:плюс\s+)?" + _N),
    (
        "net_migration",
        -1,
        9,
        r"\bотток\s+превысить\s+приток" + _w(3) + r"\s+(?:на\s+)?(?:[а-яё]+\s+)?(?:минус\s+)?" + _N,
    ),
    ("natural_increase", 1, 8, r"\b(?:превышение\s+)?рождаемость\s+над\s+смертность\b"),
    ("net_migration", 0, 8, rf"\bмиграционный\s*[–—-]\s*{_N}"),  # "естественный прирост ..., а миграционный — N"
    # --- pseudo-indicators: what a number may measure that is not a figure
    (
        "span",
        0,
        9,
        r"\bза\s+(?:весь\s+|последний\s+|прошлый\s+)?(?:\d{1,2}|два|три|четыре|пять|шесть|семь|восемь|девять|десять"
        r"|несколько|много|полтора|пара)\s+(?:год|десятилетие)\b|\bза\s+(?:весь\s+)?(?:этот\s+)?период\s+с\b",
    ),
    (
        "rate",
        0,
        9,
        r"\bкоэффициент\b|\bплотность\b|\bквадратный\s+километр\b|\bкм2\b|\bкм²|\bна\s+душу\b|\bна\s+(?:1\s?000|10\s?000|100\s?000|1\s+тыс\.?|тысяча)\s*(?:житель|человек|население|родиться|родившийся)?\b"
        r"|\bв\s+(?:день|сутки|час|неделя)\b|\bпромилле\b",
    ),
    (
        "births",
        0,
        6,
        r"\bродиться\b|\bрождение\b|\bрождаемость\b|\bноворождённый\b|\bноворожденный\b|\bмальчик\b|\bдевочка\b",
    ),
    ("deaths", 0, 6, r"\bумереть\b|\bсмерть\b|\bсмертность\b|\bумерший\b|\bмладенец\b|\bмладенческий\b"),
    ("marriage", 0, 6, r"\bбрак\b|\bразвод\b"),
    ("study", 0, 6, r"\bучиться\b|\bучеба\b|\bобучение\b|\bстудент\b|\bучащийся\b"),
    ("plan", 0, 6, r"\bпланировать\b|\bподготовить\b|\bквота\b|\bнаправить\b|\bпрогноз\w*\b|\bожидать\b"),
    (
        "internal",
        0,
        7,
        r"\bвнутренний\s+(?:миграция|переселенец|мигрант|перемещение)\b|\bвнутри\s+(?:страна|область|республика|регион)\b"
        r"|\bмежрегиональный\b|\bвнутрирегиональный\b|\bвнутриреспубликанский\b|\bпереезд\w*\s+внутри\b"
        r"|\bиз\s+другой\s+регион\b|\bв\s+другой\s+регион\b|\bс\s+другой\s+регион\b|\bобмен\w*\s+с\s+другой\s+регион\b"
        r"|\bсменить\s+место\s+жительство\b",
    ),
    ("group_share", 0, 1, r"\bстрана\s+снг\b|\bснг\b"),  # a qualifier: the verb says what is counted
    # where immigrants settled: a distribution of a flow over regions, not the regions' flows
    ("subflow", 0, 7, r"\b(?:оседать|осесть|поселиться|селиться|обосноваться|расселиться)\b"),
    (
        "other",
        0,
        7,
        r"\bтрудоспособный\b|\bребенок\b|\bдети\b|\bдитя\b|\bподросток\b|\bпенсионер\b|\bшкольник\b"
        r"|\bмужчина\b|\bженщина\b|\bс\s+население\s+(?:свыше|более|менее|от|до|больший|меньший|около)\b"
        r"|\bиностранец\b|\bиностранный\s+(?:гражданин|работник|специалист)\b|\bнелегально\b",
    ),
    # people of a nationality: a breakdown the vocabulary has no codes for
    (
        "other",
        0,
        7,
        r"\b(?:русский|казах|немец|украинец|узбек|татарин|белорус|кореец|уйгур|поляк|азербайджанец"
        r"|чеченец|турок|дунганин|киргиз|таджик|грек|еврей|армянин|туркмен|оралман|кандас)\b",
    ),
    ("earnings", 0, 6, r"\bзарабатывать\b|\bзаработать\b|\bкопить\b|\bнакопить\b"),
    (
        "other",
        0,
        7,
        r"\b(?:разрешение|квота|приглашение|виза|патент)\s+на\s+работа\b|\bполучить\s+(?:разрешение|визу|патент)\b",
    ),
    (
        "growth",
        0,
        5,
        r"\bвырасти\b|\bувеличиться\b|\bсократиться\b|\bуменьшиться\b|\bприбавить\b|\bпотерять\b"
        r"|\bлишиться\b|\bнедосчитаться\b|\bсниться\b|\bснизиться\b|\bприрасти\b|\bизмениться\b|\bизменение\b"
        r"|\bрост\b|\bснижение\b|\bприбавка\b|\bвырастать\b|\bрасти\b|\bсокращаться\b|\bуменьшаться\b|\bувеличиваться\b"
        r"|(?<!естественный\s)(?<!миграционный\s)\bприрост\b|\bубыль\s+(?:отметить|наблюдаться)\b"
        r"|\bстать\s+(?:большой|меньший|маленький)\b|\bпринять\b",
    ),
    # --- indicators
    ("population_urban_share", 1, 8, r"\bдоля\s+городской\b"),
    ("population_rural_share", 1, 8, r"\bдоля\s+сельский\b"),
    (
        "population_urban",
        1,
        6,
        r"\bгородской(?:\s+(?:население|житель|местность|поселение))?\b|\bгорожанин\b"
        r"|\bв\s+город\b(?!\s+(?:прибыть|приехать|переехать|въехать|вернуться))|\bгород\s+(?:жить|проживать)\b",
    ),
    (
        "population_rural",
        1,
        6,
        r"\bсельский(?:\s+(?:население|житель|местность|населить\s+пункт|населенный\s+пункт))?\b"
        r"|\bжитель\s+село\b|\bв\s+село\b|\bселянин\b|\bна\s+село\b",
    ),
    ("natural_increase", -1, 7, r"\bестественный\s+убыль\b"),
    ("natural_increase", 1, 7, r"\bестественный\s+прирост\b"),
    ("labour_force", 1, 7, r"\bрабочий\s+сила\b|\bэкономически\s+активный\s+население\b"),
    (
        "net_migration",
        -1,
        8,
        r"\bотрицательный" + _w(2) + r"\s+сальдо\b|\bсальдо" + _w(6) + r"\s+отрицательный\b"
        r"|\bмиграционный\s+(?:убыль|отток)\b|\bотток\s+население\b",
    ),
    (
        "net_migration",
        1,
        7,
        r"\bположительный" + _w(2) + r"\s+сальдо\b|\bсальдо" + _w(6) + r"\s+положительный\b"
        r"|\bмиграционный\s+(?:прирост|прибыль)\b",
    ),
    (
        "net_migration",
        0,
        7,
        rf"\bсальдо\b|(?<=[,:] )миграция\s+[–—-]\s+{_N}|\bмиграционный\s+баланс\b|\bбаланс\s+миграция\b",
    ),
    ("departures_growth_ratio", 1, 8, r"\bвыбыть" + _w(3) + rf"\s+(?:на|в)\s+{_N}\s*раз"),
    (
        "labour_emigration",
        1,
        6,
        r"\bна\s+(?:работа|заработок)\b|\bтрудоустройство\s+за\s+(?:рубеж|граница)\b|\bтрудиться\b|\bработать\s+за\s+(?:рубеж|граница|пределы)\b"
        r"|\bза\s+(?:рубеж|граница)\s+работать\b|\bтрудовой\s+(?:мигрант|эмигрант|миграция)\b"
        r"|\bпо\s+трудовой\s+договор\b|\bработать\s+за\s+рубежом\b",
    ),
    (
        "arrivals",
        1,
        4,
        r"\bприбыть\b|\bприбытие\b|\bприехать\b|\bвъехать\b|\bпереехать\b|\bиммигрант\b|\bприбывать\b|\bприезжать\b"
        r"|\bпереселенец\b|\bприток\b|\bстрана\s+происхождение\b|\bвыходец\b",
    ),
    (
        "departures",
        1,
        4,
        r"\bвыбыть\b|\bвыбытие\b|\bуехать\b|\bвыехать\b|\bпокинуть\b|\bэмигрант\b|\bвыбывать\b|\bуезжать\b"
        r"|\bвыезжать\b|\bвыезд\b|\bпоехать\b|\bэмиграция\b|\bотток\b|\bуезжающий\b|\bвыбывающий\b"
        r"|\bчисло\s+убыть\b|\bубыть\s+(?:из|за|в)\b|\bубытие\b"
        # moving across the border: "за рубеж переселились", "переселиться за пределы страны"
        r"|\bза\s+(?:рубеж|граница|предел)"
        + _w(4)
        + r"\s+переселиться\b|\bпереселиться\s+за\s+(?:рубеж|граница|предел)\b"
        r"|\bэмигрировать\b",
    ),
    (
        "population",
        1,
        3,
        r"\bчисленность\s+(?:постоянный\s+)?население\b|\bпроживать\b|\bжить\b|\bнасчитываться\b|\bнасчитывать\b"
        r"|\bнаселение"
        + _w(8)
        + r"\s+(?:составить|достичь|достигнуть|превысить|насчитывать|насчитываться|оцениваться)\b"
        rf"|\bс\s+{_N}[^;,]*?\bжитель\b|\bмиллион\s+житель\b|\bмиллионник\b|\bперепись\b|\bсамый\s+населить\b"
        r"|\bчисленность\s+(?:житель|казахстанец|гражданин|горожанин)\b|\bчисло\s+житель\b"
        r"|\bоценить\s+(?:численность|население)\b"
        rf"|(?<![а-яё] на ){_N}\s+житель\b|^\s*(?:(?:весь|все)\s+)?население\b(?!\s+\w)"
        r"|^\W*(?:численность\s+)?население(?:\b(?=\s*[:–—-])|(?:\s+[а-яё-]+){0,3}?(?=\s+(?:на|к|по\s+состоянию)\s+\d))"
        # "Население страны — N", "Население области: N": whose population, then a dash or colon
        r"|^\W*(?:численность\s+)?население(?:\s+[а-яё-]+){1,3}(?=\s*[:–—]\s*\d)"
        # a key figure and its caption: "N – население страны"
        rf"|(?<=\d)\s*(?:человек\s*)?[–—]\s*(?:численность\s+)?население\b(?!\s+(?:увеличиться|вырасти|сократиться))",
    ),
]
_COMPILED = [(code, sign, rank, re.compile(p, re.I)) for code, sign, rank, p in _RULES]

# Words that make a balance negative or positive wherever they stand near it.
NEGATIVE = re.compile(r"\bубыль\b|\bотток\b|\bминус\b|\bотрицательный\b|\bуехать\w*\s+большой\b", re.I)
POSITIVE = re.compile(r"\bположительный\b|\bплюс\b|\bприбыль\b", re.I)


def find_cues(lem: Lemmas) -> list[Cue]:
    return list(_find_cues(lem.text))


@lru_cache(maxsize=50_000)
def _find_cues(text: str) -> tuple[Cue, ...]:
    lem = lemmatise(text)
    out: list[Cue] = []
    taken: list[tuple[int, int]] = []
    for code, sign, rank, rx in _COMPILED:
        for m in rx.finditer(lem.string):
            a, b = m.span()
            if any(not (b <= s or a >= e) for s, e in taken):
                continue
            taken.append((a, b))
            s, e = lem.span(a, b)
            out.append(Cue(s, e, code, sign, rank))
    return tuple(sorted(out, key=lambda c: c.start))


def sign_words(lem: Lemmas, a: int, b: int) -> int:
    """-1 / +1 when the words of text[a:b] give a balance its sign, else 0."""
    sa = next((i for i, o in enumerate(lem.back) if o >= a), len(lem.back))
    sb = next((i for i, o in enumerate(lem.back) if o >= b), len(lem.back))
    s = lem.string[sa:sb]
    if NEGATIVE.search(s):
        return -1
    if POSITIVE.search(s):
        return 1
    return 0
