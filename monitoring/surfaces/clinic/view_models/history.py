"""The case history in plain words: phase transitions and plan edits, newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from monitoring.surfaces.clinic.view_models.evaluation import (
    EvaluationView,
    kind_label,
    stored_evaluation_view,
)
from protocols.engine import criteria
from protocols.models import Impact, PhaseTransition, PlanEdit, WeightBearing


@dataclass(frozen=True)
class HistoryItem:
    at: Any  # datetime, for ordering
    kind: str  # "transition" | "edit"
    title: str
    by: str
    reason: str
    effective_on: dt.date | None = None
    changes: tuple[str, ...] = ()
    evaluation: EvaluationView | None = None
    tone: str = ""


# --- history: transitions and plan edits, in words ------------------------------------------------

TRANSITION_TONE = {
    "start": "info",
    "advance": "green",
    "regress": "amber",
    "hold": "grey",
    "complete": "green",
    "stop": "grey",
}


def _transition_title(t: PhaseTransition) -> str:
    title = _transition_words(t)
    return f"{title} (override: against the evaluation)" if t.overridden else title


def _transition_words(t: PhaseTransition) -> str:
    label = t.get_kind_display()
    if t.kind == PhaseTransition.Kind.START and t.to_phase:
        return f"Plan started in “{t.to_phase.name}”"
    if t.from_phase and t.to_phase:
        return f"{label}: “{t.from_phase.name}” → “{t.to_phase.name}”"
    if t.from_phase:
        return f"{label} in “{t.from_phase.name}”" if t.kind == "hold" else label
    return label


def history(transitions: Iterable[PhaseTransition], edits: Iterable[PlanEdit]) -> list[HistoryItem]:
    """Transitions and plan edits, newest first, each in plain words."""
    items = [
        HistoryItem(
            at=t.decided_at,
            kind="transition",
            title=_transition_title(t),
            by=str(t.decided_by),
            reason=t.reason,
            effective_on=t.effective_on,
            evaluation=stored_evaluation_view(t.evaluation),
            tone="override" if t.overridden else TRANSITION_TONE.get(t.kind, ""),
        )
        for t in transitions
    ]
    items += [
        HistoryItem(
            at=e.edited_at,
            kind="edit",
            title="Plan edited",
            by=str(e.edited_by),
            reason=e.reason,
            changes=tuple(describe_changes(e.changes)),
            tone="info",
        )
        for e in edits
    ]
    items.sort(key=lambda i: i.at, reverse=True)
    return items


FIELD_LABELS = {
    "name": "name",
    "goal": "goal",
    "min_days": "minimum days",
    "typical_days": "typical days",
    "weight_bearing": "weight bearing",
    "crutches": "crutches",
    "impact": "impact",
    "prescriptions": "prescriptions",
    "advance_when": "criteria to advance",
    "regress_when": "regression rules",
    "warn_when": "warnings",
    "citations": "citations",
    "notes": "notes",
}
_CHOICES = {"weight_bearing": dict(WeightBearing.choices), "impact": dict(Impact.choices)}


def _describe_item(field_name: str, item: Any) -> str:
    if field_name in {"advance_when", "regress_when", "warn_when"}:
        try:
            return criteria.describe(item)
        except (criteria.CriterionError, TypeError, ValueError):
            kind = item.get("kind") if isinstance(item, Mapping) else None
            return kind_label(str(kind)) if kind else "a criterion"
    if field_name == "prescriptions" and isinstance(item, Mapping):
        return describe_prescription(item)
    return str(item)


def describe_prescription(item: Mapping[str, Any]) -> str:
    from protocols.models import Activity

    parts = [dict(Activity.choices).get(item.get("activity"), str(item.get("activity") or ""))]
    if item.get("minutes"):
        parts.append(f"{item['minutes']} min")
    if item.get("sessions_per_week"):
        parts.append(f"{item['sessions_per_week']}× a week")
    if item.get("intensity"):
        parts.append(str(item["intensity"]))
    if item.get("notes"):
        parts.append(str(item["notes"]))
    return ", ".join(p for p in parts if p)


def _value(field_name: str, value: Any) -> str:
    if field_name in _CHOICES:
        return _CHOICES[field_name].get(value, str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field_name in {"min_days", "typical_days"}:
        return f"{value} days"
    if value in (None, ""):
        return "(empty)"
    return f"“{value}”"


def describe_changes(changes: Any) -> list[str]:
    """A plan edit's recorded changes (``PlanEdit.changes``) as sentences."""
    out: list[str] = []
    for change in changes if isinstance(changes, list) else []:
        if not isinstance(change, Mapping):
            continue
        what = change.get("change")
        phase = change.get("phase", "")
        if what == "added":
            where = f" as phase {change['order']}" if change.get("order") else ""
            out.append(f"Added phase “{phase}”{where}.")
        elif what == "removed":
            out.append(f"Removed phase “{phase}”.")
        elif what == "reordered":
            before = ", ".join(change.get("before") or [])
            after = ", ".join(change.get("after") or [])
            out.append(f"Reordered phases: {before} → {after}.")
        elif what == "edited":
            out.extend(_describe_edit(phase, change.get("field", ""), change))
        elif what == "start_corrected":
            out.append(f"Start date corrected: {change.get('before')} → {change.get('after')}.")
        elif what == "decision_undone":
            label = dict(PhaseTransition.Kind.choices).get(change.get("kind"), "Decision")
            where = " → ".join(
                f"“{n}”" for n in (change.get("from_phase"), change.get("to_phase")) if n
            )
            out.append(
                f"Undone: {label} {where} effective {change.get('effective_on')}, decided by "
                f"{change.get('decided_by')} (their reason: {change.get('reason')})."
            )
    return out


def _describe_edit(phase: str, field_name: str, change: Mapping[str, Any]) -> list[str]:
    label = FIELD_LABELS.get(field_name, field_name.replace("_", " "))
    before, after = change.get("before"), change.get("after")
    if isinstance(before, list) or isinstance(after, list):
        old = [_describe_item(field_name, i) for i in before or []]
        new = [_describe_item(field_name, i) for i in after or []]
        removed = [x for x in old if x not in new]
        added = [x for x in new if x not in old]
        lines = []
        while removed and added:
            lines.append(f"“{phase}”, {label}: changed “{removed.pop(0)}” to “{added.pop(0)}”")
        lines += [f"“{phase}”, {label}: removed “{x}”" for x in removed]
        lines += [f"“{phase}”, {label}: added “{x}”" for x in added]
        if not lines:
            lines.append(f"“{phase}”: {label} reordered")
        return [line + "." for line in lines]
    return [f"“{phase}”: {label} {_value(field_name, before)} → {_value(field_name, after)}."]
