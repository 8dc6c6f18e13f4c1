"""Key-figure cards, generated: a large number in a drawn box with its caption under it (or
above it), under a slide title that dates them. Each card is a figure of the indicator its
caption names."""

from __future__ import annotations

import random

import pytest

from fixtures_pdf import new_pdf
from pipelines.sources.documents.extract import extract_figures

MGEN = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()
MNOM = "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь".split()

STOCK_CAPTIONS = [
    ("население страны", "population"),
    ("живут в городах", "population_urban"),
    ("живут в сельской местности", "population_rural"),
]
FLOW_CAPTIONS = [
    ("прибыли в страну", "arrivals"),
    ("выбыли из страны", "departures"),
    ("естественный прирост", "natural_increase"),
]


def _cards(path, rng: random.Random):
    year, month = rng.randint(2015, 2025), rng.randint(2, 11)
    stocks = rng.random() < 0.5
    if stocks:
        title = f"Ключевые показатели на 1 {MGEN[month - 1]} {year} г."
        period = f"{year}-{month:02d}-01"
        captions = STOCK_CAPTIONS
        values = [rng.randint(17_000_000, 21_000_000)]
        values += [rng.randint(10_000_000, 13_000_000), rng.randint(6_000_000, 8_000_000)]
    else:
        title = f"Ключевые показатели за январь–{MNOM[month - 1]} {year} г."
        period = f"{year}-01/{year}-{month:02d}"
        captions = FLOW_CAPTIONS
        values = [rng.randint(5_000, 40_000) for _ in captions]
    below = rng.random() < 0.6
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", size=14)
    pdf.text(20, 30, title)
    for k, ((caption, _), v) in enumerate(zip(captions, values)):
        x = 20 + 60 * k
        pdf.rect(x, 40, 55, 30)
        number = f"{v:,}".replace(",", " ")
        pdf.set_font("dv", "B", 16)
        pdf.text(x + 3, 52 if below else 62, number)
        pdf.set_font("dv", size=9)
        pdf.text(x + 3, 60 if below else 48, caption)
    pdf.output(str(path))
    return [(indicator, v, period, "KZ") for (_, indicator), v in zip(captions, values)]


@pytest.mark.parametrize("seed", range(8))
def test_every_key_figure_card_under_its_slide_title(tmp_path, seed):
    want = _cards(tmp_path / "cards.pdf", random.Random(seed))
    got = {(f.indicator, f.value, f.period, f.region) for f in extract_figures(tmp_path / "cards.pdf")}
    missing = [w for w in want if w not in got]
    assert not missing, f"{len(missing)} of {len(want)} cards missed, e.g. {missing[:3]}; got {sorted(got)}"


REGIONS_GEN = {
    "Акмолинская область": "Акмолинской области",
    "Павлодарская область": "Павлодарской области",
    "Костанайская область": "Костанайской области",
}


@pytest.mark.parametrize("seed", range(6))
def test_a_headline_figure_in_a_title_is_a_figure_and_the_body_repeating_it_is_the_same_one(tmp_path, seed):
    rng = random.Random(seed)
    year, month = rng.randint(2015, 2025), rng.randint(1, 12)
    name, genitive = rng.choice(sorted(REGIONS_GEN.items()))
    v, urban = rng.randint(500_000, 1_000_000), rng.randint(200_000, 400_000)
    number = f"{v:,}".replace(",", " ")
    title = rng.choice(
        [
            f"Население {genitive} на 1 {MGEN[month - 1]} {year} года — {number} человек",
            f"Численность населения {genitive} на 1 {MGEN[month - 1]} {year} года составила {number} человек",
        ]
    )
    repeat = rng.random() < 0.5
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", "B", 18)
    pdf.multi_cell(0, 9, title)
    pdf.set_font("dv", size=11)
    pdf.ln(4)
    body = f"Городское население области составило {urban:,} человек.".replace(",", " ")
    if repeat:
        body = f"Всего в области проживали {number} человек. " + body
    pdf.multi_cell(0, 6, body)
    pdf.output(str(tmp_path / "h.pdf"))
    figs = [f for f in extract_figures(tmp_path / "h.pdf") if f.status == "fact"]
    got = [(f.indicator, f.value, f.period) for f in figs]
    period = f"{year}-{month:02d}-01"
    assert got.count(("population", v, period)) == 1, got
    assert ("population_urban", urban, period) in got, got
