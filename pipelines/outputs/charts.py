"""The charts of the report and the note, drawn one way (matplotlib, Agg backend): bars coloured by
where a figure comes from (the bureau blue, a document orange, the rest grey), the value at each
bar, units on the value axis, both axes labelled, and an "other" bar wherever the named rows fall
short of the total they are part of. The report and the note bring their words and their number
format (English or Russian); what a chart is and how it looks is decided here once."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pipelines.files import atomic_write

OFFICIAL = "#1f5f8b"
DOCUMENT = "#d9822b"
REMAINDER = "#b8b8b8"
HIGHLIGHT = "#c0392b"
NEGATIVE = "#7fa7c4"  # a bureau figure below zero
MUTED = "#555555"  # source lines, reference lines and their labels

LABEL_SIZE = 9  # axis labels
TICK_SIZE = 8  # tick labels
VALUE_SIZE = 8  # the value written at a bar

Number = Callable[[float], str]


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


def colour(kind: str | None) -> str:
    """A bar's colour by its figure's source: the bureau's (official) or a document's."""
    return OFFICIAL if kind == "official" else DOCUMENT


def figure(size: tuple[float, float], **margins: float):
    """A chart's figure and axes, in the one style: no top or right frame, ticks of one size."""
    fig, ax = pyplot().subplots(figsize=size)
    fig.subplots_adjust(**margins)
    plain(ax)
    return fig, ax


def plain(ax, right: bool = False) -> None:
    """No top frame; a right one only where a second value axis stands there."""
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(right)
    ax.tick_params(labelsize=TICK_SIZE)


def axis_numbers(ax, number: Number, axis: str = "x") -> None:
    """The value axis's ticks written as the chart's numbers (the unit stands in its label)."""
    from matplotlib.ticker import FuncFormatter

    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(FuncFormatter(lambda v, _: number(v)))


def with_rest(rows: list[dict], value: str = "emigrants", total: str = "national_total") -> list[dict]:
    """The named rows, then one "other" row (is_remainder) for what they leave of the total: the
    rest row the rows bring (the mart's, with its source), else one made here; none where the named
    rows sum to the total or no total is known. A rest of zero or less draws no bar."""
    named = [r for r in rows if not r["is_remainder"]]
    brought = [r for r in rows if r["is_remainder"] and r[value] is not None and float(r[value]) > 0]
    totals = [r[total] for r in rows if r.get(total) is not None]
    if brought or not named or not totals:
        return named + brought[:1]
    rest = float(totals[0]) - sum(float(r[value]) for r in named)
    if rest <= 0:
        return named
    share = round(100 * rest / float(totals[0]), 1)
    # the total's own source is not among the rows: the rest cites none rather than a country's
    made = {k: None for k in named[-1]} | {"source_kind": named[-1].get("source_kind"), total: totals[0]}
    return named + [made | {value: rest, "is_remainder": True, "share_pct": share}]


def ranked_bars(
    ax,
    rows: list[dict],
    value: str,
    label: Callable[[dict], str],
    text: Callable[[dict], str],
    *,
    colours: list[str] | None = None,
    value_size: float = VALUE_SIZE,
    centred: bool = False,
) -> list:
    """Horizontal bars, the first row on top; each bar's value written at its end (left of a
    negative one); the value axis leaves room for the words, and is centred on a zero line where a
    value can fall below zero."""
    rows = list(reversed(rows))
    values = [float(r[value]) for r in rows]
    colours = list(reversed(colours)) if colours else [_bar_colour(r) for r in rows]
    bars = ax.barh([label(r) for r in rows], values, color=colours)
    span = max(abs(v) for v in values)
    for bar, r, v in zip(bars, rows, values):
        ax.text(
            v + (span * 0.012 if v >= 0 else -span * 0.012),
            bar.get_y() + bar.get_height() / 2,
            text(r),
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=value_size,
        )
    if centred or min(values) < 0:
        ax.set_xlim(-span * 1.2, span * 1.2)
        ax.axvline(0, color="#333333", linewidth=0.8)
    else:
        ax.set_xlim(0, span * 1.3)
    return bars


def _bar_colour(r: dict) -> str:
    return REMAINDER if r.get("is_remainder") else colour(r.get("source_kind"))


def destinations_figure(
    rows: list[dict],
    *,
    width: float,
    name: Callable[[dict], str],
    other: str,
    text: Callable[[dict], str],
    number: Number,
    x_label: str,
    y_label: str,
    height: float | None = None,
    **margins: float,
):
    """Labour emigrants by destination (marts.emigration_by_destination): the named countries, the
    largest on top, and the "other" bar for the rest of the national total (with_rest); persons on
    the labelled value axis. (figure, rows as drawn), or (None, rows) when no country is named."""
    rows = with_rest(rows)
    if not any(not r["is_remainder"] for r in rows):
        return None, rows
    fig, ax = figure((width, height or 0.45 * len(rows) + 1.1), **margins)
    ranked_bars(ax, rows, "emigrants", label=lambda r: other if r["is_remainder"] else name(r), text=text)
    axis_numbers(ax, number)
    labels(ax, x_label, y_label)
    return fig, rows


def bars_by_year(ax, rows: list[dict], value: str, text: Callable[[dict], str], *, scale: float = 1) -> list:
    """Vertical bars on a time axis (2000, 2019 and 2024 stand as far apart as the years are), a
    tick at each year, each bar's value written above it (a bar one year wide is narrower than its
    words); values divided by `scale` (1000: thousands)."""
    years = [r["year"] for r in rows]
    values = [float(r[value]) / scale for r in rows]
    span = max(years) - min(years)
    bars = ax.bar(years, values, color=[colour(r["source_kind"]) for r in rows], width=max(0.6, span / 24))
    for bar, r in zip(bars, rows):
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            bar.get_height(),
            text(r),
            ha="center",
            va="bottom",
            fontsize=VALUE_SIZE,
            color="#222222",
        )
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(min(years) - 1, max(years) + 1)
    return bars


def labels(ax, x: str, y: str) -> None:
    ax.set_xlabel(x, fontsize=LABEL_SIZE)
    ax.set_ylabel(y, fontsize=LABEL_SIZE)


def png(fig, dpi: int = 150) -> bytes:
    """The picture, and the figure closed."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    pyplot().close(fig)
    return out.getvalue()


# --- a chart as files: PNG and SVG with its title and source line (the report's) -----------------


@dataclass
class Chart:
    name: str
    title: str
    caption: str
    sources: list  # what the chart cites, each with .cite() (report.data.Source)
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


def finish(fig, name: str, title: str, caption: str, sources: Iterable, empty: bool = False) -> Chart:
    """The standalone files carry the title and the source line (they travel alone); the page's
    inline copy is drawn without them, cropped to what is drawn."""
    sources = list(sources)
    inline = "" if empty else svg_of(fig, name, bbox_inches="tight", pad_inches=0.05)
    heading = fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    line = "Source: " + "; ".join(s.cite() for s in sources) if sources else "Source: none"
    source = fig.text(
        0.01,
        0.01,
        "\n".join(textwrap.wrap(line, width=int(fig.get_figwidth() * 14))) or line,
        fontsize=7,
        color=MUTED,
        va="bottom",
        ha="left",
    )
    picture = io.BytesIO()
    fig.savefig(picture, format="png", dpi=110, metadata={"Software": None})
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
        png=picture.getvalue(),
        empty=empty,
        svg_inline=inline,
    )


def no_data(name: str, title: str, message: str) -> Chart:
    """A chart without data: one line saying what would fill it (a short strip in the files)."""
    fig = pyplot().figure(figsize=(8.5, 1.1))
    fig.text(0.01, 0.45, message, fontsize=9, color=MUTED, va="center", ha="left")
    return finish(fig, name, title, message, [], empty=True)
