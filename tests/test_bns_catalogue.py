"""The catalogue, offline bundles (land_from_dir) and adding a table by YAML alone."""

from __future__ import annotations

import pytest
import yaml
from test_bns_parse import MIG_HEADER, mig, write_csv

from bns_server import bns_files  # noqa: F401  (fixture)
from pipelines.sources.bns import CatalogueError, land_from_dir, landed_vintages, load_catalogue, parse_all, parse_file
from pipelines.sources.bns.catalogue import DEFAULT_CATALOGUE
from pipelines.sources.bns.fetch import read_manifest


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KAZMIG_CATALOGUE", raising=False)
    return tmp_path / "home"


def test_catalogue_lists_the_bureau_tables(monkeypatch):
    monkeypatch.delenv("KAZMIG_CATALOGUE", raising=False)
    monkeypatch.setenv("KAZMIG_BNS_BASE_URL", "https://stat.gov.kz/")
    by_id = {s.id: s for s in load_catalogue()}
    assert {"population_csv", "population_xlsx", "net_migration_csv", "labour_force_csv"} <= set(by_id)
    assert by_id["population_csv"].url() == "https://stat.gov.kz/api/iblock/element/6584/csv/file/ru/"
    assert by_id["population_xlsx"].url() == "https://stat.gov.kz/api/iblock/element/6584/file/ru/"
    assert by_id["labour_force_csv"].url("http://x") == "http://x/api/iblock/element/102800/csv/file/ru/"
    for s in by_id.values():
        assert s.attribution == "Бюро национальной статистики АСПиР РК, stat.gov.kz"
        assert s.license and s.unit == "persons" and s.cadence
    assert by_id["population_csv"].period == "start" and by_id["net_migration_csv"].period == "year"
    from pipelines.sources.bns.catalogue import source_rows

    rows = source_rows(list(by_id.values()))
    assert {r["source_id"] for r in rows} == set(by_id)
    assert {
        "source_id",
        "element_id",
        "title",
        "producer",
        "format",
        "url",
        "license",
        "attribution",
        "cadence",
    } <= set(rows[0])


def test_catalogue_from_env(tmp_path, monkeypatch):
    doc = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    doc["sources"] = doc["sources"][:1]
    p = tmp_path / "one.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("KAZMIG_CATALOGUE", str(p))
    assert [s.id for s in load_catalogue()] == ["population_csv"]


def test_catalogue_edited_in_place_is_read_again(tmp_path):
    """load_catalogue keeps the last file it read: an edit (even one of the same size) is seen."""
    doc = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    p = tmp_path / "c.yaml"
    seen = []
    for title in ("Title A", "Title B"):
        doc["sources"][0]["title"] = title
        p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        seen.append(load_catalogue(p)[0].title)
        load_catalogue(p).clear()  # a caller's changes to its list are its own
        assert len(load_catalogue(p)) == len(doc["sources"])
    assert seen == ["Title A", "Title B"]


GOOD = {"id": "x", "element_id": 1, "format": "bns_csv", "period": "year", "region": "K", "indicator": "net_migration"}
CATALOGUE_MISTAKES = [  # (entries, the entry and key the line names, what it says)
    ([{**GOOD, "format": "pdf"}], "sources[0] (x), key 'format'", "'bns_csv', 'bns_xlsx' or 'bns_json', not 'pdf'"),
    ([{**GOOD, "element_id": "abc"}], "sources[0] (x), key 'element_id'", "must be a number"),
    ([{**GOOD, "indicator": None}], "sources[0] (x)", "indicator or a dimension with role indicator"),
    ([{**GOOD, "region": None}], "sources[0] (x)", "region (the territory column) is required"),
    ([{**GOOD, "period": "later"}], "sources[0] (x), key 'period'", "not 'later'"),
    ([GOOD, {**GOOD, "element_id": 2}], "sources[1] (x), key 'id'", "duplicate source id (sources[0] has it)"),
    ([{**GOOD, "indicator": "emigrantz"}], "sources[0] (x), key 'indicator'", "unknown indicator 'emigrantz'"),
    (
        [{**GOOD, "indicator": None, "dimensions": {"СП": {"role": "indicator", "map": {"Всего": "populaton"}}}}],
        "sources[0] (x), key 'dimensions.СП.map.Всего'",
        "unknown indicator 'populaton'",
    ),
    (
        [{**GOOD, "dimensions": {"СП": {"role": "sex", "map": {"Всего": "everyone"}}}}],
        "sources[0] (x), key 'dimensions.СП'",
        "sex values must be in",
    ),
    ([{**GOOD, "url": "https://evil.example/{element_id}"}], "sources[0] (x), key 'url'", "must contain {base_url}"),
    (
        [{**GOOD, "url": "{base_url}/api/{elementid}/"}],
        "sources[0] (x), key 'url'",
        "unknown placeholder(s) {elementid}",
    ),
    ([{**GOOD, "url": "{base_url}/api/../../{element_id}"}], "sources[0] (x), key 'url'", "leaves the bureau's host"),
    ([{**GOOD, "formt": "bns_csv"}], "sources[0] (x), key 'formt'", "unknown key (known: "),
    ([{**GOOD, "title_pattern": "(unclosed"}], "sources[0] (x), key 'title_pattern'", "not a regular expression"),
    (["just a string"], "sources[0]", "each source must be a mapping"),
]


@pytest.mark.parametrize("entries, where, says", CATALOGUE_MISTAKES, ids=[m[2][:30] for m in CATALOGUE_MISTAKES])
def test_catalogue_mistake_is_one_line_naming_entry_and_key(tmp_path, entries, where, says):
    p = tmp_path / "cat.yaml"
    p.write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(p)
    msg = str(exc.value)
    assert msg.startswith(f"cat.yaml: {where}"), msg
    assert says in msg and "\n" not in msg, msg


def test_catalogue_mistake_stops_every_command_before_anything_runs(tmp_path):
    """What a user sees: one line naming the entry and the key, exit 2, no traceback, nothing run."""
    from conftest import kazmig

    p = tmp_path / "cat.yaml"
    p.write_text(yaml.safe_dump({"sources": [{**GOOD, "format": "bns_xslx"}]}), encoding="utf-8")
    home = tmp_path / "home"
    for args in (("build", "--offline"), ("build",), ("fetch",), ("fetch", "--from", str(tmp_path))):
        proc = kazmig(home, *args, check=False, env={"KAZMIG_CATALOGUE": str(p)})
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert proc.stderr.splitlines() == [
            f"kazmig {args[0]}: cat.yaml: sources[0] (x), key 'format': Input should be 'bns_csv', 'bns_xlsx' "
            "or 'bns_json', not 'bns_xslx'"
        ], proc.stderr
        assert proc.stdout == ""
    assert not (home / "warehouse").exists() and not (home / "raw").exists()


def test_a_new_table_of_a_known_layout_is_a_yaml_change(home, tmp_path):
    """departures: same CSV layout as net migration, a new element id, nothing but YAML."""
    doc = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    doc["sources"].append(
        {
            "id": "departures_csv",
            "title": "Число выбывших (человек)",
            "element_id": 9999,
            "format": "bns_csv",
            "period": "year",
            "region": "КАТО(по каталогу)",
            "indicator": "departures",
        }
    )
    cat = tmp_path / "catalogue.yaml"
    cat.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    sources = load_catalogue(cat)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    write_csv(
        bundle / "9999-departures-2025-03-01.csv",
        MIG_HEADER,
        [
            mig(2024, "РЕСПУБЛИКА КАЗАХСТАН", "20 000"),
            mig(2024, "АКМОЛИНСКАЯ ОБЛАСТЬ", "3 000"),
            mig(2024, "АККОЛЬСКИЙ РАЙОН", "300"),
        ],
    )
    (bundle / "notes.txt").write_text("ignored")
    [r] = land_from_dir(bundle, sources)
    assert (r.source_id, r.outcome, r.vintage, r.via) == ("departures_csv", "changed", "2025-03-01", "bundle")
    dep = next(s for s in sources if s.id == "departures_csv")
    [(path, meta)] = landed_vintages(dep)
    obs = parse_file(dep, path, meta)
    assert sorted((o["region"], o["indicator"], o["period"], o["value"]) for o in obs) == [
        ("110000000", "departures", "2024", 3000.0),
        ("KZ", "departures", "2024", 20000.0),
    ]
    assert obs[0]["vintage"] == "2025-03-01"


def test_land_from_dir_shared_bundle(home, bns_files, tmp_path):
    sources = load_catalogue()
    results = land_from_dir(bns_files, sources)
    got = {r.source_id: r for r in results}
    assert set(got) == {"population_csv", "population_xlsx", "net_migration_csv", "labour_force_csv"}
    assert {r.outcome for r in results} == {"changed"}
    assert got["population_csv"].vintage == "2026-08-11" and got["population_xlsx"].vintage == "2023-07-21"
    again = land_from_dir(bns_files, sources)
    assert {r.outcome for r in again} == {"unchanged"}
    manifest = read_manifest()
    assert len(manifest) == 8 and {m["via"] for m in manifest} == {"bundle"}
    assert all(m["sha256"] and m["error"] is None for m in manifest)

    # an HTML page saved under a table's name is rejected and lands nothing
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "6567-net-migration-2027-01-01.csv").write_text("<!DOCTYPE html><html><body>503</body></html>")
    [r] = land_from_dir(bad, sources)
    assert r.outcome == "failed" and "HTML" in r.error
    assert len(landed_vintages(next(s for s in sources if s.id == "net_migration_csv"))) == 1
    assert read_manifest()[-1]["outcome"] == "failed"
    assert not [p for p in (home / "raw" / "bns").rglob("*") if p.name.startswith(".")]

    # every landed vintage parses; a file that would not is refused before it lands, saying where
    obs, errors = parse_all(sources)
    assert errors == {} and {o["source_id"] for o in obs} == set(got)
    broken = tmp_path / "broken"
    broken.mkdir()
    write_csv(broken / "6567-net-migration-2027-02-01.csv", MIG_HEADER, [mig(2024, "ЗЕМЛЯ САННИКОВА", "1")])
    [r] = land_from_dir(broken, sources)
    assert r.outcome == "failed" and r.error == (
        "rejected 6567-net-migration-2027-02-01.csv: unknown region label 'ЗЕМЛЯ САННИКОВА' "
        "(row 2, column КАТО(по каталогу))"
    )
    obs2, errors = parse_all(sources, latest_only=True)
    assert errors == {} and sorted(obs2, key=str) == sorted(parse_all(sources, latest_only=True)[0], key=str)
    assert len(landed_vintages(next(s for s in sources if s.id == "net_migration_csv"))) == 1
