"""Territories coordinated under one shared head noun, each with its value in parentheses,
generated: "A (x), B (y) и C (z) области", "в A (x) и B (y) областях", "в городах A (x) и B (y)",
"в областях A (x) и B (y)", Kazakh "A (x) және B (y) облыстары", English "the A (x) and B (y)
regions" / "the regions of A (x) and B (y)". Two or three members, random regions, periods and
values (plain, with тыс./тысяч/мың/thousand, with a minus, a unicode minus or none), the
predicate before or after the members. Each value must get its own territory, and the
indicator its clause or the sentence before gives; where nothing says what the residents a
territory "lost" are (a change of the population, or no context), no value becomes a fact."""

from __future__ import annotations

import pymorphy3
import pytest

from fixtures_pdf import prose_pdf
from generated import registry, wrong_samples
from pipelines.reference import regions
from pipelines.sources.documents.extract import extract_figures, figures_in_text

morph = pymorphy3.MorphAnalyzer()
MLOC = "январе феврале марте апреле мае июне июле августе сентябре октябре ноябре декабре".split()
MNOM = "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь".split()
KK = "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split()
KK_LOC = (
    "қаңтарда ақпанда наурызда сәуірде мамырда маусымда шілдеде тамызда қыркүйекте қазанда қарашада желтоқсанда".split()
)
EN = "January February March April May June July August September October November December".split()

# regions named by an adjective ("Туркестанская область"), and those named by a noun ("область Абай")
ADJ = [r for r in regions().values() if r.kind == "oblast" and r.name_ru.endswith("ая область")]
NOUN = [r for r in regions().values() if r.kind == "oblast" and r.name_ru.startswith("область ")]
OBLASTS = [r for r in regions().values() if r.kind == "oblast"]
CITIES = [r for r in regions().values() if r.kind == "city"]
CITY_LOC = {"710000000": ["Астана", "Астане"], "750000000": ["Алматы"], "790000000": ["Шымкент", "Шымкенте"]}


def adjective(r, case: str) -> str:
    """The region's adjective without its noun, in the feminine singular of a case."""
    words = []
    for w in r.name_ru.split()[:-1]:
        parts = w.split("-")
        p = next(q for q in morph.parse(parts[-1].lower()) if q.tag.POS == "ADJF" and "femn" in q.tag)
        words.append("-".join(parts[:-1] + [p.inflect({case, "sing"}).word.capitalize()]))
    return " ".join(words)


def period(rng):
    """(Russian words, ISO period) of a month, a span of months or a year."""
    y, m = rng.randint(2016, 2025), rng.randint(2, 12)
    return rng.choice(
        [
            (f"в {MLOC[m - 1]} {y} года", f"{y}-{m:02d}"),
            (f"за январь–{MNOM[m - 1]} {y} года", f"{y}-01/{y}-{m:02d}" if m < 12 else str(y)),
            (f"за {y} год", str(y)),
        ]
    )


def value(rng, negative: bool, lang: str = "ru", signed: bool = True):
    """(as written in parentheses, value): thousands with one decimal or a plain count, signed
    or not (the words give the sign of a loss either way)."""
    if rng.random() < 0.5:
        whole, tenth = rng.randint(1, 9), rng.randint(1, 9)
        v = (whole * 10 + tenth) * 100
        num = f"{whole}.{tenth}" if lang == "en" else f"{whole},{tenth}"
        unit = {"ru": rng.choice(["тыс. человек", "тысяч человек", "тыс."]), "kk": "мың адам", "en": "thousand"}[lang]
        text = f"{num} {unit}"
    else:
        v = rng.randint(101, 9_999)
        num = f"{v:,}".replace(",", {"ru": " ", "kk": " ", "en": ","}[lang])
        text = f"{num} " + {"ru": rng.choice(["человек", "человека"]), "kk": "адам", "en": "people"}[lang]
    sign = rng.choice(["-", "−", ""]) if negative else rng.choice(["", "+"]) if lang != "kk" else ""
    sign = sign if signed else ""
    return f"{sign}{text}", (-v if negative else v)


def members(rng, names: list[str], negative: bool, lang: str = "ru", signed: bool = True) -> tuple[str, list[int]]:
    """'A (x), B (y) и C (z)'."""
    conj = {"ru": "и", "kk": rng.choice(["және", "мен"]) if len(names) == 2 else "және", "en": "and"}[lang]
    vals = [value(rng, negative, lang, signed) for _ in names]
    parts = [f"{n} ({t})" for n, (t, _) in zip(names, vals)]
    return ", ".join(parts[:-1]) + f" {conj} " + parts[-1], [v for _, v in vals]


def losers(rng, case: str = "nomn"):
    """Two or three oblasts named by their adjective in `case`, a period, and a chain of losses:
    (regions, the period's words, the ISO period, 'A (x) и B (y)', the values)."""
    rs = rng.sample(ADJ, rng.randint(2, 3))
    words, per = period(rng)
    chain, vs = members(rng, [adjective(r, case) for r in rs], True)
    return rs, words, per, chain, vs


def each(indicator: str, rs, vs, per: str) -> list[tuple]:
    """The figure each member gives: (indicator, value, period, KATO)."""
    return [(indicator, v, per, r.kato) for r, v in zip(rs, vs)]


T, t = registry()


@t
def lost_residents_after_a_balance(rng):
    """'Больше всего жителей потеряли A (x) и B (y) области' after a sentence about the balance."""
    rs, words, per, chain, vs = losers(rng)
    before = rng.choice(
        [
            f"Положительное сальдо миграции {words} сложилось в {rng.randint(3, 6)} регионах.",
            f"{words.capitalize()} сальдо миграции было отрицательным в большинстве регионов.",
        ]
    )
    s = rng.choice(
        [
            f"Больше всего жителей потеряли {chain} области.",
            f"{chain} области потеряли больше всего жителей.",
            f"Сильнее других жителей лишились {chain} области.",
        ]
    )
    return f"{before}\n\n{s}", each("net_migration", rs, vs, per)


@t
def lost_residents_through_migration(rng):
    """The sentence itself names migration as the cause of the loss."""
    rs, words, per, chain, vs = losers(rng)
    cause = rng.choice(["в результате миграции", "из-за миграционного оттока", "за счёт миграции"])
    s = rng.choice(
        [
            f"{words.capitalize()} больше всего жителей {cause} потеряли {chain} области.",
            f"{words.capitalize()} {chain} области потеряли {cause} больше всего жителей.",
        ]
    )
    return s, each("net_migration", rs, vs, per)


@t
def balance_named_earlier_in_the_sentence(rng):
    """'Сальдо миграции было отрицательным: A (x) и B (y) области потеряли больше всего жителей'."""
    rs, words, per, chain, vs = losers(rng)
    s = f"{words.capitalize()} сальдо миграции было отрицательным: {chain} области потеряли больше всего жителей."
    return s, each("net_migration", rs, vs, per)


@t
def balance_in_the_clause(rng):
    """'Отрицательное сальдо … сложилось в A (x) и B (y) областях': the indicator in the clause."""
    rs = rng.sample(ADJ, rng.randint(2, 3))
    words, per = period(rng)
    negative = rng.random() < 0.6
    chain, vs = members(rng, [adjective(r, "loct") for r in rs], negative)
    if negative:
        s = rng.choice(
            [
                f"Отрицательное сальдо миграции {words} сложилось в {chain} областях.",
                f"Наибольший миграционный отток {words} отмечен в {chain} областях.",
            ]
        )
    else:
        s = f"Положительное сальдо миграции {words} сложилось в {chain} областях."
    return s, each("net_migration", rs, vs, per)


@t
def sign_after_the_members(rng):
    """'сальдо миграции в A (x) и B (y) областях было отрицательным': unsigned values take the
    sign words of the predicate after the members."""
    rs = rng.sample(ADJ, rng.randint(2, 3))
    words, per = period(rng)
    negative = rng.random() < 0.6
    chain, vs = members(rng, [adjective(r, "loct") for r in rs], negative, signed=False)
    kind = "отрицательным" if negative else "положительным"
    s = f"{words.capitalize()} сальдо миграции в {chain} областях было {kind}."
    return s, each("net_migration", rs, vs, per)


@t
def flows_of_coordinated_regions(rng):
    """'выбыло из A (x) и B (y) областей', 'прибыло в A (x) и B (y) области'."""
    rs = rng.sample(ADJ, rng.randint(2, 3))
    words, per = period(rng)
    if rng.random() < 0.5:
        chain, vs = members(rng, [adjective(r, "gent") for r in rs], False, signed=False)
        code, s = "departures", f"{words.capitalize()} больше всего людей выбыло из {chain} областей."
    else:
        chain, vs = members(rng, [adjective(r, "accs") for r in rs], False, signed=False)
        code, s = "arrivals", f"{words.capitalize()} больше всего людей прибыло в {chain} области."
    return s, each(code, rs, vs, per)


@t
def population_of_three_regions(rng):
    """'больше миллиона жителей насчитывают A (x), B (y) и C (z) области': a stock, the head after."""
    rs = rng.sample(ADJ, 3)
    y, m = rng.randint(2016, 2025), rng.randint(1, 12)
    vs = [rng.randint(1_000_001, 2_500_000) for _ in rs]
    parts = [f"{adjective(r, 'nomn')} ({v:,} человек)".replace(",", " ") for r, v in zip(rs, vs)]
    gen = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()[m - 1]
    s = f"На 1 {gen} {y} года больше миллиона жителей насчитывают {parts[0]}, {parts[1]} и {parts[2]} области."
    return s, each("population", rs, vs, f"{y}-{m:02d}-01")


@t
def population_named_before_the_members(rng):
    """'численность населения A (x) и B (y) областей выросла': the words before the first member
    name what every member counts, whatever the verb after them."""
    rs = rng.sample(ADJ, rng.randint(2, 3))
    y, m = rng.randint(2016, 2025), rng.randint(1, 12)
    vs = [rng.randint(300_000, 2_500_000) for _ in rs]
    parts = [f"{adjective(r, 'gent')} ({v:,} человек)".replace(",", " ") for r, v in zip(rs, vs)]
    chain = ", ".join(parts[:-1]) + " и " + parts[-1]
    gen = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()[m - 1]
    verb = rng.choice(["выросла", "сократилась", "превысила прошлогоднюю", "изменилась мало"])
    s = f"На 1 {gen} {y} года численность населения {chain} областей {verb}."
    return s, each("population", rs, vs, f"{y}-{m:02d}-01")


@t
def cities_under_one_head(rng):
    """'в городах Алматы (x) и Шымкент (y)': the head noun of named cities is not the urban
    population, and each city takes its own value."""
    rs = rng.sample(CITIES, rng.randint(2, 3))
    words, per = period(rng)
    negative = rng.random() < 0.5
    chain, vs = members(rng, [rng.choice(CITY_LOC[r.kato]) for r in rs], negative)
    kind = "Отрицательное" if negative else "Положительное"
    s = f"{kind} сальдо миграции {words} сложилось в городах {chain}."
    return s, each("net_migration", rs, vs, per)


@t
def cities_population_before_the_verb(rng):
    """'в городах A (x) и B (y) проживало …': the members share the predicate after them."""
    rs = rng.sample(CITIES, 2)
    y, m = rng.randint(2016, 2025), rng.randint(1, 12)
    vs = [rng.randint(1_000_000, 2_500_000) for _ in rs]
    names = [rng.choice(CITY_LOC[r.kato]) for r in rs]
    chain = " и ".join(f"{n} ({v:,} человек)".replace(",", " ") for n, v in zip(names, vs))
    gen = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()[m - 1]
    s = f"На 1 {gen} {y} года в городах {chain} проживало больше всего жителей страны."
    return s, each("population", rs, vs, f"{y}-{m:02d}-01")


@t
def regions_named_by_a_noun(rng):
    """'в областях Абай (x) и Ұлытау (y)': the head noun before the names."""
    rs = rng.sample(NOUN, 2) + ([rng.choice(ADJ)] if rng.random() < 0.3 else [])
    words, per = period(rng)
    names = [r.name_ru.split()[1] for r in rs[:2]]
    chain, vs = members(rng, names, True)
    if len(rs) == 3:
        v = rng.randint(101, 999)
        chain += f" и в {adjective(rs[2], 'loct')} области ({v} человек)"
        vs.append(-v)
    s = f"Миграционный отток {words} отмечен в областях {chain}."
    return s, each("net_migration", rs, vs, per)


@pytest.mark.parametrize("template", T, ids=lambda f: f.__name__)
def test_each_coordinated_territory_takes_its_own_value(template):
    def judge(_, text, want):
        got = {(f.indicator, f.value, f.period, f.region) for f in figures_in_text(text) if f.status == "fact"}
        # a wrong key for one of the values: the others may be figures of the sentence before
        wrong = {k for k in got if k[1] in {w[1] for w in want}} - set(want)
        if not set(want) <= got or wrong:
            return text, sorted(set(want) - got), sorted(got)

    failed = wrong_samples(template, 30, judge)
    assert not failed, f"{len(failed)} of 30 failed, e.g. {failed[:2]}"


N, n = registry()


@n
def lost_residents_after_a_population_change(rng):
    """Before it, the population fell: the residents lost are a change of it (GUIDE §8)."""
    rs = rng.sample(ADJ, rng.randint(2, 3))
    y, m = rng.randint(2016, 2025), rng.randint(2, 12)
    chain, vs = members(rng, [adjective(r, "nomn") for r in rs], True)
    gen = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()[m - 1]
    before = f"Численность населения на 1 {gen} {y} года сократилась в {rng.randint(3, 6)} регионах."
    s = rng.choice(
        [f"Больше всего жителей потеряли {chain} области.", f"{chain} области потеряли больше всего жителей."]
    )
    return f"{before} {s}", vs


@n
def lost_residents_with_nothing_said(rng):
    """Nothing says whether the residents left or died: no indicator, no fact."""
    _, words, _, chain, vs = losers(rng)
    return f"{words.capitalize()} больше всего жителей потеряли {chain} области.", vs


@n
def lost_residents_set_against_the_balance(rng):
    """'сальдо положительное, но A (x) и B (y) области потеряли жителей': the population's loss;
    and a loss after a clause about another indicator is not that indicator."""
    _, words, _, chain, vs = losers(rng)
    n = rng.randint(100_000, 300_000)
    first = rng.choice(
        [
            "сальдо миграции было положительным, но",
            "сальдо миграции было положительным, однако",
            f"естественный прирост составил {n:,} человек, а".replace(",", " "),
        ]
    )
    return f"{words.capitalize()} {first} {chain} области потеряли больше всего жителей.", vs


@n
def lost_something_else_after_a_balance(rng):
    """After a sentence about the balance, what was lost is not residents: no balance."""
    _, words, _, chain, vs = losers(rng)
    thing = rng.choice(["рабочих мест", "работу", "доходов"])
    before = f"{words.capitalize()} сальдо миграции было отрицательным в большинстве регионов."
    return f"{before} Больше всего {thing} потеряли {chain} области.", vs


@n
def lost_residents_in_a_new_section(rng):
    """A heading between the balance and the loss: the new section's loss is not that balance."""
    _, words, _, chain, vs = losers(rng)
    head = rng.choice(["Население", "Демография регионов", "Численность жителей"])
    before = f"{words.capitalize()} сальдо миграции было отрицательным в большинстве регионов."
    return f"{before}\n\n{head}\n\nБольше всего жителей потеряли {chain} области.", vs


@n
def towns_of_a_region(rng):
    """'в городах Туркестанской области': its towns, not a city of the vocabulary; an urban part of a flow."""
    r = rng.choice(ADJ)
    words, _ = period(rng)
    v = rng.randint(1000, 20000)
    return f"{words.capitalize()} в города {adjective(r, 'gent')} области прибыло {v:,} человек.".replace(",", " "), [v]


@pytest.mark.parametrize("template", N, ids=lambda f: f.__name__)
def test_residents_lost_without_a_migration_context_are_no_fact(template):
    def judge(_, text, vs):
        facts = [f for f in figures_in_text(text) if f.status == "fact" and f.value in set(vs) | {-v for v in vs}]
        return facts and (text, [(f.indicator, f.value, f.region) for f in facts])

    failed = wrong_samples(template, 20, judge)
    assert not failed, f"{len(failed)} of 20 failed, e.g. {failed[:2]}"


# ---------------------------------------------------------------- Kazakh and English pages

L, lang = registry()


NAMES = {"kk": ("name_kk", " облысы"), "en": ("name_en", " Region")}  # an oblast's name without its noun


def _balance_over_regions(rng, language: str, signs: tuple[str, str], sentences):
    """Net migration of two or three oblasts, negative or positive, said by one of `sentences(y,
    m, chain, sign, negative)`."""
    rs = rng.sample(OBLASTS, rng.randint(2, 3))
    y, m = rng.randint(2016, 2025), rng.randint(2, 12)
    negative = rng.random() < 0.6
    attr, suffix = NAMES[language]
    chain, vs = members(rng, [getattr(r, attr).removesuffix(suffix) for r in rs], negative, language)
    s = rng.choice(sentences(y, m, chain, signs[0] if negative else signs[1], negative))
    return [s], each("net_migration", rs, vs, f"{y}-{m:02d}")


@lang
def kk_balance_over_regions(rng):
    return _balance_over_regions(
        rng,
        "kk",
        ("теріс", "оң"),
        lambda y, m, chain, sign, _: [
            f"{y} жылғы {KK_LOC[m - 1]} көші-қон сальдосы {chain} облыстарында {sign} болды.",
            f"{y} жылғы {KK_LOC[m - 1]} көші-қон сальдосы {sign} болған өңірлер – {chain} облыстары.",
            f"{y} жылғы {KK_LOC[m - 1]} {chain} облыстарында көші-қон сальдосы {sign} болды.",
        ],
    )


@lang
def kk_lost_residents(rng):
    rs = rng.sample(OBLASTS, 2)
    y, m = rng.randint(2016, 2025), rng.randint(2, 12)
    chain, vs = members(rng, [r.name_kk.removesuffix(" облысы") for r in rs], True, "kk")
    return (
        [
            f"{y} жылғы қаңтар–{KK[m - 1]} айларында көші-қон сальдосы бес өңірде оң болды.",
            f"Ең көп тұрғын жоғалтқан {chain} облыстары.",
        ],
        each("net_migration", rs, vs, f"{y}-01/{y}-{m:02d}" if m < 12 else str(y)),
    )


@lang
def kk_cities(rng):
    rs = rng.sample(CITIES, 2)
    y = rng.randint(2016, 2025)
    chain, vs = members(rng, [r.name_kk.removesuffix(" қаласы") for r in rs], False, "kk")
    return (
        [f"{y} жылы көші-қон сальдосы {chain} қалаларында оң болды."],
        each("net_migration", rs, vs, str(y)),
    )


@lang
def en_balance_over_regions(rng):
    return _balance_over_regions(
        rng,
        "en",
        ("negative", "positive"),
        lambda y, m, chain, sign, negative: (
            [
                f"In {EN[m - 1]} {y} net migration was {sign} in the {chain} regions.",
                f"In {EN[m - 1]} {y} net migration was {sign} in the regions of {chain}.",
                f"In {EN[m - 1]} {y} the {chain} regions had a {sign} net migration.",
            ]
            + (
                [f"In {EN[m - 1]} {y} the largest net outflows were recorded in the {chain} regions."]
                if negative
                else []
            )
        ),
    )


@lang
def en_lost_residents(rng):
    rs = rng.sample(OBLASTS, rng.randint(2, 3))
    y = rng.randint(2016, 2025)
    chain, vs = members(rng, [r.name_en.removesuffix(" Region") for r in rs], True, "en")
    return (
        [f"In {y} net migration was positive in most regions.", f"The {chain} regions lost the most residents."],
        each("net_migration", rs, vs, str(y)),
    )


@pytest.mark.parametrize("template", L, ids=lambda f: f.__name__)
def test_kazakh_and_english_coordinations(tmp_path, template):
    head = "Ұлттық статистика бюросы" if template.__name__.startswith("kk") else "Bureau of National Statistics"

    def judge(i, paras, want):
        pdf = prose_pdf(tmp_path / f"{i}.pdf", [[head, *paras]])
        got = {(f.indicator, f.value, f.period, f.region) for f in extract_figures(pdf) if f.status == "fact"}
        if got != set(want):  # every value found, and nothing else
            return paras, sorted(set(want) - got), sorted(got)

    failed = wrong_samples(template, 12, judge)
    assert not failed, f"{len(failed)} of 12 failed, e.g. {failed[:2]}"
