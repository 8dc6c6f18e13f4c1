"""Bureau-style tables built with fpdf2, extracted cell for cell."""

from __future__ import annotations

from fixtures_pdf import table_pdf
from pipelines.sources.documents.extract import extract_figures

LABELS = {
    "Республика Казахстан": "KZ",
    "Акмолинская": "110000000",
    "г.Астана": "710000000",
    "Жетісу": "330000000",
    "Туркестанская 1)": "610000000",
    "Северо-Казахстанская": "590000000",
}


def test_net_migration_table_every_cell(tmp_path):
    years = ["2022", "2023", "2024"]
    body = {
        "Республика Казахстан": ["-5 561", "-9 018", "-12 400"],
        "Акмолинская": ["-1 234", "-2 345", "-3 210"],
        "г.Астана": ["25 100", "30 200", "28 750"],
        "Жетісу": ["120", "-45", "0"],
        "Туркестанская 1)": ["-6 946", "-7 001", "-5 000"],
        "Северо-Казахстанская": ["-4 017", "-3 886", "-3 120"],
    }
    pdf = table_pdf(
        tmp_path / "saldo.pdf",
        "Сальдо миграции населения по регионам, человек",
        [""] + years,
        [[label] + cells for label, cells in body.items()],
        before="Бюро национальной статистики. Миграция населения.",
        after="1) Без учета г. Шымкент.",
    )
    figs = extract_figures(pdf)
    want = [
        ("net_migration", int(cell.replace(" ", "")), year, LABELS[label], "persons", 1)
        for label, cells in body.items()
        for year, cell in zip(years, cells)
    ]
    got = [(f.indicator, f.value, f.period, f.region, f.unit, f.precision) for f in figs]
    assert got == want
    assert all(f.page == 1 and f.country is None for f in figs)
    # traceable: the text names the row and the cell as printed
    assert "Туркестанская 1)" in figs[12].text and "-6 946" in figs[12].text


def test_population_table_in_thousands_at_start_of_year(tmp_path):
    years = ["2023", "2024", "2025"]
    body = {
        "Республика Казахстан": ["19 766,8", "20 033,8", "20 286,1"],
        "Карагандинская": ["1 131,6", "1 134,5", "1 130,8"],
        "г. Алматы": ["2 228,7", "2 291,4", "2 330,0"],
        "Костанайская": ["831,0", "826,1", "823,9"],
    }
    regions = {
        "Республика Казахстан": "KZ",
        "Карагандинская": "350000000",
        "г. Алматы": "750000000",
        "Костанайская": "390000000",
    }
    pdf = table_pdf(
        tmp_path / "pop.pdf",
        "Численность населения на начало года, тыс. человек",
        [""] + years,
        [[k] + v for k, v in body.items()],
    )
    got = [(f.indicator, f.value, f.period, f.region, f.precision) for f in extract_figures(pdf)]
    want = [
        ("population", round(float(c.replace(" ", "").replace(",", ".")) * 1000), f"{y}-01-01", regions[k], 100)
        for k, cells in body.items()
        for y, c in zip(years, cells)
    ]
    assert got == want


def test_table_text_is_not_read_twice_as_prose(tmp_path):
    pdf = table_pdf(
        tmp_path / "dep.pdf",
        "Число выбывших, человек",
        ["", "2023", "2024"],
        [["Республика Казахстан", "20 100", "21 500"], ["Акмолинская", "40 600", "55 200"]],
        before="Число выбывших из Акмолинской области в 2024 году составило 55,2 тыс. человек.",
    )
    got = [(f.indicator, f.value, f.period, f.region) for f in extract_figures(pdf)]
    assert got == [
        ("departures", 55200, "2024", "110000000"),  # the sentence above the table
        ("departures", 20100, "2023", "KZ"),
        ("departures", 21500, "2024", "KZ"),
        ("departures", 40600, "2023", "110000000"),
        # the table's 55 200 repeats the sentence's figure: one figure, as GUIDE.md §7 says
    ]


def _unruled_group_table(path):
    """A paper's table set by hand, no borders: group heads centred over the columns they span
    and wrapped onto a second line, years centred over right-aligned numbers, a total whose
    label wraps around its row of values."""
    from fixtures_pdf import new_pdf

    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", size=9)

    def right(x, y, text):  # right-aligned at x
        pdf.text(x - pdf.get_string_width(text), y, text)

    def centre(x, y, text):
        pdf.text(x - pdf.get_string_width(text) / 2, y, text)

    pdf.text(20, 30, "Таблица 2 – Население и доля горожан (на начало года)")
    cols = [80, 100, 120, 150, 175]  # right edges of the value columns
    centre(93, 40, "Численность населения, тыс.")  # over the middle of its three years
    centre(93, 44, "человек")
    centre(155.5, 40, "Доля городского")
    centre(155.5, 44, "населения, %")
    pdf.text(20, 46, "Область")
    for x, year in zip(cols, ["2001", "2011", "2021", "2001", "2021"]):
        centre(x - 7, 50, year)
    rows = [
        ("Атырауская", ["443,6", "532,0", "657,1", "58,2", "54,4"]),
        ("Мангистауская", ["319,2", "524,2", "719,6", "78,6", "40,0"]),
    ]
    y = 57
    for label, cells in rows:
        pdf.text(20, y, label)
        for x, c in zip(cols, cells):
            right(x, y, c)
        y += 6
    pdf.text(20, y - 1.5, "Итого по двум")
    for x, c in zip(cols, ["762,8", "1 056,2", "1 376,7", "66,4", "47,6"]):
        right(x, y + 1, c)
    pdf.text(20, y + 3.5, "областям")
    pdf.output(str(path))
    return path


def test_group_heads_wrapped_over_unruled_columns(tmp_path):
    figs = [f for f in extract_figures(_unruled_group_table(tmp_path / "groups.pdf")) if f.status == "fact"]
    got = {(f.indicator, f.period, f.region): f.value for f in figs}
    assert got == {
        ("population", "2001-01-01", "230000000"): 443600,
        ("population", "2011-01-01", "230000000"): 532000,
        ("population", "2021-01-01", "230000000"): 657100,
        ("population_urban_share", "2001-01-01", "230000000"): 58.2,
        ("population_urban_share", "2021-01-01", "230000000"): 54.4,
        ("population", "2001-01-01", "470000000"): 319200,
        ("population", "2011-01-01", "470000000"): 524200,
        ("population", "2021-01-01", "470000000"): 719600,
        ("population_urban_share", "2001-01-01", "470000000"): 78.6,
        ("population_urban_share", "2021-01-01", "470000000"): 40.0,
    }  # the total of two regions is no region of the vocabulary


def test_a_caption_wrapped_over_the_label_column_and_a_share_column_of_a_flow(tmp_path):
    from fixtures_pdf import new_pdf

    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", size=9)
    pdf.text(20, 30, "Выбывшие из Казахстана на постоянное место жительства по странам назначения, январь–")
    pdf.text(20, 34, "сентябрь 2023 г.")
    pdf.text(20, 40, "Страна")
    pdf.text(100, 40, "Человек")
    pdf.text(130, 40, "Доля, %")
    y = 46
    for label, people, share in (("Россия", "9 428", "74,0"), ("Германия", "1 795", "14,1"), ("Польша", "228", "1,8")):
        pdf.text(20, y, label)
        pdf.text(112 - pdf.get_string_width(people), y, people)
        pdf.text(142 - pdf.get_string_width(share), y, share)
        y += 5
    pdf.output(str(tmp_path / "dest.pdf"))
    got = [(f.indicator, f.value, f.period, f.country, f.status) for f in extract_figures(tmp_path / "dest.pdf")]
    assert got == [
        ("departures", v, "2023-01/2023-09", c, "fact") for v, c in ((9428, "RU"), (1795, "DE"), (228, "PL"))
    ]


def _card(pdf, x, y, figure, label, w=40, h=22):
    pdf.rect(x, y, w, h)
    pdf.set_font("dv", "B", 16)
    pdf.text(x + 3, y + 9, figure)
    pdf.set_font("dv", "", 7)
    for i, part in enumerate(label):
        pdf.text(x + 3, y + 14 + 3.5 * i, part)


def test_cards_of_an_infographic_read_under_their_heading_and_date(tmp_path):
    from fixtures_pdf import new_pdf

    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", "B", 20)
    pdf.text(15, 20, "Население Казахстана в цифрах")
    pdf.set_font("dv", "", 12)
    pdf.text(15, 28, "на 1 июня 2023 г.")
    _card(pdf, 15, 40, "19 879 003", ["человек – численность", "населения страны"], w=55)
    _card(pdf, 75, 40, "105 тыс.", ["естественный прирост", "с начала года"])
    _card(pdf, 120, 40, "+6,9 тыс.", ["сальдо миграции", "с начала года"])
    pdf.set_font("dv", "B", 12)
    pdf.text(15, 75, "ПЯТЁРКА САМЫХ НАСЕЛЁННЫХ РЕГИОНОВ, ЧЕЛОВЕК")
    _card(pdf, 15, 82, "2 185 596", ["г. Алматы"])
    _card(pdf, 60, 82, "2 132 208", ["Туркестанская обл."])
    pdf.output(str(tmp_path / "cards.pdf"))
    got = [
        (f.indicator, f.value, f.period, f.region)
        for f in extract_figures(tmp_path / "cards.pdf")
        if f.status == "fact"
    ]
    assert got == [
        ("population", 19879003, "2023-06-01", "KZ"),
        ("natural_increase", 105000, "2023-01/2023-05", "KZ"),
        ("net_migration", 6900, "2023-01/2023-05", "KZ"),
        ("population", 2185596, "2023-06-01", "750000000"),
        ("population", 2132208, "2023-06-01", "610000000"),
    ]


def test_slides_printed_four_to_a_page_read_panel_by_panel(tmp_path):
    from fixtures_pdf import new_pdf

    pdf = new_pdf()
    pdf.add_page(orientation="L")
    for (x, y), (title, body) in zip(
        [(10, 15), (150, 15), (10, 110), (150, 110)],
        [
            ("Итоги 2022 года", "Численность населения Алматы на 1 января 2023 года составила 2 161 902 человека."),
            ("Январь–октябрь 2024 года", "Сальдо миграции Алматы составило 32 797 человек."),
            ("Январь–март 2012 года", "В Алматы прибыли 7 809 человек, выбыли 6 013 человек."),
            ("2024 год", "Рабочая сила Алматы составила 1 135 073 человека."),
        ],
    ):
        pdf.rect(x, y, 135, 85)
        pdf.set_font("dv", "B", 14)
        pdf.text(x + 5, y + 12, title)
        pdf.set_font("dv", "", 10)
        pdf.set_xy(x + 5, y + 20)
        pdf.multi_cell(120, 5, body)
    pdf.output(str(tmp_path / "slides.pdf"))
    got = {(f.indicator, f.value, f.period) for f in extract_figures(tmp_path / "slides.pdf") if f.status == "fact"}
    assert got == {
        ("population", 2161902, "2023-01-01"),
        ("net_migration", 32797, "2024-01/2024-10"),
        ("arrivals", 7809, "2012-01/2012-03"),
        ("departures", 6013, "2012-01/2012-03"),
        ("labour_force", 1135073, "2024"),
    }


def test_a_table_between_ruled_newspaper_columns_with_heads_set_right(tmp_path):
    """The rules between a newspaper's columns are not the table's borders; heads set right
    over right-aligned numbers, a group head stacked over one column, a unit wrapped under the
    caption."""
    from fixtures_pdf import new_pdf

    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", size=8)
    pdf.line(74, 20, 74, 140)
    pdf.line(136, 20, 136, 140)

    def right(x, y, t):
        pdf.text(x - pdf.get_string_width(t), y, t)

    pdf.text(78, 30, "Численность населения отдельных")
    pdf.text(78, 34, "регионов на 1 января 2016 г., тыс.")
    pdf.text(78, 38, "человек")
    pdf.set_font("dv", size=8)
    right(132, 44, "прирост")
    right(132, 48, "за 2015")
    pdf.text(78, 52, "Регион")
    right(118, 52, "население")
    right(132, 52, "г., %")
    y = 58
    for label, pop, growth in (
        ("ЮКО", "2 841", "1,9"),
        ("Алматинская", "1 948", "1,3"),
        ("Жамбылская", "1 111", "1,1"),
    ):
        pdf.text(78, y, label)
        right(118, y, pop)
        right(132, y, growth)
        y += 4.5
    pdf.output(str(tmp_path / "paper.pdf"))
    got = [
        (f.indicator, f.value, f.period, f.region)
        for f in extract_figures(tmp_path / "paper.pdf")
        if f.status == "fact"
    ]
    assert got == [
        ("population", 2841000, "2016-01-01", "610000000"),
        ("population", 1948000, "2016-01-01", "190000000"),
        ("population", 1111000, "2016-01-01", "310000000"),
    ]


def test_a_row_label_wrapped_around_its_values_and_years_over_it(tmp_path):
    """Unruled: a header of years, then one row whose label wraps over four lines set level with
    the middle of its values; and a total whose label wraps around its values."""
    from fixtures_pdf import new_pdf

    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", size=9)

    def right(x, y, t):
        pdf.text(x - pdf.get_string_width(t), y, t)

    pdf.text(20, 20, "Рабочая сила Атырауской области приведена в таблице.")
    pdf.text(20, 40, "Показатель")
    years = ["2016", "2017", "2018"]
    for i, y in enumerate(years):
        right(95 + 20 * i, 40, y)
    for i, part in enumerate(["Рабочая сила (15", "лет и старше),", "человек"]):
        pdf.text(20, 46 + 3.6 * i, part)
    for i, v in enumerate(["311 769", "315 711", "319 697"]):
        right(95 + 20 * i, 49.6, v)
    pdf.output(str(tmp_path / "wrapped.pdf"))
    got = [
        (f.indicator, f.value, f.period, f.region)
        for f in extract_figures(tmp_path / "wrapped.pdf")
        if f.status == "fact"
    ]
    assert got == [
        ("labour_force", v, y, "230000000") for v, y in ((311769, "2016"), (315711, "2017"), (319697, "2018"))
    ]


def test_a_ruled_table_whose_cells_wrap_is_read_cell_by_cell(tmp_path):
    """A drawn grid whose labels, sources and periods wrap onto several lines: each value gets
    its row's name (even with a period cell between), the period written in its row (ISO dates
    and month spans) and the region of the document's title; a second column quoting the
    bureau's value for the same figure gives no figure of its own."""
    from fpdf.fonts import FontFace

    from fixtures_pdf import new_pdf

    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("dv", "B", 18)
    pdf.multi_cell(0, 9, "Трудовая миграция: Костанайская область", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dv", "", 11)
    pdf.ln(4)
    pdf.multi_cell(0, 6, "В 2023 году на работу за границу уехали 191 000 казахстанцев.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(0, 6, "Показатели документов и их проверка", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("dv", "", 8)
    rows = [
        ["otchet_oblasti.pdf, с. 3", "Численность населения", "2025-04-01", "872 300", "", "нет данных БНС"],
        ["otchet_oblasti.pdf, с. 3", "Городское население", "2025-04-01", "500 300", "", "нет данных БНС"],
        ["otchet_oblasti.pdf, с. 4", "Естественный прирост", "2025-01/ 2025-03", "1 204", "", "нет данных БНС"],
        [
            "otchet_oblasti.pdf, с. 4",
            "Рабочая сила в возрасте 15 лет и старше",
            "2024",
            "421 200",
            "421 257",
            "расхождение в пределах округления",
        ],
        ["otchet_oblasti.pdf, с. 5", "Число выбывших", "2019", "45 800", "45 800", "подтверждено"],
    ]
    with pdf.table(
        col_widths=(34, 30, 20, 22, 18, 30), width=154, text_align="LEFT", line_height=4, first_row_as_headings=False
    ) as table:
        r = table.row()
        for h in ["Документ, страница", "Показатель", "Период", "В документе", "БНС", "Проверка"]:
            r.cell(h, style=FontFace(emphasis="BOLD"))
        for row in rows:
            r = table.row()
            for cell in row:
                r.cell(cell)
    pdf.output(str(tmp_path / "annex.pdf"))
    got = [
        (f.indicator, f.value, f.period, f.region)
        for f in extract_figures(tmp_path / "annex.pdf")
        if f.status == "fact"
    ]
    region = "390000000"
    assert got == [
        ("labour_emigration", 191000, "2023", "KZ"),
        ("population", 872300, "2025-04-01", region),
        ("population_urban", 500300, "2025-04-01", region),
        ("natural_increase", 1204, "2025-01/2025-03", region),
        ("labour_force", 421200, "2024", region),
        ("departures", 45800, "2019", region),
    ]
    assert not [f for f in extract_figures(tmp_path / "annex.pdf") if f.value in (421257, 2024, 2019)]
