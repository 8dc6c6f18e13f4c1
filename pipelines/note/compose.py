"""The note's text: sentences in the genre of the analyst's note, each written only when the marts
hold its figures (a sentence whose data is missing is left out, never filled with a guess), every
figure followed by a footnote that traces it to its source, vintage, file and cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pipelines.note import russian as ru
from pipelines.note.data import NoteData

BUREAU = "Бюро национальной статистики"


@dataclass
class Figure:
    """One figure as the note writes it; `value` is what the words say (787,3 тыс. → 787300)."""

    number: int  # its footnote
    indicator: str
    value: float
    period: str | None
    region: str | None
    country: str | None
    source_kind: str  # official, document, or derived (computed here from official figures)
    text: str


@dataclass
class Paragraph:
    parts: list  # str or Figure (a Figure is its text followed by its footnote mark)
    kind: str = "body"  # body, or chart: the caption under a chart

    def plain(self, marks: bool = True) -> str:
        return "".join(p if isinstance(p, str) else p.text + (f"[{p.number}]" if marks else "") for p in self.parts)


@dataclass
class Note:
    region: str
    region_name_ru: str
    year: int
    title: str
    blocks: list  # Paragraph, or the name of a chart ("destinations", "departures")
    footnotes: list[str]
    figures: list[Figure]
    annex: list[dict]
    chart_titles: dict = field(default_factory=dict)


class _Draft:
    def __init__(self):
        self.footnotes: list[str] = []
        self.figures: list[Figure] = []

    def fig(self, text: str, value: float, o: dict, indicator: str | None = None, note: str | None = None) -> Figure:
        self.footnotes.append(note or source_note(o))
        f = Figure(
            number=len(self.footnotes),
            indicator=indicator or o["indicator"],
            value=value,
            period=o["period"],
            region=o["region"],
            country=o["country"],
            source_kind=o["source_kind"] if not note else "derived",
            text=text,
        )
        self.figures.append(f)
        return f

    def persons(self, o: dict, style: str = "thousands") -> Figure:
        """A count of persons: '787,3 тыс. человек' or '369 человек'."""
        v = float(o["value"])
        if style == "thousands":
            return self.fig(f"{ru.thousands(v)}{ru.NBSP}человек", ru.thousands_value(v), o)
        return self.fig(f"{ru.count(v)}{ru.NBSP}{ru.agree('человек', v)}", round(v), o)


def _day(v) -> str:
    return v.strftime("%d.%m.%Y") if isinstance(v, date) else str(v or "")


def source_note(o: dict) -> str:
    """Source, vintage, file and cell. The table's title stands in a sentence of its own, apart from
    the row numbers, so that nobody (and no extractor) reads "строка 105" as a count of people."""
    if o["source_kind"] == "official":
        return f"{_table(o)} {_cell(o)}; выгрузка от {_day(o['vintage'])}."
    return f"Документ «{o['file']}» от {_day(o['vintage'])}, страница {o['page']}, позиция {o['position']}."


def derived_note(what: str, parts: list[dict]) -> str:
    """A figure computed here from the bureau's: its table(s), then the cells it was computed from."""
    tables = list(dict.fromkeys(_table(o) for o in parts))
    cells = "; ".join(_cell(o)[0].lower() + _cell(o)[1:] + f" (выгрузка от {_day(o['vintage'])})" for o in parts)
    return f"{' '.join(tables)} Расчёт: {what}. Значения: {cells}."


def _table(o: dict) -> str:
    return f"{BUREAU}: «{o['source_title']}», {o['source_id']}."


def _cell(o: dict) -> str:
    sheet = f"лист «{o['sheet']}», " if o["sheet"] else ""
    return f"Файл raw/{o['file']}, {sheet}строка {o['sheet_row']}, столбец {o['sheet_col']}"


# --- the sentences ---------------------------------------------------------------------------------


def _emigration_totals(d: NoteData, w: _Draft) -> Paragraph | None:
    rows = [o for o in d.series("labour_emigration", region="KZ") if o["year"] <= d.year][-2:]
    if not rows:
        return None
    first = rows[0]
    v = float(first["value"])
    parts = [
        f"В {first['year']} году на работу за границу {ru.verb_agree('уехали', 'уехал', v)} ",
        w.fig(ru.count(v), round(v), first),
        f" {ru.agree('казахстанец', v)}",
    ]
    if len(rows) == 2:
        second = rows[1]
        parts += [f", а в {second['year']} году - ", w.fig(ru.count(second["value"]), round(second["value"]), second)]
    return Paragraph(parts + ["."])


def _named_destinations(d: NoteData) -> list[dict]:
    return [r for r in d.destinations if not r["is_remainder"] and r["country_name_ru"]]


def _destination_names(d: NoteData) -> Paragraph | None:
    names = [r["country_name_ru"] for r in _named_destinations(d)]
    if len(names) < 2:
        return None
    return Paragraph([f"Среди основных направлений: {', '.join(names[:-1])} и {names[-1]}."])


def _destination_figures(d: NoteData, w: _Draft) -> Paragraph | None:
    rows = [(r, d.get("labour_emigration", str(d.year), "KZ", r["country_code"])) for r in _named_destinations(d)]
    rows = [(r, o) for r, o in rows if o is not None]
    if not rows:
        return None
    (r0, o0), rest = rows[0], rows[1:]
    v0 = float(o0["value"])
    parts = [
        f"Только в {d.year} году ",
        w.fig(ru.count(v0), round(v0), o0),
        f" {ru.agree('казахстанец', v0)} {ru.verb_agree('поехали', 'поехал', v0)} в {ru.inflect_name(r0['country_name_ru'], 'accs')}",
    ]
    for i, (r, o) in enumerate(rest):
        parts += [
            " и " if i == len(rest) - 1 else ", ",
            w.fig(ru.count(o["value"]), round(o["value"]), o),
            f" - в {ru.inflect_name(r['country_name_ru'], 'accs')}",
        ]
    return Paragraph(parts + ["."])


def _population(d: NoteData, w: _Draft) -> Paragraph | None:
    limit = date(d.year + 1, 1, 1)
    rows = [o for o in d.series("population", kind="date") if o["period_start"] <= limit]
    if not rows:
        return None
    total = rows[-1]
    at = total["period_start"]
    where = ru.inflect_name(d.region_name_ru, "gent")
    lead = f"Согласно данным {ru.inflect_name(BUREAU, 'gent')}, ч" if total["source_kind"] == "official" else "Ч"
    parts = [f"{lead}исленность населения {where} на {ru.day_month(at)} составила ", w.persons(total)]
    urban, rural = d.get("population_urban", total["period"]), d.get("population_rural", total["period"])
    if urban and rural and urban["value"] > 0 and rural["value"] > 0:
        parts.append(", в том числе ")
        for i, (o, label, share) in enumerate(
            ((urban, "городских", "population_urban_share"), (rural, "сельских жителей", "population_rural_share"))
        ):
            pct = 100 * float(o["value"]) / float(total["value"])
            note = (
                derived_note("первое значение к второму, в процентах", [o, total])
                if o["source_kind"] == total["source_kind"] == "official"
                else None
            )
            if note is None:  # a share is written only where both counts are the bureau's
                parts += [w.persons(o), f" – {label}"]
            else:
                share_fig = w.fig(f"{ru.decimal(pct)}%", float(ru.rounded(pct, 1)), o, indicator=share, note=note)
                parts += [w.persons(o), " (", share_fig, f") – {label}"]
            parts.append(", " if i == 0 else "")
    return Paragraph(parts + ["."])


def _natural_increase(d: NoteData, w: _Draft) -> Paragraph | None:
    rows = [o for o in d.series("natural_increase") if o["year"] <= d.year]
    when = lambda o: f"в {o['year']} году"  # noqa: E731
    if not rows:  # a part of the year (январь–март), as the bureau's monthly releases state it
        rows = [o for o in d.series("natural_increase", kind="months") if ru.months(o["period"])]
        when = lambda o: f"в {ru.months(o['period'])}"  # noqa: E731
    if not rows:
        return None
    last = rows[-1]
    v = float(last["value"])
    word = "Естественный прирост населения" if v >= 0 else "Естественная убыль населения"
    verb = "составил" if v >= 0 else "составила"
    w_last = w.fig(
        f"{ru.count(abs(v))}{ru.NBSP}{ru.agree('человек', abs(v))}", abs(round(v)) * (1 if v >= 0 else -1), last
    )
    parts = [f"{word} {when(last)} {verb} ", w_last]
    prev = _year_before(rows, last)
    if prev is not None and (prev["value"] >= 0) == (v >= 0):
        pv = float(prev["value"])
        same = (
            "в соответствующем периоде предыдущего года"
            if last["period_kind"] == "months"
            else f"в {prev['year']} году"
        )
        parts += [
            f" ({same} - ",
            w.fig(
                f"{ru.count(abs(pv))}{ru.NBSP}{ru.agree('человек', abs(pv))}",
                abs(round(pv)) * (1 if pv >= 0 else -1),
                prev,
            ),
            ")",
        ]
    return Paragraph(parts + ["."])


def _year_before(rows: list[dict], last: dict) -> dict | None:
    start, end = last["period_start"], last["period_end"]
    for o in rows:
        if o["period_start"] == start.replace(year=start.year - 1) and o["period_end"] == end.replace(
            year=end.year - 1
        ):
            return o
    return None


def _labour_force(d: NoteData, w: _Draft) -> Paragraph | None:
    rows = {o["year"]: o for o in d.series("labour_force") if o["year"] <= d.year}
    if d.year not in rows:
        return None
    years = [d.year] + [y for y in (d.year - 5, min(rows)) if y in rows and y != d.year]
    years = list(dict.fromkeys(years))
    where = ru.inflect_name(d.region_name_ru, "loct")
    parts = [f"При этом, численность рабочей силы в {where} в {years[0]} году составляла ", w.persons(rows[years[0]])]
    for y in years[1:]:
        parts += [f", в {y} году ", w.persons(rows[y])]
    return Paragraph(parts + ["."])


def _labour_force_trend(d: NoteData) -> Paragraph | None:
    """'начиная с 2022 года наблюдается снижение рабочей силы' when it fell every year since (3 years at least)."""
    rows = [o for o in d.series("labour_force") if o["year"] <= d.year]
    if len(rows) < 3 or rows[-1]["year"] != d.year:
        return None
    falling = rows[-1]["value"] < rows[-2]["value"]
    start = len(rows) - 1
    while (
        start > 0
        and rows[start - 1]["year"] == rows[start]["year"] - 1
        and (rows[start]["value"] < rows[start - 1]["value"]) == falling
    ):
        start -= 1
    if d.year - rows[start]["year"] < 2:
        return None
    return Paragraph(
        [
            f"По {ru.inflect_name(d.region_name_ru, 'datv')} начиная с {rows[start]['year']} года наблюдается "
            f"{'снижение' if falling else 'рост'} рабочей силы."
        ]
    )


def _departures(d: NoteData, w: _Draft) -> Paragraph | None:
    rows = [r for r in d.trend if r["departures"] is not None]
    if not rows:
        return None
    top = sorted(rows, key=lambda r: -r["departures"])[:3]
    obs = [d.get("departures", str(r["year"])) for r in top]
    if any(o is None for o in obs):
        return None
    where = ru.inflect_name(d.region_name_ru, "datv")
    complete = len(rows) == rows[-1]["year"] - rows[0]["year"] + 1
    if complete and len(rows) > len(top):  # every year known: the largest are the largest
        parts = [
            f"Уровень миграции по {where} за {rows[0]['year']}-{rows[-1]['year']} годы показывает, что "
            f"наибольшее выбытие населения зафиксировано"
        ]
    else:  # a series with gaps: only what is known, without ranking it
        parts = [f"Выбытие населения по {where} зафиксировано"]
    for i, o in enumerate(obs):
        parts += [(" и" if i and i == len(obs) - 1 else ",") if i else "", f" в {o['year']} году ", w.persons(o)]
    return Paragraph(parts + ["."])


def _departures_ratio(d: NoteData, w: _Draft) -> Paragraph | None:
    """'выбыло в 1,4 раза больше людей, чем в 2023 году': computed from two consecutive official
    years, else a document's own claim; only a growth (a fall is in the departures sentence)."""
    row = next((r for r in d.trend if r["year"] == d.year), None)
    if row is None:
        return None
    cur, prev = d.get("departures", str(d.year)), d.get("departures", str(d.year - 1))
    if (
        row["ratio_to_previous_year"] is not None
        and cur
        and prev
        and cur["source_kind"] == prev["source_kind"] == "official"
    ):
        ratio = float(row["ratio_to_previous_year"])
        note = derived_note(f"число выбывших за {d.year} год к числу выбывших за {d.year - 1} год", [cur, prev])
        base = {**cur, "indicator": "departures_growth_ratio"}
    else:
        o = d.get("departures_growth_ratio", str(d.year))
        if o is None:
            return None
        ratio, note, base = float(o["value"]), None, o
    if ratio < 1.05:
        return None
    said = float(ru.rounded(ratio, 1))
    f = w.fig(
        f"{ru.decimal(ratio)} {ru.agree('раз', said)}", said, base, indicator="departures_growth_ratio", note=note
    )
    return Paragraph(
        [
            f"В {d.year} году из {ru.inflect_name(d.region_name_ru, 'gent')} выбыло в ",
            f,
            f" больше людей, чем в {d.year - 1} году.",
        ]
    )


def _net_migration(d: NoteData, w: _Draft) -> Paragraph | None:
    """Net migration in the bureau's words: миграционный прирост / миграционная убыль (the sign in words)."""
    rows = {o["year"]: o for o in d.series("net_migration") if o["year"] <= d.year}
    if d.year not in rows:
        return None

    def said(o):
        v = abs(float(o["value"]))
        return w.fig(f"{ru.count(v)}{ru.NBSP}{ru.agree('человек', v)}", round(float(o["value"])), o)

    cur = rows[d.year]
    gain = cur["value"] >= 0
    head = "Миграционный прирост населения" if gain else "Миграционная убыль населения"
    parts = [
        f"{head} {ru.inflect_name(d.region_name_ru, 'gent')} в {d.year} году {'составил' if gain else 'составила'} ",
        said(cur),
    ]
    prev = rows.get(d.year - 1)
    if prev is not None and (prev["value"] >= 0) == gain:
        parts += [f" (в {d.year - 1} году - ", said(prev), ")"]
    return Paragraph(parts + ["."])


def _in_text_order(blocks: list, footnotes: list[str]) -> list[str]:
    """Number the footnotes as the reader meets the figures (a sentence may build them out of order)."""
    ordered = []
    for block in blocks:
        for part in block.parts if isinstance(block, Paragraph) else []:
            if isinstance(part, Figure):
                ordered.append(footnotes[part.number - 1])
                part.number = len(ordered)
    return ordered


def compose(d: NoteData) -> Note:
    w = _Draft()
    gent = ru.inflect_name(d.region_name_ru, "gent")
    chart_titles = {
        "destinations": f"Основные направления трудовых мигрантов в {d.year} году",
        "departures": f"Число выбывших из {gent}",
    }
    blocks: list = []
    # the country's emigration is one paragraph, as in the analyst's note: its sentences read together
    national = [p for p in (_emigration_totals(d, w), _destination_names(d), _destination_figures(d, w)) if p]
    if national:
        blocks.append(Paragraph([part for i, p in enumerate(national) for part in ([" "] if i else []) + p.parts]))
    if any(not r["is_remainder"] for r in d.destinations):
        blocks += ["destinations", Paragraph([chart_titles["destinations"]], kind="chart")]
    regional = [
        _population(d, w),
        _natural_increase(d, w),
        _labour_force(d, w),
        _labour_force_trend(d),
        _departures(d, w),
        _departures_ratio(d, w),
        _net_migration(d, w),
    ]
    blocks += [p for p in regional if p]
    if any(r["departures"] is not None for r in d.trend):
        blocks += ["departures", Paragraph([chart_titles["departures"]], kind="chart")]
    if not w.figures:
        from pipelines.note.data import NoteError

        raise NoteError(f"the marts hold no figure for {d.region} ({d.region_name_ru}) to write a note with")
    footnotes = _in_text_order(blocks, w.footnotes)
    return Note(
        region=d.region,
        region_name_ru=d.region_name_ru,
        year=d.year,
        title=f"Трудовая миграция: {d.region_name_ru}",
        blocks=blocks,
        footnotes=footnotes,
        figures=sorted(w.figures, key=lambda f: f.number),
        annex=d.claims,
        chart_titles=chart_titles,
    )
