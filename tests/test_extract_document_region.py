"""A regional release, generated: its title names one region and its body speaks of it without
its name ("численность населения области", "в регион прибыли", "облыста", "the region"), of the
whole country in passing, and of the region's flows across the border, which the guide does not
report for a region (GUIDE §6: a part of its totals). Two or three sentences share a line, in
any order, so sentences end mid-line. Every figure must carry its own sentence's region, period
and indicator; nothing one sentence says (the country, a date, "жителей") reaches the next."""

from __future__ import annotations

import random

import pytest
from test_extract_prose_generated import MGEN, MLOC, MNOM, g, infl

from fixtures_pdf import new_pdf
from pipelines.reference import regions
from pipelines.sources.documents.extract import extract_figures

OBL = [r for r in regions().values() if r.kind == "oblast" and not r.name_ru.startswith("область")]
CITIES = [r for r in regions().values() if r.kind == "city"]
KK = "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split()
EN = "January February March April May June July August September October November December".split()
HALF = {6: "первом полугодии", 3: "первом квартале", 9: "девяти месяцах"}


def _pdf(path, head: list[str], title: str, paragraphs: list[str]):
    pdf = new_pdf()
    pdf.add_page()
    for line in head:  # a department's masthead
        pdf.set_font("dv", "", 8)
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("dv", "B", 14)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("dv", "", 11)
    for p in paragraphs:
        pdf.multi_cell(0, 6, p, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.output(str(path))


class _Draw:
    """Dates, spans and values that no two sentences of a document share (two values for one
    key would both wait for review)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.used = rng, set()

    def date(self) -> tuple[int, int]:
        while True:
            y, m = self.rng.randint(2015, 2025), self.rng.randint(2, 12)
            if ("d", y, m) not in self.used:
                self.used.add(("d", y, m))
                return y, m

    def span(self) -> tuple[int, int]:
        while True:
            y, m = self.rng.randint(2015, 2025), self.rng.choice([3, 5, 6, 8, 9, 11])
            if ("s", y) not in self.used:
                self.used.add(("s", y))
                return y, m

    def value(self, lo: int, hi: int) -> int:
        while True:
            v = self.rng.randint(lo, hi)
            if v not in self.used:
                self.used.add(v)
                return v


# ---------------------------------------------------------------- Russian

# the words a release uses for its own territory, by kind: (genitive, locative, accusative, "it")
WORDS = {"oblast": ("области", "области", "область", "неё"), "city": ("города", "городе", "город", "него")}


def ru_population(d: _Draw, r) -> tuple[str, list]:
    (y, m), p = d.date(), d.value(300_000, 2_500_000)
    gen, loc, _, _ = WORDS[r.kind]
    s = d.rng.choice(
        [
            f"Численность населения {gen} на 1 {MGEN[m - 1]} {y} года составляла {g(p)} человек.",
            f"Численность населения региона на 1 {MGEN[m - 1]} {y} года составила {g(p)} человек.",
            f"На 1 {MGEN[m - 1]} {y} года население {gen} насчитывало {g(p)} человек.",
            f"{g(p)} человек — численность населения {gen} на 1 {MGEN[m - 1]} {y} года.",
        ]
        # "в городе проживали" is the urban population of a region
        + ([f"На 1 {MGEN[m - 1]} {y} года в {loc} проживали {g(p)} человек."] if r.kind == "oblast" else [])
    )
    return s, [("population", p, f"{y}-{m:02d}-01", r.kato)]


def ru_flows(d: _Draw, r) -> tuple[str, list]:
    (y, m), a, b = d.span(), d.value(2_000, 30_000), d.value(2_000, 30_000)
    gen, _, acc, it = WORDS[r.kind]
    s = d.rng.choice(
        [
            f"В январе–{MLOC[m - 1]} {y} года в {acc} прибыли {g(a)} человек, выбыли из {it} {g(b)} человек.",
            f"За январь–{MNOM[m - 1]} {y} года в регион прибыло {g(a)} человек, а выбыло {g(b)}.",
            f"В январе–{MLOC[m - 1]} {y} года из {gen} выбыли {g(b)} человек, прибыли в {it} {g(a)}.",
        ]
    )
    per = f"{y}-01/{y}-{m:02d}"
    return s, [("arrivals", a, per, r.kato), ("departures", b, per, r.kato)]


def ru_across(d: _Draw, r) -> tuple[str, list]:
    """The region's flow across the border and to other regions: parts of its totals."""
    (y, m), a, b = d.span(), d.value(300, 9_000), d.value(300, 9_000)
    gen = WORDS[r.kind][0]
    half = d.rng.choice(sorted(HALF))
    s = d.rng.choice(
        [
            f"В январе–{MLOC[m - 1]} {y} года за пределы страны выехали {g(a)} человек, в другие регионы — {g(b)} человек.",
            f"В {HALF[half]} {y} года за рубеж переселились {g(a)} жителей, в другие регионы — {g(b)}.",
            f"За январь–{MNOM[m - 1]} {y} года за пределы Казахстана выехали {g(a)} жителей {gen}.",
            f"В январе–{MLOC[m - 1]} {y} года из {gen} за пределы республики выбыли {g(a)} человек.",
        ]
    )
    return s, []


def ru_country(d: _Draw, r) -> tuple[str, list]:
    """The whole country, said in passing: its own figure, and the next sentence is the region's again."""
    (y, m), p = d.date(), d.value(15_000_000, 21_000_000)
    s = d.rng.choice(
        [
            f"Численность населения Казахстана на 1 {MGEN[m - 1]} {y} года составила {g(p)} человек.",
            f"На 1 {MGEN[m - 1]} {y} года в стране проживали {g(p)} человек.",
        ]
    )
    want = [("population", p, f"{y}-{m:02d}-01", "KZ")]
    if d.rng.random() < 0.4:
        # the country and the region in one sentence: the region word of its own clause wins
        q = d.value(300_000, 2_500_000)
        s = (
            f"На 1 {MGEN[m - 1]} {y} года в целом по республике проживали {g(p)} человек, "
            f"а население {WORDS[r.kind][0]} составило {g(q)} человек."
        )
        want.append(("population", q, f"{y}-{m:02d}-01", r.kato))
    return s, want


def ru_stock_in_span(d: _Draw, r) -> tuple[str, list]:
    """A stock its sentence dates only by a span of another year than any date around it: not
    dated by another sentence; at most a guess for review."""
    y, p = d.rng.randint(2005, 2012), d.value(300_000, 2_500_000)
    half = d.rng.choice(sorted(HALF))
    return f"В {HALF[half]} {y} года население {WORDS[r.kind][0]} насчитывало {g(p)} человек.", []


def ru_title(rng: random.Random, r) -> tuple[list[str], str]:
    head = rng.choice(
        [[], [f"Департамент Бюро национальной статистики по {infl(r.name_ru, 'datv')} · Экспресс-информация"]]
    )
    title = rng.choice(
        [
            f"Миграция населения {infl(r.name_ru, 'gent')}",
            f"Демографическая ситуация в {infl(r.name_ru, 'loct')}",
            f"{infl(r.name_ru, 'nomn')[:1].upper()}{infl(r.name_ru, 'nomn')[1:]}: население и миграция",
        ]
    )
    return head, title


# ---------------------------------------------------------------- Kazakh and English
# One set of builders, the sentences in data: {y} year, {month} its month, {p} a population, {a}
# arrivals or a flow across the border, {b} departures or a flow to other regions, {name} the
# region's name in the language.


def c(v: int) -> str:
    return f"{v:,}"


PHRASES = {
    "kk": {
        "months": KK,
        "number": g,
        "name": "name_kk",
        "masthead": "Ұлттық статистика бюросы · Жедел ақпарат",
        "titles": ["{name}: халық және көші-қон", "{name} халқының көші-қоны"],
        "population": [
            "{y} жылғы 1 {month}дағы жағдай бойынша облыс халқының саны {p} адамды құрады.",
            "{y} жылғы 1 {month}да облыста {p} адам тұрды.",
        ],
        "flows": ["{y} жылғы қаңтар–{month} айларында облысқа {a} адам келді, облыстан {b} адам кетті."],
        "across": [
            "{y} жылғы қаңтар–{month} айларында облыстан шетелге {a} адам көшіп кетті, басқа өңірлерге {b} адам.",
            "{y} жылғы қаңтар–{month} айларында елден тыс жерлерге {a} адам қоныс аударды.",
        ],
        "country": ["{y} жылғы 1 {month}дағы жағдай бойынша Қазақстан халқының саны {p} адамды құрады."],
    },
    "en": {
        "months": EN,
        "number": c,
        "name": "name_en",
        "masthead": "Bureau of National Statistics · Express information",
        "titles": ["Population and migration of {name}", "{name}: population and migration"],
        "population": [
            "As of 1 {month} {y}, the population of the region was {p} people.",
            "On {month} 1, {y}, {p} people lived in the region.",
            "The region's population stood at {p} as of {month} 1, {y}.",
        ],
        "flows": [
            "In January–{month} {y}, {a} people arrived in the region and {b} left it.",
            "In January-{month} {y} the region had {a} arrivals and {b} departures.",
        ],
        "across": [
            "In January–{month} {y}, {a} people emigrated abroad and {b} moved to other regions.",
            "In January–{month} {y}, {a} residents of the region moved outside Kazakhstan.",
        ],
        "country": ["As of 1 {month} {y}, the population of Kazakhstan was {p} people."],
    },
}


def _say(rng: random.Random, language: str, kind: str, y: int, m: int, **values: int) -> str:
    """A sentence of `kind` in the language, its numbers written as the language writes them (a
    kind with one sentence draws nothing)."""
    words = PHRASES[language]
    choices = words[kind]
    sentence = choices[0] if len(choices) == 1 else rng.choice(choices)
    return sentence.format(y=y, month=words["months"][m - 1], **{k: words["number"](v) for k, v in values.items()})


def _builders(language: str):
    """(title, the region's figures, what is said in passing) for a language of PHRASES."""

    def population(d: _Draw, r) -> tuple[str, list]:
        (y, m), p = d.date(), d.value(300_000, 2_500_000)
        return _say(d.rng, language, "population", y, m, p=p), [("population", p, f"{y}-{m:02d}-01", r.kato)]

    def flows(d: _Draw, r) -> tuple[str, list]:
        (y, m), a, b = d.span(), d.value(2_000, 30_000), d.value(2_000, 30_000)
        per = f"{y}-01/{y}-{m:02d}"
        return _say(d.rng, language, "flows", y, m, a=a, b=b), [
            ("arrivals", a, per, r.kato),
            ("departures", b, per, r.kato),
        ]

    def across(d: _Draw, r) -> tuple[str, list]:
        (y, m), a, b = d.span(), d.value(300, 9_000), d.value(300, 9_000)
        return _say(d.rng, language, "across", y, m, a=a, b=b), []

    def country(d: _Draw, r) -> tuple[str, list]:
        (y, m), p = d.date(), d.value(15_000_000, 21_000_000)
        return _say(d.rng, language, "country", y, m, p=p), [("population", p, f"{y}-{m:02d}-01", "KZ")]

    def title(rng: random.Random, r) -> tuple[list[str], str]:
        words = PHRASES[language]
        head = rng.choice([[], [words["masthead"]]])
        return head, rng.choice(words["titles"]).format(name=getattr(r, words["name"]))

    return title, [population, flows], [across, country]


# ---------------------------------------------------------------- the documents

LANGUAGES = {  # (title, the region's figures, what is said in passing, the regions)
    "ru": (ru_title, [ru_population, ru_flows], [ru_across, ru_country, ru_stock_in_span], OBL + CITIES),
    "kk": (*_builders("kk"), OBL),
    "en": (*_builders("en"), OBL),
}


def _document(path, rng: random.Random, language: str) -> tuple[list, str]:
    title_of, figures, passing, pool = LANGUAGES[language]
    r = rng.choice(pool)
    head, title = title_of(rng, r)
    d = _Draw(rng)
    want, paragraphs = [], []
    for _ in range(rng.randint(1, 3)):
        # a sentence of the region's own figures next to one said in passing, in either order
        units = [rng.choice(figures)(d, r), rng.choice(passing)(d, r)]
        if rng.random() < 0.5:
            units.append(rng.choice(figures)(d, r))
        rng.shuffle(units)
        paragraphs.append(" ".join(s for s, _ in units))
        want += [w for _, ws in units for w in ws]
    _pdf(path, head, title, paragraphs)
    return want, "\n".join([title] + paragraphs)


@pytest.mark.parametrize("language, count", [("ru", 60), ("kk", 30), ("en", 30)])
def test_a_regional_release_gives_each_sentence_its_own_region_and_period(tmp_path, language, count):
    rng = random.Random(f"region-{language}")
    failed = []
    for i in range(count):
        path = tmp_path / f"{language}{i}.pdf"
        want, text = _document(path, rng, language)
        got = {(f.indicator, f.value, f.period, f.region) for f in extract_figures(path) if f.status == "fact"}
        if got != set(want):
            failed.append((text, sorted(set(want) - got), sorted(got - set(want))))
    assert not failed, f"{len(failed)} of {count} documents failed (text, missed, extra), e.g. {failed[:2]}"


# ---------------------------------------------------------------- the country's own release

NATIONAL = {
    "ru": (
        ["Миграция населения Республики Казахстан", "Демографическая ситуация в Казахстане"],
        [
            "В январе–{loc} {y} года за пределы страны выехали {v} человек.",
            "За январь–{nom} {y} года за пределы Казахстана выбыли {v} человек.",
            "В январе–{loc} {y} года за рубеж переселились {v} человек.",
        ],
    ),
    "en": (
        ["Migration of the population of Kazakhstan"],
        [
            "In January–{en} {y}, {c} people emigrated abroad.",
            "In January–{en} {y}, {c} people moved outside Kazakhstan.",
        ],
    ),
    "kk": (
        ["Қазақстан Республикасы халқының көші-қоны"],
        [
            "{y} жылғы қаңтар–{kk} айларында шетелге {v} адам көшіп кетті.",
            "{y} жылғы қаңтар–{kk} айларында елден тыс жерлерге {v} адам қоныс аударды.",
        ],
    ),
}


@pytest.mark.parametrize("language", sorted(NATIONAL))
def test_the_country_s_own_release_keeps_its_flows_across_the_border(tmp_path, language):
    """The same words in a release about the whole country: the country's departures."""
    rng = random.Random(f"national-{language}")
    titles, sentences = NATIONAL[language]
    failed = []
    for i in range(12):
        d = _Draw(rng)
        want, units = [], []
        for _ in range(rng.randint(1, 3)):
            (y, m), v = d.span(), d.value(2_000, 40_000)
            fmt = dict(y=y, v=g(v), c=c(v), loc=MLOC[m - 1], nom=MNOM[m - 1], en=EN[m - 1], kk=KK[m - 1])
            units.append(rng.choice(sentences).format(**fmt))
            want.append(("departures", v, f"{y}-01/{y}-{m:02d}", "KZ"))
        path = tmp_path / f"{language}{i}.pdf"
        _pdf(path, [], rng.choice(titles), [" ".join(units)])
        got = {(f.indicator, f.value, f.period, f.region) for f in extract_figures(path) if f.status == "fact"}
        if got != set(want):
            failed.append((units, sorted(set(want) - got), sorted(got - set(want))))
    assert not failed, f"{len(failed)} of 12 failed (sentences, missed, extra), e.g. {failed[:2]}"
