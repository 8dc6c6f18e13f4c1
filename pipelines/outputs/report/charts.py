"""The report's three charts, in English, drawn by the shared chart code (pipelines/outputs/charts.py),
each written as PNG and SVG with a caption citing its sources."""

from __future__ import annotations

from pipelines.outputs import charts as draw
from pipelines.outputs.charts import HIGHLIGHT, MUTED, NEGATIVE, OFFICIAL, Chart, fmt_num
from pipelines.outputs.report.data import ReportData


def destinations_chart(d: ReportData) -> Chart:
    rows = d.destinations
    title = f"Labour emigrants by destination, {d.year}" if d.year else "Labour emigrants by destination"
    if not rows:
        held = ", ".join(map(str, d.years))
        return draw.no_data(
            "destinations",
            title,
            (f"No destinations for {d.year} (the data hold {held}): " if d.years else "No destinations yet: ")
            + "a document quoting labour emigrants by country (like the note) would fill this chart.",
        )
    total = rows[0]["national_total"]
    kinds = sorted({r["source_kind"] for r in rows})
    fig, rows = draw.destinations_figure(
        rows,
        width=8.5,
        height=4.6,
        name=lambda r: r["country_name_en"] or r["country_code"],
        other="Other / unspecified",
        text=lambda r: (
            fmt_num(r["emigrants"]) + (f" ({fmt_num(r['share_pct'], 1)} %)" if r["share_pct"] is not None else "")
        ),
        number=fmt_num,
        x_label=f"persons (national total {fmt_num(total)}; figures from {' and '.join(kinds)} sources)",
        y_label="destination",
        left=0.22,
        right=0.9,
        top=0.88,
        bottom=0.2,
    )
    if fig is None:  # a national total and no country named: nothing to rank
        return draw.no_data(
            "destinations",
            title,
            f"No destination country named for {d.year}, only the national total ({fmt_num(total)}): "
            "a document quoting labour emigrants by country would fill this chart.",
        )
    top = next((r for r in rows if not r["is_remainder"]), None)
    caption = (
        f"{fmt_num(total)} citizens left to work abroad in {d.year}"
        + (
            f"; {top['country_name_en']} took {fmt_num(top['emigrants'])} ({fmt_num(top['share_pct'], 1)} %)."
            if top
            else "."
        )
        + " Grey: other or unspecified destinations (national total minus the named countries)."
    )
    return draw.finish(fig, "destinations", title, caption, d.sources(r["source"] for r in rows))


def trend_chart(d: ReportData) -> Chart:
    rows = d.trend
    title = f"Departures per year, {d.region_name}"
    if not rows:
        who = d.region_name if d.region_name == d.region else f"{d.region_name} ({d.region})"
        return draw.no_data(
            "outflow_trend",
            title,
            f"No departures for {who} yet: the bureau's departures table, "
            "or a document quoting them, would fill this chart.",
        )
    fig, ax = draw.figure((8.5, 4.6), left=0.12, right=0.88, top=0.88, bottom=0.2)
    draw.plain(ax, right=True)  # the right axis is the per-1 000 line's
    years = [r["year"] for r in rows]
    values = [float(r["departures"]) for r in rows]
    pos = years
    draw.bars_by_year(ax, rows, "departures", text=lambda r: fmt_num(r["departures"]))
    draw.labels(ax, "year", "departures (persons)")
    ax.set_ylim(0, max(values) * 1.8)  # bars in the lower half, the per-1 000 line above them
    draw.axis_numbers(ax, fmt_num, "y")
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
                fontsize=draw.VALUE_SIZE,
                color=HIGHLIGHT,
            )
        ax2.set_ylim(0, max(v for _, v in pts) * 1.3)
        ax2.set_ylabel("per 1 000 residents on 1 January", fontsize=draw.LABEL_SIZE, color=HIGHLIGHT)
        draw.plain(ax2, right=True)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Patch(color=draw.colour(k), label=f"departures ({k} figure)")
        for k in ("official", "document")
        if any(r["source_kind"] == k for r in rows)
    ]
    if any(v is not None for v in per):
        handles.append(Line2D([], [], color=HIGHLIGHT, marker="o", label="per 1 000 residents"))
    ax.legend(handles=handles, loc="upper left", fontsize=draw.VALUE_SIZE, frameon=False)
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
    return draw.finish(fig, "outflow_trend", title, caption, d.sources(labels))


def comparison_chart(d: ReportData) -> Chart:
    rows = [r for r in d.comparison if r["region"] != "KZ"]
    kz = next((r for r in d.comparison if r["region"] == "KZ"), None)
    title = (
        f"Net migration per 1 000 residents by region, {d.comparison_year}"
        if d.comparison_year
        else "Net migration per 1 000 residents by region"
    )
    if not rows:
        return draw.no_data(
            "region_comparison",
            title,
            "No regional net migration yet: the bureau's net migration and population tables "
            "(net_migration_csv, population_csv) would fill this chart.",
        )
    fig, ax = draw.figure((8.5, 6.2), left=0.3, right=0.95, top=0.92, bottom=0.16)
    draw.ranked_bars(
        ax,
        rows,
        "net_migration_per_1000",
        label=lambda r: r["region_name_en"],
        text=lambda r: fmt_num(r["net_migration_per_1000"], 1),
        colours=[
            HIGHLIGHT if r["region"] == d.region else (OFFICIAL if r["net_migration_per_1000"] >= 0 else NEGATIVE)
            for r in rows
        ],
        value_size=7,  # seventeen regions and more: the values in a smaller hand
        centred=True,
    )
    rows = list(reversed(rows))  # as drawn: the highest at the top
    if kz is not None:
        ax.axvline(float(kz["net_migration_per_1000"]), color=MUTED, linestyle="--", linewidth=0.8)
        ax.text(
            float(kz["net_migration_per_1000"]),
            len(rows) - 0.4,
            f" Kazakhstan {fmt_num(kz['net_migration_per_1000'], 2)}",
            fontsize=7,
            color=MUTED,
            va="bottom",
        )
    for tick, r in zip(ax.get_yticklabels(), rows):
        if r["region"] == d.region:
            tick.set_fontweight("bold")
    draw.labels(ax, "arrivals minus departures per 1 000 residents on 1 January", "region")
    gain = [r for r in rows if r["net_migration_per_1000"] > 0]
    caption = (
        f"Net migration per 1 000 residents in {d.comparison_year}: {len(gain)} of {len(rows)} regions gained people;"
        f" highest {rows[-1]['region_name_en']} ({fmt_num(rows[-1]['net_migration_per_1000'], 1)}),"
        f" lowest {rows[0]['region_name_en']} ({fmt_num(rows[0]['net_migration_per_1000'], 1)})."
        + (f" Highlighted: {d.region_name}." if any(r["region"] == d.region for r in rows) else "")
    )
    labels = [r["net_migration_source"] for r in rows] + [r["population_source"] for r in rows]
    return draw.finish(fig, "region_comparison", title, caption, d.sources(labels))


def all_charts(d: ReportData) -> list[Chart]:
    return [destinations_chart(d), trend_chart(d), comparison_chart(d)]
