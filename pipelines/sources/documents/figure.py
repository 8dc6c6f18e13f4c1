"""The one schema of an extracted figure, and how sure the extractor is of it.

`how` records which layer decided each part (indicator, period, region, country): the words
of the figure's own clause, another clause of its sentence, a list's lead line, a heading, the
title, a table's column head or caption, a default. Confidence is the product of what each of
those sources is worth; below REVIEW_THRESHOLD a figure waits for review instead of entering
the facts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from pipelines import reference

REVIEW_THRESHOLD = 0.6

# Units and the kind of each indicator come from the reference seed (sql/seeds/ref_indicators.csv),
# the one declaration the warehouse reads too: a stock is dated ('date'), a flow covers a span
# ('interval', 'year'), a balance may be negative.
_INDICATORS = reference.indicators()
UNITS = {code: row["unit"] for code, row in _INDICATORS.items()}
STOCKS = {code for code, row in _INDICATORS.items() if row["period_form"] == "date"}
FLOWS = {code for code, row in _INDICATORS.items() if row["period_form"] in ("interval", "year")}
SIGNED = {code for code, row in _INDICATORS.items() if row["can_be_negative"] == "true"}

# What each source of a part is worth.
WEIGHTS = {
    "indicator": {
        "clause": 1.0,
        "difference": 1.0,
        "sentence": 0.9,
        "list": 0.85,
        "respectively": 0.85,
        "previous": 0.65,
        "continued": 0.85,
        "column": 0.97,
        "row": 0.97,
        "caption": 0.92,
        "context": 0.8,
        "date-column": 0.8,
    },
    "period": {
        "stated": 1.0,
        "sentence": 0.97,
        "comparison": 0.95,
        "relative": 0.92,
        "para": 0.92,
        "section": 0.9,
        "doc": 0.82,
        "report-date": 0.85,
        "context-year": 0.85,
        "column": 0.98,
        "row": 0.98,
        "caption": 0.95,
        "inferred": 0.75,
        "span-end": 0.55,  # a stock dated at the end of its sentence's span, against a date carried from elsewhere
        "duration": 0.4,
        "none": 1.0,
    },
    "region": {
        "stated": 1.0,
        "sentence": 0.95,
        "para": 0.9,
        "section": 0.9,
        "doc": 0.9,
        "label": 1.0,
        "column": 0.98,
        "caption": 0.95,
        "default": 0.9,
        "default-mixed": 0.55,
        "anaphor": 0.3,
        "none": 1.0,
    },
    "country": {
        "stated": 1.0,
        "sentence": 0.9,
        "list": 0.9,
        "para": 0.75,
        "label": 1.0,
        "column": 0.98,
        "caption": 0.95,
        "none": 1.0,
    },
}


@dataclass
class Figure:
    indicator: str
    value: int | float
    unit: str
    period: str | None
    region: str | None
    country: str | None
    occupation: str | None
    page: int
    text: str
    precision: int | float
    position: int = 0
    confidence: float = 1.0
    status: str = "fact"  # fact | review
    how: dict = field(default_factory=dict)
    evidence: str = ""  # the number as written with the words before it, or the table cell with its heads
    key: str = ""  # page and a hash of the evidence: the same figure keeps it across extractor versions

    def to_dict(self) -> dict:
        return asdict(self)


def confidence(how: dict) -> float:
    c = 1.0
    for part, source in how.items():
        if part not in WEIGHTS:
            continue
        c *= WEIGHTS.get(part, {}).get(source, 0.7)
    return round(c, 3)


@dataclass
class Draft:
    """A figure being assembled: Decimal values, the sources of each part."""

    indicator: str
    value: Decimal
    precision: Decimal
    period: str | None
    region: str | None
    country: str | None = None
    occupation: str | None = None
    page: int = 0
    top: float = 0.0
    order: tuple = ()
    text: str = ""
    how: dict = field(default_factory=dict)
    approximate: bool = False
    evidence: str = ""


def figure_key(page: int, evidence: str, taken: set[str]) -> str:
    """Page and a hash of the evidence, lower-cased and with spaces collapsed; a second figure
    with the same evidence on the page gets a suffix."""
    import hashlib
    import re

    norm = re.sub(r"\s+", " ", evidence.lower().replace("ё", "е")).strip()
    base = f"p{page}:{hashlib.sha1(norm.encode()).hexdigest()[:12]}"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    taken.add(key)
    return key
