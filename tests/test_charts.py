"""The charts module the report and the note share (pipelines/outputs/charts.py): the "other" bar
wherever the named countries fall short of the national total, and every chart of the report with
both axes labelled and its unit on the value axis (the note's: tests/test_note.py)."""

from __future__ import annotations

import html
import re

import pytest


@pytest.fixture(scope="module")
def destinations(built_home) -> list[dict]:
    import duckdb

    from pipelines.outputs.report.data import destinations_of

    with duckdb.connect(str(built_home / "warehouse" / "kazmig.duckdb"), read_only=True) as con:
        year = con.execute("select max(year) from marts.emigration_by_destination").fetchone()[0]
        return destinations_of(con, year)


def test_other_bar_where_the_top_n_do_not_sum_to_the_total(destinations):
    from pipelines.outputs.charts import with_rest

    named = [r for r in destinations if not r["is_remainder"]]
    total = float(named[0]["national_total"])
    assert len(named) >= 3 and sum(float(r["emigrants"]) for r in named) < total
    # the mart's own rest row, with its source, is the "other" bar
    drawn = with_rest(destinations)
    assert drawn[:-1] == named and drawn[-1]["is_remainder"] and drawn[-1]["source"]
    assert float(drawn[-1]["emigrants"]) == pytest.approx(total - sum(float(r["emigrants"]) for r in named))
    # the top N alone: the rest of the total is made here, citing no country's source
    for n in (1, 2, len(named)):
        rest = with_rest(named[:n])[-1]
        assert rest["is_remainder"] and rest["source"] is None
        assert rest["emigrants"] == pytest.approx(total - sum(float(r["emigrants"]) for r in named[:n]))
        assert rest["share_pct"] == round(100 * rest["emigrants"] / total, 1)
    # where the named countries make the whole total, or no total is known, there is no "other" bar
    whole = sum(float(r["emigrants"]) for r in named)
    assert with_rest([{**r, "national_total": whole} for r in named]) == [{**r, "national_total": whole} for r in named]
    assert with_rest([{**r, "national_total": None} for r in named])[-1]["is_remainder"] is False


def _svg_texts(svg: str) -> list[str]:
    return [html.unescape(t).strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def test_report_charts_label_both_axes_with_units(built_home, monkeypatch, tmp_path):
    import duckdb

    from pipelines.outputs.charts import fmt_num
    from pipelines.outputs.report import charts
    from pipelines.outputs.report.data import load

    monkeypatch.setenv("KAZMIG_HOME", str(tmp_path))
    with duckdb.connect(str(built_home / "warehouse" / "kazmig.duckdb"), read_only=True) as con:
        d = load(con)
    total = d.destinations[0]["national_total"]
    kinds = " and ".join(sorted({r["source_kind"] for r in d.destinations}))
    texts = _svg_texts(charts.destinations_chart(d).svg_inline)
    assert f"persons (national total {fmt_num(total)}; figures from {kinds} sources)" in texts, texts
    assert "destination" in texts and "Other / unspecified" in texts
    texts = _svg_texts(charts.trend_chart(d).svg_inline)
    assert {"year", "departures (persons)", "per 1 000 residents on 1 January"} <= set(texts), texts
    texts = _svg_texts(charts.comparison_chart(d).svg_inline)
    assert {"region", "arrivals minus departures per 1 000 residents on 1 January"} <= set(texts), texts
