"""The case page's limb symmetry chart: each battery test's limb symmetry index over time, with
the 90 % line (extrapolated from ACL and Achilles practice, clinical.md §11). Built with the
charts module's look (``charts.styled_chart``); incomplete tests are gaps, never points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from monitoring.charts import styled_chart
from protocols.engine.battery import DEFAULT_MIN_LSI

COLOURS = (
    "#175cd3",
    "#d92d20",
    "#067647",
    "#7a5af8",
    "#f79009",
    "#c11574",
    "#667085",
    "#0e9384",
    "#b54708",
)


class Trend(Protocol):
    label: str
    points: Sequence[Any]  # each with .day and .lsi


def symmetry_chart(trends: Sequence[Trend]) -> str:
    """One line per test (a muscle group for the dynamometer), LSI in % by date; HTML."""
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": t.label,
            "x": [p.day.isoformat() for p in t.points],
            "y": [p.lsi for p in t.points],  # None: incomplete, a gap
            "line": {"color": COLOURS[i % len(COLOURS)]},
            "connectgaps": False,
            "hovertemplate": "%{y:.1f}%<extra>" + t.label + "</extra>",
        }
        for i, t in enumerate(trends)
    ]
    line = {
        "type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y",
        "y0": DEFAULT_MIN_LSI, "y1": DEFAULT_MIN_LSI, "line": {"color": "#667085", "dash": "dot"},
    }  # fmt: skip
    note = {
        "text": f"{DEFAULT_MIN_LSI}% (extrapolated from ACL/Achilles practice)",
        "showarrow": False, "xref": "x domain", "x": 1, "xanchor": "right", "yref": "y",
        "y": DEFAULT_MIN_LSI, "yanchor": "bottom", "font": {"size": 10},
    }  # fmt: skip
    return styled_chart(
        traces,
        title="Limb symmetry index by test",
        yaxis_title="Involved ÷ uninvolved (%)",
        layout={"shapes": [line], "annotations": [note], "height": 320},
    )
