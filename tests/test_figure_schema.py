"""One schema of a figure: `pipelines.sources.documents.figure.Figure`. Every other place that lists a
figure's fields (the raw table the Dagster asset writes, the dbt staging model and its yml, the
review mart, the corrections' fixable fields, the tests' public keys) must agree with it, and
its units and kinds are the reference seed's. A field added in one place and not the others
fails here."""

from __future__ import annotations

import csv
import dataclasses
import re

from conftest import FIGURE_KEYS, REPO
from pipelines.dbt.manifest import model_properties
from pipelines.defs.documents import FIGURE_COLUMNS
from pipelines.sources.documents import corrections, figure

FIELDS = [f.name for f in dataclasses.fields(figure.Figure)]
# what the raw table adds to a figure: its document, the extractor and an analyst's decision
RAW_EXTRAS = {
    "document_sha256",
    "extractor_version",
    "correction_action",
    "corrected_by",
    "corrected_at",
    "correction_note",
    "original",
}


def _selected(sql: str) -> dict[str, str]:
    """Output column -> the expression it is made of, for each line of a simple select list."""
    body = sql.split("select", 1)[1].split("\nfrom", 1)[0]
    out = {}
    for line in body.splitlines():
        line = line.split("--")[0].strip().rstrip(",")
        if not line:
            continue
        m = re.match(r"(.+?)\s+as\s+(\w+)$", line)
        expr, name = (m.group(1), m.group(2)) if m else (line, line.split(".")[-1])
        out[name] = expr
    return out


def _yml_columns(sql) -> list[str]:
    return [c["name"] for c in model_properties(sql).get("columns", [])]


def test_the_raw_table_holds_every_field_of_a_figure_and_the_documented_extras():
    columns = [name for name, _ in FIGURE_COLUMNS]
    assert len(columns) == len(set(columns))
    assert set(columns) - RAW_EXTRAS == set(FIELDS), (set(columns) ^ set(FIELDS)) - RAW_EXTRAS
    assert RAW_EXTRAS <= set(columns)


def test_the_staging_model_reads_every_raw_column_and_its_yml_documents_every_output():
    sql = (REPO / "sql" / "models" / "staging" / "stg_document_figures.sql").read_text()
    selected = _selected(sql)
    read = " ".join(selected.values())
    missing = [name for name, _ in FIGURE_COLUMNS if not re.search(rf"\b{name}\b", read)]
    assert not missing, f"stg_document_figures does not read {missing}"
    documented = _yml_columns(REPO / "sql" / "models" / "staging" / "stg_document_figures.sql")
    assert list(selected) == documented, set(selected) ^ set(documented)


def test_the_review_mart_shows_only_columns_the_staging_model_has():
    staged = set(_selected((REPO / "sql" / "models" / "staging" / "stg_document_figures.sql").read_text()))
    mart = (REPO / "sql" / "models" / "marts" / "figures_to_review.sql").read_text()
    used = set(re.findall(r"\bf\.(\w+)", mart))
    assert used <= staged, used - staged
    documented = set(_yml_columns(REPO / "sql" / "models" / "marts" / "figures_to_review.sql"))
    assert set(_selected(mart)) == documented


def test_corrections_and_tests_name_only_fields_of_a_figure():
    assert set(corrections.FIXABLE) <= set(FIELDS)
    assert set(FIGURE_KEYS) <= set(FIELDS)


def test_units_and_kinds_of_indicators_are_the_reference_seeds():
    with open(REPO / "sql" / "seeds" / "ref_indicators.csv", encoding="utf-8") as f:
        seeds = {r["code"]: r for r in csv.DictReader(f)}
    assert figure.UNITS == {k: r["unit"] for k, r in seeds.items()}
    assert figure.STOCKS == {k for k, r in seeds.items() if r["period_form"] == "date"}
    assert figure.SIGNED == {k for k, r in seeds.items() if r["can_be_negative"] == "true"}
    assert figure.FLOWS | figure.STOCKS | {"wage_offer_min", "wage_offer_max"} == set(seeds)
