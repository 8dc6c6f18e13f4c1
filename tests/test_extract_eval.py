"""`kazmig eval`: the extractor measured on annotated documents, and the floor the repository keeps."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, kazmig, shared_dir

FLOOR = json.loads((Path(__file__).parent / "extraction_floor.json").read_text())


@pytest.fixture(scope="module")
def corpus() -> Path:
    return shared_dir("extraction", "KAZMIG_EXTRACTION")


@pytest.fixture(scope="module")
def scored(corpus, tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("eval_home")
    proc = kazmig(home, "eval", str(corpus), "--format", "json")
    return json.loads(proc.stdout)


def test_the_development_corpus_holds_the_recorded_floor(scored):
    overall = scored["overall"]
    assert overall["f1"] >= FLOOR["f1"], overall
    assert overall["precision"] >= FLOOR["precision"] - 1e-9, overall
    assert overall["recall"] >= FLOOR["recall"] - 1e-9, overall


def test_every_document_is_scored_with_its_misses_and_extras(scored, corpus):
    docs = {d["document"]: d for d in scored["documents"]}
    assert set(docs) == {p.name for p in corpus.glob("*.pdf") if p.with_name(p.stem + ".gold.jsonl").exists()}
    for d in docs.values():
        assert d["matched"] <= min(d["facts"], d["gold"])
        assert len(d["misses"]) == d["gold"] - d["matched"]
        assert len(d["extras"]) == d["facts"] - d["matched"]
        for extra in d["extras"]:
            assert extra["page"] >= 1 and extra["text"]


def _annotated(tmp_path: Path, gold_rows: list[dict]) -> Path:
    d = tmp_path / "annotated"
    d.mkdir()
    shutil.copyfile(REPO / "raw" / "documents" / "labour_migration_note.pdf", d / "note.pdf")
    (d / "note.gold.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in gold_rows) + "\n")
    (d / "unannotated.pdf").write_bytes((d / "note.pdf").read_bytes())  # no gold: not scored
    return d


def test_a_users_annotations_are_scored_and_min_f1_sets_the_exit_code(tmp_path, shared_sources):
    gold = [
        json.loads(line)
        for line in (shared_sources / "labour_migration_note.expected.jsonl").read_text().splitlines()
        if line.strip()
    ]
    d = _annotated(tmp_path, gold[:10] + [dict(gold[10], value=gold[10]["value"] * 1.01)])
    proc = kazmig(tmp_path, "eval", str(d), check=False)
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()
    assert last[-1].startswith("overall: precision"), last[-3:]
    assert "note.pdf" in proc.stdout and "unannotated.pdf" not in proc.stdout
    # 10 of 11 gold rows match; the other 16 facts of the note are extras
    assert "matched: 10" in proc.stdout
    assert "miss " in proc.stdout and "extra " in proc.stdout
    low = kazmig(tmp_path, "eval", str(d), "--min-f1", "0.9", check=False)
    assert low.returncode == 1 and "below --min-f1 0.9" in low.stderr


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json\n", "note.gold.jsonl, line 1: not JSON"),
        ('{"indicator": "population"}\n', "note.gold.jsonl, line 1: a gold row needs at least indicator and value"),
    ],
)
def test_bad_gold_files_are_one_line_errors(tmp_path, content, message):
    d = _annotated(tmp_path, [])
    (d / "note.gold.jsonl").write_text(content)
    proc = kazmig(tmp_path, "eval", str(d), check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith(f"kazmig eval: {message}") and "\n" not in proc.stderr.strip()


def test_a_folder_without_annotations_is_refused(tmp_path):
    proc = kazmig(tmp_path, "eval", str(tmp_path), check=False)
    assert proc.returncode == 2 and "no <name>.pdf with a <name>.gold.jsonl" in proc.stderr
