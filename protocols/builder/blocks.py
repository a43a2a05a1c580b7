"""The pieces of the phases editor: the three criteria lists of a phase, the editor's operations
(``op`` buttons) and one phase as a block of nested forms."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from protocols import services
from protocols.builder.criterion_forms import CriterionForm
from protocols.builder.forms import PhaseForm, PrescriptionForm
from protocols.engine import projection
from protocols.models import Impact, WeightBearing

# --- the phases editor ------------------------------------------------------------------------


@dataclass(frozen=True)
class CriteriaList:
    name: str  # the phase field: advance_when / regress_when / warn_when
    role: str
    title: str
    help: str
    add_label: str


CRITERIA_LISTS: tuple[CriteriaList, ...] = (
    CriteriaList(
        "advance_when",
        "advance",
        "Advance when",
        "All must be met before the phase is ready to advance; unknown is never met.",
        "Add an advance criterion",
    ),
    CriteriaList(
        "regress_when",
        "regress",
        "Step back when",
        "Any one that fires proposes a step back; red-flag rules ask for a clinician first.",
        "Add a regression rule",
    ),
    CriteriaList(
        "warn_when",
        "warning",
        "Warnings",
        "Cautions for the care team; a warning never gates the phase.",
        "Add a warning",
    ),
)
LISTS_BY_NAME = {lst.name: lst for lst in CRITERIA_LISTS}

MAX_PHASES = 30
MAX_ROWS = 40

NEW_PHASE: dict[str, Any] = {
    "name": "",
    "goal": "",
    "min_days": 7,
    "typical_days": 14,
    "weight_bearing": WeightBearing.FWB,
    "crutches": False,
    "impact": Impact.NONE,
    "notes": "",
    "citations": [],
    "prescriptions": [],
    "advance_when": [{"kind": "min_days_in_phase", "days": 7}],
    "regress_when": [],
    "warn_when": [],
}

_OP = re.compile(
    r"^(?P<verb>save|start|refresh|add_phase|remove_phase|phase_up|phase_down|add_rx|remove_rx"
    r"|add_crit|remove_crit)(?::(?P<i>\d+))?(?::(?P<list>advance_when|regress_when|warn_when))?"
    r"(?::(?P<j>\d+))?$"
)


def parse_op(value: str | None) -> tuple[str, int | None, str | None, int | None] | None:
    """``"remove_crit:2:advance_when:3"`` → ("remove_crit", 2, "advance_when", 3)."""
    match = _OP.match(value or "")
    if match is None:
        return None
    i, j = match["i"], match["j"]
    return match["verb"], int(i) if i else None, match["list"], int(j) if j else None


def row_count(data: Mapping[str, Any], key: str, limit: int) -> int:
    """The number of rows a submitted form says it has (``key``), from 0 to ``limit``."""
    try:
        return max(0, min(int(data.get(key, 0)), limit))
    except (TypeError, ValueError):
        return 0


def form_add_errors(form: forms.Form, name: str | None, messages: Sequence[str]) -> None:
    """Add messages to a (cleaned) form, once: the same message from the form's own check and
    from the service shows once."""
    target = name if name in form.fields else None
    if not hasattr(form, "cleaned_data"):
        form.full_clean()
    shown = form.errors.get(target or NON_FIELD_ERRORS, [])
    for message in messages:
        if message not in shown:
            form.add_error(target, message)


@dataclass
class CriteriaSection:
    """One list of a phase (advance when / step back when / warnings) as rows of forms."""

    spec: CriteriaList
    rows: list[CriterionForm]
    errors: list[str] = field(default_factory=list)


@dataclass
class PhaseBlock:
    """One phase in the editor. A finished phase of an active plan is shown, not edited."""

    index: int
    stored: Any = None  # the plan's PlanPhase this block edits, if any
    form: PhaseForm | None = None
    prescriptions: list[PrescriptionForm] = field(default_factory=list)
    sections: list[CriteriaSection] = field(default_factory=list)
    rx_errors: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    projection: projection.PhaseProjection | None = None
    focus: bool = False  # shown open (just added, or open before the page was redrawn)
    scroll: bool = False  # the phase a structural change was about: scrolled into view
    day_from: int | None = None  # typical days from the start (template editor)
    day_to: int | None = None

    @property
    def prefix(self) -> str:
        return f"ph-{self.index}"

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def frozen(self) -> bool:
        return self.stored is not None and self.stored.ended_on is not None

    @property
    def locked(self) -> bool:
        """Started: keeps its place in the plan (it can still be edited unless finished)."""
        return self.stored is not None and self.stored.started_on is not None

    @property
    def current(self) -> bool:
        return self.locked and not self.frozen

    def section(self, name: str) -> CriteriaSection:
        return next(s for s in self.sections if s.spec.name == name)

    @property
    def title(self) -> str:
        if self.form is None:
            return self.stored.name
        return str(self.form["name"].value() or "").strip() or f"New phase {self.number}"

    @property
    def has_errors(self) -> bool:
        if self.errors or self.rx_errors:
            return True
        forms_ = [self.form, *self.prescriptions] if self.form else []
        forms_ += [row for s in self.sections for row in s.rows]
        return any(f.is_bound and f.errors for f in forms_) or any(s.errors for s in self.sections)

    @property
    def open(self) -> bool:
        return self.focus or self.has_errors

    @property
    def citation_list(self) -> list[str]:
        if self.form is None:
            return list(self.stored.citations or [])
        return [
            c.strip() for c in str(self.form["citations"].value() or "").splitlines() if c.strip()
        ]

    @property
    def typical_length(self) -> int:
        p = self.projection
        return (p.typical_end - p.typical_start).days if p else 0

    def forms(self) -> list[forms.Form]:
        if self.form is None:
            return []
        return [self.form, *self.prescriptions, *(r for s in self.sections for r in s.rows)]

    def raw(self) -> dict[str, Any]:
        """The phase as shown, to rebuild the editor after a structural change."""
        if self.form is None:
            return {"id": self.stored.pk}
        out: dict[str, Any] = {
            name: self.form[name].value() for name in ("id", *PhaseForm.SCALARS, "citations")
        }
        out["_open"] = self.focus
        out["crutches"] = bool(self.form.fields["crutches"].to_python(out["crutches"]))
        out["prescriptions"] = [
            {name: rx[name].value() for name in services.PRESCRIPTION_KEYS}
            for rx in self.prescriptions
        ]
        for s in self.sections:
            out[s.spec.name] = [row.raw() for row in s.rows]
        return out

    def data(self) -> dict[str, Any]:
        """The phase as the services take it: every row as typed (parsed, not yet valid)."""
        if self.form is None:
            return {"id": self.stored.pk, **self.stored.spec_fields()}
        out: dict[str, Any] = {"id": self.stored.pk if self.stored else None}
        out.update(self.form.fields_data())
        out["prescriptions"] = [rx.row() for rx in self.prescriptions]
        for s in self.sections:
            out[s.spec.name] = [row.item or row.params() for row in s.rows]
        return out
