"""The note's text: sentences in the genre of the analyst's note, each written only when the marts
hold its figures (a sentence whose data is missing is left out, never filled with a guess), every
figure followed by a footnote that traces it to its source, vintage, file and cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pipelines.outputs.note import russian as ru
from pipelines.outputs.note.data import NoteData

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
    return ru.short_date(v) if isinstance(v, date) else str(v or "")


def source_note(o: dict) -> str:
    """As an analyst cites: the bureau's table by its title, element id and release date; a
    document by its title, date and page (no file path, no hash, no row numbers)."""
    if o["source_kind"] == "official":
        return _table(o) + "."
    return f"{_document(o)}."


def derived_note(what: str, parts: list[dict]) -> str:
    """A figure computed here from the bureau's: what was computed, then the tables it was computed from."""
    tables = list(dict.fromkeys(_table(o) for o in parts))
    return f"Расчёт по данным БНС: {what}. {'; '.join(tables)}."


def _table(o: dict) -> str:
    element = f" (эл. {o['element_id']})" if o.get("element_id") else ""
    return f"БНС, таблица «{_title(o['source_title'])}»{element}, выпуск от {_day(o['vintage'])}"


def _title(title: str | None) -> str:
    return (title or "").removesuffix(" (человек)")  # the unit is the figure's own


def _document(o: dict) -> str:
    page = f", с. {o['page']}" if o.get("page") is not None else ""
    return f"Документ {document_named(o['source_title'], o['file'])} от {_day(o['vintage'])}{page}"


def document_named(title: str | None, name: str | None) -> str:
    """«title» (file): the title a reader knows a document by, then the file it is kept as (left
    out when it is the title); the file alone when the document has no title."""
    title = title or name or ""
    return f"«{title}» ({name})" if name and name != title else f"«{title}»"


def border_caveat(d: NoteData, rows: list[dict]) -> str | None:
    """A sentence for a series that spans a change of the region's borders (the seeds' 2018 and
    2022 changes): its figures before and after the date describe different territories."""
    starts = [o["period_start"] for o in rows if o.get("period_start") is not None]
    ends = [o.get("period_end") or o["period_start"] for o in rows if o.get("period_start") is not None]
    if len(rows) < 2 or not starts:
        return None
    first, last = min(_as_date(v) for v in starts), max(_as_date(v) for v in ends)
    said = []
    for c in d.changes:
        if not (first < c["date"] <= last):
            continue
        verb = "выделен" if c["new"].startswith("город ") else "выделена"  # город Шымкент; (Абайская) область
        said.append(f"{ru.day_month(c['date'])} из состава {ru.inflect_name(c['parent'], 'gent')} {verb} {c['new']}")
    if not said:
        return None
    return (
        f"Сопоставление лет условно: {'; '.join(said)}, поэтому показатели до и после "
        f"{'этой даты' if len(said) == 1 else 'этих дат'} относятся к разной территории."
    )


def _as_date(v) -> date:
    return v.date() if hasattr(v, "date") and callable(v.date) else v


# --- the sentences ---------------------------------------------------------------------------------

# "занимает двенадцатое место": an ordinal in words (a numeral here would read as a figure)
_ORDINALS = (
    "первое второе третье четвёртое пятое шестое седьмое восьмое девятое десятое одиннадцатое двенадцатое "
    "тринадцатое четырнадцатое пятнадцатое шестнадцатое семнадцатое восемнадцатое девятнадцатое двадцатое "
    "двадцать_первое двадцать_второе двадцать_третье двадцать_четвёртое двадцать_пятое"
).split()


def _place(d: NoteData, indicator: str, by: str) -> str:
    """'По сальдо миграции область занимает десятое место среди регионов страны.'"""
    rank = d.ranks.get(indicator)
    if not rank or rank[0] > len(_ORDINALS):
        return ""
    place, of = rank
    where = "последнее" if place == of and of > 1 else _ORDINALS[place - 1].replace("_", " ")
    who = "город" if d.region_name_ru.startswith("город ") else "область"
    return f"По {by} {who} занимает {where} место среди регионов страны"


def _emigration_totals(d: NoteData, w: _Draft) -> Paragraph | None:
    rows = [o for o in d.series("labour_emigration", region="KZ") if o["year"] <= d.year][-2:]
    if not rows:
        return None
    first = rows[0]
    v = float(first["value"])
    parts = [
        f"В целом по стране в {first['year']} году на работу за границу {ru.verb_agree('уехали', 'уехал', v)} ",
        w.fig(ru.count(v), round(v), first),
        f" {ru.agree('казахстанец', v)}",
    ]
    if len(rows) == 2:
        second = rows[1]
        parts += [f", а в {second['year']} году — ", w.fig(ru.count(second["value"]), round(second["value"]), second)]
    return Paragraph(parts + ["."])


def _named_destinations(d: NoteData) -> list[dict]:
    return [r for r in d.destinations if not r["is_remainder"] and r["country_name_ru"]]


def _destination_names(d: NoteData) -> Paragraph | None:
    names = [r["country_name_ru"] for r in _named_destinations(d)]
    if len(names) < 2:
        return None
    return Paragraph([f"Основные направления — {', '.join(names[:-1])} и {names[-1]}."])


def _population(d: NoteData, w: _Draft) -> Paragraph | None:
    limit = date(d.year + 1, 1, 1)
    rows = [o for o in d.series("population", kind="date") if o["period_start"] <= limit]
    if not rows:
        return None
    total = rows[-1]
    at = total["period_start"]
    where = ru.inflect_name(d.region_name_ru, "gent")
    parts = [f"Численность населения {where} на {ru.day_month(at)} составила ", w.persons(total)]
    urban, rural = d.get("population_urban", total["period"]), d.get("population_rural", total["period"])
    if urban and rural and urban["value"] > 0 and rural["value"] > 0:
        parts.append(", в том числе ")
        for i, (o, label, share) in enumerate(
            ((urban, "городских", "population_urban_share"), (rural, "сельских жителей", "population_rural_share"))
        ):
            pct = 100 * float(o["value"]) / float(total["value"])
            note = (
                derived_note(
                    f"доля {label.split()[0]} жителей в численности населения, %",
                    [o, total],
                )
                if o["source_kind"] == total["source_kind"] == "official"
                else None
            )
            if note is None:  # a share is written only where both counts are the bureau's
                parts += [w.persons(o), f" — {label}"]
            else:
                share_fig = w.fig(f"{ru.decimal(pct)}%", float(ru.rounded(pct, 1)), o, indicator=share, note=note)
                parts += [w.persons(o), " (", share_fig, f") — {label}"]
            parts.append(", " if i == 0 else "")
    place = _place(d, "population", "численности населения")
    return Paragraph(parts + ["."] + ([f" {place}."] if place else []))


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
            f" ({same} — ",
            w.fig(
                f"{ru.count(abs(pv))}{ru.NBSP}{ru.agree('человек', abs(pv))}",
                abs(round(pv)) * (1 if pv >= 0 else -1),
                prev,
            ),
            ")",
        ]
    caveat = border_caveat(d, [last, prev] if prev is not None else [last])
    return Paragraph(parts + ["."] + ([f" {caveat}"] if caveat else []))


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
    parts = [f"Численность рабочей силы в {where} в {years[0]} году составила ", w.persons(rows[years[0]])]
    for y in years[1:]:
        parts += [f", в {y} году — ", w.persons(rows[y])]
    parts.append(".")
    trend = _labour_force_trend(d)
    if trend:
        parts.append(f" {trend}")
    caveat = border_caveat(d, [rows[y] for y in years] + (d.series("labour_force") if trend else []))
    return Paragraph(parts + ([f" {caveat}"] if caveat else []))


def _labour_force_trend(d: NoteData) -> str | None:
    """'Начиная с 2022 года рабочая сила сокращается' when it fell every year since (3 years at least)."""
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
    return f"Начиная с {rows[start]['year']} года рабочая сила {'сокращается' if falling else 'растёт'} ежегодно."


def _departures(d: NoteData, w: _Draft) -> Paragraph | None:
    rows = [r for r in d.trend if r["departures"] is not None]
    if not rows:
        return None
    top = sorted(rows, key=lambda r: -r["departures"])[:3]
    obs = [d.get("departures", str(r["year"])) for r in top]
    if any(o is None for o in obs):
        return None
    where = ru.inflect_name(d.region_name_ru, "gent")
    complete = len(rows) == rows[-1]["year"] - rows[0]["year"] + 1
    if complete and len(rows) > len(top):  # every year known: the largest are the largest
        parts = [f"За {rows[0]['year']}–{rows[-1]['year']} годы больше всего жителей выбыло из {where}"]
    else:  # a series with gaps: only what is known, without ranking it
        parts = [f"Из {where} выбыло"]
    for i, o in enumerate(obs):
        parts += [(" и" if i and i == len(obs) - 1 else ",") if i else "", f" в {o['year']} году ", w.persons(o)]
    caveat = border_caveat(d, [d.get("departures", str(r["year"])) or {} for r in rows])
    return Paragraph(parts + ["."] + ([f" {caveat}"] if caveat else []))


def _departures_ratio(d: NoteData, w: _Draft) -> Paragraph | None:
    """'выбыло в 1,4 раза больше, чем в 2023 году': only where two consecutive years of the bureau's
    departures check it; a document's own ratio, which the warehouse cannot check, is left out."""
    row = next((r for r in d.trend if r["year"] == d.year), None)
    if row is None:
        return None
    cur, prev = d.get("departures", str(d.year)), d.get("departures", str(d.year - 1))
    if not (
        row["ratio_to_previous_year"] is not None
        and cur
        and prev
        and cur["source_kind"] == prev["source_kind"] == "official"
    ):
        return None
    ratio = float(row["ratio_to_previous_year"])
    note = derived_note(f"число выбывших за {d.year} год к числу выбывших за {d.year - 1} год", [cur, prev])
    base = {**cur, "indicator": "departures_growth_ratio"}
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
        parts += [f" (в {d.year - 1} году — ", said(prev), ")"]
    parts.append(".")
    place = _place(d, "net_migration", "сальдо миграции")
    if place:
        parts.append(f" {place}.")
    caveat = border_caveat(d, [cur, prev] if prev is not None else [cur])
    return Paragraph(parts + ([f" {caveat}"] if caveat else []))


def _in_text_order(blocks: list, footnotes: list[str]) -> list[str]:
    """Number the footnotes as the reader meets the figures (a sentence may build them out of order)."""
    ordered = []
    for block in blocks:
        for part in block.parts if isinstance(block, Paragraph) else []:
            if isinstance(part, Figure):
                ordered.append(footnotes[part.number - 1])
                part.number = len(ordered)
    return ordered


def _typeset(blocks: list) -> None:
    """The typography pass over every sentence (the figures are set as written)."""
    for block in blocks:
        if isinstance(block, Paragraph):
            block.parts = [ru.typography(p) if isinstance(p, str) else p for p in block.parts]


def compose(d: NoteData) -> Note:
    w = _Draft()
    gent = ru.inflect_name(d.region_name_ru, "gent")
    chart_titles = {
        "destinations": f"Основные направления трудовых мигрантов из Казахстана в {d.year} году, человек",
        "departures": f"Число выбывших из {gent} по годам, тыс. человек",
    }
    # the region first: its population and balance with their places among the regions, then its
    # other figures; the country's emigration after it, in one short paragraph
    regional = [
        _population(d, w),
        _net_migration(d, w),
        _natural_increase(d, w),
        _labour_force(d, w),
        _departures(d, w),
        _departures_ratio(d, w),
    ]
    blocks: list = [p for p in regional if p]
    if any(r["departures"] is not None for r in d.trend):
        caveat = border_caveat(d, [o for o in d.series("departures")])
        blocks += [
            "departures",
            Paragraph([chart_titles["departures"]] + ([f". {caveat}"] if caveat else []), kind="chart"),
        ]
    national = [p for p in (_emigration_totals(d, w), _destination_names(d)) if p]
    if national:
        blocks.append(Paragraph([part for i, p in enumerate(national) for part in ([" "] if i else []) + p.parts]))
    if any(not r["is_remainder"] for r in d.destinations):
        blocks += ["destinations", Paragraph([chart_titles["destinations"]], kind="chart")]
    if not w.figures:
        from pipelines.outputs.note.data import NoteError

        raise NoteError(f"the marts hold no figure for {d.region} ({d.region_name_ru}) to write a note with")
    footnotes = _in_text_order(blocks, w.footnotes)
    _typeset(blocks)
    return Note(
        region=d.region,
        region_name_ru=d.region_name_ru,
        year=d.year,
        title=f"Миграция населения {gent}",
        blocks=blocks,
        footnotes=footnotes,
        figures=sorted(w.figures, key=lambda f: f.number),
        annex=d.claims,
        chart_titles=chart_titles,
    )
