"""Entry point: a PDF in, typed and traceable figures out.

    from pipelines.sources.documents.extract import extract_figures
    for f in extract_figures("note.pdf"):
        print(f.to_dict())

Layers, each its own module: pdf (words with boxes) -> layout and tables (reading order,
cells) -> document (blocks: title, headings, paragraphs, tables, furniture) -> context (what
headings, datelines and earlier sentences establish) -> prose and table_figures (each number
with the words that govern it) -> figure (one schema, confidence, review status).
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from . import context, cues, document, entities, gloss, ledger, periods, prose
from .context import Scope
from .figure import REVIEW_THRESHOLD, UNITS, Draft, Figure, confidence, figure_key
from .numbers import plain
from .pdf import DocumentError, read_pages
from .table_figures import table_figures

# Bump whenever a rule changes what is extracted (a cache key, and the key corrections keep).
EXTRACTOR_VERSION = "2026.12"

__all__ = ["DocumentError", "EXTRACTOR_VERSION", "Figure", "extract_figures", "format_table"]

_MARKER = re.compile(
    r"^\s*\*?\s*(?:\d{1,2}\s+[а-яё]+\s+|(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-яё]*\s+)?"
    r"(?:19|20)\d\d(?:\s*(?:г\.?|год[а-яё]*))?\s*$",
    re.I,
)
_DATELINE = re.compile(
    r"^(?:[А-ЯЁ][а-яё-]+(?:\s+[А-ЯЁа-яё-]+)?,\s*|[А-ЯЁа-яё ]+:\s*)?(?:\d{1,2}\s+[а-яё]+\s+(?:19|20)\d\d|\d{1,2}\.\d{2}\.(?:19|20)\d\d)(?:\s*(?:г\.?|года))?\s*$",
    re.I,
)

# "к заседанию акимата (август 2020 г.)": a month in brackets closing a short line is when it was issued
# and "16 апреля 2024 года, Астана" closing one is a release's dateline
_MONTHS = r"(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-яё]*"
_ISSUED = re.compile(
    rf"\({_MONTHS}\s+(?:19|20)\d\d(?:\s*г\.?|\s*года)?\)\s*$"
    rf"|(?:^|\s)\d{{1,2}}\s+{_MONTHS}\s+(?:19|20)\d\d(?:\s*г\.?|\s*года)?,\s*[А-ЯЁ][А-ЯЁа-яё-]+\s*$",
    re.I,
)


@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """A hash of the extractor's code and the reference seeds it reads: the cache key of
    extracted figures, so no rule change is ever served stale results."""
    from pipelines.settings import SEEDS_DIR

    h = hashlib.sha256(EXTRACTOR_VERSION.encode())
    here = Path(__file__).parent
    for f in sorted(here.glob("*.py")) + sorted(here.glob("lexicon/*.toml")) + sorted(SEEDS_DIR.glob("*.csv")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def extract_figures(path: str | Path) -> list[Figure]:
    pages = read_pages(path)
    langs = gloss.languages_of(pages)
    try:
        blocks = document.build(gloss.numbers(pages, langs))
        gloss.blocks(blocks, langs)
        ledger.parens_negative(blocks)
        return interpret(blocks)
    except DocumentError:
        raise


def figures_in_text(text: str) -> list[Figure]:
    """Figures of plain text: paragraphs separated by blank lines; a paragraph of one short line
    without a final stop is a heading. For tests, and for text that did not come from a PDF."""
    from .numbers import normalise_spaces

    blocks = []
    for i, para in enumerate(re.split(r"\n\s*\n", normalise_spaces(text))):
        t = re.sub(r"\s*\n\s*", " ", para).strip()
        if not t:
            continue
        heading = "\n" not in para.strip() and len(t) < 90 and not re.search(r"[.!?;:]$", t)
        b = document.Block(
            "heading" if heading else "text", t, 1, float(i), 12.0, heading, 0.0, [(1, float(i))] * len(t)
        )
        b.level = 2 if heading else 0
        blocks.append(b)
    return interpret(blocks)


def interpret(blocks: list[document.Block]) -> list[Figure]:
    reader = _Reader(blocks)
    for bi, b in enumerate(blocks):
        if b.kind != "furniture":
            reader.block(bi, b)
    reader.drafts += _date_pending(reader.pending, reader.current())
    return _finish(reader.drafts)


class _Reader:
    """What `interpret` carries from block to block: the scopes of the document and its open
    sections, the lead line a list's items lean on, and the figures so far."""

    def __init__(self, blocks: list[document.Block]) -> None:
        self.blocks = blocks
        self.doc = Scope("doc")
        for b in blocks:
            if b.kind == "furniture":
                context.absorb(self.doc, b.text, dateline=True)
        self.state = prose.DocState()
        self.drafts: list[Draft] = []
        self.sections: list[tuple[float, Scope, str]] = []  # (level, scope, heading text)
        self.lead: dict | None = None
        self.lead_scope: Scope | None = None
        self.pending: list[Draft] = []  # stocks their own sentences did not date
        self.seen_sections: set[int] = set()
        self.title_region = False
        self.title = " ".join(b.text for b in blocks if b.kind == "title")

    def current(self) -> Scope:
        return self.sections[-1][1] if self.sections else self.doc

    def heading_text(self) -> str:
        return " ".join([self.title] + [t for _, _, t in self.sections])

    def block(self, bi: int, b: document.Block) -> None:
        if b.kind == "title":
            self._title(b)
            return
        marker = b.kind == "text" and _MARKER.match(b.text)
        if self._dates_above(bi, b, marker):
            return
        if b.kind == "heading" or marker:
            self._heading(b, marker)
            return
        if b.kind == "text" and (_DATELINE.match(b.text.strip()) or _ISSUED.search(b.text)) and len(b.text) < 80:
            context.absorb(self.current(), b.text, dateline=True)
            return
        if b.kind == "text" and _subtitle(b.text):
            self._subtitle_line(bi, b)
            return
        if b.kind == "grid":
            self._grid(b)
            return
        if b.kind == "table":
            self._table(b)
            return
        self._paragraph(bi, b)

    def _title(self, b: document.Block) -> None:
        context.absorb(self.doc, b.text)
        self.state.names_regions = self.state.names_regions or self.doc.region not in (None, "KZ")
        named = Scope("doc")
        context.absorb(named, b.text)
        self.title_region = named.region not in (None, "KZ")
        self._headline(b, self.doc)

    def _dates_above(self, bi: int, b: document.Block, marker) -> bool:
        """A date that dates what it stands under rather than opening a section."""
        if marker and bi > 0 and self.blocks[bi - 1].kind == "heading" and self.sections:
            # a date under a heading dates that heading's section ("Астана" / "сентябрь 2013 г.")
            context.absorb(self.current(), b.text, dateline=True)
            return True
        if (
            b.kind == "heading"
            and _subtitle(b.text)
            and not re.search(r"[а-яё]{4,}", _strip_periods(b.text), re.I)
            and all(p.kind == "date" for p in periods.find_periods(b.text))
        ):
            # a heading that is only a date ("на 1 июня 2023 г." under the title) dates what
            # it stands under, not a section of its own
            context.absorb(self.current(), b.text, override=True)
            return True
        return False

    def _close_sections(self, level: float) -> None:
        self.drafts += _date_pending(self.pending, self.current())
        self.pending = []
        while self.sections and self.sections[-1][0] >= level:
            self.sections.pop()

    def _heading(self, b: document.Block, marker) -> None:
        level = 0.5 if b.kind == "text" else b.level
        self._close_sections(level)
        sc = self.current().child("section")
        # a bare date or month over an item dates the item (its issue), not its figures
        context.absorb(
            sc,
            b.text,
            dateline=bool(marker and not re.fullmatch(r"\W*(?:19|20)\d\d\W*(?:г\.?|год[а-яё]*)?\W*", b.text)),
        )
        self.state.names_regions = self.state.names_regions or sc.region not in (None, "KZ")
        self.sections.append((level, sc, b.text))
        self.lead = None
        self.state.just_before = set()  # a new section: what the text spoke of before is not its subject
        if b.kind == "heading":
            self._headline(b, sc)

    def _headline(self, b: document.Block, scope: Scope) -> None:
        """A title or heading may state a figure of its own ("Население … на 1 июля — N
        человек"); the body repeating it is one figure (repeats are dropped at the end)."""
        if not re.search(r"\d[\d ]*\d|\d[,.]\d", _strip_periods(b.text)):
            return  # no number but dates, years and list numbers
        state = prose.DocState()  # what a headline states carries on to no sentence
        got = prose.paragraph(b.text, scope.child("para"), state, b.at, None)
        self.drafts += [d for d in got if d.period is not None]

    def _subtitle_line(self, bi: int, b: document.Block) -> None:
        # a month span with the source under a heading ("Январь–июль YYYY года, данные …"): dates the section it
        # heads; after running text it opens a section of its own ("MM.YYYY I кв. YYYY г.")
        if bi > 0 and self.blocks[bi - 1].kind in ("heading", "title"):
            context.absorb(self.current(), b.text, override=True)
            return
        self._close_sections(0.5)
        sc = self.current().child("section")
        context.absorb(sc, b.text, override=True)
        self.sections.append((0.5, sc, b.text))
        self.lead = None

    def _grid(self, b: document.Block) -> None:
        scope = self.lead_scope if self.lead else self.current()
        for record in b.grid.records():
            para = scope.child("para")
            self.drafts += [d for d in prose.paragraph(record, para, self.state, b.at, None) if d.period is not None]
            self.drafts += prose.wages(record, para, b.at, record)

    def _table(self, b: document.Block) -> None:
        scope = self.lead_scope if self.lead else self.current()
        self.drafts += table_figures(
            b.table, scope, self.heading_text() + " " + ((self.lead or {}).get("text", "")), self.lead
        )
        if b.table.caption:
            context.absorb(self.current(), b.table.caption)

    def _paragraph(self, bi: int, b: document.Block) -> None:
        # a paragraph (or a list item under a lead line ending with ":")
        item = self.lead is not None and _item_like(b.text)
        if not item:
            self.lead, self.lead_scope = None, None
        host = self.lead_scope if item else self.current()
        para = host.child("para")
        # a card's few words lean on the heading over its row of cards ("Пятёрка самых населённых регионов")
        card_lead = _lead(self.sections[-1][2], self.current()) if b.kind == "card" and self.sections else None
        got = prose.paragraph(b.text, para, self.state, b.at, self.lead if item else card_lead)
        self.pending += [d for d in got if d.period is None]
        self.drafts += [d for d in got if d.period is not None]
        self.drafts += prose.wages(b.text, para, b.at, _wage_context(self.blocks, bi))
        self._carry_on(para, got)
        if b.text.rstrip().endswith(":"):
            self.lead, self.lead_scope = _lead(b.text, para), para

    def _carry_on(self, para: Scope, got: list) -> None:
        """What a paragraph dated carries on to the next paragraphs of its section."""
        sec = self.current()
        for attr in ("date", "flow", "year"):
            # the first period a section's paragraphs state is its period; later months and
            # comparisons are details of it
            if getattr(para, attr) and not getattr(sec, attr):
                setattr(sec, attr, getattr(para, attr))
        # a region carries on to later paragraphs when it is the country, or the subject a
        # section names before any figure of its own
        # (a paragraph whose figures are of the country and then one more region - "в столице — N"
        # - names that region in passing, not as the section's subject)
        passing = para.region != "KZ" and any(d.region == "KZ" for d in got)
        if (
            para.region
            and (para.region == "KZ" or (sec.region in (None, "KZ") and id(sec) not in self.seen_sections))
            and not (sec is self.doc and self.title_region)
            and not passing
        ):
            sec.region = para.region  # (the region a title names stays the document's)
        if got:
            self.seen_sections.add(id(sec))


def _date_pending(pending: list[Draft], section: Scope) -> list[Draft]:
    """A stock with no date of its own, in a section that reports a period ("за семь месяцев с
    начала года"), is dated at that period's end (the bureau's estimate at the month's start)."""
    out = []
    for d in pending:
        period, src = prose.carried_period(d.indicator, section)
        if period:
            d.period = period
            d.how["period"] = src
            out.append(d)
    return out


def _subtitle(text: str) -> bool:
    """A short line that states a period and no figure: a section's subtitle."""
    if len(text) > 110 or re.search(r"(?<!\bг)(?<!\bгг)[.!?:;]$", text.strip()):
        return False
    ps = [p for p in periods.find_periods(text) if p.kind != "mask"]
    if not any(p.complete for p in ps):
        return False
    rest = text
    for p in sorted(ps, key=lambda p: -p.start):
        rest = rest[: p.start] + " " + rest[p.end :]
    return not re.search(r"\d", rest)


def _strip_periods(text: str) -> str:
    for p in sorted(periods.find_periods(text), key=lambda p: -p.start):
        text = text[: p.start] + " " + text[p.end :]
    return text


def _item_like(text: str) -> bool:
    return len(text) < 160 and not text.rstrip().endswith(":")


def _lead(text: str, para: Scope) -> dict:
    """What a line ending with ':' hands the list below it: its last cue, its sign, its country."""
    lem = cues.lemmatise(text)
    found = cues.find_cues(lem)
    cue = found[-1] if found else None
    mentions = entities.find(text)
    countries = [m for m in mentions if m.kind == "country"]
    return {
        "cue": cue,
        "sign": cues.sign_words(lem, 0, len(text)),
        "text": text,
        "country": countries[-1].code if countries and len(countries) == 1 else None,
    }


def _wage_context(blocks: list[document.Block], i: int) -> str:
    """The few blocks before a wage line (a job ad's 'Место работы: ...')."""
    return " ".join(x.text for x in blocks[max(0, i - 3) : i] if x.kind == "text")


def _finish(drafts: list[Draft]) -> list[Figure]:
    """Repeats and rounded restatements dropped; two different values for one key (a figure
    read twice with different meanings) both wait for review."""
    drafts = sorted(drafts, key=lambda d: (d.page, d.top, d.order))
    precise: dict[tuple, dict] = {}  # key -> value -> draft, values stated to units
    coarse: dict[tuple, list[Draft]] = {}  # key -> drafts rounded to tens or more
    order: list[Draft] = []
    dropped: set[int] = set()
    for d in drafts:
        key = (d.indicator, d.period, d.region, d.country, d.occupation)
        ps, cs = precise.setdefault(key, {}), coarse.setdefault(key, [])
        if d.value in ps or any(k.value == d.value for k in cs):
            continue  # the same figure repeated (a sidebar, a summary table, a headline)
        near = [k for k in cs if abs(k.value - d.value) <= max(d.precision, k.precision) * _slack(d, k)]
        if d.precision >= 10:
            near += [k for v, k in ps.items() if abs(v - d.value) <= d.precision * _slack(d, k)]
        if near:  # a rounded restatement of a figure given exactly ("32 тысячи" beside "32,2 тыс.")
            k = min(near, key=lambda k: k.precision)
            if d.precision >= k.precision:
                continue
            dropped.add(id(k))
            cs.remove(k) if k in cs else ps.pop(k.value, None)
        (cs.append(d) if d.precision >= 10 else ps.__setitem__(d.value, d))
        order.append(d)
    kept = [d for d in order if id(d) not in dropped]
    # only figures sure enough to be facts clash: a doubtful one waits for review on its own
    # and does not hold back a figure stated plainly
    values: dict[tuple, set] = {}
    for d in kept:
        if confidence(d.how) >= REVIEW_THRESHOLD:
            values.setdefault((d.indicator, d.period, d.region, d.country, d.occupation), set()).add(d.value)
    out = []
    taken: set[str] = set()
    for i, d in enumerate(kept):
        c = confidence(d.how)
        clash = len(values.get((d.indicator, d.period, d.region, d.country, d.occupation), set()) | {d.value}) > 1
        if clash:
            d.how["conflict"] = "another value for the same key"
        status = "fact" if c >= REVIEW_THRESHOLD and not clash else "review"
        out.append(
            Figure(
                d.indicator,
                plain(d.value),
                UNITS[d.indicator],
                d.period,
                d.region,
                d.country,
                d.occupation,
                d.page,
                d.text,
                plain(d.precision),
                i,
                c,
                status,
                dict(d.how),
                d.evidence,
                figure_key(d.page, d.evidence or d.text, taken),
            )
        )
    return out


def _slack(a: Draft, b: Draft) -> Decimal:
    """How far a restatement may stand from the figure it restates, in units of its precision:
    a rounding stays within half of one ("421,3 тыс." does not restate 421 200); "около", "почти",
    "более" reach further."""
    return Decimal("1.5") if a.approximate or b.approximate else Decimal("0.5")


def format_table(figures: list[Figure]) -> str:
    """Plain-text table for the CLI's --format table."""
    from tabulate import tabulate

    rows = [
        [
            f.position,
            f.page,
            f.indicator,
            f"{f.value:,}".replace(",", " "),
            f.unit,
            f.period or "",
            f.region or "",
            f.country or "",
            f.occupation or "",
            f"{f.confidence:.2f}",
            f.status,
        ]
        for f in figures
    ]
    return tabulate(
        rows,
        headers=[
            "#",
            "page",
            "indicator",
            "value",
            "unit",
            "period",
            "region",
            "country",
            "occupation",
            "conf",
            "status",
        ],
        tablefmt="simple",
        disable_numparse=True,
    )
