"""The review queue and corrections, end to end in real builds: an uncertain figure waits outside
the facts; an analyst's decision (fix, reject, accept) changes the marts, survives a rebuild,
and a broken corrections file fails the build with one line and touches nothing published."""

from __future__ import annotations

import hashlib
import json

import duckdb
import pytest
import yaml

from conftest import copy_home, kazmig
from fixtures_pdf import prose_pdf

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first

SENTENCES = [
    "Численность населения Павлодарской области на 1 апреля 2025 года составила 751,0 тыс. человек.",
    "В январе–марте 2025 года из Павлодарской области выбыло 4 812 человек, прибыло 3 905 человек.",
    # a sentence with no words of its own for its number: the extractor is not sure what it counts
    "Костанайская – 820,4 тыс. человек.",
]


def rows(home, sql: str) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse" / "kazmig.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def extracted(home, name: str) -> list[dict]:
    out = kazmig(home, "extract", str(home / "raw" / "documents" / name), "--format", "jsonl").stdout
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture(scope="module")
def home(tmp_path_factory, built_home):
    """The built home (note and shared bureau files) with pavlodar.pdf added and built: the build
    of a changed document, not a cold one (~30 s)."""
    home = copy_home(built_home, tmp_path_factory.mktemp("review_home"))
    prose_pdf(home / "raw" / "documents" / "pavlodar.pdf", [SENTENCES])
    kazmig(home, "build", "--offline")
    return home


def test_extract_prints_confidence_and_status(home):
    figs = extracted(home, "pavlodar.pdf")
    assert {f["status"] for f in figs} == {"fact", "review"}
    for f in figs:
        assert 0 < f["confidence"] <= 1 and f["key"].startswith(f"p{f['page']}:") and f["evidence"]
        assert set(f["how"]) >= {"indicator", "period", "region"}
    [uncertain] = [f for f in figs if f["status"] == "review"]
    assert uncertain["value"] == 820400 and uncertain["how"]["indicator"] == "previous"


def test_uncertain_figures_wait_outside_the_facts(home):
    waiting = rows(home, "select document_name, figure_key, value, confidence from marts.figures_to_review")
    assert [(w[0], w[2]) for w in waiting] == [("pavlodar.pdf", 820400.0)]
    assert waiting[0][3] < 0.6
    facts = [r[0] for r in rows(home, "select value from core.fct_observation where file_name = 'pavlodar.pdf'")]
    assert sorted(facts) == [3905.0, 4812.0, 751000.0]
    claims = [
        r[0] for r in rows(home, "select claimed_value from marts.note_claims where document_name = 'pavlodar.pdf'")
    ]
    assert 820400.0 not in claims


def test_review_lists_the_queue_and_writes_a_template(home):
    out = kazmig(home, "review").stdout
    assert "pavlodar.pdf" in out and "820400" in out and "1 figures wait for review" in out
    data = yaml.safe_load((home / "raw" / "documents" / "corrections.yaml").read_text())
    [entry] = data["corrections"]
    assert entry["action"] == "pending" and entry["document"] == "pavlodar.pdf"
    assert entry["figure"]["value"] == 820400
    # writing it again adds nothing: the entry is already there
    again = kazmig(home, "review").stdout
    assert "0 new entries" in again


def test_decisions_change_the_marts_and_survive_a_rebuild(home):
    figs = {f["value"]: f for f in extracted(home, "pavlodar.pdf")}
    sha = hashlib.sha256((home / "raw" / "documents" / "pavlodar.pdf").read_bytes()).hexdigest()
    decisions = {
        "corrections": [
            {
                "document": "pavlodar.pdf",
                "key": figs[820400]["key"],
                "action": "fix",
                "set": {"indicator": "population", "period": "2025-04-01"},
                "by": "A. Analyst",
                "at": "2026-11-30",
                "note": "a population, continuing the sentence before",
            },
            {"document": sha, "key": figs[4812]["key"], "action": "reject", "by": "A. Analyst", "at": "2026-11-30"},
            {"document": "pavlodar.pdf", "key": figs[3905]["key"], "action": "accept", "by": "B. Analyst"},
        ]
    }
    (home / "raw" / "documents" / "corrections.yaml").write_text(yaml.safe_dump(decisions, allow_unicode=True))
    for build in ("build", "rebuild"):
        kazmig(home, "build", "--offline", *(["--force"] if build == "rebuild" else []))
        assert rows(home, "select count(*) from marts.figures_to_review")[0][0] == 0, build
        facts = {
            r[0]: r[1:]
            for r in rows(
                home,
                "select value, indicator, period, region, provenance "
                "from core.fct_observation where file_name = 'pavlodar.pdf'",
            )
        }
        assert sorted(facts) == [3905.0, 751000.0, 820400.0], build
        assert facts[820400.0][:3] == ("population", "2025-04-01", "390000000")
        assert "fixed by A. Analyst on 2026-11-30 (a population" in facts[820400.0][3]
        assert "accepted by B. Analyst" in facts[3905.0][3]
        raw = rows(home, "select status, correction_action, original from raw.document_figures where value = 4812")
        assert raw[0][:2] == ("rejected", "reject") and json.loads(raw[0][2])["indicator"] == "departures"
        fixed = rows(home, "select original from raw.document_figures where value = 820400")
        assert json.loads(fixed[0][0])["indicator"] == "arrivals"  # the extracted form stays beside the fix
        claims = [
            r[0] for r in rows(home, "select claimed_value from marts.note_claims where document_name = 'pavlodar.pdf'")
        ]
        assert 4812.0 not in claims and 820400.0 in claims


BROKEN = [
    (
        "corrections:\n  - document: pavlodar.pdf\n    key: p1:x\n    action: maybe\n",
        "raw/documents/corrections.yaml, entry 1 (action): Input should be 'accept', 'reject', 'fix' or 'pending'",
    ),
    (
        "corrections:\n  - document: pavlodar.pdf\n    key: p1:x\n    action: fix\n    set: {colour: red}\n",
        "raw/documents/corrections.yaml, entry 1 (set): Value error, cannot set colour",
    ),
    ("corrections: [\n", "raw/documents/corrections.yaml, line 2: not valid YAML"),
]


def test_a_broken_corrections_file_fails_the_build_in_one_line(home):
    path = home / "raw" / "documents" / "corrections.yaml"
    published = home / "warehouse" / "kazmig.duckdb"
    before, kept = published.read_bytes(), path.read_text()
    try:
        for i, (text, message) in enumerate(BROKEN):
            path.write_text(text)
            if i == 0:  # one real build; `kazmig review` reads the file the same way
                proc = kazmig(home, "build", "--offline", check=False)
                assert proc.returncode == 1
                assert message in proc.stdout + proc.stderr
                assert published.read_bytes() == before
            review = kazmig(home, "review", check=False)
            assert review.returncode == 2 and review.stderr.startswith(f"kazmig review: {message}"), review.stderr
            assert len(review.stderr.strip().splitlines()) == 1
    finally:
        path.write_text(kept)
