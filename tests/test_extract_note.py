"""The labour-migration note yields exactly its 26 expected figures."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import FIGURE_KEYS
from pipelines.sources.documents.extract import EXTRACTOR_VERSION, Figure, extract_figures

REPO = Path(__file__).resolve().parent.parent
KEYS = ("indicator", "value", "period", "region", "country", "occupation")


def _sources() -> Path:
    from conftest import shared_dir

    return shared_dir("sources", "KAZMIG_SOURCES")


@pytest.fixture(scope="module")
def note_pdf() -> Path:
    local = REPO / "raw" / "documents" / "labour_migration_note.pdf"
    return local if local.exists() else _sources() / "labour_migration_note.pdf"


@pytest.fixture(scope="module")
def figures(note_pdf) -> list[Figure]:
    return extract_figures(note_pdf)


@pytest.fixture(scope="module")
def expected() -> list[dict]:
    path = _sources() / "labour_migration_note.expected.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _key(d: dict) -> tuple:
    return tuple(float(d[k]) if k == "value" else d[k] for k in KEYS)


def test_exactly_the_expected_figures(figures, expected):
    got = Counter(_key(f.to_dict()) for f in figures)
    want = Counter(_key(e) for e in expected)
    missing = want - got
    extra = got - want
    assert not missing and not extra, f"missing={sorted(missing)} extra={sorted(extra)}"
    assert len(figures) == 26


def test_pages_positions_and_text(figures):
    assert [f.position for f in figures] == list(range(len(figures)))
    pages = [f.page for f in figures]
    assert pages == sorted(pages) and set(pages) <= {1, 2}
    for f in figures:
        assert f.text
        v = f.to_dict()["value"]
        # the number as the text writes it: 140 521 / 787,3 / 1,7 / 57,4 / 191 000
        spellings = {str(v)}
        for mult in (1, 1000, 10**6):
            if abs(v) >= mult:
                x = abs(v) / mult
                s = f"{x:,.1f}".replace(",", " ").replace(".", ",")
                spellings |= {s, s.removesuffix(",0"), f"{x:,.0f}".replace(",", " ")}
        assert any(s in f.text for s in spellings), (f.value, f.text)


def test_units_precision_and_json(figures):
    by = {(f.indicator, f.value): f for f in figures}
    assert by[("population", 787300)].precision == 100
    assert by[("labour_emigration", 140521)].precision == 1
    assert by[("population_urban_share", 57.4)].unit == "percent"
    assert by[("population_urban_share", 57.4)].precision == 0.1
    assert by[("wage_offer_max", 1700000)].unit == "KZT"
    assert by[("wage_offer_max", 1700000)].precision == 100000
    assert by[("departures_growth_ratio", 1.4)].unit == "ratio"
    json.dumps([f.to_dict() for f in figures], ensure_ascii=False)
    # the keys other tools read stay; confidence, status and provenance of each part come beside them
    assert FIGURE_KEYS | {
        "position",
        "confidence",
        "status",
        "how",
        "evidence",
        "key",
    } == set(figures[0].to_dict())
    assert isinstance(EXTRACTOR_VERSION, str) and re.match(r"\S+", EXTRACTOR_VERSION)
