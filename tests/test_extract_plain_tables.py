"""The bureau's plainest table, generated many times over: regions as rows, years ("2023г.") or a
single "Всего" as column heads, columns aligned by whitespace only (no rules), spaces as
thousands separators, in a monospace or a proportional font, a second table on the next page.
Every numeric cell must come out with its region, period and value."""

from __future__ import annotations

import random

import pytest

from fixtures_pdf import FONT_DIR, new_pdf
from pipelines.reference import regions
from pipelines.sources.documents.extract import extract_figures

FONTS = {"mono": FONT_DIR / "DejaVuSansMono.ttf", "sans": FONT_DIR / "DejaVuSans.ttf"}


def _label(name_ru: str, kind: str, style: int) -> str:
    """A region's row label as releases print it: the adjective alone, "г.Астана", or the name."""
    if kind == "country":
        return "РЕСПУБЛИКА КАЗАХСТАН" if style else "Республика Казахстан"
    if kind == "city":
        city = name_ru.split()[-1]
        return f"г.{city}" if style else f"г. {city}"
    short = name_ru.replace(" область", "").replace("область ", "")
    return short if style or name_ru.startswith("область") else name_ru


def _grouped(v: int) -> str:
    s = f"{abs(v):,}".replace(",", " ")
    return ("-" if v < 0 else "") + s


def _plain_release(path, rng: random.Random, font: str):
    """Page 1: a caption, year heads and one signed balance column per year; page 2: one
    column of population on 1 January. Numbers right-aligned by whitespace."""
    years = sorted(rng.sample(range(2012, 2026), 2))
    style = rng.randint(0, 1)
    all_regions = [r for r in regions().values() if r.kind in ("oblast", "city")]
    rows = [r for r in all_regions if rng.random() < 0.7] or all_regions[:3]
    rows = [regions()["KZ"]] + rows
    pdf = new_pdf()
    pdf.add_font("plain", "", str(FONTS[font]))
    size = rng.choice([9, 10, 11])
    want = []

    def table(caption: str, heads: list[str], values: list[list[int]], indicator: str, periods: list[str]):
        pdf.add_page()
        pdf.set_font("plain", size=size)
        pdf.text(20, 30, caption)
        label_w = max(pdf.get_string_width(_label(r.name_ru, r.kind, style)) for r in rows) + rng.choice([4, 8, 14])
        col_w = pdf.get_string_width("-999 999 999") + rng.choice([3, 6, 10])
        y = 42
        for k, h in enumerate(heads):
            pdf.text(20 + label_w + (k + 1) * col_w - pdf.get_string_width(h), y, h)
        for r, vals in zip(rows, values):
            y += size * 0.5
            pdf.text(20, y, _label(r.name_ru, r.kind, style))
            for k, v in enumerate(vals):
                s = _grouped(v)
                pdf.text(20 + label_w + (k + 1) * col_w - pdf.get_string_width(s), y, s)
                want.append((indicator, v, periods[k], r.kato))
        pdf.text(20, y + size * 0.6, "Оценка по данным текущего учёта.")

    balances = [[rng.randint(-40000, 80000) for _ in years] for _ in rows]
    table(
        "1. Сальдо миграции населения по регионам (по всем потокам), человек",
        [f"{y}г." for y in years],
        balances,
        "net_migration",
        [str(y) for y in years],
    )
    stock = years[-1] + 1
    table(
        f"2. Численность населения на 1 января {stock} года, человек",
        ["Всего"],
        [[rng.randint(200_000, 2_500_000)] for _ in rows],
        "population",
        [f"{stock}-01-01"],
    )
    pdf.output(str(path))
    return want


@pytest.mark.parametrize("seed", range(12))
def test_every_cell_of_a_whitespace_aligned_regional_table(tmp_path, seed):
    rng = random.Random(seed)
    font = "mono" if seed % 2 else "sans"
    want = _plain_release(tmp_path / "express.pdf", rng, font)
    got = {(f.indicator, f.value, f.period, f.region) for f in extract_figures(tmp_path / "express.pdf")}
    missing = [w for w in want if w not in got]
    assert not missing, f"{len(missing)} of {len(want)} cells missed ({font}), e.g. {missing[:3]}"
    assert len(got) == len(want), sorted(got - set(want))[:5]


SUPERSCRIPTS = "¹²³"


def _annex(path, rng: random.Random):
    """A statistical annex's table over several pages: a caption, a merged head (the date over
    "человек" and a share column), the column-number row, every region with its urban and rural
    sub-rows set in, footnote marks on some labels and numbers, and on each later page either
    "Продолжение таблицы N" or the column-number row alone."""
    year = rng.randint(2015, 2026)
    number = f"{rng.randint(1, 4)}.{rng.randint(1, 9)}"
    rows = [regions()["KZ"]] + [r for r in regions().values() if r.kind in ("oblast", "city")]
    per_page = rng.choice([6, 7, 9])
    marker = rng.choice(["Продолжение таблицы", ""])
    pdf = new_pdf()
    pdf.set_font("dv", size=9)
    want = []
    x_label, x_val, x_share = 20, 90, 130

    def ruled_head(first: bool):
        y = 25
        if first:
            pdf.text(20, y, f"Таблица {number}")
            pdf.text(20, y + 6, "Численность населения по областям, городской и сельской местности")
            y += 12
            pdf.rect(x_val - 25, y, 75, 10)
            pdf.text(x_val - 20, y + 4, "Численность населения")
            pdf.text(x_val - 20, y + 8, f"на 1 января {year} г.")
            y += 10
            pdf.rect(x_val - 25, y, 35, 6)
            pdf.rect(x_val + 10, y, 40, 6)
            pdf.text(x_val - 15, y + 4, "человек")
            pdf.text(x_val + 12, y + 4, "в % к итогу по республике")
            y += 6
        elif marker:
            pdf.text(120, y, f"{marker} {number}")
            y += 6
        pdf.text(x_label + 20, y + 5, "А")
        pdf.text(x_val - 2, y + 5, "1")
        pdf.text(x_share + 2, y + 5, "2")
        return y + 11

    def right(x, y, s):
        pdf.text(x - pdf.get_string_width(s), y, s)

    for i, r in enumerate(rows):
        if i % per_page == 0:
            pdf.add_page()
            y = ruled_head(i == 0)
        total = rng.randint(200_000, 3_000_000)
        urban = rng.randint(total // 5, total)
        parts = [("", total, "population"), ("городское население", urban, "population_urban")]
        parts.append(("сельское население", total - urban, "population_rural"))
        for label, value, indicator in parts:
            mark = rng.choice(["", "", SUPERSCRIPTS[rng.randint(0, 2)]])
            text = (_label(r.name_ru, r.kind, 1) if not label else label) + (mark if not label else "")
            pdf.text(x_label + (3 if label else 0), y, text)
            right(x_val + 8, y, _grouped(value) + (rng.choice(["", "²"]) if not label else ""))
            right(x_share + 8, y, f"{100 * value / 19_000_000:.1f}".replace(".", ","))
            want.append((indicator, value, f"{year}-01-01", r.kato))
            y += 5
    pdf.output(str(path))
    return want


@pytest.mark.parametrize("seed", range(8))
def test_every_cell_of_an_annex_table_continued_over_pages_with_sub_rows(tmp_path, seed):
    rng = random.Random(seed)
    want = _annex(tmp_path / "annex.pdf", rng)
    got = {(f.indicator, f.value, f.period, f.region) for f in extract_figures(tmp_path / "annex.pdf")}
    missing = [w for w in want if w not in got]
    assert not missing, f"{len(missing)} of {len(want)} cells missed, e.g. {missing[:4]}"
    assert got <= set(want), sorted(got - set(want))[:5]


ABBREVIATED = ["янв.", "февр.", "мар.", "апр.", "май", "июнь", "июль", "авг.", "сент.", "окт.", "нояб.", "дек."]


@pytest.mark.parametrize("seed", range(6))
def test_two_level_heads_of_abbreviated_month_spans_over_years(tmp_path, seed):
    """Columns headed "янв.-сент." over "2018г.": each column's period is the span of its year."""
    rng = random.Random(seed)
    years = sorted(rng.sample(range(2012, 2026), 3))
    ends = [rng.randint(2, 11) for _ in years]
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", size=9)
    pdf.text(20, 30, "Миграция населения области")
    x = [90 + 25 * k for k in range(len(years))]
    for k, (y, e) in enumerate(zip(years, ends)):
        pdf.text(x[k], 42, f"янв.-{ABBREVIATED[e - 1]}")
        pdf.text(x[k], 47, f"{y}г.")
    want = []
    for r, (label, indicator) in enumerate([("Прибыло, человек", "arrivals"), ("Выбыло, человек", "departures")]):
        pdf.text(20, 54 + 6 * r, label)
        for k, (y, e) in enumerate(zip(years, ends)):
            v = rng.randint(1000, 20000)
            pdf.text(x[k], 54 + 6 * r, str(v))
            want.append((indicator, v, f"{y}-01/{y}-{e:02d}"))
    pdf.output(str(tmp_path / "t.pdf"))
    got = {(f.indicator, f.value, f.period) for f in extract_figures(tmp_path / "t.pdf")}
    assert set(want) <= got, sorted(set(want) - got)[:4]


MONTHS_NOM = "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь".split()


@pytest.mark.parametrize("seed", range(6))
def test_vertical_column_heads_read_like_flat_ones(tmp_path, seed):
    """Heads set at 90° (read upwards) over the columns of a regional table; the stock date in
    the first head, the flows' months in the caption."""
    rng = random.Random(seed)
    year, end = rng.randint(2015, 2025), rng.randint(3, 11)
    stock = f"{year}-{end + 1:02d}-01"
    flow = f"{year}-01/{year}-{end:02d}"
    heads = [
        (f"Численность населения на 1.{end + 1:02d}.{year}, чел.", "population", stock),
        ("Городское население", "population_urban", stock),
        ("Сельское население", "population_rural", stock),
        ("Естественный прирост", "natural_increase", flow),
        ("Сальдо миграции", "net_migration", flow),
    ]
    rows = [regions()["KZ"]] + rng.sample([r for r in regions().values() if r.kind == "oblast"], 3)
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", size=8)
    pdf.text(
        20, 30, f"Таблица {rng.randint(1, 9)}. Население и его изменение за январь–{MONTHS_NOM[end - 1]} {year} г."
    )
    x0, width, bottom = 75, rng.choice([18, 22]), 85
    for k, (head, _, _) in enumerate(heads):
        words, lines = head.split(), []
        for w in words:  # wrap the head onto lines of at most 16 characters, each turned upwards
            if lines and len(lines[-1]) + len(w) < 16:
                lines[-1] += " " + w
            else:
                lines.append(w)
        centre = x0 + (k + 1) * width - pdf.get_string_width("1 000 000") / 2  # centred over the values
        for i, line in enumerate(lines):
            x = centre - 3.5 * (len(lines) - 1) / 2 + 3.5 * i
            with pdf.rotation(90, x, bottom):
                pdf.text(x, bottom, line)
    want = []
    for r_i, r in enumerate(rows):
        y = bottom + 7 + 6 * r_i
        pdf.text(20, y, _label(r.name_ru, r.kind, 0))
        total = rng.randint(300_000, 3_000_000)
        urban = rng.randint(total // 4, total)
        values = [total, urban, total - urban, rng.randint(-3000, 40000), rng.randint(-20000, 20000)]
        for k, ((_, indicator, period), v) in enumerate(zip(heads, values)):
            s = _grouped(v)
            pdf.text(x0 + (k + 1) * width - pdf.get_string_width(s), y, s)
            want.append((indicator, v, period, r.kato))
    pdf.output(str(tmp_path / "v.pdf"))
    got = {(f.indicator, f.value, f.period, f.region) for f in extract_figures(tmp_path / "v.pdf")}
    missing = [w for w in want if w not in got]
    assert not missing, f"{len(missing)} of {len(want)} missed, e.g. {missing[:4]}"


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("noted", [True, False])
def test_parentheses_are_negative_only_where_the_document_says_so(tmp_path, seed, noted):
    """A ledger of a year's components, a balance in parentheses; with the note that parentheses
    mark negatives it is negative, without it the number stands as printed."""
    rng = random.Random(seed)
    year = rng.randint(2012, 2025)
    natural, balance = rng.randint(100_000, 300_000), rng.randint(1_000, 20_000)
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", size=10)
    lines = [
        f"Итоги {year} года",
        f"Естественный прирост за {year} год {_grouped(natural)}",
        f"Сальдо миграции за {year} год ({_grouped(balance)})",
    ]
    if noted:
        lines.append(
            rng.choice(["Примечание: в скобках — отрицательные значения.", "Скобки обозначают отрицательные значения."])
        )
    for i, line in enumerate(lines):
        pdf.text(20, 30 + 8 * i, line)
    pdf.output(str(tmp_path / "l.pdf"))
    got = {(f.indicator, f.value, f.period) for f in extract_figures(tmp_path / "l.pdf") if f.status == "fact"}
    assert ("natural_increase", natural, str(year)) in got
    signed = -balance if noted else balance
    assert ("net_migration", signed, str(year)) in got, got
    assert ("net_migration", -signed, str(year)) not in got


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("angle", [90, 270])
def test_a_table_printed_sideways_is_read_like_an_upright_one(tmp_path, seed, angle):
    """A landscape table on a portrait page: caption, year heads and rows, all turned by 90° or
    270° (no /Rotate flag to tell), every cell read in the table's own frame."""
    rng = random.Random(seed)
    years = sorted(rng.sample(range(2012, 2026), 3))
    rows = rng.sample([r for r in regions().values() if r.kind == "oblast"], 5)
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", size=9)
    want = []
    # drawn in an upright frame, then turned about the page's centre
    with pdf.rotation(angle, 105, 148):
        ox, oy = 105 - 120, 148 - 70
        pdf.text(ox, oy, "Таблица 3. Сальдо миграции по регионам, человек")
        for k, y in enumerate(years):
            h = f"{y}г."
            pdf.text(ox + 140 + 35 * k - pdf.get_string_width(h), oy + 12, h)
        for i, r in enumerate(rows):
            yy = oy + 20 + 7 * i
            pdf.text(ox, yy, _label(r.name_ru, r.kind, 1))
            for k, y in enumerate(years):
                v = rng.randint(-30000, 30000)
                s = _grouped(v)
                pdf.text(ox + 140 + 35 * k - pdf.get_string_width(s), yy, s)
                want.append(("net_migration", v, str(y), r.kato))
    pdf.output(str(tmp_path / "s.pdf"))
    got = {(f.indicator, f.value, f.period, f.region) for f in extract_figures(tmp_path / "s.pdf")}
    missing = [w for w in want if w not in got]
    assert not missing, f"{len(missing)} of {len(want)} missed, e.g. {missing[:3]}"
