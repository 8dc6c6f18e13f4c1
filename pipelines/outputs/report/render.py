"""`kazmig report` and the report/html asset: charts and one self-contained HTML page from the marts.

The page works offline: inline CSS, the charts as inline SVG, no script, no external resource.
It reads the published warehouse read-only (never the build database, never raw/core tables).
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipelines import settings
from pipelines.files import atomic_write
from pipelines.outputs import charts as shared_charts
from pipelines.outputs.charts import Chart, fmt_num
from pipelines.outputs.query import connect_published
from pipelines.outputs.report import data as report_data

PAGE = "report.html"


def default_out() -> Path:
    return settings.warehouse_dir() / "report"


@dataclass
class ReportResult:
    out: Path
    page: Path
    files: list[Path] = field(default_factory=list)
    year: int | None = None
    region: str = ""
    comparison_year: int | None = None
    charts: list[Chart] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [str(p) for p in self.files]


def render_report(
    out: Path | None = None, year: int | None = None, region: str | None = None, db: Path | None = None
) -> ReportResult:
    """Read the marts of the published warehouse (read-only) and write the charts and report.html into out."""
    out = Path(out) if out else default_out()
    db = db or settings.published_db()
    con = connect_published(db)
    try:
        d = report_data.load(con, year=year, region=region)
    finally:
        con.close()
    out.mkdir(parents=True, exist_ok=True)
    charts = _charts(d)
    files: list[Path] = []
    for chart in charts:
        files += chart.write(out)
    page = out / PAGE
    with atomic_write(page, "w", encoding="utf-8") as f:
        f.write(page_html(d, charts, db))
    files.append(page)
    return ReportResult(
        out=out, page=page, files=files, year=d.year, region=d.region, comparison_year=d.comparison_year, charts=charts
    )


def _charts(d: report_data.ReportData) -> list[Chart]:
    """Each chart is a pure function of the data it plots and cites and of the chart code: drawn
    once per both (drawing is most of a report's time), reused from warehouse/cache/charts. Keyed
    chart by chart, so a report of another year redraws only the charts that year changes."""
    from importlib.metadata import version

    from pipelines.outputs.report import charts as chart_code

    base = hashlib.sha256(version("matplotlib").encode())
    for module in (shared_charts, chart_code, report_data):
        base.update(Path(module.__file__).read_bytes())
    plotted = {
        "destinations": (d.year, d.years, d.destinations),
        "outflow_trend": (d.region, d.region_name, d.trend),
        "region_comparison": (d.region, d.region_name, d.comparison_year, d.comparison),
    }
    draw = {
        "destinations": chart_code.destinations_chart,
        "outflow_trend": chart_code.trend_chart,
        "region_comparison": chart_code.comparison_chart,
    }
    charts = []
    for name, data in plotted.items():
        rows = [r for part in data if isinstance(part, list) for r in part if isinstance(r, dict)]
        cited = d.sources(v for r in rows for k, v in r.items() if k.endswith("source") and isinstance(v, str))
        h = base.copy()
        h.update(repr((name, data, cited)).encode())
        cache = settings.warehouse_dir() / "cache" / "charts" / f"{h.hexdigest()}.pickle"
        chart = None
        if cache.exists():
            try:
                chart = pickle.loads(cache.read_bytes())
            except Exception:  # an unreadable cache entry is redrawn
                chart = None
        if chart is None:
            chart = draw[name](d)
            cache.parent.mkdir(parents=True, exist_ok=True)
            with atomic_write(cache, "wb") as f:
                f.write(pickle.dumps(chart))
        charts.append(chart)
    return charts


# --- HTML (Jinja2 templates in pipelines/outputs/report/templates/) -------------------------------------


def _value(v, decimals: int = 3) -> str:
    """A value as the marts hold it: integers without decimals, others with up to `decimals`."""
    if v is None:
        return ""
    f = float(v)
    if f.is_integer():
        return fmt_num(f)
    return fmt_num(f, decimals).rstrip("0").rstrip(".")


def _named(name, code) -> str:
    """A code shown by its name (the code where the vocabulary has no name)."""
    return str(name or code or "")


def page_html(d: report_data.ReportData, charts: list[Chart], db: Path) -> str:
    from pipelines.templates import environment

    env = environment(
        Path(__file__).with_name("templates"),
        value=_value,
        day=report_data._day,
        num=lambda v, decimals=0: "" if v is None else fmt_num(v, decimals),
    )

    def cite(label) -> str:
        src = d.source(label)
        return src.cite() if src else ""

    page = env.get_template("report.html.j2").render(
        d=d,
        charts=charts,
        db=db,
        generated=datetime.now(UTC).isoformat(timespec="seconds"),
        cite=cite,
        cite_all=lambda labels: "; ".join(c for c in map(cite, dict.fromkeys(labels)) if c),
        cites=lambda sources: "; ".join(s.cite() for s in sources),
        named=_named,
    )
    return page
