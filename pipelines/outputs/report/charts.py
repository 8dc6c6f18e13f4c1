"""The three charts, each written as PNG and SVG (matplotlib, Agg backend), with a caption citing sources."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from pipelines.files import atomic_write
from pipelines.outputs.report.data import ReportData, Source

OFFICIAL = "#1f5f8b"
DOCUMENT = "#d9822b"
REMAINDER = "#b8b8b8"
HIGHLIGHT = "#c0392b"


def pyplot():
    """matplotlib, imported when a chart is drawn (not when a cached one is reused)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def fmt_num(v, decimals: int = 0) -> str:
    """101622 → '101 622'; 72.3 → '72.3' (space as thousands separator, point as decimal)."""
    if v is None:
        return "—"
    return f"{float(v):,.{decimals}f}".replace(",", " ")


@dataclass
class Chart:
    name: str
    title: str
    caption: str
    sources: list[Source]
    svg: str  # the standalone SVG document (title and source line drawn in), without XML prolog
    png: bytes
    empty: bool = False
    # the page's copy: no title or source line in the drawing (the page sets them as text once);
    # empty when the chart has no data, the page then says in one line what would fill it
    svg_inline: str = ""

    def write(self, out: Path) -> list[Path]:
        png, svg = out / f"{self.name}.png", out / f"{self.name}.svg"
        with atomic_write(png, "wb") as f:
            f.write(self.png)
        with atomic_write(svg, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + self.svg)
        return [png, svg]


def svg_of(fig, name: str, **kwargs) -> str:
    plt = pyplot()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"kazmig-{name}"}):
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None}, **kwargs)
    text = out.getvalue()
    return text[text.index("<svg") :]


def _finish(fig, name: str, title: str, caption: str, sources: list[Source], empty: bool = False) -> Chart:
    """The standalone files carry the title and the source line (they travel alone); the page's
    inline copy is drawn without them, cropped to what is drawn."""
    inline = "" if empty else svg_of(fig, name, bbox_inches="tight", pad_inches=0.05)
    heading = fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    source = fig.text(
        0.01,
        0.01,
        _wrap(
            "Source: " + "; ".join(s.cite() for s in sources) if sources else "Source: none",
            int(fig.get_figwidth() * 14),
        ),
        fontsize=7,
        color="#555555",
        va="bottom",
        ha="left",
    )
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=110, metadata={"Software": None})
    svg = svg_of(fig, name)
    heading.remove()
    source.remove()
    pyplot().close(fig)
    return Chart(
        name=name,
        title=title,
        caption=caption,
        sources=sources,
        svg=svg,
        png=png.getvalue(),
        empty=empty,
        svg_inline=inline,
    )


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width=width)) or text


def _no_data(name: str, title: str, message: str) -> Chart:
    """A chart without data: one line saying what would fill it (a short strip in the files)."""
    fig = pyplot().figure(figsize=(8.5, 1.1))
    fig.text(0.01, 0.45, message, fontsize=9, color="#555555", va="center", ha="left")
    return _finish(fig, name, title, message, [], empty=True)


def _thousands(ax, axis="x"):
    from matplotlib.ticker import FuncFormatter

    f = FuncFormatter(lambda v, _: fmt_num(v))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(f)


def _figure(size: tuple[float, float], **margins: float):
    """A chart's figure and axes; _finish sets the title flush left, like every chart of the report."""
    fig, ax = pyplot().subplots(figsize=size)
    fig.subplots_adjust(**margins)
    return fig, ax


def destinations_chart(d: ReportData) -> Chart:
    rows = d.destinations
    title = f"Labour emigrants by destination, {d.year}" if d.year else "Labour emigrants by destination"
    if not rows:
        held = ", ".join(map(str, d.years))
        return _no_data(
            "destinations",
            title,
            (f"No destinations for {d.year} (the data hold {held}): " if d.years else "No destinations yet: ")
            + "a document quoting labour emigrants by country (like the note) would fill this chart.",
        )
    fig, ax = _figure((8.5, 4.6), left=0.22, right=0.9, top=0.88, bottom=0.2)
    rows = list(reversed(rows))  # largest at the top, remainder at the bottom
    labels = [r["country_name_en"] or r["country_code"] for r in rows]
    values = [float(r["emigrants"]) for r in rows]
    colours = [
        REMAINDER if r["is_remainder"] else (OFFICIAL if r["source_kind"] == "official" else DOCUMENT) for r in rows
    ]
    bars = ax.barh(labels, values, color=colours)
    for bar, r in zip(bars, rows):
        share = f" ({fmt_num(r['share_pct'], 1)} %)" if r["share_pct"] is not None else ""
        ax.text(
            bar.get_width() + max(values) * 0.012,
            bar.get_y() + bar.get_height() / 2,
            f"{fmt_num(r['emigrants'])}{share}",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, max(values) * 1.3)
    _thousands(ax)
    ax.spines[["top", "right"]].set_visible(False)
    total = rows[0]["national_total"]
    kinds = sorted({r["source_kind"] for r in rows})
    ax.set_xlabel(f"persons (national total {fmt_num(total)}; figures from {' and '.join(kinds)} sources)", fontsize=8)
    top = next((r for r in reversed(rows) if not r["is_remainder"]), None)
    caption = (
        f"{fmt_num(total)} citizens left to work abroad in {d.year}"
        + (
            f"; {top['country_name_en']} took {fmt_num(top['emigrants'])} ({fmt_num(top['share_pct'], 1)} %)."
            if top
            else "."
        )
        + " Grey: other or unspecified destinations (national total minus the named countries)."
    )
    return _finish(fig, "destinations", title, caption, d.sources(r["source"] for r in rows))


def trend_chart(d: ReportData) -> Chart:
    rows = d.trend
    title = f"Departures per year, {d.region_name}"
    if not rows:
        who = d.region_name if d.region_name == d.region else f"{d.region_name} ({d.region})"
        return _no_data(
            "outflow_trend",
            title,
            f"No departures for {who} yet: the bureau's departures table, "
            "or a document quoting them, would fill this chart.",
        )
    fig, ax = _figure((8.5, 4.6), left=0.12, right=0.88, top=0.88, bottom=0.2)
    years = [r["year"] for r in rows]
    values = [float(r["departures"]) for r in rows]
    pos = years  # on a time axis: 2000, 2019 and 2024 stand as far apart as the years are
    colours = [OFFICIAL if r["source_kind"] == "official" else DOCUMENT for r in rows]
    span = max(years) - min(years)
    bars = ax.bar(pos, values, color=colours, width=0.6 if span < 12 else max(0.6, span / 24))
    ax.set_xlim(min(years) - 1, max(years) + 1)
    for bar, r in zip(bars, rows):  # above the bar: a bar one year wide is narrower than its label
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            bar.get_height(),
            fmt_num(r["departures"]),
            ha="center",
            va="bottom",
            fontsize=8,
            color="#222222",
        )
    ax.set_xticks(pos, [str(y) for y in years])
    ax.set_ylabel("departures (persons)", fontsize=9)
    ax.set_ylim(0, max(values) * 1.8)  # bars in the lower half, the per-1 000 line above them
    _thousands(ax, "y")
    ax.spines[["top"]].set_visible(False)
    per = [r["departures_per_1000"] for r in rows]
    if any(v is not None for v in per):
        ax2 = ax.twinx()
        pts = [(p, float(v)) for p, v in zip(pos, per) if v is not None]
        # consecutive years joined by a line; across a gap only the points (nothing was measured between)
        ax2.plot(
            [p for p, _ in pts],
            [v for _, v in pts],
            color=HIGHLIGHT,
            marker="o",
            linewidth=1.5 if all(b - a == 1 for (a, _), (b, _) in zip(pts, pts[1:])) else 0,
        )
        for p, v in pts:
            ax2.annotate(
                fmt_num(v, 1),
                (p, v),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=8,
                color=HIGHLIGHT,
            )
        ax2.set_ylim(0, max(v for _, v in pts) * 1.3)
        ax2.set_ylabel("per 1 000 residents on 1 January", fontsize=9, color=HIGHLIGHT)
        ax2.spines[["top"]].set_visible(False)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Patch(color=c, label=f"departures ({k} figure)")
        for k, c in (("official", OFFICIAL), ("document", DOCUMENT))
        if any(r["source_kind"] == k for r in rows)
    ]
    if any(v is not None for v in per):
        handles.append(Line2D([], [], color=HIGHLIGHT, marker="o", label="per 1 000 residents"))
    ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=False)
    kinds = sorted({r["source_kind"] for r in rows})
    caption = (
        f"Departures from {d.region_name} in {', '.join(map(str, years))} ({' and '.join(kinds)} figures"
        + (
            "; the bureau's departures table is not in the warehouse, so these are the document's figures"
            if kinds == ["document"]
            else ""
        )
        + ")."
        + (
            " Line: departures per 1 000 residents on 1 January (official population)."
            if any(v is not None for v in per)
            else ""
        )
        + (
            f" Index {years[-1]} vs {rows[-1]['first_year']}: {fmt_num(rows[-1]['index_to_first_year'], 1)}."
            if rows[-1]["index_to_first_year"] is not None and len(rows) > 1
            else ""
        )
    )
    labels = [r["source"] for r in rows] + [
        r["population_source"] for r in rows if r["departures_per_1000"] is not None
    ]
    return _finish(fig, "outflow_trend", title, caption, d.sources(labels))


def comparison_chart(d: ReportData) -> Chart:
    rows = [r for r in d.comparison if r["region"] != "KZ"]
    kz = next((r for r in d.comparison if r["region"] == "KZ"), None)
    title = (
        f"Net migration per 1 000 residents by region, {d.comparison_year}"
        if d.comparison_year
        else "Net migration per 1 000 residents by region"
    )
    if not rows:
        return _no_data(
            "region_comparison",
            title,
            "No regional net migration yet: the bureau's net migration and population tables "
            "(net_migration_csv, population_csv) would fill this chart.",
        )
    fig, ax = _figure((8.5, 6.2), left=0.3, right=0.95, top=0.92, bottom=0.16)
    rows = list(reversed(rows))  # highest at the top
    labels = [r["region_name_en"] for r in rows]
    values = [float(r["net_migration_per_1000"]) for r in rows]
    colours = [
        HIGHLIGHT if r["region"] == d.region else (OFFICIAL if v >= 0 else "#7fa7c4") for r, v in zip(rows, values)
    ]
    bars = ax.barh(labels, values, color=colours)
    span = max(abs(v) for v in values)
    for bar, v in zip(bars, values):
        ax.text(
            v + (span * 0.01 if v >= 0 else -span * 0.01),
            bar.get_y() + bar.get_height() / 2,
            fmt_num(v, 1),
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=7,
        )
    ax.set_xlim(-span * 1.2, span * 1.2)
    ax.axvline(0, color="#333333", linewidth=0.8)
    if kz is not None:
        ax.axvline(float(kz["net_migration_per_1000"]), color="#555555", linestyle="--", linewidth=0.8)
        ax.text(
            float(kz["net_migration_per_1000"]),
            len(rows) - 0.4,
            f" Kazakhstan {fmt_num(kz['net_migration_per_1000'], 2)}",
            fontsize=7,
            color="#555555",
            va="bottom",
        )
    ax.tick_params(axis="y", labelsize=8)
    for tick, r in zip(ax.get_yticklabels(), rows):
        if r["region"] == d.region:
            tick.set_fontweight("bold")
    ax.set_xlabel("arrivals minus departures per 1 000 residents on 1 January", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    gain = [r for r in rows if r["net_migration_per_1000"] > 0]
    caption = (
        f"Net migration per 1 000 residents in {d.comparison_year}: {len(gain)} of {len(rows)} regions gained people;"
        f" highest {rows[-1]['region_name_en']} ({fmt_num(rows[-1]['net_migration_per_1000'], 1)}),"
        f" lowest {rows[0]['region_name_en']} ({fmt_num(rows[0]['net_migration_per_1000'], 1)})."
        + (f" Highlighted: {d.region_name}." if any(r["region"] == d.region for r in rows) else "")
    )
    labels = [r["net_migration_source"] for r in rows] + [r["population_source"] for r in rows]
    return _finish(fig, "region_comparison", title, caption, d.sources(labels))


def all_charts(d: ReportData) -> list[Chart]:
    return [destinations_chart(d), trend_chart(d), comparison_chart(d)]
