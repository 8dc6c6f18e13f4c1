"""Prose rules on many phrasings: strings first, then small real PDFs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fixtures_pdf import prose_pdf
from pipelines.sources.documents import entities, numbers, periods
from pipelines.sources.documents.extract import extract_figures, figures_in_text

# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "text, value, precision",
    [
        ("140 521", 140521, 1),
        ("191 000", 191000, 1),
        ("6\u00a0595", 6595, 1),
        ("6\u202f595", 6595, 1),
        ("787,3 тыс.", 787300, 100),
        ("421,2 тыс.человек", 421200, 100),
        ("1,7 млн", 1700000, 100000),
        ("2 млн", 2000000, 1000000),
        ("3,25 млрд", 3250000000, 10000000),
        ("57,4%", Decimal("57.4"), Decimal("0.1")),
        ("-5 561", -5561, 1),
        ("12 тысяч", 12000, 1000),
    ],
)
def test_number_values_and_precision(text, value, precision):
    [n] = numbers.find_numbers(text)
    assert n.value == value and n.precision == precision


def test_numbers_do_not_merge_a_year_with_the_next_number():
    got = [n.value for n in numbers.find_numbers("в 2024 году 4 446 человек, а в 2019 г. 100")]
    assert got == [2024, 4446, 2019, 100]


def test_dash_before_a_spaced_number_is_not_a_minus():
    [_, n] = numbers.find_numbers("в 2024 году - 140 521")
    assert n.value == 140521


def test_range_shares_the_multiplier():
    a, b = numbers.find_numbers("от 1 до 1,5 млн тенге")
    assert (a.value, b.value, a.unit, b.unit) == (1000000, 1500000, "KZT", "KZT")
    a, b = numbers.find_numbers("1,3–1,7 млн тенге")
    assert (a.value, b.value) == (1300000, 1700000)


def test_parse_cell():
    assert numbers.parse_cell("-5 561") == (Decimal(-5561), Decimal(1), "-5 561")
    assert numbers.parse_cell("1 134,5")[0] == Decimal("1134.5")
    assert numbers.parse_cell("−45")[0] == -45
    for empty in ("", "-", "–", "x", "…", "Акмолинская"):
        assert numbers.parse_cell(empty) is None


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize(
    "text, iso",
    [
        ("на 1 апреля 2025г.", "2025-04-01"),
        ("на 1 января 2024 года", "2024-01-01"),
        ("на 01.10.2023", "2023-10-01"),
        ("на начало 2000 года", "2000-01-01"),
        ("на конец 2023 года", "2024-01-01"),
        ("в январе–марте 2025г.", "2025-01/2025-03"),
        ("за январь-сентябрь 2024 года", "2024-01/2024-09"),
        ("в I квартале 2025 года", "2025-01/2025-03"),
        ("за 2 квартал 2024 г.", "2024-04/2024-06"),
        ("в первом полугодии 2023 года", "2023-01/2023-06"),
        ("за 9 месяцев 2024 года", "2024-01/2024-09"),
        ("в мае 2024 года", "2024-05"),
        ("в 2024 году", "2024"),
        ("за 2023 г.", "2023"),
    ],
)
def test_periods(text, iso):
    ps = [p for p in periods.find_periods(text) if p.complete]
    assert [p.value for p in ps] == [iso]


@pytest.mark.parametrize(
    "text",
    [
        "на 2023-2027 годы",
        "за 2000-2024 годы",
        "С 2003 года по 2015 годы",
        "начиная с 2022 года",
        "с 2016 года",
        "в 2019–2024 гг.",
    ],
)
def test_year_ranges_are_not_periods(text):
    assert all(p.kind == "mask" for p in periods.find_periods(text))


def test_shift_years():
    assert periods.shift_years("2025-01/2025-03", -1) == "2024-01/2024-03"


# ---------------------------------------------------------------- entities


@pytest.mark.parametrize(
    "text, code",
    [
        ("Акмолинской области", "110000000"),
        ("в Карагандинскую область", "350000000"),
        ("Костанайской", "390000000"),
        ("г. Алматы", "750000000"),
        ("города Алматы", "750000000"),
        ("Алматинской области", "190000000"),
        ("в области Жетісу", "330000000"),
        ("Северо-Казахстанской области", "590000000"),
        ("в Шымкенте", "790000000"),
        ("казахстанцев", "KZ"),
        ("Республики Казахстан", "KZ"),
    ],
)
def test_regions_in_any_case(text, code):
    assert [m.code for m in entities.find(text) if m.kind == "region"][0] == code


@pytest.mark.parametrize(
    "text, code",
    [
        ("в Россию", "RU"),
        ("в России", "RU"),
        ("в Республике Корея", "KR"),
        ("с Кореей", "KR"),
        ("Великобританию", "GB"),
        ("ОАЭ", "AE"),
        ("Турцию", "TR"),
        ("в Европе", "150"),
        ("стран Западной Европы", "155"),
        ("Саудовской Аравией", "SA"),
        ("Новой Зеландией", "NZ"),
        ("в Киргизию", "KG"),
        ("из Беларуси", "BY"),
    ],
)
def test_countries_in_any_case(text, code):
    assert [m.code for m in entities.find(text) if m.kind == "country"] == [code]


def test_adjectives_are_not_countries():
    assert [m for m in entities.find("Российский маршрут, турецкие компании") if m.kind == "country"] == []


@pytest.mark.parametrize(
    "text, code",
    [
        ("для сварщиков", "7212"),
        ("инженеров", "214"),
        ("сборщиков клубники", "9211"),
        ("водителей тяжелых грузовиков", "8332"),
        ("медицинским работникам", "22"),
        ("поварам", "5120"),
    ],
)
def test_occupations_in_any_case(text, code):
    assert [m.code for m in entities.find(text) if m.kind == "occupation"] == [code]


# ---------------------------------------------------------------- prose figures


def rows(text: str) -> list[tuple]:
    """The facts of a text (figures waiting for review are not facts)."""
    return [
        (f.indicator, float(f.value), f.period, f.region, f.country, f.occupation)
        for f in figures_in_text(text)
        if f.status == "fact"
    ]


def test_population_with_urban_and_rural_parts_in_another_region():
    text = (
        "Численность населения Костанайской области на 1 июля 2024 года составила 823,9 тыс. "
        "человек, в том числе 523,1 тыс. человек (63,5%) – городских, 300,8 тыс. человек "
        "(36,5%) – сельских жителей."
    )
    r = "390000000"
    assert rows(text) == [
        ("population", 823900, "2024-07-01", r, None, None),
        ("population_urban", 523100, "2024-07-01", r, None, None),
        ("population_urban_share", 63.5, "2024-07-01", r, None, None),
        ("population_rural", 300800, "2024-07-01", r, None, None),
        ("population_rural_share", 36.5, "2024-07-01", r, None, None),
    ]


def test_natural_decrease_and_relative_period():
    text = (
        "В Северо-Казахстанской области естественная убыль населения в январе–июне 2024г. "
        "составила 1 234 человека (в соответствующем периоде предыдущего года – 987 человек)."
    )
    assert rows(text) == [
        ("natural_increase", -1234, "2024-01/2024-06", "590000000", None, None),
        ("natural_increase", -987, "2023-01/2023-06", "590000000", None, None),
    ]


def test_net_migration_negative_by_words_and_year_before():
    assert rows("Сальдо миграции в Павлодарской области за 2023 год составило минус 6 946 человек.") == [
        ("net_migration", -6946, "2023", "550000000", None, None)
    ]
    assert rows(
        "Миграционная убыль населения г. Астаны в 2022 году составила 5 561 человек, годом ранее – 6 100 человек."
    ) == [
        ("net_migration", -5561, "2022", "710000000", None, None),
        ("net_migration", -6100, "2021", "710000000", None, None),
    ]
    assert rows("Сальдо миграции в 2020 году сложилось отрицательным и составило 1 500 человек.") == [
        ("net_migration", -1500, "2020", "KZ", None, None)
    ]
    assert rows("Отрицательное сальдо миграции в 2021 году составило 3 200 человек.") == [
        ("net_migration", -3200, "2021", "KZ", None, None)
    ]


def test_carry_stops_at_other_subjects_and_breakdowns():
    assert rows(
        "Естественный прирост населения в 2024 году составил 500 человек, число родившихся – 1 200, умерших – 700."
    ) == [("natural_increase", 500, "2024", "KZ", None, None)]
    assert rows(
        "В 2024 году из Акмолинской области выбыло 15 000 человек, в том числе за пределы республики – 3 000 человек."
    ) == [("departures", 15000, "2024", "110000000", None, None)]
    assert rows("Численность населения области за 2024 год увеличилась на 5,3 тыс. человек.") == []


def test_comparison_base_in_parentheses():
    assert rows(
        "В 2024 году из Мангистауской области выбыло 55 тыс. человек, что в 1,2 раза больше, "
        "чем в 2023 году (46 тыс. человек)."
    ) == [
        ("departures", 55000, "2024", "470000000", None, None),
        ("departures_growth_ratio", 1.2, "2024", "470000000", None, None),
        ("departures", 46000, "2023", "470000000", None, None),
    ]


def test_period_carries_to_the_next_sentence_of_a_paragraph_when_it_fits():
    assert rows(
        "В январе-марте 2025г. число прибывших в Атыраускую область составило 5 000 человек. "
        "Число выбывших – 6 000 человек."
    ) == [
        ("arrivals", 5000, "2025-01/2025-03", "230000000", None, None),
        ("departures", 6000, "2025-01/2025-03", "230000000", None, None),
    ]


def test_arrivals_and_departures_share_the_period():
    assert rows("В 2023 году в Карагандинскую область прибыло 12 345 человек, выбыло 15 678 человек.") == [
        ("arrivals", 12345, "2023", "350000000", None, None),
        ("departures", 15678, "2023", "350000000", None, None),
    ]


def test_period_and_subject_carry_over_a_list():
    text = (
        "Численность рабочей силы в Карагандинской области в 2023 году составляла 690,4 "
        "тыс.человек, в 2018 году 702,8 тыс. человек и в 2010 году 715,0 тыс.человек."
    )
    assert rows(text) == [
        ("labour_force", v, y, "350000000", None, None)
        for v, y in ((690400, "2023"), (702800, "2018"), (715000, "2010"))
    ]


def test_region_carries_to_the_next_sentence():
    text = (
        "Численность населения Актюбинской области на 1 марта 2025г. составила 951,2 тыс. человек. "
        "Естественный прирост населения в январе-феврале 2025г. составил 2 105 человек."
    )
    assert rows(text)[1] == ("natural_increase", 2105, "2025-01/2025-02", "150000000", None, None)


def test_one_verb_shared_by_a_list_of_countries():
    text = (
        "В 2023 году 2 310 казахстанцев выехали на работу в Германию, 1 050 – в Польшу, "
        "870 – в Южную Корею и 45 600 – в Российскую Федерацию."
    )
    assert rows(text) == [
        ("labour_emigration", v, "2023", "KZ", c, None)
        for v, c in ((2310, "DE"), (1050, "PL"), (870, "KR"), (45600, "RU"))
    ]


def test_labour_emigration_national_with_carried_subject():
    assert rows("В 2022 году за рубеж на работу выехали 85 000 граждан, в 2023 году – 92 000.") == [
        ("labour_emigration", 85000, "2022", "KZ", None, None),
        ("labour_emigration", 92000, "2023", "KZ", None, None),
    ]


def test_wage_ranges_for_occupations_abroad():
    text = (
        "В Германии предлагают оклад от 900 тыс. до 1,2 млн тенге для поваров, "
        "от 2 до 2,5 млн тенге – для медицинских работников."
    )
    assert rows(text) == [
        ("wage_offer_min", 900000, None, None, "DE", "5120"),
        ("wage_offer_max", 1200000, None, None, "DE", "5120"),
        ("wage_offer_min", 2000000, None, None, "DE", "22"),
        ("wage_offer_max", 2500000, None, None, "DE", "22"),
    ]


def test_growth_ratio_takes_the_later_period():
    assert rows("В 2023 году из Костанайской области выбыло в 1,2 раза больше людей, чем в 2022 году.") == [
        ("departures_growth_ratio", 1.2, "2023", "390000000", None, None)
    ]


def test_share_phrased_directly_and_percent_changes_ignored():
    assert rows("Доля сельского населения Жамбылской области на начало 2024 года составила 51,9%.") == [
        ("population_rural_share", 51.9, "2024-01-01", "310000000", None, None)
    ]
    assert rows("Численность населения области выросла на 1,5% за год.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Концепция миграционной политики на 2023-2027 годы одобрена.",
        "За последние 5 лет процесс значительно активизировался.",
        "За 2000-2024 годы выбывших стало больше[1].",
        "С 2003 года по 2015 годы наблюдалась стабилизация выбывающих.",
        "1. Повышение заработных плат для рабочих специальностей.",
        "Подробнее: https://stat.gov.kz/ru/news/2024/12345 и www.inform.kz/ru/a4093311.",
        "Рабочая сила в возрасте 15-64 лет и 15 лет и старше.",
        "Таблица 3. Численность населения по регионам.",
        "Число выбывших из Акмолинской области",  # a chart caption
        "В 2024 году было подписано соглашение с Катаром о 3 направлениях сотрудничества.",
        "Уровень безработицы составил 4,7%.",
    ],
)
def test_non_figures(text):
    assert figures_in_text(text) == []


# ---------------------------------------------------------------- PDFs


def test_pdf_with_line_breaks_inside_numbers_and_words(tmp_path):
    pdf = prose_pdf(
        tmp_path / "breaks.pdf",
        [
            [
                "Численность населения Карагандинской области на 1 января 2025 года составила 1 130,8\n"
                "тыс. человек. Число выбывших из области в 2024 году составило 40,6\nтыс. человек,"
                " прибывших – 6\n595 человек.",
                "Естественный прирост населения в январе–марте 2025 г. составил 2 \nтыс. человек, "
                "в том числе городского населения – 1\u00a0150 человек. Низко-\nквалифицированные "
                "работники уезжают.",
            ]
        ],
    )
    got = [(f.indicator, f.value, f.period, f.region, f.page) for f in extract_figures(pdf)]
    r = "350000000"
    assert got == [
        ("population", 1130800, "2025-01-01", r, 1),
        ("departures", 40600, "2024", r, 1),
        ("arrivals", 6595, "2024", r, 1),
        ("natural_increase", 2000, "2025-01/2025-03", r, 1),
        # "в том числе городского населения – 1 150": an urban part of a flow, not in the vocabulary
    ]


def test_pdf_sentence_across_pages_and_captions(tmp_path):
    header = "Бюро национальной статистики АСПиР РК"
    pdf = prose_pdf(
        tmp_path / "pages.pdf",
        [
            [
                header,
                "~Число выбывших из Костанайской области, 2019-2024",
                "Численность населения г. Алматы на 1 апреля 2025г. составила",
            ],
            [
                header,
                "~Рисунок 2. Численность населения г. Алматы, тыс. человек",
                "2 228,7      2 291,4      2 330,0",
                "2023      2024      2025",
                "2 330,0 тыс. человек.[2]",
                "Сальдо миграции в Костанайской области в 2024 году сложилось отрицательным: минус 6 946 человек.",
            ],
        ],
    )
    got = [(f.indicator, f.value, f.period, f.region, f.page) for f in extract_figures(pdf)]
    assert got == [
        # the chart's data labels are figures (GUIDE §11), a stock by year on its 1 January
        ("population", 2228700, "2023-01-01", "750000000", 2),
        ("population", 2291400, "2024-01-01", "750000000", 2),
        ("population", 2330000, "2025-01-01", "750000000", 2),
        ("population", 2330000, "2025-04-01", "750000000", 2),
        ("net_migration", -6946, "2024", "390000000", 2),
    ]


def test_pdf_superscript_footnote_marks_do_not_touch_numbers(tmp_path):
    from fixtures_pdf import new_pdf

    pdf = new_pdf()
    pdf.add_page()
    for text, sup in (
        ("Численность населения Костанайской области", "2"),
        (" на 1 января 2025 года составила 823,9", "1"),
        (" тыс. человек.", ""),
    ):
        pdf.write(6, text)
        if sup:
            pdf.char_vpos = "SUP"
            pdf.write(6, sup)
            pdf.char_vpos = "LINE"
    pdf.output(str(tmp_path / "sup.pdf"))
    [f] = extract_figures(tmp_path / "sup.pdf")
    assert (f.indicator, f.value, f.period, f.region, f.precision) == (
        "population",
        823900,
        "2025-01-01",
        "390000000",
        100,
    )


@pytest.mark.parametrize(
    "text, country, occupation, low, high",
    [
        ("Повара в Катаре получают от 600 до 900 тыс. тенге.", "QA", "5120", 600000, 900000),
        ("В Германии водителям грузовиков предлагают от 900 тыс. до 1,2 млн тенге.", "DE", "8332", 900000, 1200000),
    ],
)
def test_wage_offers_stated_by_verbs_of_paying(text, country, occupation, low, high):
    got = {(f.indicator, float(f.value), f.country, f.occupation) for f in figures_in_text(text)}
    assert got == {("wage_offer_min", low, country, occupation), ("wage_offer_max", high, country, occupation)}


def test_verbs_of_paying_without_tenge_are_not_wages():
    assert figures_in_text("В 2024 году 5 тыс. граждан получили разрешение на работу в Корее.") == []


def test_a_span_of_years_no_date_anchors_waits_for_review():
    text = (
        "На 1 февраля 2019 г. в Мангистауской области проживали 698 тыс. человек. "
        "Численность населения области за двадцать лет увеличилась с 319,2 до 719,6 тыс. человек."
    )
    figs = figures_in_text(text)
    assert [(f.value, f.status) for f in figs if f.value == 698000] == [(698000, "fact")]
    assert all(f.status == "review" for f in figs if f.value in (319200, 719600))
    assert any(f.value == 719600 for f in figs)  # kept for review, not lost


def test_the_same_date_is_the_date_of_the_level_before():
    text = (
        "Первое место у Алматы – на 1 ноября 2024 года там насчитывалось 2 280 296 жителей. "
        "Дальше идут Астана – 1 511 807 и Шымкент – 1 249 581. "
        "Алматинская область на ту же дату насчитывала 1 554 695 жителей."
    )
    assert rows(text) == [
        ("population", v, "2024-11-01", r, None, None)
        for v, r in ((2280296, "750000000"), (1511807, "710000000"), (1249581, "790000000"), (1554695, "190000000"))
    ]


def test_a_place_of_the_country_left_unnamed_is_not_the_country():
    text = (
        "На 1 июня 2019 года в третьем мегаполисе страны проживали 1 022 449 человек. "
        "Естественный прирост за январь–май 2019 года составил 8 900 человек."
    )
    figs = figures_in_text(text)
    assert [f.value for f in figs] == [1022449, 8900]
    assert all(f.status == "review" for f in figs)  # which city: a reader decides, not the default


def test_a_task_set_in_the_infinitive_is_no_figure():
    assert rows("Обеспечить к 2025 году рост доли городского населения области до 50%.") == []


def test_those_who_left_the_region():
    assert rows("За январь–июнь 2020 года число убывших из Кызылординской области составило 12 152 человека.") == [
        ("departures", 12152, "2020-01/2020-06", "430000000", None, None)
    ]


def test_a_month_in_brackets_under_the_title_dates_the_issue_not_the_figures(tmp_path):
    pdf = prose_pdf(
        tmp_path / "issue.pdf",
        [
            [
                "Информация о демографической ситуации в Кызылординской области за январь–июнь 2020 года",
                "к заседанию акимата области (август 2020 г.)",
                "Естественный прирост населения сложился в размере 7 703 человек.",
            ]
        ],
    )
    got = [(f.indicator, f.value, f.period) for f in extract_figures(pdf) if f.status == "fact"]
    assert got == [("natural_increase", 7703, "2020-01/2020-06")]


def test_workers_named_in_the_sentence_are_not_the_occupation_of_the_text_before():
    text = (
        "Сварщикам на судоверфи в Румынии предлагают от 560 до 780 тыс. тенге в месяц.\n\n"
        "На стройках Польши разнорабочим и отделочникам платят от 700 тыс. до 1 млн тенге."
    )
    got = [(f.indicator, f.value, f.country, f.occupation) for f in figures_in_text(text)]
    assert got == [
        ("wage_offer_min", 560000, "RO", "7212"),
        ("wage_offer_max", 780000, "RO", "7212"),
        ("wage_offer_min", 700000, "PL", None),
        ("wage_offer_max", 1000000, "PL", None),
    ]


@pytest.mark.parametrize(
    "text, want",
    [
        (
            "За 2022 год родившихся оказалось больше, чем умерших, на 268 791 человек.",
            ("natural_increase", 268791, "2022"),
        ),
        (
            "За счёт переселенцев численность в 2023 году увеличилась на 6 404 человека.",
            ("net_migration", 6404, "2023"),
        ),
    ],
)
def test_a_difference_stated_last_is_the_balance(text, want):
    assert rows(text) == [want + ("KZ", None, None)]


def test_parts_by_nationality_and_changes_in_words_are_not_levels():
    text = (
        "По итогам 2019 года из Казахстана выехали 45,2 тыс. человек. Среди уехавших больше всего "
        "русских (32,8 тыс.), немцев (3,1 тыс.). На 1 января 2020 года в сельской местности проживали "
        "7 млн 600 тыс. человек; сельское население за год почти не изменилось (плюс 1 078)."
    )
    assert rows(text) == [
        ("departures", 45200, "2019", "KZ", None, None),
        ("population_rural", 7600000, "2020-01-01", "KZ", None, None),
    ]


def test_a_change_from_one_level_to_another_with_no_date_of_its_own_waits_for_review(tmp_path):
    pdf = prose_pdf(
        tmp_path / "span.pdf",
        [
            [
                "Оценка на 1 февраля 2019 г.",
                "В Западно-Казахстанской области доля городского населения выросла с 40,8 до 52,7%.",
            ]
        ],
    )
    figs = extract_figures(pdf)
    assert [(f.value, f.status) for f in figs] == [(52.7, "review")]


def test_a_parenthesis_does_not_hand_its_indicator_to_the_next_item():
    text = (
        "На 1 марта 2020 года численность населения Казахстана – 18 671 893 чел. "
        "Прибавили все три мегаполиса: Нур-Султан – 1 144 755 чел. (за два месяца +8 747, естественный "
        "прирост 3 792), Алматы – 1 927 672 чел. (+10 890, естественный прирост 3 230)."
    )
    got = [(f.indicator, f.value, f.region) for f in figures_in_text(text)]
    assert ("natural_increase", 1927672, "750000000") not in got
    assert ("population", 1927672, "750000000") in got


def test_a_country_joined_to_a_group_is_no_single_country():
    text = (
        "По итогам первого полугодия 2025 года за рубежом трудились 126 531 человек: около 102 тыс. — в России, "
        "около 2 тыс. — в Великобритании и странах Евросоюза."
    )
    assert [(f.value, f.country) for f in figures_in_text(text)] == [(126531, None), (102000, "RU")]


def test_the_country_named_earlier_in_the_sentence_beats_the_documents_region(tmp_path):
    pdf = prose_pdf(
        tmp_path / "kz.pdf",
        [
            [
                "Трудовая миграция: Актюбинская область",
                "В 2023 году на работу за границу уехали 191 000 казахстанцев, а в 2024 году - 140 521.",
            ]
        ],
    )
    got = [(f.indicator, f.value, f.period, f.region) for f in extract_figures(pdf)]
    assert got == [("labour_emigration", 191000, "2023", "KZ"), ("labour_emigration", 140521, "2024", "KZ")]
