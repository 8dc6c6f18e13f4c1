"""Kazakh and English releases, generated: the same figures the Russian reader finds, from a
page in another language (the lexicons under pipelines/sources/documents/lexicon). Regions come with
the seeds' own Kazakh and English names, dates in each language's forms, numbers in each
language's marks."""

from __future__ import annotations

import random

import pytest

from fixtures_pdf import new_pdf
from generated import wrong_samples
from pipelines.reference import regions
from pipelines.sources.documents.extract import extract_figures

EN_MONTHS = "January February March April May June July August September October November December".split()
KK_MONTHS = "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split()


def _regions(rng: random.Random):
    pool = [r for r in regions().values() if r.kind in ("oblast", "city")]
    return rng.sample(pool, rng.randint(4, 9))


def _release(path, lines: list[str], table_head: tuple[str, str], rows: list[tuple[str, str]]):
    pdf = new_pdf()
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.ln(3)
    y = pdf.get_y()
    pdf.text(20, y, table_head[0])
    pdf.text(150 - pdf.get_string_width(table_head[1]), y, table_head[1])
    for label, value in rows:
        y += 6
        pdf.text(20, y, label)
        pdf.text(150 - pdf.get_string_width(value), y, value)
    pdf.output(str(path))


def _english(path, rng: random.Random) -> list[tuple]:
    year, month, day = rng.randint(2015, 2026), rng.randint(1, 12), 1
    date = f"{year}-{month:02d}-01"
    total = rng.randint(17_000_000, 21_000_000)
    urban = rng.randint(10_000_000, 13_000_000)
    chosen = _regions(rng)
    values = [rng.randint(150_000, 2_400_000) for _ in chosen]
    when = rng.choice([f"{EN_MONTHS[month - 1]} {day}, {year}", f"{day} {EN_MONTHS[month - 1]} {year}"])
    lines = [
        "Bureau of National Statistics",
        "Population of the Republic of Kazakhstan",
        f"On {when} the population of Kazakhstan stood at {total:,}. Urban residents numbered {urban:,}.",
    ]
    _release(
        path, lines, (f"Region (as of {when})", "Persons"), [(r.name_en, f"{v:,}") for r, v in zip(chosen, values)]
    )
    want = [("population", total, date, "KZ"), ("population_urban", urban, date, "KZ")]
    return want + [("population", v, date, r.kato) for r, v in zip(chosen, values)]


def _kazakh(path, rng: random.Random) -> list[tuple]:
    year, m1, m2 = rng.randint(2015, 2026), 1, rng.randint(3, 12)
    period = str(year) if m2 == 12 else f"{year}-{m1:02d}/{year}-{m2:02d}"  # January–December is the year
    arrivals, departures = rng.randint(5_000, 40_000), rng.randint(5_000, 40_000)
    chosen = _regions(rng)
    values = [rng.randint(-20_000, 20_000) for _ in chosen]

    def kk(v: int) -> str:
        return f"{v:,}".replace(",", " ")

    lines = [
        "Ұлттық статистика бюросы",
        f"Халықтың көші-қоны туралы {year} жылғы {KK_MONTHS[m1 - 1]}–{KK_MONTHS[m2 - 1]}",
        f"{year} жылғы {KK_MONTHS[m1 - 1]}–{KK_MONTHS[m2 - 1]} айларында елге {kk(arrivals)} адам келді, "
        f"шетелге {kk(departures)} адам көшіп кетті.",
        "Өңірлер бойынша көші-қон сальдосы, адам",
    ]
    _release(path, lines, ("Өңір", "Сальдо"), [(r.name_kk, kk(v)) for r, v in zip(chosen, values)])
    want = [("arrivals", arrivals, period, "KZ"), ("departures", departures, period, "KZ")]
    return want + [("net_migration", v, period, r.kato) for r, v in zip(chosen, values)]


@pytest.mark.parametrize("language, make", [("en", _english), ("kk", _kazakh)])
@pytest.mark.parametrize("seed", range(5))
def test_a_release_in_kazakh_or_english_gives_every_figure(tmp_path, language, make, seed):
    path = tmp_path / f"{language}.pdf"
    want = make(path, random.Random(seed))
    got = {(f.indicator, f.value, f.period, f.region) for f in extract_figures(path) if f.status == "fact"}
    missing = [w for w in want if w not in got]
    assert not missing, f"{len(missing)} of {len(want)} missed, e.g. {missing[:3]}; got {sorted(got)[:4]}"
    assert got <= set(want), sorted(got - set(want))[:5]


OBL = [r for r in regions().values() if r.kind == "oblast"]
KK = KK_MONTHS
EN = EN_MONTHS
SENTENCES = []


def sentence(fn):
    SENTENCES.append(fn)
    return fn


def c(v):
    return f"{v:,}"


def k(v):
    return f"{v:,}".replace(",", " ")


@sentence
def en_pop_region(r):
    o = r.choice(OBL)
    y = r.randint(2015, 2025)
    m = r.randint(1, 12)
    v = r.randint(300000, 2500000)
    s = r.choice(
        [
            f"As of 1 {EN[m - 1]} {y}, the population of {o.name_en} was {c(v)} people.",
            f"The population of {o.name_en} reached {c(v)} as of {EN[m - 1]} 1, {y}.",
            f"On {EN[m - 1]} 1, {y}, {c(v)} people lived in {o.name_en}.",
        ]
    )
    return s, [("population", v, f"{y}-{m:02d}-01", o.kato)]


@sentence
def en_flows(r):
    y = r.randint(2015, 2025)
    m = r.randint(2, 11)
    a = r.randint(5000, 40000)
    d = r.randint(5000, 40000)
    s = r.choice(
        [
            f"In January–{EN[m - 1]} {y}, {c(a)} people arrived in Kazakhstan and {c(d)} left the country.",
            f"In January-{EN[m - 1]} {y} the number of arrivals was {c(a)}, the number of departures {c(d)}.",
        ]
    )
    return s, [("arrivals", a, f"{y}-01/{y}-{m:02d}", "KZ"), ("departures", d, f"{y}-01/{y}-{m:02d}", "KZ")]


@sentence
def en_net(r):
    y = r.randint(2015, 2025)
    v = r.randint(1000, 30000)
    o = r.choice(OBL)
    s = r.choice(
        [
            f"In {y}, net migration in {o.name_en} was negative: minus {c(v)} people.",
            f"{o.name_en} recorded a net migration outflow of {c(v)} people in {y}.",
        ]
    )
    return s, [("net_migration", -v, str(y), o.kato)]


@sentence
def en_natural(r):
    y = r.randint(2015, 2025)
    v = r.randint(100000, 400000)
    s = r.choice(
        [
            f"Natural increase amounted to {c(v)} people in {y}.",
            f"In {y} the natural increase of the population was {c(v)}.",
        ]
    )
    return s, [("natural_increase", v, str(y), "KZ")]


@sentence
def en_emig(r):
    y = r.randint(2015, 2025)
    v = r.randint(5000, 50000)
    s = r.choice(
        [
            f"In {y}, {c(v)} citizens left Kazakhstan for permanent residence abroad.",
            f"Emigration in {y} totalled {c(v)} people.",
        ]
    )
    return s, [("departures", v, str(y), "KZ")]


@sentence
def kk_pop(r):
    o = r.choice(OBL)
    y = r.randint(2015, 2025)
    m = r.randint(1, 12)
    v = r.randint(300000, 2500000)
    s = r.choice(
        [
            f"{y} жылғы 1 {KK[m - 1]}дағы жағдай бойынша {o.name_kk} халқының саны {k(v)} адамды құрады.",
            f"{y} жылғы 1 {KK[m - 1]}да {o.name_kk}нда {k(v)} адам тұрды.",
        ]
    )
    return s, [("population", v, f"{y}-{m:02d}-01", o.kato)]


@sentence
def kk_natural(r):
    y = r.randint(2015, 2025)
    v = r.randint(100000, 400000)
    s = f"{y} жылы елдегі табиғи өсім {k(v)} адамды құрады."
    return s, [("natural_increase", v, str(y), "KZ")]


@sentence
def kk_net(r):
    y = r.randint(2015, 2025)
    v = r.randint(1000, 30000)
    o = r.choice(OBL)
    s = r.choice(
        [
            f"{y} жылы {o.name_kk}нда көші-қон сальдосы теріс болды: минус {k(v)} адам.",
            f"{y} жылы {o.name_kk}ның көші-қон сальдосы -{k(v)} адамды құрады.",
        ]
    )
    return s, [("net_migration", -v, str(y), o.kato)]


@sentence
def kk_flows(r):
    y = r.randint(2015, 2025)
    m = r.randint(2, 11)
    a = r.randint(5000, 40000)
    d = r.randint(5000, 40000)
    s = f"{y} жылғы қаңтар–{KK[m - 1]} айларында елге {k(a)} адам келді, елден {k(d)} адам кетті."
    return s, [("arrivals", a, f"{y}-01/{y}-{m:02d}", "KZ"), ("departures", d, f"{y}-01/{y}-{m:02d}", "KZ")]


@pytest.mark.parametrize("template", SENTENCES, ids=lambda f: f.__name__)
def test_sentences_in_kazakh_or_english_give_their_figures(tmp_path, template):
    def judge(i, text, want):
        pdf = new_pdf()
        pdf.add_page()
        pdf.multi_cell(
            0, 6, "Ұлттық статистика бюросы" if template.__name__.startswith("kk") else "Bureau of National Statistics"
        )
        pdf.ln(4)
        pdf.multi_cell(0, 6, text)
        pdf.output(str(tmp_path / f"{i}.pdf"))
        got = {
            (f.indicator, f.value, f.period, f.region)
            for f in extract_figures(tmp_path / f"{i}.pdf")
            if f.status == "fact"
        }
        if not set(want) <= got:
            return text, want, sorted(got)

    failed = wrong_samples(template, 3, judge)
    assert not failed, failed[:2]


@pytest.mark.parametrize("language", ["en", "kk"])
@pytest.mark.parametrize("seed", range(3))
def test_a_population_table_with_total_urban_and_rural_columns(tmp_path, language, seed):
    rng = random.Random(seed)
    year = rng.randint(2015, 2025)
    chosen = _regions(rng)
    if language == "en":
        heads = ["Total", "Urban", "Rural"]
        caption = f"Population as of 1 January {year}, persons"
        name = "name_en"
    else:
        heads = ["Барлығы", "Қалалық жерлер", "Ауылдық жерлер"]
        caption = f"{year} жылғы 1 қаңтардағы халық саны, адам"
        name = "name_kk"
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", size=9)
    pdf.text(20, 30, caption)
    xs = [110, 145, 180]
    for x, h in zip(xs, heads):
        pdf.text(x - pdf.get_string_width(h), 40, h)
    want = []
    for k, r in enumerate(chosen):
        y = 47 + 6 * k
        total = rng.randint(300_000, 2_500_000)
        urban = rng.randint(total // 4, total)
        values = [total, urban, total - urban]
        pdf.text(20, y, getattr(r, name))
        for x, v in zip(xs, values):
            s = f"{v:,}" if language == "en" else f"{v:,}".replace(",", " ")
            pdf.text(x - pdf.get_string_width(s), y, s)
        for indicator, v in zip(("population", "population_urban", "population_rural"), values):
            want.append((indicator, v, f"{year}-01-01", r.kato))
    pdf.output(str(tmp_path / "t.pdf"))
    got = {(f.indicator, f.value, f.period, f.region) for f in extract_figures(tmp_path / "t.pdf")}
    missing = [w for w in want if w not in got]
    assert not missing, f"{len(missing)} of {len(want)} missed, e.g. {missing[:3]}"
