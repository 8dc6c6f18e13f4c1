"""Charts, generated: column charts with data labels over regions or years and ticks on the
axis, bar charts with labels at the bars' ends; the unit, period, indicator and country in the
title only. Every data label is a figure, no tick is."""

from __future__ import annotations

import random

import pytest

from fixtures_pdf import new_pdf
from pipelines.reference import regions
from pipelines.sources.documents.extract import extract_figures


def _grouped(v: float) -> str:
    return f"{v:,.1f}".replace(",", " ").replace(".", ",") if v != int(v) else f"{int(v):,}".replace(",", " ")


def _column_chart(path, rng: random.Random):
    """Columns over regions (population on a date, persons) or over years (departures to a
    country, thousands), labels over the columns, ticks at the left."""
    by_year = rng.random() < 0.5
    if by_year:
        cats = [str(y) for y in sorted(rng.sample(range(2012, 2026), rng.randint(3, 5)))]
        title = "Выбывшие на постоянное жительство в Россию, тыс. человек"
        values = [round(rng.uniform(5, 60), 1) for _ in cats]
        want = [("departures", round(v * 1000), c, "KZ", "RU") for c, v in zip(cats, values)]
    else:
        chosen = rng.sample([r for r in regions().values() if r.kind == "oblast"], rng.randint(3, 5))
        cats = [r.name_ru.replace(" область", "").replace("область ", "") for r in chosen]
        month = rng.randint(1, 12)
        year = rng.randint(2015, 2025)
        title = f"Рисунок {rng.randint(1, 9)}. Численность населения областей на 1.{month:02d}.{year}, человек"
        values = [rng.randint(300_000, 2_500_000) for _ in cats]
        want = [("population", v, f"{year}-{month:02d}-01", r.kato, None) for r, v in zip(chosen, values)]
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", size=9)
    pdf.text(20, 30, title)
    if rng.random() < 0.5:
        pdf.text(20, 35, "шкала — " + ("тыс. человек" if by_year else "млн человек"))
    base, height, top = 110, 60, max(values)
    ticks = 4
    for t in range(ticks + 1):  # evenly spaced ticks, set right at the axis
        s = _grouped(round(top * t / ticks, 1) if by_year else round(top * t / ticks / 1e6, 1))
        pdf.text(38 - pdf.get_string_width(s), base - height * t / ticks, s)
    step = 130 / len(cats)
    for k, (c, v) in enumerate(zip(cats, values)):
        x = 45 + k * step
        h = height * v / top
        pdf.rect(x, base - h, step * 0.6, h, style="F" if rng.random() < 0.5 else "D")
        s = _grouped(v)
        pdf.text(x + step * 0.3 - pdf.get_string_width(s) / 2, base - h - 2, s)
        pdf.text(x + step * 0.3 - pdf.get_string_width(c) / 2, base + 6, c)
    pdf.output(str(path))
    return want


def _bar_chart(path, rng: random.Random):
    chosen = rng.sample([r for r in regions().values() if r.kind == "oblast"], rng.randint(3, 6))
    year, month = rng.randint(2015, 2025), rng.randint(1, 12)
    values = sorted((rng.randint(300_000, 2_500_000) for _ in chosen), reverse=True)
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", size=9)
    pdf.text(20, 30, "Области с населением более 300 тыс. человек")
    pdf.text(20, 35, f"на 1.{month:02d}.{year}, человек")
    for k, (r, v) in enumerate(zip(chosen, values)):
        y = 48 + 9 * k
        pdf.text(20, y, r.name_ru.replace(" область", "").replace("область ", ""))
        w = 100 * v / values[0]
        pdf.rect(60, y - 4, w, 5, style="F")
        pdf.text(62 + w, y, _grouped(v))
    y = 48 + 9 * len(chosen)
    for t, label in enumerate(["0", "1 млн", "2 млн"]):
        pdf.text(60 + 50 * t, y, label)
    pdf.output(str(path))
    return [("population", v, f"{year}-{month:02d}-01", r.kato, None) for r, v in zip(chosen, values)]


@pytest.mark.parametrize("make", [_column_chart, _bar_chart])
@pytest.mark.parametrize("seed", range(6))
def test_every_data_label_of_a_chart_and_no_tick(tmp_path, make, seed):
    want = make(tmp_path / "chart.pdf", random.Random(seed))
    got = {(f.indicator, f.value, f.period, f.region, f.country) for f in extract_figures(tmp_path / "chart.pdf")}
    missing = [w for w in want if w not in got]
    assert not missing, f"{len(missing)} of {len(want)} labels missed, e.g. {missing[:3]}; got {sorted(got)[:4]}"
    assert got <= set(want), f"not data labels: {sorted(got - set(want))[:4]}"
