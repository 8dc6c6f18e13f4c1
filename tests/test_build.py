"""The foundation: `kazmig build` end to end, the asset graph, and publication that never lies."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from conftest import kazmig, make_home

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_prints_summary_and_publishes(built_home, published):
    out = (built_home / "build_output.txt").read_text()
    assert "kazmig build succeeded" in out
    built_in = Path((built_home / "build_home.txt").read_text())  # built once, copied for each worker
    assert f"warehouse: {built_in / 'warehouse' / 'kazmig.duckdb'}" in out
    assert "checks:" in out and " 0 failed," in out
    assert "labour_migration_note.pdf" in out  # the document is listed among the sources used
    schemas = {
        r[0]
        for r in published.execute("select distinct schema_name from duckdb_schemas() where not internal").fetchall()
    }
    assert {"raw", "staging", "core", "marts"} <= schemas
    assert not any(s.startswith("main_") for s in schemas)
    status = json.loads((built_home / "warehouse" / "last_build.json").read_text())
    assert status["success"] is True and status["rows"]


def test_vertical_slice_pdf_to_mart(built_home, published):
    """Figures extracted from the note reach the raw table, the fact table and a mart."""
    raw = published.execute("select count(*) from raw.document_figures").fetchall()[0][0]
    from pipelines.sources.documents.extract import extract_figures

    assert raw == len(extract_figures(built_home / "raw" / "documents" / "labour_migration_note.pdf")) > 0
    facts = published.execute("select count(*) from core.fct_observation where source_kind = 'document'").fetchall()[0][
        0
    ]
    assert facts == raw
    ru = published.execute(
        "select emigrants from marts.emigration_by_destination where country_code = 'RU' and year = 2024"
    ).fetchall()
    assert ru and ru[0][0] > 0


def test_definitions_graph_is_connected():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = set(graph.get_all_asset_keys())
    materializable = {k for k in keys if graph.get(k).is_materializable}
    # No dbt source left without the Python asset that lands it.
    assert keys == materializable, (
        f"unmapped (external) assets: {sorted(k.to_user_string() for k in keys - materializable)}"
    )
    marts = {k for k in keys if k.path[0] == "marts"}
    assert marts
    published = next(k for k in keys if k.path == ["warehouse", "published"])

    def reach(k, direction):
        """Every asset reachable from k following child_keys or parent_keys."""
        seen, todo = set(), [k]
        while todo:
            for n in getattr(graph.get(todo.pop()), direction):
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        return seen

    def downstream(k):
        return reach(k, "child_keys")

    def upstream(k):
        return reach(k, "parent_keys")

    python_raw = {k for k in keys if k.path[0] in ("raw", "bns") and not k.path[-1].startswith("ref_")}
    assert {"raw/documents", "raw/document_figures", "raw/bns_observations"} <= {k.to_user_string() for k in python_raw}
    for k in keys - {published} - downstream(published):
        assert published in downstream(k), f"{k.to_user_string()} does not lead to the published warehouse"
    for k in python_raw:
        assert downstream(k) & marts, f"{k.to_user_string()} feeds no mart"
    for m in marts:
        assert upstream(m) & python_raw, f"{m.to_user_string()} is not fed by any raw source asset"


def _bad_document(path: Path) -> None:
    """A note whose figures break a blocking check: more emigrants to one country than in total."""
    import matplotlib
    from fpdf import FPDF

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(font))
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(
        0,
        8,
        "В 2024 году на работу за границу уехали 1 000 казахстанцев. "
        "Только в 2024 году 5 000 казахстанцев поехали в Россию.",
    )
    pdf.output(str(path))


def test_failed_blocking_check_leaves_published_file_unchanged(built_copy):
    home = built_copy  # the note and the bureau's files, built and published
    target = home / "warehouse" / "kazmig.duckdb"
    before = sha(target)
    _bad_document(home / "raw" / "documents" / "bad_note.pdf")
    proc = kazmig(home, "build", "--offline", check=False)
    assert proc.returncode != 0
    assert "FAILED" in proc.stdout and "not published by this build" in proc.stdout
    # The failing check names the rows that broke it: the year and the offending sums.
    assert "row(s) broke it" in proc.stdout and "period=2024" in proc.stdout
    assert sha(target) == before
    # The previous data is still what readers get.
    con = duckdb.connect(str(target), read_only=True)
    try:
        docs = con.execute("select count(*) from raw.documents").fetchall()[0][0]
    finally:
        con.close()
    assert docs == 1


def test_second_build_refuses_while_one_runs(tmp_path, monkeypatch):
    home = make_home(tmp_path / "home", with_note=False)
    monkeypatch.setenv("KAZMIG_HOME", str(home))
    from pipelines.warehouse.lock import build_lock

    with build_lock():
        proc = kazmig(home, "build", "--offline", check=False)
    assert proc.returncode == 75
    assert "another kazmig process is writing" in proc.stderr
    assert not (home / "warehouse" / "kazmig.duckdb").exists()


def test_no_op_build_reruns_nothing(built_home):
    target = built_home / "warehouse" / "kazmig.duckdb"
    before = sha(target)
    proc = kazmig(built_home, "build", "--offline")
    assert "nothing changed since the last published build" in proc.stdout
    assert sha(target) == before
    status = json.loads((built_home / "warehouse" / "last_build.json").read_text())
    assert status["success"] and not status["unchanged"]  # the record of the real build is kept


def test_a_run_launched_by_dagster_builds_publishes_and_describes_its_tables(tmp_path, monkeypatch):
    """As from the UI or the daemon: no `kazmig build` around it. The run publishes; dbt's tables
    carry their row counts and column schemas, and every check says what it checks."""
    import dagster as dg

    home = make_home(tmp_path / "home")
    monkeypatch.setenv("KAZMIG_HOME", str(home))
    from pipelines.definitions import defs

    job = defs.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_config={"resources": {"fetch_settings": {"config": {"offline": True, "always_materialize": True}}}},
    )
    assert result.success
    checks = result.get_asset_check_evaluations()
    assert checks and all(c.passed or c.severity == dg.AssetCheckSeverity.WARN for c in checks)
    mats = {
        e.asset_key.to_user_string(): e.event_specific_data.materialization
        for e in result.get_asset_materialization_events()
    }
    assert {"staging", "core", "marts", "warehouse"} <= {k.split("/")[0] for k in mats}
    assert (home / "warehouse" / "kazmig.duckdb").exists()
    assert (home / ".dbt" / "run_results.json").exists()

    con = duckdb.connect(str(home / "warehouse" / "kazmig.duckdb"), read_only=True)
    try:
        for key in ("core/fct_observation", "marts/note_claims", "marts/region_profile"):
            meta = mats[key].metadata
            rows = con.execute(f"select count(*) from {key.replace('/', '.')}").fetchall()[0][0]
            assert meta["dagster/row_count"].value == rows, key
            schema = meta["dagster/column_schema"].value
            declared = {
                c[0]: c[1]
                for c in con.execute(
                    "select column_name, data_type from duckdb_columns() where schema_name = ? and table_name = ? "
                    "order by column_index",
                    key.split("/"),
                ).fetchall()
            }
            got = {c.name: c.type.upper() for c in schema.columns}
            assert list(got) == list(declared), key  # every column, in the table's order
            for column, sqltype in declared.items():  # dbt names DuckDB's VARCHAR "character varying(256)"
                assert got[column] == sqltype or ("CHAR" in got[column] and sqltype == "VARCHAR"), (key, column)
    finally:
        con.close()
    graph = defs.resolve_asset_graph()
    specs = [graph.get_check_spec(k) for k in graph.asset_check_keys]
    assert len(specs) > 50
    assert all(s.description and len(s.description) > 10 for s in specs), [s.name for s in specs if not s.description]
    [singular] = [s for s in specs if s.name == "assert_region_aliases_unambiguous"]
    assert singular.description.startswith(
        "A spelling (after normalisation) names one region"
    )  # its SQL's opening comment

    # dbt's tests on sources are observations of the Python assets that land them
    observed = {
        e.asset_key.to_user_string(): e.event_specific_data.asset_observation.metadata
        for e in result.all_events
        if e.event_type_value == "ASSET_OBSERVATION"
    }
    assert {"raw/bns_observations", "raw/documents"} <= set(observed), observed
    assert all(m["unique_id"].value.startswith("test.") and m["status"].value == "pass" for m in observed.values())

    # A run of one check, as "Execute" on a check in the UI: dbt runs that test alone
    one = dg.Definitions.merge(
        defs, dg.Definitions(jobs=[dg.define_asset_job("one_check", selection=dg.AssetSelection.checks(singular.key))])
    )
    only = one.resolve_job_def("one_check").execute_in_process(instance=dg.DagsterInstance.ephemeral())
    assert only.success
    assert [(c.check_name, c.passed) for c in only.get_asset_check_evaluations()] == [(singular.name, True)]
    ran = [r["unique_id"] for r in json.loads((home / ".dbt" / "run_results.json").read_text())["results"]]
    assert ran == [singular.metadata["dagster_dbt/unique_id"]], ran
