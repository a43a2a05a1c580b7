"""Plotly charts for the case page, the athlete's progress page and the coach's views.

Each function returns an HTML fragment (a div and its script), written by ``plotly.io.to_html``.
Plotly's JavaScript itself is served from the installed package
(``{% static 'plotly/plotly.min.js' %}``, loaded once per page by
``templates/includes/plotly.html``), never from a CDN.

The figures are built as the dictionaries that ``plotly.graph_objects`` would make: the same
traces, shapes and annotations as ``add_vrect``, ``add_hline`` and ``add_hrect`` give, and
Plotly's default template. Building them through the graph objects validated every property
again on each added shape, a tenth of a second per chart on a year of data;
``tests/monitoring/test_charts.py`` checks the dictionaries against the graph objects'.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import plotly.io as pio

from monitoring.metrics import ACWR_DANGER, ACWR_SWEET_SPOT

PAIN_COLOURS = {
    "pain_rest": "#7a5af8",
    "pain_during": "#d92d20",
    "pain_after": "#f79009",
    "pain_next_morning": "#175cd3",
}
PAIN_LABELS = {
    "pain_rest": "At rest",
    "pain_during": "During activity",
    "pain_after": "After activity",
    "pain_next_morning": "Next morning",
}
FLAG_COLOURS = {
    "red_flag": "#b42318",
    "regression": "#dc6803",
    "load_spike": "#b54708",
    "missing_logs": "#667085",
    "ready_to_advance": "#067647",
}
PHASE_FILLS = ("#eef4ff", "#f4f3ff", "#ecfdf3", "#fef6ee", "#f0f9ff", "#fdf2fa", "#f9fafb")
CONFIG = {"displayModeBar": False, "responsive": True}
TOUCH_CONFIG = {**CONFIG, "scrollZoom": False, "doubleClick": False, "showTips": False}
"""Compact charts are read on a phone: a swipe scrolls the page (no zoom to undo, no "double-click
to zoom out" tip), a tap shows the day's values (with ``layout.dragmode`` off and fixed axes;
plotly.js #2844, #6902)."""


def _config(compact: bool) -> dict[str, Any]:
    return TOUCH_CONFIG if compact else CONFIG


@dataclass(frozen=True)
class PhasePeriod:
    name: str
    start: dt.date
    end: dt.date  # exclusive: the day the next phase began, or the chart's last day + 1


@dataclass(frozen=True)
class FlagMark:
    day: dt.date
    kind: str
    title: str


Figure = dict[str, Any]


@cache
def _template() -> dict[str, Any]:
    """Plotly's default template as a new figure carries it (read once)."""
    return pio.templates[pio.templates.default].to_plotly_json()


def _figure(*traces: dict[str, Any]) -> Figure:
    return {"data": list(traces), "layout": {"template": _template()}}


def _html(fig: Figure, config: dict[str, Any]) -> str:
    return pio.to_html(fig, config=config, full_html=False, include_plotlyjs=False, validate=False)


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    """``update_layout``'s merge: nested dictionaries are updated, other values replaced."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value) if isinstance(value, dict) else value


def _y_axes(fig: Figure) -> list[str]:
    """The y axes a figure has (``update_yaxes`` updates each)."""
    return ["yaxis"] + sorted(k for k in fig["layout"] if k.startswith("yaxis") and k != "yaxis")


def _layout(fig: Figure, *, title: str, height: int, compact: bool, yaxis_title: str) -> None:
    layout = fig["layout"]
    _merge(
        layout,
        {
            "title": {"text": title, "x": 0, "font": {"size": 15 if compact else 16}},
            "height": height,
            "margin": {"l": 40 if compact else 55, "r": 10, "t": 40, "b": 30},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "hovermode": "x unified",
            "legend": {
                "orientation": "h",
                "y": -0.18,
                "x": 0,
                "font": {"size": 11 if compact else 12},
            },
            "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"},
            "xaxis": {"showgrid": False, "tickformat": "%d %b"},
        },
    )
    for axis in _y_axes(fig):
        _merge(
            layout,
            {axis: {"gridcolor": "#eaecf0", "title": {"text": yaxis_title}, "zeroline": False}},
        )
    if compact:  # a phone: the page scrolls under a thumb, a tap shows the values
        layout["dragmode"] = False
        for axis in ["xaxis", *_y_axes(fig)]:
            _merge(layout, {axis: {"fixedrange": True}})


def _shade_phases(fig: Figure, phases: Sequence[PhasePeriod], *, compact: bool) -> None:
    """Each phase as a shaded band across the plot, named at its top left (``add_vrect``)."""
    if not phases:
        return
    shapes = fig["layout"].setdefault("shapes", [])
    notes = fig["layout"].setdefault("annotations", [])
    for i, phase in enumerate(phases):
        start = phase.start.isoformat()
        shapes.append(
            {
                "fillcolor": PHASE_FILLS[i % len(PHASE_FILLS)],
                "layer": "below",
                "line": {"width": 0},
                "opacity": 1,
                "type": "rect",
                "x0": start,
                "x1": phase.end.isoformat(),
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "y domain",
            }
        )
        notes.append(
            {
                "font": {"color": "#475467", "size": 10},
                "showarrow": False,
                "text": "" if compact else phase.name,
                "x": start,
                "xanchor": "left",
                "xref": "x",
                "y": 1,
                "yanchor": "top",
                "yref": "y domain",
            }
        )


def _hline(fig: Figure, y: float, *, colour: str, text: str, yref: str = "y") -> None:
    """A dotted line across the plot at ``y``, labelled at its right end (``add_hline``)."""
    fig["layout"].setdefault("shapes", []).append(
        {
            "line": {"color": colour, "dash": "dot"},
            "type": "line",
            "x0": 0,
            "x1": 1,
            "xref": "x domain",
            "y0": y,
            "y1": y,
            "yref": yref,
        }
    )
    fig["layout"].setdefault("annotations", []).append(
        {
            "font": {"size": 10},
            "showarrow": False,
            "text": text,
            "x": 1,
            "xanchor": "right",
            "xref": "x domain",
            "y": y,
            "yanchor": "bottom",
            "yref": yref,
        }
    )


def _mark_flags(fig: Figure, flags: Sequence[FlagMark], y: float) -> None:
    by_kind: dict[str, list[FlagMark]] = {}
    for flag in flags:
        by_kind.setdefault(flag.kind, []).append(flag)
    for kind, marks in by_kind.items():
        marker: dict[str, Any] = {"size": 11, "symbol": "triangle-down"}
        if kind in FLAG_COLOURS:
            marker["color"] = FLAG_COLOURS[kind]
        fig["data"].append(
            {
                "hovertemplate": "%{text}<extra></extra>",
                "marker": marker,
                "mode": "markers",
                "name": kind.replace("_", " ").capitalize(),
                "text": [m.title for m in marks],
                "x": [m.day.isoformat() for m in marks],
                "y": [y] * len(marks),
                "type": "scatter",
            }
        )


def _pain_trace(field: str, x: list[str], values, **extra: str) -> dict[str, Any]:
    """One pain rating over the days as a line with markers, gaps kept as gaps."""
    return {
        "connectgaps": False,
        # the day named: the one hover label of a tap lists each line's nearest value, which
        # on a day without that rating is a neighbouring day's
        "hovertemplate": "%{y}/10 (%{x|%-d %b})",
        "line": {"color": PAIN_COLOURS[field], "width": 2},
        "marker": {"size": 4},
        "mode": "lines+markers",
        "name": PAIN_LABELS[field],
        "x": x,
        "y": list(values),
        "type": "scatter",
        **extra,
    }


def pain_figure(
    days: Sequence[dt.date],
    pain: dict[str, Sequence[float | None]],
    *,
    phases: Sequence[PhasePeriod] = (),
    flags: Sequence[FlagMark] = (),
    fields: Sequence[str] = ("pain_during", "pain_after", "pain_next_morning"),
    compact: bool = False,
    limit: float | None = None,
    night: Sequence[dt.date] = (),
) -> Figure:
    """Pain over time (0–10), gaps kept as gaps, phase periods shaded, flags marked; the nights
    pain woke the athlete as marks along the top (``night``)."""
    fig = _figure()
    _shade_phases(fig, phases, compact=compact)
    x = [d.isoformat() for d in days]
    for field in fields:
        fig["data"].append(_pain_trace(field, x, pain[field]))
    if night:
        woke = set(night)
        fig["data"].append(
            {
                "hovertemplate": "woke at night with pain",
                "marker": {"color": "#b42318", "size": 9, "symbol": "star"},
                "mode": "markers",
                "name": "Night pain",
                # every day, empty where the night was quiet: a day's values never show
                # another day's night (the hover is one label for all lines of a day)
                "x": x,
                "y": [9.6 if d in woke else None for d in days],
                "type": "scatter",
            }
        )
    if limit is not None:
        _hline(fig, limit, colour="#98a2b3", text=f"limit {limit:g}/10")
    _mark_flags(fig, flags, y=10.3)
    _layout(
        fig,
        title="Pain (0–10)",
        height=250 if compact else 340,
        compact=compact,
        yaxis_title="" if compact else "Pain",
    )
    _merge(fig["layout"], {"yaxis": {"range": [-0.3, 10.8], "dtick": 2}})
    return fig


def pain_chart(*args: Any, **kwargs: Any) -> str:
    """``pain_figure`` as an HTML fragment."""
    return _html(pain_figure(*args, **kwargs), _config(kwargs.get("compact", False)))


def load_figure(
    days: Sequence[dt.date],
    loads: Sequence[float],
    acwr: Sequence[float | None] = (),
    *,
    phases: Sequence[PhasePeriod] = (),
    flags: Sequence[FlagMark] = (),
    compact: bool = False,
) -> Figure:
    """Daily session-RPE load as bars and, when given, the EWMA acute:chronic ratio as a line
    with its "sweet spot" band (0.8–1.3) and caution line (1.5) (Gabbett 2016)."""
    fig = _figure()
    _shade_phases(fig, phases, compact=compact)
    x = [d.isoformat() for d in days]
    fig["data"].append(
        {
            # the athlete's phone says "effort", as the log asks it; clinicians read sRPE in AU
            "hovertemplate": "%{y:.0f} (effort × minutes)" if compact else "%{y:.0f} AU",
            "marker": {"color": "#0b6e69"},
            "name": "Training load (effort × minutes)" if compact else "Session load (RPE × min)",
            "opacity": 0.85,
            "x": x,
            "y": list(loads),
            "type": "bar",
        }
    )
    if acwr:
        fig["data"].append(
            {
                "connectgaps": False,
                "hovertemplate": "ratio %{y}",
                "line": {"color": "#344054", "width": 2},
                "mode": "lines",
                "name": "Acute:chronic ratio",
                "x": x,
                "y": [None if r is None else round(r, 2) for r in acwr],
                "yaxis": "y2",
                "type": "scatter",
            }
        )
        low, high = ACWR_SWEET_SPOT
        fig["layout"].setdefault("shapes", []).append(
            {
                "fillcolor": "#12b76a",
                "layer": "below",
                "line": {"width": 0},
                "opacity": 0.12,
                "type": "rect",
                "x0": 0,
                "x1": 1,
                "xref": "x domain",
                "y0": low,
                "y1": high,
                "yref": "y2",
            }
        )
        _hline(fig, ACWR_DANGER, colour="#b54708", text="caution 1.5", yref="y2")
        _merge(
            fig["layout"],
            {
                "yaxis2": {
                    "overlaying": "y",
                    "side": "right",
                    "range": [0, 2.5],
                    "showgrid": False,
                    "title": {"text": "" if compact else "Ratio"},
                }
            },
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
        _merge(
            fig["layout"],
            {
                "yaxis2": {
                    "title": {"text": "" if compact else "Acute:chronic ratio"},
                    "range": [0, 2.5],
                    "tickmode": "linear",
                    "tick0": 0,
                    "dtick": 0.5,
                    "showgrid": False,
                }
            },
        )
    return fig


def load_chart(*args: Any, **kwargs: Any) -> str:
    """``load_figure`` as an HTML fragment."""
    return _html(load_figure(*args, **kwargs), _config(kwargs.get("compact", False)))


def styled_chart(
    traces: Sequence[dict[str, Any]],
    *,
    title: str,
    yaxis_title: str,
    phases: Sequence[PhasePeriod] = (),
    layout: dict[str, Any] | None = None,
) -> str:
    """Traces built elsewhere in the case page's look, ``layout`` merged last; HTML."""
    fig = _figure(*traces)
    _shade_phases(fig, phases, compact=False)
    _layout(fig, title=title, height=300, compact=False, yaxis_title=yaxis_title)
    _merge(fig["layout"], layout or {})
    return _html(fig, CONFIG)


def weekly_load_figure(weeks: Sequence[tuple[dt.date, float]]) -> Figure:
    """A small 4-week load trend for boards and cards."""
    fig = _figure(
        {
            "hovertemplate": "week of %{x|%d %b}: %{y:.0f} AU<extra></extra>",
            "marker": {"color": "#0b6e69"},
            "x": [w.isoformat() for w, _ in weeks],
            "y": [v for _, v in weeks],
            "type": "bar",
        }
    )
    _merge(
        fig["layout"],
        {
            "height": 70,
            "width": 160,
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "showlegend": False,
            "title": {},
            "xaxis": {"visible": False},
            "yaxis": {"visible": False, "rangemode": "tozero"},
        },
    )
    return fig


def weekly_load_sparkline(weeks: Sequence[tuple[dt.date, float]], *, title: str = "") -> str:
    """``weekly_load_figure`` as an HTML fragment, a static picture."""
    return _html(weekly_load_figure(weeks), {"displayModeBar": False, "staticPlot": True})


def sleep_pain_figure(
    days: Sequence[dt.date],
    sleep_hours: Sequence[float | None],
    pain_during: Sequence[float | None],
    *,
    compact: bool = False,
) -> Figure:
    """Sleep hours from the daily log (bars, left axis) beside pain during activity (line, 0–10,
    right axis): short nights and rising pain side by side. Gaps stay gaps."""
    x = [d.isoformat() for d in days]
    fig = _figure(
        {
            "hovertemplate": "%{y:.1f} h",
            "marker": {"color": "#6172f3"},
            "name": "Sleep (hours)",
            "opacity": 0.7,
            "x": x,
            "y": list(sleep_hours),
            "type": "bar",
        },
        _pain_trace(
            "pain_during",
            x,
            pain_during,
            name=PAIN_LABELS["pain_during"] + " (0–10)",
            yaxis="y2",
        ),
    )
    _layout(
        fig,
        title="Sleep and pain",
        height=240 if compact else 300,
        compact=compact,
        yaxis_title="" if compact else "Hours",
    )
    _merge(fig["layout"], {"yaxis": {"range": [0, 12], "dtick": 2}})
    _merge(
        fig["layout"],
        {
            "yaxis2": {
                "overlaying": "y",
                "side": "right",
                "range": [-0.3, 10.8],
                "dtick": 2,
                "showgrid": False,
                "title": {"text": "" if compact else "Pain"},
            }
        },
    )
    return fig


def sleep_pain_chart(*args: Any, **kwargs: Any) -> str:
    """``sleep_pain_figure`` as an HTML fragment."""
    return _html(sleep_pain_figure(*args, **kwargs), _config(kwargs.get("compact", False)))
