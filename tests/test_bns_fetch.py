"""Fetching from a real loopback server that plays stat.gov.kz, then parsing what landed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bns_server import BIG_BYTES, bns_files, bns_server, refused_url  # noqa: F401  (fixtures)
from pipelines import settings
from pipelines.sources.bns import (
    OBSERVATION_KEYS,
    FetchConfig,
    fetch_all,
    fetch_source,
    format_fetch_table,
    landed_vintages,
    load_catalogue,
    parse_file,
)
from pipelines.sources.bns.fetch import read_manifest


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KAZMIG_CATALOGUE", raising=False)
    return tmp_path / "home"


def config(base_url: str, **kw) -> FetchConfig:
    return FetchConfig(
        base_url=base_url,
        connect_timeout=2,
        read_timeout=kw.pop("read_timeout", 5),
        retries=kw.pop("retries", 1),
        backoff=0.05,
        **kw,
    )


def by_key(obs):
    return {(o["indicator"], o["region"], o["sex"], o["period"]): o["value"] for o in obs}


def regions_sum_matches(obs, indicator, period):
    total, parts, n = None, 0.0, 0
    for o in obs:
        if o["indicator"] == indicator and o["period"] == period and o["sex"] == "total":
            if o["region"] == "KZ":
                total = o["value"]
            else:
                parts += o["value"]
                n += 1
    return total, parts, n


def landed_files(home: Path, source_id: str) -> list[Path]:
    d = home / "raw" / "bns" / source_id
    return sorted(d.iterdir()) if d.exists() else []


def test_end_to_end_fetch_then_parse(home, bns_server):
    sources = load_catalogue()
    cfg = config(bns_server.url)
    results = fetch_all(sources, config=cfg)
    table = format_fetch_table(results)
    assert [r.outcome for r in results] == ["changed"] * 4, table
    assert all(r.status == 200 for r in results)
    # the CSV endpoint answered with a redirect that was followed
    assert bns_server.count("/api/iblock/element/6584/csv/file/ru/") == 1
    assert bns_server.count("/files/6584-population-2026-08-11.csv") == 1

    srcs = {s.id: s for s in sources}
    for r in results:
        assert r.path.parent == settings.bns_dir() / r.source_id
        assert r.path.name == f"{r.sha256}.{srcs[r.source_id].ext}"
        side = json.loads(r.path.with_suffix(".json").read_text())
        for key in (
            "source_id",
            "url",
            "retrieved_at",
            "etag",
            "last_modified",
            "vintage",
            "sha256",
            "bytes",
            "content_type",
            "license",
            "via",
            "original_name",
        ):
            assert key in side
        assert side["via"] == "http" and side["sha256"] == r.sha256 and side["bytes"] == r.path.stat().st_size
        assert "/" not in (side["original_name"] or "")

    [(pop_path, pop_meta)] = landed_vintages(srcs["population_csv"])
    assert pop_meta["vintage"] == "2026-08-11"  # from Last-Modified
    pop = parse_file(srcs["population_csv"], pop_path, pop_meta)
    assert all(set(o) == set(OBSERVATION_KEYS) for o in pop)
    values = by_key(pop)
    assert values[("population", "110000000", "total", "2025-01-01")] == 787263
    assert pop[0]["file_name"].startswith("bns/population_csv/")
    total, parts, n = regions_sum_matches(pop, "population", "2025-01-01")
    assert n >= 17 and total == parts

    [(mig_path, mig_meta)] = landed_vintages(srcs["net_migration_csv"])
    mig = parse_file(srcs["net_migration_csv"], mig_path, mig_meta)
    assert by_key(mig)[("net_migration", "KZ", "total", "2024")] == 16550
    row = next(o for o in mig if o["region"] == "KZ" and o["period"] == "2024")
    assert (row["period_start"], row["period_end"], row["unit"], row["sheet"]) == (
        "2024-01-01",
        "2024-12-31",
        "persons",
        None,
    )
    total, parts, n = regions_sum_matches(mig, "net_migration", "2024")
    assert n >= 17 and total == parts

    [(x_path, x_meta)] = landed_vintages(srcs["population_xlsx"])
    assert x_meta["vintage"] == "2023-07-21"
    xl = parse_file(srcs["population_xlsx"], x_path, x_meta)
    assert by_key(xl)[("population", "110000000", "total", "2023-01-01")] == 788023
    assert values[("population", "110000000", "total", "2023-01-01")] == 788013
    assert {o["vintage"] for o in xl} == {"2023-07-21"} and {o["vintage"] for o in pop} == {"2026-08-11"}

    [(lf_path, lf_meta)] = landed_vintages(srcs["labour_force_csv"])
    assert len(parse_file(srcs["labour_force_csv"], lf_path, lf_meta)) > 100

    # the second run costs one 304 per table and lands nothing
    before = {sid: landed_files(home, sid) for sid in srcs}
    again = fetch_all(sources, config=cfg)
    assert [r.outcome for r in again] == ["unchanged"] * 4, format_fetch_table(again)
    assert all(r.status == 304 for r in again)
    assert {sid: landed_files(home, sid) for sid in srcs} == before
    last = [m for m in read_manifest()][-4:]
    assert [(m["outcome"], m["status"]) for m in last] == [("unchanged", 304)] * 4
    conditional = [h for p, h in bns_server.requests if p.startswith("/files/")][-3:]
    assert all("If-None-Match" in h and "If-Modified-Since" in h for h in conditional)
    assert "unchanged" in format_fetch_table(again)


def failing_sources(tmp_path: Path, endpoints: list[str], element_id: str = "6567") -> list:
    doc = {
        "sources": [
            {
                "id": f"t_{e.replace('-', '_')}",
                "title": e,
                "element_id": int(element_id),
                "format": "bns_csv",
                "url": "{base_url}/test/" + e + "/{element_id}",
                "period": "year",
                "region": "КАТО(по каталогу)",
                "indicator": "net_migration",
                "license": "test",
                "attribution": "test",
            }
            for e in endpoints
        ]
    }
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return load_catalogue(path)


def manifest_for(source_id: str) -> list[dict]:
    return [m for m in read_manifest() if m["source_id"] == source_id]


def test_500_then_200_succeeds_after_a_retry(home, bns_server, tmp_path):
    [src] = failing_sources(tmp_path, ["flaky"])
    r = fetch_source(src, config=config(bns_server.url))
    assert r.outcome == "changed" and r.attempts == 2 and r.path.exists()
    lines = manifest_for(src.id)
    assert [(m["status"], m["outcome"]) for m in lines] == [(500, "failed"), (200, "changed")]
    assert "retrying" in lines[0]["error"] and lines[1]["error"] is None
    assert len(parse_file(src, r.path, r.meta)) > 0


@pytest.mark.parametrize(
    "endpoint, message, attempts",
    [
        ("missing", "HTTP 404", 1),
        ("html", "HTML", 1),
        ("html-as-csv", "HTML", 1),
        ("wrongtype", "content type", 1),
        ("truncated", "truncated", 2),
        ("loop", "redirect loop", 1),
        ("big", "over the cap", 1),
        ("big-declared", "over the cap", 1),
        ("offhost", "refusing host", 1),
        ("slow", "time-out", 2),
    ],
)
def test_failures_land_nothing(home, bns_server, tmp_path, endpoint, message, attempts):
    [src] = failing_sources(tmp_path, [endpoint])
    cfg = config(bns_server.url, read_timeout=0.5, max_bytes=1024 * 1024)
    assert BIG_BYTES > cfg.max_bytes
    r = fetch_source(src, config=cfg)
    assert r.outcome == "failed", r
    assert message in r.error
    assert r.attempts == attempts
    assert bns_server.count(f"/test/{endpoint}/") == attempts
    assert landed_files(home, src.id) == []  # no snapshot, no sidecar, no temporary file
    assert landed_vintages(src) == []
    lines = manifest_for(src.id)
    assert len(lines) == attempts and all(m["error"] for m in lines)
    assert lines[-1]["outcome"] == "failed" and lines[-1]["sha256"] is None
    assert "\n" not in r.error


def test_connection_refused_fails_fast_without_retries(home, tmp_path):
    [src] = failing_sources(tmp_path, ["flaky"])
    cfg = FetchConfig(base_url=refused_url(), retries=5, backoff=10)  # a retry would take 10 s
    r = fetch_source(src, config=cfg)
    assert r.outcome == "offline" and "refused" in r.error
    lines = manifest_for(src.id)
    assert len(lines) == 1 and lines[0]["outcome"] == "offline" and lines[0]["status"] is None
    assert landed_files(home, src.id) == []


def test_unresolvable_host_is_offline_and_later_sources_are_not_tried(home, tmp_path):
    sources = failing_sources(tmp_path, ["flaky", "missing"])
    results = fetch_all(sources, config=FetchConfig(base_url="http://kazmig-test.invalid", retries=5, backoff=10))
    assert [r.outcome for r in results] == ["offline", "offline"]
    assert "does not resolve" in results[0].error and "not tried" in results[1].error
    assert [m["attempt"] for m in read_manifest()] == [1, 0]


def test_offline_mode_makes_no_request(home, bns_server):
    results = fetch_all(load_catalogue(), offline=True, config=config(bns_server.url))
    assert {r.outcome for r in results} == {"offline"}
    assert bns_server.requests == []


def test_only_http_urls_on_configured_hosts(home, bns_server, tmp_path):
    [src] = failing_sources(tmp_path, ["flaky"])
    object.__setattr__(src, "url_template", "file:///etc/passwd#{base_url}{element_id}")
    r = fetch_source(src, config=config(bns_server.url))
    assert r.outcome == "failed" and "scheme" in r.error
    [src] = failing_sources(tmp_path, ["flaky"])
    object.__setattr__(src, "url_template", "http://example.com/{element_id}#{base_url}")
    r = fetch_source(src, config=config(bns_server.url))
    assert r.outcome == "failed" and "refusing host" in r.error
    assert bns_server.requests == [] and landed_files(home, src.id) == []
