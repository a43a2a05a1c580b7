"""What a watch measures, charted beside load on the clinician's case page: step counts,
running cadence and ground-contact time by day.

Charted, never gated: no criterion reads these (the clinical reference names them as monitoring
data to look at, not as thresholds). Steps come from the wearable samples
(``DeviceMetric`` "steps", summed per day); cadence and ground-contact time are each day's mean
of the sessions' values (an activity file's, an integration's) and of the samples of those
metrics. Pure: the case page's view model reads the rows (one query for the samples; the
sessions come with the load chart's query).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from statistics import fmean

from monitoring.charts import PhasePeriod, styled_chart

STEPS, CADENCE, CONTACT = "steps", "cadence", "ground_contact_time"


def device_series(
    days: Sequence[dt.date],
    sessions: Iterable[tuple[dt.date, int | None, int | None]],
    samples: Iterable[tuple[dt.date, str, float]],
) -> dict[str, list[float | None]]:
    """Per day of ``days``: steps (sum of samples), cadence and contact time (means).

    ``sessions``: (day, cadence spm, ground contact ms); ``samples``: (day, metric, value)."""
    values: dict[str, dict[dt.date, list[float]]] = {
        STEPS: defaultdict(list),
        CADENCE: defaultdict(list),
        CONTACT: defaultdict(list),
    }
    for day, cadence, contact in sessions:
        if cadence is not None:
            values[CADENCE][day].append(float(cadence))
        if contact is not None:
            values[CONTACT][day].append(float(contact))
    for day, metric, value in samples:
        if metric in values:
            values[metric][day].append(float(value))
    out: dict[str, list[float | None]] = {}
    for metric, by_day in values.items():
        combine = sum if metric == STEPS else fmean
        out[metric] = [round(combine(by_day[d]), 1) if by_day.get(d) else None for d in days]
    return out


def has_data(series: dict[str, list[float | None]]) -> bool:
    return any(v is not None for values in series.values() for v in values)


def device_chart(
    days: Sequence[dt.date],
    series: dict[str, list[float | None]],
    *,
    phases: Sequence[PhasePeriod] = (),
) -> str:
    """Steps as bars (left axis); cadence (steps/min) and ground contact (ms) as lines (right)."""
    x = [d.isoformat() for d in days]
    traces = [
        {
            "hovertemplate": "%{y:.0f} steps",
            "marker": {"color": "#98a2b3"},
            "name": "Steps",
            "opacity": 0.7,
            "type": "bar",
            "x": x,
            "y": series[STEPS],
        },
        _line("Cadence (steps/min)", x, series[CADENCE], "#175cd3", "%{y:.0f} steps/min"),
        _line("Ground contact (ms)", x, series[CONTACT], "#b54708", "%{y:.0f} ms"),
    ]
    return styled_chart(
        traces,
        title="Device data: steps, cadence, ground contact",
        yaxis_title="Steps",
        phases=phases,
        layout={
            "yaxis": {"rangemode": "tozero"},
            "yaxis2": {
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
                "showgrid": False,
                "title": {"text": "Steps/min · ms"},
            },
        },
    )


def _line(name: str, x: list[str], y: list[float | None], colour: str, hover: str) -> dict:
    return {
        "connectgaps": True,
        "hovertemplate": hover,
        "line": {"color": colour, "width": 2},
        "marker": {"size": 6},
        "mode": "lines+markers",
        "name": name,
        "type": "scatter",
        "x": x,
        "y": y,
        "yaxis": "y2",
    }


def cadence_chart(
    points: Sequence[tuple[dt.date, int]],
    *,
    start: dt.date,
    end: dt.date,
    baseline: int | None = None,
    band: tuple[int, int] | None = None,
) -> str:
    """Each run's cadence (steps/min) as a point, with the baseline step rate as a dotted line
    and the clinician's goal band shaded (Warden et al. 2021: +5–10%). A cue, never a gate."""
    x0, x1 = start.isoformat(), end.isoformat()
    traces: list[dict] = [
        {
            "hovertemplate": "%{x|%d %b}: %{y:.0f} steps/min<extra></extra>",
            "marker": {"color": "#175cd3", "size": 8},
            "mode": "markers",
            "name": "Runs' cadence",
            "type": "scatter",
            "x": [d.isoformat() for d, _ in points],
            "y": [c for _, c in points],
        }
    ]
    shapes: list[dict] = []
    if band is not None:
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "y",
                "x0": x0,
                "x1": x1,
                "y0": band[0],
                "y1": band[1],
                "fillcolor": "rgba(3, 152, 85, 0.15)",
                "line": {"width": 0},
                "layer": "below",
            }
        )
    if baseline is not None:
        traces.append(
            {
                "hoverinfo": "skip",
                "line": {"color": "#667085", "dash": "dot", "width": 1.5},
                "mode": "lines",
                "name": f"Baseline {baseline}",
                "type": "scatter",
                "x": [x0, x1],
                "y": [baseline, baseline],
            }
        )
    values = [c for _, c in points] + list(band or ()) + ([baseline] if baseline else [])
    low, high = (min(values) - 5, max(values) + 5) if values else (150, 200)
    return styled_chart(
        traces,
        title="Running cadence and the goal",
        yaxis_title="Steps/min",
        layout={"shapes": shapes, "xaxis": {"range": [x0, x1]}, "yaxis": {"range": [low, high]}},
    )
