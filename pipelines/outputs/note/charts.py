"""The note's two charts for its region, as pictures (PNG) like the note's own: labour emigrants by
destination, and departures by year on a time axis. Figures from documents are orange, official
figures blue, as in the report."""

from __future__ import annotations

import io

from pipelines.outputs.note import russian as ru
from pipelines.outputs.note.data import NoteData
from pipelines.outputs.report.charts import DOCUMENT, OFFICIAL, REMAINDER, pyplot


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=150, metadata={"Software": None})
    pyplot().close(fig)
    return out.getvalue()


def _plain(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=9)


def destinations(d: NoteData) -> bytes | None:
    fig = destinations_figure(d)
    return _png(fig) if fig else None


def departures(d: NoteData) -> bytes | None:
    fig = departures_figure(d)
    return _png(fig) if fig else None


def destinations_figure(d: NoteData):
    """Persons by destination, the named countries and, where they do not sum to the national
    total, one "Другие страны" bar for the rest (the mart's remainder row)."""
    named = [r for r in d.destinations if not r["is_remainder"]]
    if not named:
        return None
    rest = [r for r in d.destinations if r["is_remainder"] and r["emigrants"] and float(r["emigrants"]) > 0]
    rows = list(reversed(named + rest))  # the largest on top, the rest at the bottom
    from matplotlib.ticker import FuncFormatter

    fig, ax = pyplot().subplots(figsize=(6.3, 0.45 * len(rows) + 1.1))
    fig.subplots_adjust(left=0.25, right=0.9, top=0.95, bottom=0.22)
    values = [float(r["emigrants"]) for r in rows]
    bars = ax.barh(
        [("Другие страны" if r["is_remainder"] else r["country_name_ru"]) for r in rows],
        values,
        color=[
            REMAINDER if r["is_remainder"] else OFFICIAL if r["source_kind"] == "official" else DOCUMENT for r in rows
        ],
    )
    for bar, v in zip(bars, values):
        ax.text(
            bar.get_width() + max(values) * 0.01,
            bar.get_y() + bar.get_height() / 2,
            ru.count(v).replace(ru.NBSP, " "),
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, max(values) * 1.2)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: ru.count(v).replace(ru.NBSP, " ")))
    ax.set_xlabel("человек", fontsize=9)
    ax.set_ylabel("страна назначения", fontsize=9)
    _plain(ax)
    return fig


def departures_figure(d: NoteData):
    rows = [r for r in d.trend if r["departures"] is not None]
    if not rows:
        return None
    years = [r["year"] for r in rows]
    values = [float(r["departures"]) / 1000 for r in rows]
    from matplotlib.ticker import FuncFormatter

    fig, ax = pyplot().subplots(figsize=(6.3, 3.0))
    fig.subplots_adjust(left=0.12, right=0.97, top=0.92, bottom=0.17)
    span = max(years) - min(years)
    bars = ax.bar(
        years,
        values,
        width=0.6 if span < 12 else span / 24,
        color=[OFFICIAL if r["source_kind"] == "official" else DOCUMENT for r in rows],
    )
    for bar, v in zip(bars, values):  # on a time axis: the years stand as far apart as they are
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            v,
            ru.decimal(v).replace(ru.NBSP, " "),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(min(years) - 1, max(years) + 1)
    ax.set_ylim(0, max(values) * 1.2)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: ru.decimal(v, 0).replace(ru.NBSP, " ")))
    ax.set_ylabel("тыс. человек", fontsize=9)
    ax.set_xlabel("год", fontsize=9)
    _plain(ax)
    return fig


def all_charts(d: NoteData) -> dict[str, bytes]:
    return {name: png for name, png in (("destinations", destinations(d)), ("departures", departures(d))) if png}
