"""Kazakh and English releases, generated: the same figures the Russian reader finds, from a
page in another language (the lexicons under pipelines/documents/lexicon). Regions come with
the seeds' own Kazakh and English names, dates in each language's forms, numbers in each
language's marks."""

from __future__ import annotations

import random

import pytest

from fixtures_pdf import new_pdf
from pipelines.documents.extract import extract_figures
from pipelines.reference import regions

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
