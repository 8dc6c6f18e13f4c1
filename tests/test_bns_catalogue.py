"""The catalogue, offline bundles (land_from_dir) and adding a table by YAML alone."""
from __future__ import annotations


import pytest
import yaml

from bns_server import bns_files  # noqa: F401  (fixture)
from pipelines.bns import (CatalogueError, land_from_dir, landed_vintages, load_catalogue, parse_all,
                           parse_file)
from pipelines.bns.catalogue import DEFAULT_CATALOGUE
from pipelines.bns.fetch import read_manifest
from test_bns_parse import MIG_HEADER, mig, write_csv


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
    from pipelines.bns.catalogue import source_rows

    rows = source_rows(list(by_id.values()))
    assert {r["source_id"] for r in rows} == set(by_id)
    assert {"source_id", "element_id", "title", "producer", "format", "url", "license", "attribution",
            "cadence"} <= set(rows[0])


def test_catalogue_from_env_and_errors(tmp_path, monkeypatch):
    doc = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    doc["sources"] = doc["sources"][:1]
    p = tmp_path / "one.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("KAZMIG_CATALOGUE", str(p))
    assert [s.id for s in load_catalogue()] == ["population_csv"]
    for bad, msg in [
        ({"sources": [{"id": "x", "element_id": 1, "format": "pdf", "period": "year"}]}, "format"),
        ({"sources": [{"id": "x", "element_id": "abc", "format": "bns_csv", "period": "year"}]}, "element_id"),
        ({"sources": [{"id": "x", "element_id": 1, "format": "bns_csv", "period": "year", "indicator": "a"}]}, "region"),
        ({"sources": [{"id": "x", "element_id": 1, "format": "bns_csv", "period": "later", "region": "K",
                       "indicator": "a"}]}, "period"),
        ({"sources": [{"id": "x", "element_id": 1, "format": "bns_csv", "period": "year", "region": "K",
                       "indicator": "a"}] * 2}, "duplicate"),
    ]:
        p.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
        with pytest.raises(CatalogueError, match=msg):
            load_catalogue()


def test_a_new_table_of_a_known_layout_is_a_yaml_change(home, tmp_path):
    """departures: same CSV layout as net migration, a new element id, nothing but YAML."""
    doc = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    doc["sources"].append({"id": "departures_csv", "title": "Число выбывших (человек)", "element_id": 9999,
                           "format": "bns_csv", "period": "year", "region": "КАТО(по каталогу)",
                           "indicator": "departures"})
    cat = tmp_path / "catalogue.yaml"
    cat.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    sources = load_catalogue(cat)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    write_csv(bundle / "9999-departures-2025-03-01.csv", MIG_HEADER, [
        mig(2024, "РЕСПУБЛИКА КАЗАХСТАН", "20 000"), mig(2024, "АКМОЛИНСКАЯ ОБЛАСТЬ", "3 000"),
        mig(2024, "АККОЛЬСКИЙ РАЙОН", "300")])
    (bundle / "notes.txt").write_text("ignored")
    [r] = land_from_dir(bundle, sources)
    assert (r.source_id, r.outcome, r.vintage, r.via) == ("departures_csv", "changed", "2025-03-01", "bundle")
    dep = next(s for s in sources if s.id == "departures_csv")
    [(path, meta)] = landed_vintages(dep)
    obs = parse_file(dep, path, meta)
    assert sorted((o["region"], o["indicator"], o["period"], o["value"]) for o in obs) == [
        ("110000000", "departures", "2024", 3000.0), ("KZ", "departures", "2024", 20000.0)]
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

    # every landed vintage parses; a source that fails stops alone
    obs, errors = parse_all(sources)
    assert errors == {} and {o["source_id"] for o in obs} == set(got)
    broken = tmp_path / "broken"
    broken.mkdir()
    write_csv(broken / "6567-net-migration-2027-02-01.csv", MIG_HEADER, [mig(2024, "ЗЕМЛЯ САННИКОВА", "1")])
    land_from_dir(broken, sources)
    obs2, errors = parse_all(sources, latest_only=True)
    assert set(errors) == {"net_migration_csv"}
    assert "unknown region label 'ЗЕМЛЯ САННИКОВА'" in str(errors["net_migration_csv"])
    assert "row 2, column КАТО(по каталогу)" in str(errors["net_migration_csv"])
    assert {o["source_id"] for o in obs2} == set(got) - {"net_migration_csv"}
