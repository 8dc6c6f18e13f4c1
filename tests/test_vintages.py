"""Bureau releases as they really arrive (issue 12), through real `kazmig build` runs against a
loopback bureau: no Last-Modified and both formats in one refresh, two refreshes a second apart,
the XLSX and the CSV of element 6584 disagreeing in values and borders, a format that cannot be
fetched, and a server that does send Last-Modified. Each build publishes, and the marts say which
vintage is current."""

from __future__ import annotations

import re
import shutil
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
import yaml

from bns_server import BnsServer, bns_files  # noqa: F401  (fixture)
from conftest import kazmig, make_home
from pipelines.sources.bns import vintage as vintages
from pipelines.sources.bns.catalogue import DEFAULT_CATALOGUE
from pipelines.sources.bns.fetch import FetchConfig, fetch_all

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first

POP_CSV = "6584-population-2026-08-11.csv"
POP_XLSX = "6584-population-2023-07-21.xlsx"


def without_file_date(src: Path, dst: Path) -> Path:
    """The XLSX as a server might regenerate it: no "modified" date in docProps/core.xml."""
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>", b"", data)
            zo.writestr(info, data)
    return dst


def revise_akmola_2025(csv: Path) -> None:
    """A revision in the served CSV: one resident of Akmola on 1 January 2025 counted rural, not
    urban, in the region and in the country's total (every sum the checks verify still holds)."""
    text = csv.read_bytes().decode("utf-8-sig")
    for label in ("АКМОЛИНСКАЯ ОБЛАСТЬ", "РЕСПУБЛИКА КАЗАХСТАН"):
        for kind, delta in (("городская местность", -1), ("сельская местность", +1)):
            head = (
                f'"Численность населения на начало периода(Человек)"\t"2025 год"\t"202512"\t"{label}"\t"0"\t'
                f'"{kind}"\t"0"\t"Всего"\t"0"\t"Все группы"\t"0"\t"'
            )
            [value] = re.findall(re.escape(head) + r'([\d ]+)"', text)
            new = f"{int(value.replace(' ', '')) + delta:,}".replace(",", " ")
            text = text.replace(head + value + '"', head + new + '"')
    csv.write_text(text, encoding="utf-8")


def query(home: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse" / "kazmig.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def current_value(home: Path, region: str, period: str, indicator: str = "population") -> tuple:
    return query(
        home,
        f"""select value, source_id from core.fct_observation_current
                           where indicator = '{indicator}' and region = '{region}' and sex = 'total'
                             and period = '{period}'""",
    )[0]


@pytest.fixture(scope="module")
def no_last_modified(tmp_path_factory, bns_files):
    """The bureau as it answers: no Last-Modified; the XLSX without a date inside it either."""
    folder = tmp_path_factory.mktemp("served")
    for f in bns_files.iterdir():
        if f.suffix == ".csv":
            shutil.copyfile(f, folder / f.name)
    without_file_date(bns_files / POP_XLSX, folder / POP_XLSX)
    srv = BnsServer(folder, last_modified=None).start()
    yield srv
    srv.stop()


def test_one_refresh_two_formats_then_a_revision_a_second_later_then_a_failing_format(
    tmp_path, monkeypatch, no_last_modified
):
    srv = no_last_modified
    home = make_home(tmp_path / "home")
    monkeypatch.setenv("KAZMIG_HOME", str(home))
    monkeypatch.delenv("KAZMIG_CATALOGUE", raising=False)
    cfg = FetchConfig(base_url=srv.url, retries=0)

    first = {r.source_id: r for r in fetch_all(config=cfg)}
    assert {r.outcome for r in first.values()} == {"changed"}
    csv1, xlsx = first["population_csv"].meta, first["population_xlsx"].meta
    # both formats of element 6584, fetched in one refresh without a date from the bureau: one release
    assert csv1["vintage_basis"] == xlsx["vintage_basis"] == "retrieved"
    assert csv1["vintage_at"] == xlsx["vintage_at"] == csv1["refresh_at"]
    assert vintages.parse_iso(csv1["vintage_at"]).microsecond == 0

    time.sleep(1.1)
    revise_akmola_2025(srv.folder / POP_CSV)
    second = {r.source_id: r for r in fetch_all(config=cfg)}
    assert second["population_csv"].outcome == "changed"
    assert {second[s].outcome for s in ("population_xlsx", "net_migration_csv", "labour_force_csv")} == {"unchanged"}
    csv2 = second["population_csv"].meta
    assert csv2["vintage_at"] > csv1["vintage_at"]  # a second later: a later release

    # the build asks the bureau again; the XLSX endpoint is rate-limited for good: it falls back
    doc = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    for s in doc["sources"]:
        if s["id"] == "population_xlsx":
            s["url"] = "{base_url}/test/ratelimit-forever/{element_id}.xlsx"
    cat = tmp_path / "catalogue.yaml"
    cat.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    proc = kazmig(
        home,
        "build",
        env={
            "KAZMIG_BNS_BASE_URL": srv.url,
            "KAZMIG_CATALOGUE": str(cat),
            "KAZMIG_BNS_RETRIES": "1",
            "KAZMIG_BNS_BACKOFF": "0.05",
        },
    )
    out = proc.stdout
    assert "kazmig build succeeded" in out, out
    [xlsx_line] = [ln for ln in out.splitlines() if ln.strip().startswith("population_xlsx ")]
    assert ("used the landed vintage " + xlsx["vintage_at"].replace("T", " ").replace("Z", " UTC")) in xlsx_line
    assert "fetch failed: HTTP 429 Too Many Requests (Retry-After 1 s) (gave up after 2 attempts)" in xlsx_line
    assert any(ln.startswith("  warning bns/population_xlsx:landed") for ln in out.splitlines()), out
    [conflict] = [ln for ln in out.splitlines() if "warn_vintages_disagree" in ln]
    assert (
        conflict.startswith("  warning core/fct_observation:warn_vintages_disagree — ") and "row(s), e.g." in conflict
    )

    # which vintage is current, and why
    fresh = {
        r[0]: r[1:]
        for r in query(
            home,
            """select source_id, vintage_in_use, vintage_in_use_basis, landed_vintages
                                                  from marts.source_freshness where source_kind = 'official'""",
        )
    }
    assert fresh["population_csv"] == (vintages.parse_iso(csv2["vintage_at"]).date(), "retrieved", 2)
    assert fresh["population_xlsx"][1:] == ("retrieved", 1)  # still current for the sexes only it has
    assert current_value(home, "110000000", "2025-01-01", "population_urban") == (450270.0, "population_csv")
    # one release, two formats disagreeing (788 023 in the XLSX, 788 013 in the CSV): the file that
    # reaches the later period (the CSV, to 2025) is current, the other is kept with both files named
    assert current_value(home, "110000000", "2023-01-01") == (788013.0, "population_csv")
    rows = query(
        home,
        """select previous_source_id, previous_value, previous_file, revised_source_id,
                                 revised_value, revised_file, same_release, revised_is_latest
                          from marts.revisions where region = '110000000' and sex = 'total'
                            and (indicator, period) in (('population', '2023-01-01'), ('population_urban', '2025-01-01'))
                          order by period""",
    )
    (p23, v23, f23, r23, n23, g23, same23, _), (p25, v25, f25, r25, n25, g25, same25, latest25) = rows
    assert (p23, v23, r23, n23, same23) == ("population_xlsx", 788023.0, "population_csv", 788013.0, True)
    assert f23.startswith("bns/population_xlsx/") and g23.startswith("bns/population_csv/")
    assert (p25, v25, r25, n25, same25, latest25) == (
        "population_csv",
        450271.0,
        "population_csv",
        450270.0,
        False,
        True,
    )
    assert f25 != g25 and f25.endswith(".csv") and g25.endswith(".csv")
    # other borders: the XLSX has Shymkent for 2017, the CSV (current) does not - withdrawn, not current
    assert query(
        home,
        """select revision_kind, previous_source_id, revised_source_id from marts.revisions
                          where region = '790000000' and period = '2017-01-01' and sex = 'total'
                            and indicator = 'population'""",
    ) == [("withdrawn", "population_xlsx", "population_csv")]
    assert query(
        home,
        "select count(*) from core.fct_observation_current where region = '790000000' "
        "and period = '2017-01-01' and indicator = 'population' and sex = 'total'",
    ) == [(0,)]
    # nothing lost: every vintage's values stay in the facts
    assert query(
        home, "select count(distinct file_sha256) from core.fct_observation where source_kind = 'official'"
    ) == [(5,)]


def test_last_modified_dates_the_vintage(tmp_path, monkeypatch, bns_files):
    srv = BnsServer(bns_files).start()  # Last-Modified from the date in each file's name
    try:
        home = make_home(tmp_path / "home", with_note=False)
        proc = kazmig(home, "build", env={"KAZMIG_BNS_BASE_URL": srv.url})
    finally:
        srv.stop()
    out = proc.stdout
    assert "kazmig build succeeded" in out, out + proc.stderr
    assert "population_csv               used vintage 2026-08-11 (the server's Last-Modified) of 1 landed" in out
    fresh = {
        r[0]: r[1:]
        for r in query(
            home,
            """select source_id, vintage_in_use, vintage_in_use_basis
                                                  from marts.source_freshness where source_kind = 'official'""",
        )
    }
    assert {k: (str(v[0]), v[1]) for k, v in fresh.items()} == {
        "population_csv": ("2026-08-11", "last_modified"),
        "population_xlsx": ("2023-07-21", "last_modified"),
        "net_migration_csv": ("2026-09-30", "last_modified"),
        "labour_force_csv": ("2026-09-30", "last_modified"),
    }
    assert current_value(home, "110000000", "2023-01-01") == (788013.0, "population_csv")
    # the CSV is a later release than the XLSX: its differences are revisions, not one release's conflict
    assert (
        query(home, "select count(*), bool_or(same_release) from marts.revisions where table_id = '6584'")[0][1]
        is False
    )


def test_the_bureau_as_it_answers_today_publishes(tmp_path, bns_files):
    """The first online build that used to fail: element 6584 as the XLSX of 2023 and the CSV of
    2026, no Last-Modified. The XLSX is dated by the date inside it, the CSV by the refresh."""
    srv = BnsServer(bns_files, last_modified=None).start()
    try:
        home = make_home(tmp_path / "home", with_note=False)
        proc = kazmig(home, "build", env={"KAZMIG_BNS_BASE_URL": srv.url})
    finally:
        srv.stop()
    assert "kazmig build succeeded" in proc.stdout, proc.stdout + proc.stderr
    fresh = {
        r[0]: r[1:]
        for r in query(
            home,
            """select source_id, vintage_in_use, vintage_in_use_basis
                                                  from marts.source_freshness where source_kind = 'official'""",
        )
    }
    assert (str(fresh["population_xlsx"][0]), fresh["population_xlsx"][1]) == ("2023-07-19", "file_date")
    assert fresh["population_csv"][1] == "retrieved"
    assert current_value(home, "110000000", "2023-01-01") == (788013.0, "population_csv")
    assert query(
        home,
        """select count(*) from core.fct_observation_current where region = '790000000'
                          and period = '2017-01-01' and indicator = 'population' and sex = 'total'""",
    ) == [(0,)]
    assert query(
        home,
        """select revision_kind from marts.revisions where region = '790000000'
                          and period = '2017-01-01' and indicator = 'population' and sex = 'total'""",
    ) == [("withdrawn",)]
