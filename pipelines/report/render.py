"""`kazmig report` and the report/html asset: charts and one self-contained HTML page from the marts.

The page works offline: inline CSS, the charts as inline SVG, no script, no external resource.
It reads the published warehouse read-only (never the build database, never raw/core tables).
"""
from __future__ import annotations

import hashlib
import html
import os
import pickle
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipelines import settings
from pipelines.outputs.query import connect_published
from pipelines.report import data as report_data
from pipelines.report.charts import Chart, all_charts, fmt_num

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


def render_report(out: Path | None = None, year: int | None = None, region: str | None = None,
                  db: Path | None = None) -> ReportResult:
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
    tmp = out / f".{PAGE}.tmp"
    tmp.write_text(page_html(d, charts, db), encoding="utf-8")
    os.replace(tmp, page)
    files.append(page)
    return ReportResult(out=out, page=page, files=files, year=d.year, region=d.region,
                        comparison_year=d.comparison_year, charts=charts)


def _charts(d: report_data.ReportData) -> list[Chart]:
    """The charts are a pure function of the data they plot and cite and of the chart code: drawn
    once per both (drawing is most of a report's time), reused from warehouse/cache/charts."""
    from pipelines.report import charts as chart_code

    from importlib.metadata import version

    h = hashlib.sha256(version("matplotlib").encode())
    for module in (chart_code, report_data):
        h.update(Path(module.__file__).read_bytes())
    plotted = (d.year, d.years, d.region, d.region_name, d.destinations, d.trend, d.comparison_year, d.comparison)
    cited = d.sources(v for rows in (d.destinations, d.trend, d.comparison) for r in rows
                      for k, v in r.items() if k.endswith("source") and isinstance(v, str))
    h.update(repr((plotted, cited)).encode())
    cache = settings.warehouse_dir() / "cache" / "charts" / f"{h.hexdigest()}.pickle"
    if cache.exists():
        try:
            return pickle.loads(cache.read_bytes())
        except Exception:  # an unreadable cache entry is redrawn
            pass
    charts = all_charts(d)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(f".{cache.name}.tmp")
    tmp.write_bytes(pickle.dumps(charts))
    os.replace(tmp, cache)
    return charts


# --- HTML --------------------------------------------------------------------------------------

CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 0; color: #222; background: #fafafa; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; overflow-x: auto; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.meta { color: #666; font-size: 0.85em; margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; font-size: 0.82em; margin: 8px 0; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
figure { margin: 16px 0 24px; }
figure svg { width: 100%; max-width: 960px; height: auto; display: block; }
figcaption { font-size: 0.85em; color: #333; }
figcaption .src { color: #666; display: block; margin-top: 4px; }
.status { padding: 1px 6px; border-radius: 3px; font-size: 0.9em; white-space: nowrap; }
.status-confirmed, .status-fresh { background: #d8f0dc; }
.status-rounding_difference, .status-static { background: #eef3d2; }
.status-mismatch, .status-failed, .status-stale { background: #f7d4d0; }
.status-no_official_data, .status-never_fetched { background: #e8e8e8; }
.quote { color: #555; font-size: 0.95em; }
table.note-claims td.quote { min-width: 260px; }
table.note-claims td:first-child { word-break: break-all; max-width: 120px; }
footer { margin-top: 32px; font-size: 0.8em; color: #777; }
"""


def _e(v) -> str:
    return html.escape("" if v is None else str(v))


def _num(v, decimals: int = 0) -> str:
    return f'<td class="num">{_e(fmt_num(v, decimals)) if v is not None else ""}</td>'


def _value(v) -> str:
    """A value as the marts hold it: integers without decimals, others with up to 3."""
    if v is None:
        return ""
    f = float(v)
    if f.is_integer():
        return fmt_num(f)
    return fmt_num(f, 3).rstrip("0").rstrip(".")


def _status(s) -> str:
    return f'<span class="status status-{_e(s)}">{_e(s)}</span>' if s else ""


def _day(v) -> str:
    return report_data._day(v)


def page_html(d: report_data.ReportData, charts: list[Chart], db: Path) -> str:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>kazmig — Kazakhstan labour migration report</title>",
        f"<style>{CSS}</style></head><body><main>",
        "<h1>Kazakhstan labour migration</h1>",
        f'<p class="meta">Generated {_e(now)} by <code>kazmig report</code> from the marts of '
        f"<code>{_e(db)}</code>. Figures marked <em>document</em> are quoted in a publication; "
        "<em>official</em> ones come from the Bureau of National Statistics.</p>",
    ]
    parts += _key_figures(d)
    for chart in charts:
        parts += _figure(chart)
    parts += _claims(d)
    parts += _freshness(d)
    parts.append('<footer>Self-contained page: no script, no external resources. Charts are also in this '
                 "folder as PNG and SVG.</footer>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _key_figures(d) -> list[str]:
    out = ['<h2 id="key-figures">Key figures</h2>', '<table class="key-figures">',
           "<tr><th>figure</th><th>value</th><th>unit</th><th>source</th></tr>"]
    for k in d.key_figures:
        decimals = 0 if float(k["value"]).is_integer() else 2
        extra = ""
        if k.get("share") is not None:
            extra = f" ({fmt_num(k['share'], 1)} % of the total)"
        if k.get("detail"):
            extra = f" ({k['detail']})"
        src = d.source(k.get("source"))
        out.append(f"<tr><td>{_e(k['label'])}</td>{_num(k['value'], decimals)}"
                   f"<td>{_e(k['unit'] + extra)}</td><td>{_e(src.cite() if src else 'marts.note_claims')}</td></tr>")
    if not d.key_figures:
        out.append('<tr><td colspan="4">The marts hold no figures yet.</td></tr>')
    out.append("</table>")
    return out


def _figure(chart: Chart) -> list[str]:
    cites = "; ".join(s.cite() for s in chart.sources) or "none"
    return [f'<h2 id="{_e(chart.name)}">{_e(chart.title)}</h2>',
            f'<figure id="figure-{_e(chart.name)}">', chart.svg,
            f'<figcaption>{_e(chart.caption)}<span class="src">Sources: {_e(cites)}. '
            f"Files: {_e(chart.name)}.png, {_e(chart.name)}.svg</span></figcaption>", "</figure>"]


def _claims(d) -> list[str]:
    out = ['<h2 id="note-claims">Figures quoted in documents, checked against the bureau</h2>',
           '<table class="note-claims">',
           "<tr><th>document</th><th>page</th><th>indicator</th><th>region / country</th><th>period</th>"
           "<th>claimed</th><th>official</th><th>status</th><th>nearest official period</th><th>quoted text</th></tr>"]
    for c in d.claims:
        where = " / ".join(x for x in (c["region"], c["country"]) if x)
        official = _value(c["official_value"])
        if c["official_source_id"]:
            official += f" ({c['official_source_id']}, {_day(c['official_vintage'])})"
        nearest = ""
        if c["nearest_official_period"]:
            nearest = f"{c['nearest_official_period']}: {_value(c['nearest_official_value'])} → {c['nearest_status']}"
        quote = c["quoted_text"] or ""
        quote = quote if len(quote) <= 160 else quote[:157] + "…"
        out.append(f"<tr><td>{_e(c['document_name'])}</td><td class=\"num\">{_e(c['page'])}</td>"
                   f"<td>{_e(c['indicator'])}</td><td>{_e(where)}</td><td>{_e(c['period'])}</td>"
                   f'<td class="num">{_e(_value(c["claimed_value"]))} {_e(c["unit"])}</td>'
                   f"<td>{_e(official)}</td><td>{_status(c['status'])}</td><td>{_e(nearest)}</td>"
                   f'<td class="quote">{_e(quote)}</td></tr>')
    if not d.claims:
        out.append('<tr><td colspan="10">No document figures in the warehouse.</td></tr>')
    out.append("</table>")
    return out


def _freshness(d) -> list[str]:
    out = ['<h2 id="source-freshness">Sources and their freshness</h2>', '<table class="source-freshness">',
           "<tr><th>source</th><th>kind</th><th>title</th><th>format</th><th>cadence</th><th>vintage in use</th>"
           "<th>last check</th><th>outcome</th><th>rows in use</th><th>covers to</th><th>status</th></tr>"]
    for r in d.freshness:
        out.append(f"<tr><td>{_e(r['source_id'] if r['source_kind'] != 'document' else r['title'])}</td>"
                   f"<td>{_e(r['source_kind'])}</td><td>{_e(r['title'])}</td><td>{_e(r['format'])}</td>"
                   f"<td>{_e(r['cadence'])}</td><td>{_e(_day(r['vintage_in_use']))}</td>"
                   f"<td>{_e(_day(r['last_check']))}</td><td>{_e(r['last_check_outcome'])}</td>"
                   f"{_num(r['rows_in_use'])}<td>{_e(_day(r['latest_period_end']))}</td>"
                   f"<td>{_status(r['status'])} <span class=\"quote\">{_e(r['status_reason'])}</span></td></tr>")
    out.append("</table>")
    return out
