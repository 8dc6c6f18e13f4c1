"""`kazmig report`: charts and one self-contained HTML page from the marts, read as a person would,
in headless Chromium (scripts/install-browser.sh installs it; `make test` runs that first)."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import NOTE, REPO, kazmig

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first

ARTIFACTS = REPO / "artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--disable-dev-shm-usage",
]
CHARTS = ["destinations", "outflow_trend", "region_comparison"]


def chromium_path() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if not path:
        reason = "chromium is missing: run scripts/install-browser.sh (make test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def chromium(
    url: str,
    *,
    dump_dom: bool = False,
    screenshot: Path | None = None,
    window: str = "1400,2000",
    budget_ms: int = 10000,
    timeout: int = 60,
) -> str:
    """One headless Chromium run (fresh profile): the DOM after scripts ran, or a screenshot."""
    exe = chromium_path()
    with tempfile.TemporaryDirectory(prefix="kazmig-chromium-") as profile:
        args = [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={window}",
            f"--virtual-time-budget={budget_ms}",
        ]
        if dump_dom:
            args.append("--dump-dom")
        if screenshot:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            args.append(f"--screenshot={screenshot}")
        proc = subprocess.run([*args, url], capture_output=True, text=True, timeout=timeout, start_new_session=True)
    assert proc.returncode == 0, f"chromium exited {proc.returncode}: {proc.stderr[-2000:]}"
    if screenshot:
        assert screenshot.is_file() and screenshot.stat().st_size > 10_000, f"no screenshot at {screenshot}"
    return proc.stdout


def visible_text(dom: str) -> str:
    dom = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", dom, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", dom))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


@pytest.fixture(scope="module")
def report_dir(built_home, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    proc = kazmig(built_home, "report", "--out", str(out))
    assert str(out / "report.html") in proc.stdout
    return out


def test_build_materialises_the_report_asset(built_home, published):
    """`kazmig build` runs report/html after publication: warehouse/report/ holds the page and the charts."""
    default = built_home / "warehouse" / "report"
    for name in CHARTS:
        assert (default / f"{name}.png").is_file() and (default / f"{name}.svg").is_file()
    page = (default / "report.html").read_text(encoding="utf-8")
    assert "101 622" in page
    # the report is rendered from the published file; it left the database as it was (read-only)
    assert published.execute("select count(*) from marts.emigration_by_destination").fetchone()[0] > 0
    assert not (built_home / "warehouse" / "report" / "kazmig.duckdb").exists()


def test_report_files_are_valid_and_self_contained(report_dir):
    for name in CHARTS:
        png = (report_dir / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
        root = ElementTree.parse(report_dir / f"{name}.svg").getroot()
        assert root.tag.endswith("svg")
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    # works offline: no script, no stylesheet or image fetched from anywhere
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page, re.I)
    assert "<link" not in page.lower() and "@import" not in page
    assert page.count("<svg") >= len(CHARTS)
    # each chart caption cites its sources with vintages
    assert page.count('class="src">Sources:') == len(CHARTS)
    assert "labour_migration_note.pdf (document, vintage" in page
    assert re.search(r"population_csv — .*\(official, vintage \d{4}-\d{2}-\d{2}; never_checked\)", page)
    assert re.search(r"net_migration_csv — .*\(official, vintage \d{4}-\d{2}-\d{2}", page)


def test_report_in_browser_shows_the_marts_figures(report_dir, published):
    shot = ARTIFACTS / "report.png"
    url = (report_dir / "report.html").as_uri()
    text = visible_text(chromium(url, dump_dom=True))
    chromium(url, screenshot=shot)

    # the figures are the marts' own
    russia = published.execute("""select emigrants, share_pct, national_total from marts.emigration_by_destination
                                  where year = 2024 and country_code = 'RU'""").fetchone()
    assert russia == (101622, 72.3, 140521)
    assert re.search(r"101[  ]?622", text) and re.search(r"72[.,]3", text) and re.search(r"140[  ]?521", text)
    assert "Russia" in text and "Türkiye" in text and "Other / unspecified" in text
    # Akmola's departures (document figures) and the per-1 000 rate
    for year, departures, _per1000 in published.execute("""select year, departures, departures_per_1000
            from marts.outflow_trend where region = '110000000' order by year""").fetchall():
        assert f"{int(departures):,}".replace(",", " ") in text, (year, departures)
    assert "70.0" in text or "70.05" in text
    # the note-claims table with its statuses
    statuses = {s for (s,) in published.execute("select distinct status from marts.note_claims").fetchall()}
    assert {"confirmed", "rounding_difference", "no_official_data"} <= statuses
    for status in statuses:
        assert status in text
    # source freshness: every source by name, with its status
    for source_id, kind, title, status in published.execute(
        "select source_id, source_kind, title, status from marts.source_freshness"
    ).fetchall():
        assert (title if kind == "document" else source_id) in text
        assert status in text
    for heading in (
        "Key figures",
        "Labour emigrants by destination, 2024",
        "Departures per year, Akmola Region",
        "Net migration per 1 000 residents by region",
        "Sources and their freshness",
    ):
        assert heading in text


def test_report_year_and_region_options(built_home, tmp_path):
    out = tmp_path / "astana"
    kazmig(built_home, "report", "--out", str(out), "--year", "2024", "--region", "710000000")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Departures per year, Astana" in page and "Highlighted: Astana." in page
    # the marts hold no departures for Astana: said in one line, with what would fill the chart, not faked
    assert "No departures for Astana (710000000) yet" in page and "would fill this chart" in page
    assert page.count("<svg") == 2 and '<p class="no-data" id="figure-outflow_trend">' in page

    bad = kazmig(built_home, "report", "--out", str(tmp_path / "x"), "--year", "1990", check=False)
    assert bad.returncode == 2 and "no figures for 1990 in the marts" in bad.stderr and "2024" in bad.stderr
    bad = kazmig(built_home, "report", "--out", str(tmp_path / "y"), "--region", "999", check=False)
    assert bad.returncode == 2 and "unknown region '999'" in bad.stderr
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_report_renders_for_every_year_in_the_data(built_home, tmp_path, monkeypatch):
    """`kazmig report --year Y` for every year the marts hold a figure for: a year without
    destinations (the sample has them for 2024 only) says so instead of failing."""
    import duckdb

    from pipelines.outputs.report.render import render_report

    db = built_home / "warehouse" / "kazmig.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:  # closed before the report opens it its own way
        years = [
            y
            for (y,) in con.execute("""
                select distinct year from marts.emigration_by_destination
                union select distinct year from marts.outflow_trend
                union select distinct year from marts.region_profile
                where population_jan1 is not null or net_migration is not null order by 1""").fetchall()
            if y is not None
        ]
        destinations = {
            y for (y,) in con.execute("select distinct year from marts.emigration_by_destination").fetchall()
        }
    assert len(years) > 10 and destinations and set(years) > destinations
    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path))  # the chart cache of this test, not the repository's
    for year in years:
        result = render_report(out=tmp_path / str(year), year=year, db=db)
        text = visible_text(result.page.read_text(encoding="utf-8"))
        assert result.year == year and "Key figures" in text, year
        if year not in destinations:
            assert f"Missing for {year}: No destinations for {year} in marts.emigration_by_destination" in text, year
            assert f"No destinations for {year} (the data hold" in text, year
        else:
            assert "Missing for" not in text and f"Labour emigrants by destination, {year}" in text
    # the CLI too, for a year without destinations
    out = tmp_path / "cli"
    kazmig(built_home, "report", "--out", str(out), "--year", str(min(years)))
    assert "No destinations for" in (out / "report.html").read_text(encoding="utf-8")


def _tick_x(svg: str, label: str) -> float:
    m = re.search(r'<text[^>]*\bx="([0-9.]+)"[^>]*>' + label + "</text>", svg)
    assert m, f"no tick label {label}"
    return float(m[1])


def test_report_charts_as_a_reader_sees_them(report_dir, published):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    text = visible_text(page)
    # each chart's title and source line once: the page's inline charts carry neither
    for name in CHARTS:
        inline = page[page.index(f'id="figure-{name}"') : page.index("</figure>", page.index(f'id="figure-{name}"'))]
        assert "Source:" not in inline
        standalone = (report_dir / f"{name}.svg").read_text(encoding="utf-8")
        assert "Source:" in standalone  # the files travel alone: they keep theirs
    for title in ("Labour emigrants by destination, 2024", "Departures per year, Akmola Region"):
        assert text.count(title) == 1, title
    # departures on a time axis: 2000, 2019 and 2024 stand 19 and 5 years apart, not evenly
    years = [
        y
        for (y,) in published.execute(
            "select year from marts.outflow_trend where region = '110000000' order by year"
        ).fetchall()
    ]
    assert years == [2000, 2019, 2024]
    trend = page[page.index('id="figure-outflow_trend"') :]
    x = [_tick_x(trend, str(y)) for y in years]
    assert (x[1] - x[0]) / (x[2] - x[1]) == pytest.approx(19 / 5, rel=0.02)
    # the claims table names what the codes mean
    claims = text[text.index("Figures quoted in documents") : text.index("Sources and their freshness")]
    for name in (
        "Wage offer (lower bound)",
        "Europe / welders and flame cutters",
        "Akmola Region",
        "Labour force aged 15+",
        "Republic of Kazakhstan / Russia",
    ):
        assert name in claims, name
    assert not re.search(r"\b(wage_offer_min|110000000|labour_emigration)\b", claims)


def test_document_vintage_is_the_documents_own_date(published):
    """The note's vintage is the date it carries (its PDF creation date), not the day it was cloned."""
    import pdfplumber

    with pdfplumber.open(NOTE) as pdf:
        created = pdf.metadata["CreationDate"]
    written = f"{created[2:6]}-{created[6:8]}-{created[8:10]}"
    vintages = {
        str(v)
        for (v,) in published.execute(
            f"select distinct document_vintage from marts.note_claims where document_name = '{NOTE.name}'"
        ).fetchall()
    }
    assert vintages == {written} == {"2026-11-24"}
    label = published.execute(
        f"select distinct source_label from marts.observations where file = '{NOTE.name}'"
    ).fetchone()[0]
    assert label == f"{NOTE.name} (document, {written})"


def test_report_of_empty_marts_in_browser(built_home, tmp_path):
    """Marts without rows: each chart says in one line what would fill it, no blank chart area."""
    import duckdb
    from matplotlib.image import imread

    from pipelines.outputs.report.data import MARTS

    home = tmp_path / "empty"
    (home / "warehouse").mkdir(parents=True)
    with duckdb.connect(str(home / "warehouse" / "kazmig.duckdb")) as con:
        con.execute(f"attach '{built_home / 'warehouse' / 'kazmig.duckdb'}' as built (read_only)")
        con.execute("create schema marts")
        for mart in MARTS:
            con.execute(f"create table marts.{mart} as select * from built.marts.{mart} limit 0")
    out = tmp_path / "report"
    kazmig(home, "report", "--out", str(out))
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" not in page and page.count('class="no-data"') == len(CHARTS)
    text = visible_text(page)
    assert text.count("would fill this chart") == len(CHARTS)
    shot = ARTIFACTS / "report_empty.png"
    chromium((out / "report.html").as_uri(), screenshot=shot, window="1400,2000")
    pixels = imread(shot)[:, :, :3].mean(axis=2)
    ink = [i for i, row in enumerate(pixels) if (row < 0.8).any()]
    assert ink and ink[-1] < 1100, f"content runs to {ink[-1]} px: a blank chart area is back"


def test_report_without_warehouse_says_so(tmp_path):
    proc = kazmig(tmp_path, "report", check=False)
    assert proc.returncode == 2 and "no published warehouse yet" in proc.stderr


def test_report_reads_marts_only():
    """Every relation the report queries is a mart (never raw, staging or core)."""
    src = (REPO / "pipelines" / "outputs" / "report" / "data.py").read_text(encoding="utf-8")
    relations = re.findall(r"\b(?:from|join)\s+([a-z_][a-z0-9_.]*)", src, re.I)
    relations = [
        r.rstrip(".")
        for r in relations
        if "." in r.rstrip(".") and not r.startswith(("pipelines", "dataclasses", "datetime"))
    ]
    assert relations and all(r.startswith("marts.") for r in relations), relations
    from pipelines.outputs.report.data import MARTS

    assert {r.split(".", 1)[1] for r in relations} == set(MARTS)


def test_report_asset_in_definitions():
    from dagster import AssetKey

    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    key = AssetKey(["report", "html"])
    node = graph.get(key)
    assert node.group_name == "report"
    parents = {"/".join(k.path) for k in node.parent_keys}
    assert {
        "marts/emigration_by_destination",
        "marts/outflow_trend",
        "marts/region_profile",
        "marts/note_claims",
        "marts/source_freshness",
        "warehouse/published",
    } <= parents
    # off the publication path: nothing waits for the report
    assert key not in graph.get(AssetKey(["warehouse", "published"])).parent_keys


def test_readme_marts_reference_is_generated_from_dbt_docs():
    from pipelines.outputs.report.marts_doc import mart_models, marts_reference, readme_block

    generated = marts_reference()
    assert readme_block() == generated, "docs/marts.md is stale: run `kazmig docs` (make docs)"
    models = mart_models()
    assert len(models) == len(list((REPO / "sql" / "models" / "marts").glob("*.sql")))
    for model in models:
        assert f"### `marts.{model['name']}`" in generated
        for col in model["columns"]:
            assert f"| `{col['name']}` |" in generated


def test_kazmig_docs_check(tmp_path):
    proc = kazmig(tmp_path, "docs", "--check", check=False)
    assert proc.returncode == 0, proc.stderr


def test_status_prints_last_build_and_source_freshness(built_home, published):
    out = kazmig(built_home, "status").stdout
    assert re.search(r"last build: \S+ — succeeded in [0-9.]+ s, published .*kazmig\.duckdb", out), out
    for source_id, status in published.execute("select source_id, status from marts.source_freshness").fetchall():
        line = next((ln for ln in out.splitlines() if ln.startswith(source_id)), None)
        assert line is not None, f"{source_id} missing from kazmig status:\n{out}"
        assert status in line


def test_tables_fit_the_page_at_1280_px(report_dir, tmp_path):
    """At a 1280 px window no table reaches past the page's column (long document names, hashes
    and quotes wrap): measured in Chromium on a copy of the page with one measuring script added."""
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(
        page.replace(
            "</body>",
            "<script>const m = document.querySelector('main').getBoundingClientRect();"
            "const t = Math.max(...[...document.querySelectorAll('table')].map(e => e.getBoundingClientRect().right));"
            "document.body.setAttribute('data-fit', `${Math.round(t)} ${Math.round(m.right)} "
            "${document.documentElement.scrollWidth} ${window.innerWidth}`);</script></body>",
        ),
        encoding="utf-8",
    )
    dom = chromium(probe.as_uri(), dump_dom=True, window="1280,2000")
    table_right, main_right, scroll, inner = map(int, re.search(r'data-fit="([\d ]+)"', dom)[1].split())
    assert table_right <= main_right and scroll <= inner, (table_right, main_right, scroll, inner)


def test_departures_per_1000_cite_the_population_they_divide_by(report_dir):
    """The key figure "Departures per 1 000 residents" divides the document's departures by the
    bureau's population: its source cell cites both."""
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    row = re.search(r"<tr><td>Departures per 1 000 residents,.*?</tr>", page, re.S)
    assert row, "no departures per 1 000 among the key figures"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[0], re.S)
    assert "labour_migration_note.pdf" in cells[-1] and "population_csv" in cells[-1], cells[-1]
