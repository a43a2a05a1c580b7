"""The charts' figures are the ones Plotly's graph objects build.

``monitoring.charts`` writes its figures as dictionaries (building them through the graph
objects cost a tenth of a second a chart). The reference builders below are those graph-object
versions, kept here as the specification: for every chart and option, the dictionary is what
the graph objects give, so the page draws the same chart.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from monitoring import charts
from monitoring.charts import (
    CONFIG,
    FLAG_COLOURS,
    PAIN_COLOURS,
    PAIN_LABELS,
    PHASE_FILLS,
    FlagMark,
    PhasePeriod,
)
from monitoring.metrics import ACWR_DANGER, ACWR_SWEET_SPOT

D = dt.date(2026, 3, 2)
DAYS = [D + dt.timedelta(days=n) for n in range(40)]
PAIN = {
    f: [None if n % 5 == 0 else (n * 7 + i) % 11 for n in range(40)]
    for i, f in enumerate(PAIN_COLOURS)
}
PHASES = [
    PhasePeriod("Protected loading", D, D + dt.timedelta(days=14)),
    PhasePeriod("Walk-run <b>", D + dt.timedelta(days=14), D + dt.timedelta(days=40)),
]
FLAGS = [
    FlagMark(D + dt.timedelta(days=3), "red_flag", "Night pain </script>"),
    FlagMark(D + dt.timedelta(days=9), "regression", "Pain rising"),
    FlagMark(D + dt.timedelta(days=12), "red_flag", "Sharp pain"),
    FlagMark(D + dt.timedelta(days=20), "something_new", "A kind without a colour"),
]
LOADS = [float((n * 37) % 400) for n in range(40)]
ACWR = [None] * 7 + [0.5 + (n % 9) / 6 for n in range(33)]


def plain(figure) -> dict:
    """A figure as the JSON Plotly sends to the browser, parsed."""
    return json.loads(pio.to_json(figure, validate=False))


# --- the reference: the graph-object builders --------------------------------------------------


def _layout(fig: go.Figure, *, title: str, height: int, compact: bool, yaxis_title: str) -> None:
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 15 if compact else 16}},
        height=height,
        margin={"l": 40 if compact else 55, "r": 10, "t": 40, "b": 30},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.18, "x": 0, "font": {"size": 11 if compact else 12}},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"},
    )
    fig.update_xaxes(showgrid=False, tickformat="%d %b")
    fig.update_yaxes(gridcolor="#eaecf0", title_text=yaxis_title, zeroline=False)
    if compact:  # a phone: a swipe scrolls the page, nothing zooms
        fig.update_layout(dragmode=False)
        fig.update_xaxes(fixedrange=True)
        fig.update_yaxes(fixedrange=True)


def _shade_phases(fig: go.Figure, phases: Sequence[PhasePeriod], *, compact: bool) -> None:
    for i, phase in enumerate(phases):
        fig.add_vrect(
            x0=phase.start.isoformat(),
            x1=phase.end.isoformat(),
            fillcolor=PHASE_FILLS[i % len(PHASE_FILLS)],
            opacity=1,
            layer="below",
            line_width=0,
            annotation_text="" if compact else phase.name,
            annotation_position="top left",
            annotation_font_size=10,
            annotation_font_color="#475467",
        )


def _mark_flags(fig: go.Figure, flags: Sequence[FlagMark], y: float) -> None:
    by_kind: dict[str, list[FlagMark]] = {}
    for flag in flags:
        by_kind.setdefault(flag.kind, []).append(flag)
    for kind, marks in by_kind.items():
        fig.add_trace(
            go.Scatter(
                x=[m.day.isoformat() for m in marks],
                y=[y] * len(marks),
                mode="markers",
                name=kind.replace("_", " ").capitalize(),
                marker={"symbol": "triangle-down", "size": 11, "color": FLAG_COLOURS.get(kind)},
                text=[m.title for m in marks],
                hovertemplate="%{text}<extra></extra>",
            )
        )


def pain_chart(
    days: Sequence[dt.date],
    pain: dict[str, Sequence[float | None]],
    *,
    phases: Sequence[PhasePeriod] = (),
    flags: Sequence[FlagMark] = (),
    fields: Sequence[str] = ("pain_during", "pain_after", "pain_next_morning"),
    compact: bool = False,
    limit: float | None = None,
    night: Sequence[dt.date] = (),
) -> go.Figure:
    """Pain over time (0–10), gaps kept as gaps, phase periods shaded, flags marked."""
    fig = go.Figure()
    _shade_phases(fig, phases, compact=compact)
    x = [d.isoformat() for d in days]
    for field in fields:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=list(pain[field]),
                name=PAIN_LABELS[field],
                mode="lines+markers",
                connectgaps=False,
                line={"color": PAIN_COLOURS[field], "width": 2},
                marker={"size": 4},
                hovertemplate="%{y}/10 (%{x|%-d %b})",
            )
        )
    if night:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[9.6 if d in set(night) else None for d in days],
                name="Night pain",
                mode="markers",
                marker={"color": "#b42318", "size": 9, "symbol": "star"},
                hovertemplate="woke at night with pain",
            )
        )
    if limit is not None:
        fig.add_hline(
            y=limit,
            line_dash="dot",
            line_color="#98a2b3",
            annotation_text=f"limit {limit:g}/10",
            annotation_font_size=10,
        )
    _mark_flags(fig, flags, y=10.3)
    _layout(
        fig,
        title="Pain (0–10)",
        height=250 if compact else 340,
        compact=compact,
        yaxis_title="" if compact else "Pain",
    )
    fig.update_yaxes(range=[-0.3, 10.8], dtick=2)
    return fig


def load_chart(
    days: Sequence[dt.date],
    loads: Sequence[float],
    acwr: Sequence[float | None] = (),
    *,
    phases: Sequence[PhasePeriod] = (),
    flags: Sequence[FlagMark] = (),
    compact: bool = False,
) -> go.Figure:
    """Daily session-RPE load as bars and, when given, the EWMA acute:chronic ratio as a line
    with its "sweet spot" band (0.8–1.3) and caution line (1.5) (Gabbett 2016)."""
    fig = go.Figure()
    _shade_phases(fig, phases, compact=compact)
    x = [d.isoformat() for d in days]
    fig.add_trace(
        go.Bar(
            x=x,
            y=list(loads),
            name="Training load (effort × minutes)" if compact else "Session load (RPE × min)",
            marker_color="#0b6e69",
            opacity=0.85,
            hovertemplate="%{y:.0f} (effort × minutes)" if compact else "%{y:.0f} AU",
        )
    )
    if acwr:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[None if r is None else round(r, 2) for r in acwr],
                yaxis="y2",
                name="Acute:chronic ratio",
                mode="lines",
                connectgaps=False,
                line={"color": "#344054", "width": 2},
                hovertemplate="ratio %{y}",
            )
        )
        low, high = ACWR_SWEET_SPOT
        fig.add_hrect(
            y0=low,
            y1=high,
            yref="y2",
            fillcolor="#12b76a",
            opacity=0.12,
            line_width=0,
            layer="below",
        )
        fig.add_hline(
            y=ACWR_DANGER,
            yref="y2",
            line_dash="dot",
            line_color="#b54708",
            annotation_text="caution 1.5",
            annotation_font_size=10,
        )
        fig.update_layout(
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "range": [0, 2.5],
                "showgrid": False,
                "title": "" if compact else "Ratio",
            }
        )
    if flags:
        top = max(list(loads) + [1]) * 1.05
        _mark_flags(fig, flags, y=top)
    _layout(
        fig,
        title="Training load",
        height=240 if compact else 320,
        compact=compact,
        yaxis_title="" if compact else "Load (AU)",
    )
    if acwr:
        # _layout titles every y axis; the right one is the ratio, on its own fixed scale.
        fig.update_layout(
            yaxis2={
                "title": {"text": "" if compact else "Acute:chronic ratio"},
                "range": [0, 2.5],
                "tickmode": "linear",
                "tick0": 0,
                "dtick": 0.5,
                "showgrid": False,
            }
        )
    return fig


def weekly_load_sparkline(weeks: Sequence[tuple[dt.date, float]], *, title: str = "") -> go.Figure:
    """A small 4-week load trend for boards and cards."""
    fig = go.Figure(
        go.Bar(
            x=[w.isoformat() for w, _ in weeks],
            y=[v for _, v in weeks],
            marker_color="#0b6e69",
            hovertemplate="week of %{x|%d %b}: %{y:.0f} AU<extra></extra>",
        )
    )
    fig.update_layout(
        height=70,
        width=160,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        showlegend=False,
        title=None,
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, rangemode="tozero")
    return fig


def sleep_pain_chart(
    days: Sequence[dt.date],
    sleep_hours: Sequence[float | None],
    pain_during: Sequence[float | None],
    *,
    compact: bool = False,
) -> go.Figure:
    """Sleep hours from the daily log (bars, left axis) beside pain during activity (line, 0–10,
    right axis): short nights and rising pain side by side. Gaps stay gaps."""
    fig = go.Figure()
    x = [d.isoformat() for d in days]
    fig.add_trace(
        go.Bar(
            x=x,
            y=list(sleep_hours),
            name="Sleep (hours)",
            marker_color="#6172f3",
            opacity=0.7,
            hovertemplate="%{y:.1f} h",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=list(pain_during),
            name=PAIN_LABELS["pain_during"] + " (0–10)",
            mode="lines+markers",
            connectgaps=False,
            line={"color": PAIN_COLOURS["pain_during"], "width": 2},
            marker={"size": 4},
            yaxis="y2",
            hovertemplate="%{y}/10 (%{x|%-d %b})",
        )
    )
    _layout(
        fig,
        title="Sleep and pain",
        height=240 if compact else 300,
        compact=compact,
        yaxis_title="" if compact else "Hours",
    )
    fig.update_yaxes(range=[0, 12], dtick=2)
    fig.update_layout(
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [-0.3, 10.8],
            "dtick": 2,
            "showgrid": False,
            "title": {"text": "" if compact else "Pain"},
        }
    )
    return fig


# --- the checks ----------------------------------------------------------------------------------


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("limit", [None, 3, 2.5])
@pytest.mark.parametrize("flags", [(), FLAGS])
@pytest.mark.parametrize("phases", [(), PHASES])
def test_the_pain_figure_is_the_graph_objects_one(compact, limit, flags, phases):
    night = [DAYS[2], DAYS[-1]] if compact else []
    kwargs = dict(phases=phases, flags=flags, compact=compact, limit=limit, night=night)
    assert plain(charts.pain_figure(DAYS, PAIN, **kwargs)) == plain(
        pain_chart(DAYS, PAIN, **kwargs)
    )
    fields = ("pain_rest", "pain_during")
    assert plain(charts.pain_figure(DAYS, PAIN, fields=fields, **kwargs)) == plain(
        pain_chart(DAYS, PAIN, fields=fields, **kwargs)
    )


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("acwr", [(), ACWR])
@pytest.mark.parametrize("flags", [(), FLAGS])
@pytest.mark.parametrize("phases", [(), PHASES])
def test_the_load_figure_is_the_graph_objects_one(compact, acwr, flags, phases):
    kwargs = dict(phases=phases, flags=flags, compact=compact)
    assert plain(charts.load_figure(DAYS, LOADS, acwr, **kwargs)) == plain(
        load_chart(DAYS, LOADS, acwr, **kwargs)
    )


def test_the_sparkline_and_sleep_figures_are_the_graph_objects_ones():
    weeks = [(D + dt.timedelta(weeks=n), 100.0 * n) for n in range(4)]
    assert plain(charts.weekly_load_figure(weeks)) == plain(weekly_load_sparkline(weeks))
    sleep = [None if n % 4 == 0 else 6 + (n % 3) for n in range(40)]
    for compact in (False, True):
        assert plain(
            charts.sleep_pain_figure(DAYS, sleep, PAIN["pain_during"], compact=compact)
        ) == (plain(sleep_pain_chart(DAYS, sleep, PAIN["pain_during"], compact=compact)))


def test_a_chart_is_a_div_and_its_script_with_text_from_users_encoded():
    html = charts.pain_chart(DAYS, PAIN, phases=PHASES, flags=FLAGS)
    assert 'class="plotly-graph-div"' in html and "Plotly.newPlot" in html
    assert html.count("<script") == 1 and html.count("</script>") == 1  # its own only
    assert "Night pain \\u003c\\u002fscript\\u003e" in html
    assert "Walk-run \\u003cb\\u003e" in html
    assert json.dumps(CONFIG["displayModeBar"]) in html
