"""One entry of a case's record per history row, in words: a builder per kind of record (case,
care team, plan, phase, decision, assessment, flag, consent) compares the row with the previous
row of the same object."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from athletes.models import Athlete, CareTeamMember, Case, User
from monitoring.audit.words import (
    activity_key,
    choice_words,
    criterion_words,
    date_words,
    kind_key,
    list_diff,
    prescription_words,
    quoted,
    text_words,
    yes_no,
)
from monitoring.models import Assessment, Flag
from protocols.models import Impact, PhaseTransition, Plan, WeightBearing

AUTOMATIC = "Automatic evaluation"
UNKNOWN_PERSON = "Not recorded"

ROLE_PLURALS: dict[str, str] = {
    CareTeamMember.Role.CLINICIAN: "other clinicians",
    CareTeamMember.Role.PHYSIO: "physiotherapists",
    CareTeamMember.Role.COACH: "coaches",
    CareTeamMember.Role.NUTRITIONIST: "nutritionists",
    CareTeamMember.Role.PSYCHOLOGIST: "psychologists",
}


@dataclass
class Entry:
    """One change: ``what`` in a short sentence, ``changes`` the field-level diff in words."""

    at: dt.datetime
    who: str
    what: str
    why: str = ""
    changes: list[str] = field(default_factory=list)
    kind: str = "case"  # case, team, plan, phase, decision, assessment, flag, consent
    order: int = 0  # the history row's id: keeps rows of one instant in the order they were made


class Names:
    """Names of the people involved, loaded in one query after every history row is read."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.names: dict[int, str] = {}

    def want(self, *ids: Any) -> None:
        self.ids.update(i for i in ids if isinstance(i, int))

    def load(self) -> None:
        if self.ids:
            self.names = {u.pk: str(u) for u in User.objects.filter(pk__in=self.ids)}

    def __call__(self, user_id: Any, default: str = UNKNOWN_PERSON) -> str:
        if user_id is None:
            return default
        return self.names.get(user_id, "a former user")


COPIED_PREFIX = "Copied from template"


def _who(row: Any, names: Names, default: str = UNKNOWN_PERSON) -> str:
    return names(row.history_user_id, default)


def _field_changes(
    row: Any, previous: Any, fields: Mapping[str, tuple[str, Callable[[Any], str]]]
) -> list[str]:
    if previous is None:
        return []
    lines = []
    for name, (label, words) in fields.items():
        old, new = getattr(previous, name), getattr(row, name)
        if old != new:
            lines.append(f"{label}: {words(old)} → {words(new)}")
    return lines


def _entry(row: Any, names: Names, what: str, changes=(), why: str | None = "", who=None) -> Entry:
    """One entry; ``why`` falls back on the row's change reason, unless it is None (none)."""
    return Entry(
        at=row.history_date,
        who=who or _who(row, names),
        what=what,
        why="" if why is None else why or (row.history_change_reason or ""),
        changes=list(changes),
    )


CASE_FIELDS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "site": ("Site", lambda v: str(v).replace("_", " ")),
    "side": ("Side", choice_words(Case.Side.choices)),
    "risk": ("Risk", choice_words(Case.Risk.choices)),
    "grade": ("Grade", lambda v: "not graded" if v is None else str(v)),
    "grading_system": ("Grading system", choice_words(Case.GradingSystem.choices)),
    "imaging": ("Imaging", choice_words(Case.Imaging.choices)),
    "imaging_on": ("Imaged on", lambda v: date_words(v) if v else "—"),
    "diagnosed_on": ("Diagnosed on", date_words),
    "prior_bsi_count": ("Prior bone stress injuries", str),
    "red_s_screen": ("RED-S / Triad screen", choice_words(Case.Screen.choices)),
    "menstrual_status": ("Menstrual status", choice_words(Case.Menstrual.choices)),
    "vitamin_d_nmol_l": ("25(OH)D (nmol/L)", lambda v: "—" if v is None else str(v)),
    "status": ("Status", choice_words(Case.Status.choices)),
    "target_return_on": ("Target return", lambda v: date_words(v) if v else "—"),
    "returned_on": ("Returned on", lambda v: date_words(v) if v else "—"),
    "ortho_decision": ("Orthopaedic decision", choice_words(Case.OrthoDecision.choices)),
    "ortho_decision_on": ("Orthopaedic decision date", lambda v: date_words(v) if v else "—"),
    "fracture_line_percent": (
        "Fracture line (% of the femoral neck)",
        lambda v: "—" if v is None else f"{v}%",
    ),
    "effusion": (
        "Hip joint effusion",
        lambda v: "not recorded" if v is None else "yes" if v else "no",
    ),
    "height_cm": ("Height (cm)", lambda v: "not recorded" if v is None else str(v)),
    "weight_kg": ("Weight (kg)", lambda v: "not recorded" if v is None else str(v)),
    "eating_history": (
        "Eating-disorder history",
        lambda v: dict(Case._meta.get_field("eating_history").choices).get(v, "not recorded"),
    ),
    "periods_last_12_months": (
        "Periods in the last 12 months",
        lambda v: "not recorded" if v is None else str(v),
    ),
}


def _case_entry(row, previous, names, ctx) -> Entry | None:
    if row.history_type == "+":
        return _entry(row, names, "Case opened")
    if row.history_type == "-":
        return _entry(row, names, "Case deleted")
    changes = _field_changes(row, previous, CASE_FIELDS)
    return _entry(row, names, "Case details changed", changes) if changes else None


def _role(value: Any) -> str:
    return choice_words(CareTeamMember.Role.choices)(value).lower()


def _team_entry(row, previous, names, ctx) -> Entry | None:
    person = names(row.user_id)
    if row.history_type == "+":
        return _entry(row, names, f"Care team: {person} added as {_role(row.role)}")
    if row.history_type == "-":
        return _entry(row, names, f"Care team: {person} removed")
    if previous is not None and previous.role != row.role:
        return _entry(
            row,
            names,
            f"Care team: {person}'s role changed",
            [f"Role: {_role(previous.role)} → {_role(row.role)}"],
        )
    return None


def _plan_entry(row, previous, names, ctx) -> Entry | None:
    phases = ctx["phases"]
    if row.history_type == "+":
        copied = ctx["copied"].get(row.id)
        what = f"Plan “{row.name}” drafted"
        if copied:
            what += f" with {copied} phase{'s' if copied != 1 else ''} from the template"
        return _entry(row, names, what)
    if row.history_type == "-":
        return _entry(row, names, f"Draft plan “{row.name}” discarded")
    fields = {
        "name": ("Name", text_words),
        "status": ("Status", choice_words(Plan.Status.choices)),
        "current_phase_id": (
            "Current phase",
            lambda v: "none" if v is None else quoted(phases.get(v, "a removed phase")),
        ),
        "started_on": ("Started", lambda v: date_words(v) if v else "—"),
        "ended_on": ("Ended", lambda v: date_words(v) if v else "—"),
    }
    changes = _field_changes(row, previous, fields)
    return _entry(row, names, f"Plan “{row.name}” changed", changes) if changes else None


PHASE_FIELDS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "name": ("Name", text_words),
    "order": ("Position", lambda v: f"phase {v}"),
    "goal": ("Goal", text_words),
    "min_days": ("Minimum days", str),
    "typical_days": ("Typical days", str),
    "weight_bearing": ("Weight bearing", choice_words(WeightBearing.choices)),
    "crutches": ("Crutches", yes_no),
    "impact": ("Impact", choice_words(Impact.choices)),
    "notes": ("Clinical notes", text_words),
    "started_on": ("Started", lambda v: date_words(v) if v else "not started"),
    "ended_on": ("Ended", lambda v: date_words(v) if v else "not ended"),
    "signed_off_on": ("Signed off", lambda v: date_words(v) if v else "not signed off"),
}

CRITERIA_LISTS = (
    ("advance_when", "Advance when"),
    ("regress_when", "Step back when"),
    ("warn_when", "Warn when"),
)


def phase_diff(previous: Any, row: Any) -> list[str]:
    """The field-level diff of one phase between two versions, in words."""
    fields = dict(PHASE_FIELDS)
    if previous is not None and previous.order >= 1000 > row.order:
        fields.pop("order")  # a reorder passes through a temporary position
    lines = _field_changes(row, previous, fields)
    if previous is None:
        return lines
    lines += list_diff(
        "Prescription",
        previous.prescriptions,
        row.prescriptions,
        prescription_words,
        activity_key,
    )
    for name, label in CRITERIA_LISTS:
        lines += list_diff(
            label, getattr(previous, name), getattr(row, name), criterion_words, kind_key
        )
    old_c, new_c = list(previous.citations or []), list(row.citations or [])
    lines += [f"Citation removed: {text_words(c, 80)}" for c in old_c if c not in new_c]
    lines += [f"Citation added: {text_words(c, 80)}" for c in new_c if c not in old_c]
    return lines


DATE_FIELDS = ("started_on", "ended_on", "signed_off_on", "signed_off_by_id")


def _plan_fields_changed(previous: Any, row: Any) -> bool:
    """Did anything of the prescription or the rules change (not only the phase's dates)?"""
    names = [n for n in (*PHASE_FIELDS, "prescriptions", "citations") if n not in DATE_FIELDS]
    names += [n for n, _ in CRITERIA_LISTS]
    if previous.order >= 1000 > row.order:
        names.remove("order")
    return any(getattr(previous, n) != getattr(row, n) for n in names)


def _phase_entry(row, previous, names, ctx) -> Entry | None:
    label = f"Phase “{row.name}”"
    if row.history_type == "+":
        if (row.history_change_reason or "").startswith(COPIED_PREFIX):
            return None  # part of the plan's "drafted" entry
        return _entry(row, names, f"{label} added as phase {row.order}")
    if row.history_type == "-":
        return _entry(row, names, f"{label} removed")
    changes = phase_diff(previous, row)
    if not changes:
        return None
    what = f"{label} edited"
    if previous is not None and not _plan_fields_changed(previous, row):
        # Only its dates moved: a decision started, ended or signed the phase off.
        if previous.signed_off_on is None and row.signed_off_on:
            what = f"{label} signed off"
        elif previous.started_on is None and row.started_on:
            what = f"{label} started"
        elif previous.ended_on is None and row.ended_on:
            what = f"{label} ended"
        else:
            what = f"{label} dates changed"
    return _entry(row, names, what, changes)


def _decision_entry(row, previous, names, ctx) -> Entry | None:
    if row.history_type != "+":
        return None  # decisions are never edited; a deleted plan takes its decisions along
    phases = ctx["phases"]
    kind = choice_words(PhaseTransition.Kind.choices)(row.kind)
    moves = []
    if row.from_phase_id:
        moves.append(f"from “{phases.get(row.from_phase_id, 'a removed phase')}”")
    if row.to_phase_id:
        moves.append(f"to “{phases.get(row.to_phase_id, 'a removed phase')}”")
    if row.kind == PhaseTransition.Kind.START and row.to_phase_id:
        moves = [f"in “{phases.get(row.to_phase_id, 'a removed phase')}”"]
    elif row.kind == PhaseTransition.Kind.HOLD and row.from_phase_id:
        moves = [f"“{phases.get(row.from_phase_id, 'a removed phase')}”"]
    what = f"Decision: {kind}" + (" " + " ".join(moves) if moves else "")
    changes = [f"Effective {date_words(row.effective_on)}"]
    return _entry(
        row,
        names,
        what,
        changes,
        why=row.reason,
        who=names(row.history_user_id or row.decided_by_id),
    )


def _assessment_words(row) -> str:
    test = choice_words(Assessment.Test.choices)(row.test)
    value = f"{row.value:g}" if isinstance(row.value, int | float) else str(row.value)
    pain = f", pain {row.pain}/10" if row.pain is not None else ""
    return f"{test} {value}{pain} on {date_words(row.date)}"


def _assessment_entry(row, previous, names, ctx) -> Entry | None:
    who = names(row.history_user_id or row.assessed_by_id)
    if row.history_type == "+":
        return _entry(row, names, f"Assessment recorded: {_assessment_words(row)}", who=who)
    if row.history_type == "-":
        return _entry(row, names, f"Assessment removed: {_assessment_words(row)}")
    fields = {
        "value": ("Result", lambda v: f"{v:g}" if isinstance(v, int | float) else str(v)),
        "pain": ("Pain", lambda v: "—" if v is None else f"{v}/10"),
        "date": ("Date", date_words),
        "notes": ("Notes", text_words),
    }
    changes = _field_changes(row, previous, fields)
    return _entry(row, names, "Assessment changed", changes) if changes else None


def _flag_entry(row, previous, names, ctx) -> Entry | None:
    kind = choice_words(Flag.Kind.choices)(row.kind)
    if row.history_type == "+":
        # Why it was raised: the evaluation's explanation as it stood then (the days and values
        # that fired the rule); the record is read by the clinical team only.
        return _entry(
            row,
            names,
            f"Flag raised: {kind} — {row.title}",
            why=row.message,
            who=_who(row, names, AUTOMATIC),
        )
    if row.history_type == "-":
        return None  # flags go only with their case or plan
    if previous is not None and previous.status != row.status:
        if row.status == Flag.Status.ACKNOWLEDGED:
            # Its change reason only repeats what happened ("Acknowledged").
            return _entry(
                row,
                names,
                f"Flag acknowledged: {kind}",
                why=None,
                who=names(row.acknowledged_by_id),
            )
        if row.status == Flag.Status.RESOLVED:
            return _entry(
                row,
                names,
                f"Flag resolved: {kind}",
                why=row.resolution or row.history_change_reason or "",
                who=names(row.resolved_by_id, AUTOMATIC),
            )
    fields = {"title": ("Title", text_words), "message": ("Explanation", text_words)}
    changes = _field_changes(row, previous, fields)
    if not changes:
        return None
    return _entry(row, names, f"Flag updated: {kind}", changes, who=_who(row, names, AUTOMATIC))


ATHLETE_FIELDS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "first_name": ("First name", text_words),
    "last_name": ("Last name", text_words),
    "date_of_birth": ("Date of birth", lambda v: date_words(v) if v else "—"),
    "sex": ("Sex", choice_words(Athlete.Sex.choices)),
    "sport": ("Sport", text_words),
    "guardian_name": ("Guardian", text_words),
    "guardian_relationship": ("Guardian's relationship", text_words),
    "guardian_phone": ("Guardian's phone", text_words),
    "guardian_email": ("Guardian's e-mail", text_words),
}
"""The athlete's details the record tells of (not their phone's time zone, nor the links)."""


def _athlete_entry(row, previous, names, ctx) -> Entry | None:
    """A change of the athlete's details (shared by their cases): their creation is the case's
    opening, their erasure takes the record with it."""
    if row.history_type != "~" or previous is None:
        return None
    changes = _field_changes(row, previous, ATHLETE_FIELDS)
    if not changes:
        return None
    guardian = all(line.startswith("Guardian") for line in changes)
    what = "Guardian's contact details changed" if guardian else "Athlete's details changed"
    return _entry(row, names, what, changes)


def _consent_entry(row, previous, names, ctx) -> Entry | None:
    if row.history_type == "-":
        return None
    if previous is not None and previous.given == row.given:
        return None
    group = ROLE_PLURALS.get(row.role, _role(row.role))
    what = f"Sharing with {group} " + ("given" if row.given else "withdrawn")
    return _entry(row, names, what, who=names(row.history_user_id or row.changed_by_id))


ENTRY_BUILDERS: dict[str, Callable[[Any, Any, Names, dict], Entry | None]] = {
    "case": _case_entry,
    "team": _team_entry,
    "plan": _plan_entry,
    "phase": _phase_entry,
    "decision": _decision_entry,
    "assessment": _assessment_entry,
    "flag": _flag_entry,
    "consent": _consent_entry,
    "athlete": _athlete_entry,
}
"""Kind of history row → what builds its entry from (row, previous row, names, context)."""
