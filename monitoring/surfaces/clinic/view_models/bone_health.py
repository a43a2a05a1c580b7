"""The case page's bone-health work-up panel: the triggers with why, the tasks, the results
with their reference thresholds (table and small chart) and energy availability. Three queries
(``monitoring.care.workup.workup_for_case``), whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from athletes import permissions
from athletes.models import Case, User
from monitoring import charts
from monitoring.care import bone_results
from monitoring.care import bone_rules as rules
from monitoring.care.workup import Workup, workup_for_case
from monitoring.models import BoneHealthResult, EnergyAvailability


@dataclass(frozen=True)
class ResultRow:
    result: BoneHealthResult
    label: str
    level: str
    words: str
    reference: str
    converted: bool  # entered in another unit


@dataclass(frozen=True)
class EnergyRow:
    record: EnergyAvailability
    band: str
    band_label: str


@dataclass
class BonePanel:
    workup: Workup
    can_record: bool
    results: list[ResultRow] = field(default_factory=list)
    energy: list[EnergyRow] = field(default_factory=list)
    results_chart: str = ""
    energy_chart: str = ""
    missing_labels: list[str] = field(default_factory=list)
    on_file: list[str] = field(default_factory=list)  # due, answered by a recent result
    changeable: set[int] = field(default_factory=set)  # the tasks the reader may change


def bone_panel(user: User, case: Case, today: dt.date) -> BonePanel | None:
    """The panel for a reader of the work-up (``can_view_workup``), else None."""
    if not permissions.can_view_workup(user, case):
        return None
    workup = workup_for_case(case, today)
    panel = BonePanel(workup, permissions.can_record_bone_health(user, case))
    panel.changeable = {
        t.pk for t in workup.tasks if permissions.can_close_workup_task(user, case, t.assignee_role)
    }
    for r in reversed(workup.results):
        spec = bone_results.RESULT_KINDS[r.kind]
        level, words = bone_results.interpret(r.kind, r.value)
        converted = r.entered_unit != r.unit
        panel.results.append(ResultRow(r, spec.label, level, words, spec.reference, converted))
    for e in reversed(workup.energy):
        band = rules.ea_band(e.ea)
        panel.energy.append(EnergyRow(e, band, rules.EA_BAND_LABELS[band]))
    panel.missing_labels = [rules.TASKS[k].label for k in workup.missing_tasks]
    panel.on_file = [
        f"{rules.TASKS[task].label}: answered by {rules.on_file_text(answers)} (recent: "
        f"within {rules.TASKS[task].fresh_days} days)"
        for task, answers in workup.on_file.items()
    ]
    panel.results_chart = _results_chart(workup.results)
    panel.energy_chart = _energy_chart(workup.energy)
    return panel


def _series(results, kinds) -> list[dict]:
    traces = []
    for kind in kinds:
        rows = [r for r in results if r.kind == kind]
        if rows:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": bone_results.RESULT_KINDS[kind].label,
                    "x": [r.measured_on.isoformat() for r in rows],
                    "y": [float(r.value) for r in rows],
                }
            )
    return traces


def _line(y: float, text: str) -> tuple[dict, dict]:
    shape = {
        "type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y,
        "line": {"color": "#b54708", "dash": "dot"},
    }  # fmt: skip
    note = {
        "text": text, "xref": "x domain", "x": 1, "xanchor": "right", "yref": "y", "y": y,
        "yanchor": "bottom", "showarrow": False, "font": {"size": 10},
    }  # fmt: skip
    return shape, note


def _chart(traces: list[dict], title: str, axis: str, lines: list[tuple[float, str]]) -> str:
    """A trend needs two dates at least: a single value is in the table only."""
    if len({x for t in traces for x in t["x"]}) < 2:
        return ""
    drawn = [_line(y, text) for y, text in lines]
    layout = {
        "height": 240,
        "shapes": [s for s, _ in drawn],
        "annotations": [a for _, a in drawn],
    }
    return charts.styled_chart(traces, title=title, yaxis_title=axis, layout=layout)


def _results_chart(results: list[BoneHealthResult]) -> str:
    """25(OH)D (75 and 100 nmol/L marked), BMD Z-scores (−1 and −2) and ferritin (35 µg/L)
    over time, each once it has two dates."""
    vitd = _chart(
        _series(results, ["vitamin_d"]),
        "25(OH)D",
        "nmol/L",
        [(75, "75 nmol/L"), (100, "100 preferred")],
    )
    bmd = _chart(
        _series(results, bone_results.BMD_KINDS),
        "BMD Z-scores",
        "Z-score",
        [(-1, "−1 low for age"), (-2, "−2 below expected")],
    )
    ferritin = _chart(
        _series(results, ["ferritin"]), "Ferritin", "µg/L", [(35, "35 µg/L (clinic protocol)")]
    )
    return vitd + bmd + ferritin


def _energy_chart(records: list[EnergyAvailability]) -> str:
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "Energy availability",
        "x": [r.date.isoformat() for r in records],
        "y": [float(r.ea) for r in records],
    }
    return _chart(
        [trace] if records else [],
        "Energy availability",
        "kcal/kg FFM/day",
        [(30, "30 low below"), (45, "45 optimal")],
    )
