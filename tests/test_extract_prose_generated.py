"""Russian prose, generated: each template states figures of one class (a stock on a date, the
flows of a month span, a signed balance, natural increase, a unit of thousands, labour
emigration, departures to a country, a region named only in the headline, a list under a lead
line, a comparison with the year before, a number in words, a share) for random regions, years
and months, in several word orders and cases. Every figure of every sample must come out."""

from __future__ import annotations

import pymorphy3
import pytest

from generated import wrong_samples
from pipelines.reference import regions
from pipelines.sources.documents.extract import figures_in_text

morph = pymorphy3.MorphAnalyzer()
MGEN = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()
MNOM = "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь".split()
MLOC = "январе феврале марте апреле мае июне июле августе сентябре октябре ноябре декабре".split()


def infl(name, case):
    """A region's name in a grammatical case (its adjective and noun agreed)."""
    out = []
    for w in name.split():
        parts = w.split("-")
        last = parts[-1]
        ps = morph.parse(last.lower())
        if last.endswith("ая"):
            p = next((q for q in ps if q.tag.POS == "ADJF" and "femn" in q.tag and "nomn" in q.tag), ps[0])
            f = p.inflect({case, "sing"})
        else:
            p = next((q for q in ps if q.tag.POS == "NOUN" and "nomn" in q.tag), ps[0])
            f = p.inflect({case})
        word = f.word if f else last.lower()
        if last[0].isupper():
            word = word.capitalize()
        out.append("-".join(parts[:-1] + [word]))
    return " ".join(out)


def g(v):
    return f"{v:,}".replace(",", " ")


OBL = [r for r in regions().values() if r.kind == "oblast" and not r.name_ru.startswith("область")]
T = []


def t(fn):
    T.append(fn)
    return fn


def t(fn):
    T.append(fn)
    return fn


@t
def pop_date(rng):
    r = rng.choice(OBL)
    y = rng.randint(2015, 2025)
    m = rng.randint(1, 12)
    v = rng.randint(300000, 2500000)
    s = rng.choice(
        [
            f"Численность населения {infl(r.name_ru, 'gent')} на 1 {MGEN[m - 1]} {y} года составила {g(v)} человек.",
            f"На 1 {MGEN[m - 1]} {y} года в {infl(r.name_ru, 'loct')} проживали {g(v)} человек.",
            f"По данным бюро, на 1 {MGEN[m - 1]} {y} г. население {infl(r.name_ru, 'gent')} насчитывало {g(v)} человек.",
            f"{infl(r.name_ru, 'nomn')}: численность населения на 1 {MGEN[m - 1]} {y} года — {g(v)} человек.",
        ]
    )
    return s, [("population", v, f"{y}-{m:02d}-01", r.kato)]


@t
def flows(rng):
    r = rng.choice(OBL)
    y = rng.randint(2015, 2025)
    m = rng.randint(2, 11)
    a = rng.randint(2000, 30000)
    d = rng.randint(2000, 30000)
    per = f"{y}-01/{y}-{m:02d}"
    s = rng.choice(
        [
            f"В январе–{MLOC[m - 1]} {y} года в {infl(r.name_ru, 'accs')} прибыли {g(a)} человек, выбыли {g(d)} человек.",
            f"За январь–{MNOM[m - 1]} {y} года в {infl(r.name_ru, 'accs')} прибыло {g(a)} человек, а выбыло из неё {g(d)}.",
            f"Число прибывших в {infl(r.name_ru, 'accs')} за январь–{MNOM[m - 1]} {y} года составило {g(a)} человек, число выбывших — {g(d)} человек.",
            f"В январе–{MLOC[m - 1]} {y} года {infl(r.name_ru, 'accs')} покинули {g(d)} человек, а прибыли в неё {g(a)}.",
        ]
    )
    return s, [("arrivals", a, per, r.kato), ("departures", d, per, r.kato)]


@t
def balance(rng):
    r = rng.choice(OBL)
    y = rng.randint(2015, 2025)
    v = rng.randint(500, 20000)
    neg = rng.random() < 0.6
    s = rng.choice(
        [
            f"Сальдо миграции в {infl(r.name_ru, 'loct')} за {y} год сложилось {'отрицательным' if neg else 'положительным'} — {g(v)} человек.",
            f"Миграционная {'убыль' if neg else 'прибыль'} населения {infl(r.name_ru, 'gent')} в {y} году составила {g(v)} человек.",
            f"В {y} году {infl(r.name_ru, 'nomn')} {'потеряла в результате миграции' if neg else 'получила за счёт миграции'} {g(v)} человек.",
            f"По итогам {y} года миграционное сальдо {infl(r.name_ru, 'gent')}: {'минус ' if neg else 'плюс '}{g(v)} человек.",
        ]
    )
    return s, [("net_migration", -v if neg else v, str(y), r.kato)]


@t
def natural(rng):
    r = rng.choice(OBL)
    y = rng.randint(2015, 2025)
    v = rng.randint(500, 40000)
    s = rng.choice(
        [
            f"Естественный прирост населения {infl(r.name_ru, 'gent')} в {y} году составил {g(v)} человек.",
            f"В {y} году в {infl(r.name_ru, 'loct')} родившихся было больше, чем умерших, на {g(v)} человек.",
            f"За {y} год естественный прирост в {infl(r.name_ru, 'loct')} — {g(v)} человек.",
        ]
    )
    return s, [("natural_increase", v, str(y), r.kato)]


@t
def thousands(rng):
    r = rng.choice(OBL)
    y = rng.randint(2015, 2025)
    v = round(rng.uniform(300, 2500), 1)
    s = rng.choice(
        [
            f"На начало {y} года в {infl(r.name_ru, 'loct')} проживало {str(v).replace('.', ',')} тыс. человек.",
            f"Население {infl(r.name_ru, 'gent')} к началу {y} года достигло {str(v).replace('.', ',')} тыс. человек.",
        ]
    )
    return s, [("population", round(v * 1000), f"{y}-01-01", r.kato)]


@t
def labour(rng):
    y = rng.randint(2015, 2025)
    v = rng.randint(10000, 200000)
    s = rng.choice(
        [
            f"В {y} году на работу за рубеж выехали {g(v)} граждан Казахстана.",
            f"По данным министерства труда, в {y} году за границей работали {g(v)} казахстанцев.",
            f"Число граждан, выехавших на работу за рубеж в {y} году, составило {g(v)} человек.",
        ]
    )
    return s, [("labour_emigration", v, str(y), "KZ")]


@t
def emig_country(rng):
    y = rng.randint(2015, 2025)
    v = rng.randint(1000, 50000)
    c, cn = rng.choice([("RU", "Россию"), ("DE", "Германию"), ("BY", "Беларусь"), ("UZ", "Узбекистан")])
    s = rng.choice(
        [
            f"В {y} году в {cn} на постоянное жительство выехали {g(v)} человек.",
            f"Больше всего эмигрантов в {y} году уехало в {cn} — {g(v)} человек.",
        ]
    )
    return s, [("departures", v, str(y), "KZ", c)]


@t
def headline_region(rng):
    r = rng.choice(OBL)
    y = rng.randint(2015, 2025)
    m = rng.randint(2, 11)
    a = rng.randint(2000, 30000)
    d = rng.randint(2000, 30000)
    p = rng.randint(300000, 2500000)
    per = f"{y}-01/{y}-{m:02d}"
    head = rng.choice(
        [
            f"Миграция в {infl(r.name_ru, 'loct')}",
            f"{infl(r.name_ru, 'nomn')}: итоги января–{MGEN[m - 1]}",
            f"Сколько людей приехало в {infl(r.name_ru, 'accs')}",
        ]
    )
    body = rng.choice(
        [
            f"За январь–{MNOM[m - 1]} {y} года в область прибыли {g(a)} человек, выбыли из неё {g(d)} человек. Численность населения области на 1 {MGEN[m]} {y} года составила {g(p)} человек.",
            f"В январе–{MLOC[m - 1]} {y} года в регион приехали {g(a)} человек, уехали {g(d)}. На 1 {MGEN[m]} {y} года в регионе проживали {g(p)} человек.",
        ]
    )
    return head + "\n\n" + body, [
        ("arrivals", a, per, r.kato),
        ("departures", d, per, r.kato),
        ("population", p, f"{y}-{m + 1:02d}-01", r.kato),
    ]


@t
def lead_list(rng):
    y = rng.randint(2015, 2025)
    rs = rng.sample(OBL, 3)
    vs = sorted((rng.randint(1000, 30000) for _ in rs), reverse=True)
    lead = rng.choice(
        [
            f"Наибольший миграционный отток в {y} году зафиксирован в следующих регионах:",
            f"Больше всего людей в {y} году потеряли из-за миграции:",
        ]
    )
    items = "\n\n".join(f"{infl(r.name_ru, 'nomn')} — {g(v)} человек;" for r, v in zip(rs, vs))
    return lead + "\n\n" + items, [("net_migration", -v, str(y), r.kato) for r, v in zip(rs, vs)]


@t
def comparison(rng):
    r = rng.choice(OBL)
    y = rng.randint(2016, 2025)
    m = rng.randint(2, 11)
    a = rng.randint(2000, 30000)
    b = rng.randint(2000, 30000)
    s = rng.choice(
        [
            f"В январе–{MLOC[m - 1]} {y} года из {infl(r.name_ru, 'gent')} выбыли {g(a)} человек (в соответствующем периоде предыдущего года – {g(b)}).",
            f"За январь–{MNOM[m - 1]} {y} года из {infl(r.name_ru, 'gent')} выбыло {g(a)} человек, годом ранее — {g(b)}.",
        ]
    )
    return s, [
        ("departures", a, f"{y}-01/{y}-{m:02d}", r.kato),
        ("departures", b, f"{y - 1}-01/{y - 1}-{m:02d}", r.kato),
    ]


@t
def words_num(rng):
    rng.choice(OBL)  # keeps the sequence of draws
    y = rng.randint(2015, 2025)
    k = rng.randint(2, 9)
    n = {2: "двух", 3: "трёх", 4: "четырёх", 5: "пяти", 6: "шести", 7: "семи", 8: "восьми", 9: "девяти"}[k]
    s = f"В {y} году из Казахстана на постоянное жительство за рубеж выехали более {n} тысяч человек."
    return s, [("departures", k * 1000, str(y), "KZ")]


@t
def share(rng):
    r = rng.choice(OBL)
    y = rng.randint(2015, 2025)
    u = round(rng.uniform(30, 80), 1)
    s = f"На начало {y} года доля городского населения {infl(r.name_ru, 'gent')} составила {str(u).replace('.', ',')}%."
    return s, [("population_urban_share", u, f"{y}-01-01", r.kato)]


@pytest.mark.parametrize("template", T, ids=lambda f: f.__name__)
def test_every_figure_of_a_generated_sentence(template):
    def judge(_, text, want):
        keys = len(want[0])
        got = {
            (f.indicator, f.value, f.period, f.region, f.country)[:keys]
            for f in figures_in_text(text)
            if f.status == "fact"
        }
        if not set(want) <= got:
            return text, sorted(set(want) - got), sorted(got)

    failed = wrong_samples(template, 25, judge)
    assert not failed, f"{len(failed)} of 25 failed, e.g. {failed[:2]}"


@t
def release_date_in_header(rng):
    """A release's own date in its header is not the date of its figures."""
    y, m, v = rng.randint(2016, 2025), rng.randint(2, 11), rng.randint(15_000_000, 20_000_000)
    s = (
        f"Пресс-релиз от {rng.randint(10, 28)} {MGEN[m]} {y} года\n\n"
        f"Численность населения Казахстана на 1 {MGEN[m - 1]} {y} года составила {g(v)} человек."
    )
    return s, [("population", v, f"{y}-{m:02d}-01", "KZ")]


@t
def region_only_in_headline(rng):
    o, y, m = rng.choice(OBL), rng.randint(2015, 2025), rng.randint(2, 11)
    a, d = rng.randint(1000, 20000), rng.randint(1000, 20000)
    s = (
        f"{infl(o.name_ru, 'nomn')}: миграция за январь–{MNOM[m - 1]} {y} года\n\n"
        f"За этот период прибыли {g(a)} человек, выбыли {g(d)} человек."
    )
    per = f"{y}-01/{y}-{m:02d}"
    return s, [("arrivals", a, per, o.kato), ("departures", d, per, o.kato)]


@t
def one_indicator_over_regions_in_parentheses(rng):
    y, rs = rng.randint(2015, 2025), rng.sample(OBL, 3)
    vs = [rng.randint(1000, 20000) for _ in rs]
    s = (
        f"В {y} году отрицательное сальдо миграции отмечено в {infl(rs[0].name_ru, 'loct')} "
        f"(минус {g(vs[0])} человек), в {infl(rs[1].name_ru, 'loct')} (минус {g(vs[1])}) "
        f"и в {infl(rs[2].name_ru, 'loct')} (минус {g(vs[2])})."
    )
    return s, [("net_migration", -v, str(y), o.kato) for o, v in zip(rs, vs)]


@t
def the_capital_named_in_passing(rng):
    """The country's figures, the capital's in passing: the next paragraph is the country's again."""
    y, v = rng.randint(2015, 2025), rng.randint(15_000_000, 20_000_000)
    c, n = round(rng.uniform(1.0, 1.5), 1), rng.randint(100_000, 300_000)
    s = (
        f"1 января {y} года. Население страны — {g(v)} человек. "
        f"В столице — {str(c).replace('.', ',')} млн жителей.\n\n"
        f"Естественный прирост за {y - 1} год составил {g(n)} человек."
    )
    return s, [
        ("population", v, f"{y}-01-01", "KZ"),
        ("population", round(c * 1_000_000), f"{y}-01-01", "710000000"),
        ("natural_increase", n, str(y - 1), "KZ"),
    ]


@t
def the_indicator_named_again(rng):
    """ "этот показатель" takes the indicator of the figure before it."""
    o, y, m = rng.choice(OBL), rng.randint(2015, 2025), rng.randint(3, 11)
    v, w = rng.randint(300_000, 2_000_000), rng.randint(300_000, 2_000_000)
    pronoun = rng.choice(["этот показатель", "данный показатель"])
    s = (
        f"На 1 {MGEN[m - 1]} {y} года численность населения {infl(o.name_ru, 'gent')} составила {g(v)} человек. "
        f"На начало года {pronoun} составлял {g(w)} человек."
    )
    return s, [("population", v, f"{y}-{m:02d}-01", o.kato), ("population", w, f"{y}-01-01", o.kato)]
