"""The record of changes of a case: who changed what, when, and why, with the plan's diffs.

Built from django-simple-history's tables (``history = HistoricalRecords()`` on the case, its care
team, plans, phases, decisions, assessments, flags and the athlete's sharing consents). Each
history row is compared with the previous row of the same object, so an edit of a phase reads as
"Advance when: added “No pain during activity for 7 days”", never as JSON.

``case_record`` reads in a constant number of queries whatever the number of history rows:
one per history table (eight) and one for the names of the people involved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from athletes.models import CareTeamMember, Case, SharingConsent, User
from monitoring.models import Assessment, Flag
from protocols.engine import criteria
from protocols.models import Activity, Impact, PhaseTransition, Plan, PlanPhase, WeightBearing

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


@dataclass
class Record:
    entries: list[Entry]

    @property
    def total(self) -> int:
        return len(self.entries)

    def latest(self, n: int) -> list[Entry]:
        return self.entries[:n]


# --- words for values -----------------------------------------------------------------------------


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%-d %b %Y}"
    if isinstance(value, dt.date):
        return f"{value:%-d %b %Y}"
    return str(value)


def _text(value: Any, limit: int = 140) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        return "(empty)"
    return "“" + (text if len(text) <= limit else text[: limit - 1] + "…") + "”"


def _choice(choices: Any) -> Callable[[Any], str]:
    labels = dict(choices)
    return lambda v: str(labels.get(v, v if v not in (None, "") else "—"))


def _yes_no(value: Any) -> str:
    return "yes" if value else "no"


def criterion_words(item: Any) -> str:
    """A criterion in one plain sentence (its kind and numbers when it no longer validates)."""
    try:
        return criteria.describe(item)
    except (criteria.CriterionError, NotImplementedError, TypeError, ValueError):
        if isinstance(item, Mapping):
            params = ", ".join(f"{k} {v}" for k, v in item.items() if k != "kind")
            return (
                f"{item.get('kind', 'criterion')} ({params})" if params else str(item.get("kind"))
            )
        return str(item)


def prescription_words(rx: Any) -> str:
    if not isinstance(rx, Mapping):
        return str(rx)
    try:
        parts = [Activity(rx.get("activity")).label]
    except ValueError:
        parts = [str(rx.get("activity") or "Activity")]
    dose = []
    if rx.get("minutes"):
        dose.append(f"{rx['minutes']} min")
    if rx.get("sessions_per_week"):
        dose.append(f"{rx['sessions_per_week']}× a week")
    if rx.get("intensity"):
        dose.append(str(rx["intensity"]))
    text = parts[0] + (": " + ", ".join(dose) if dose else "")
    if rx.get("notes"):
        text += f" ({_text(rx['notes'], 80)})"
    return text


def _list_diff(
    label: str, old: Any, new: Any, words: Callable[[Any], str], key: Callable[[Any], Any]
) -> list[str]:
    """Items removed, added and changed between two lists, paired by ``key`` (kind, activity)."""
    old, new = list(old or []), list(new or [])
    removed = [o for o in old if o not in new]
    added = [n for n in new if n not in old]
    lines = []
    for item in list(removed):
        match = next((a for a in added if key(a) == key(item)), None)
        if match is not None:
            lines.append(f"{label}: changed {_q(words(item))} to {_q(words(match))}")
            removed.remove(item)
            added.remove(match)
    lines += [f"{label}: removed {_q(words(o))}" for o in removed]
    lines += [f"{label}: added {_q(words(n))}" for n in added]
    return lines


def _q(text: str) -> str:
    return f"“{text}”"


def _kind_key(item: Any) -> Any:
    return item.get("kind") if isinstance(item, Mapping) else item


def _activity_key(item: Any) -> Any:
    return item.get("activity") if isinstance(item, Mapping) else item


# --- the record -----------------------------------------------------------------------------------


class _Names:
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


def _history(model) -> Any:
    return model.history.model.objects


def case_record(case: Case) -> Record:
    """Every recorded change of the case, newest first (nine queries, whatever their number)."""
    plan_ids = _history(Plan).filter(case_id=case.pk).values("id")
    rows = {
        "case": list(_history(Case).filter(id=case.pk)),
        "team": list(_history(CareTeamMember).filter(case_id=case.pk)),
        "plan": list(_history(Plan).filter(case_id=case.pk)),
        "phase": list(_history(PlanPhase).filter(plan_id__in=plan_ids)),
        "decision": list(_history(PhaseTransition).filter(plan_id__in=plan_ids)),
        "assessment": list(_history(Assessment).filter(case_id=case.pk)),
        "flag": list(_history(Flag).filter(case_id=case.pk).defer("evaluation")),
        "consent": list(_history(SharingConsent).filter(athlete_id=case.athlete_id)),
    }
    names = _Names()
    user_fields = (
        "history_user_id",
        "user_id",
        "created_by_id",
        "added_by_id",
        "signed_off_by_id",
        "decided_by_id",
        "assessed_by_id",
        "acknowledged_by_id",
        "resolved_by_id",
        "changed_by_id",
    )
    for group in rows.values():
        for row in group:
            names.want(*(getattr(row, f, None) for f in user_fields))
    names.load()
    phase_names = _phase_names(rows["phase"])
    entries: list[Entry] = []
    builders: dict[str, Callable[[Any, Any, _Names, dict], Entry | None]] = {
        "case": _case_entry,
        "team": _team_entry,
        "plan": _plan_entry,
        "phase": _phase_entry,
        "decision": _decision_entry,
        "assessment": _assessment_entry,
        "flag": _flag_entry,
        "consent": _consent_entry,
    }
    copied = _copied_phase_counts(rows["phase"])
    for kind, group in rows.items():
        for row, previous in _pairs(group):
            entry = builders[kind](row, previous, names, {"phases": phase_names, "copied": copied})
            if entry is not None:
                entry.kind, entry.order = kind, row.history_id
                entries.append(entry)
    entries.sort(key=lambda e: (e.at, e.order), reverse=True)
    return Record(entries=entries)


def _pairs(group: Sequence[Any]) -> Iterable[tuple[Any, Any]]:
    """(row, the previous row of the same object or None), oldest first."""
    last: dict[Any, Any] = {}
    for row in sorted(group, key=lambda r: (r.history_date, r.history_id)):
        yield row, last.get(row.id)
        last[row.id] = row


def _phase_names(rows: Sequence[Any]) -> dict[int, str]:
    names: dict[int, str] = {}
    for row in sorted(rows, key=lambda r: (r.history_date, r.history_id)):
        names[row.id] = f"{row.name}"
    return names


COPIED_PREFIX = "Copied from template"


def _copied_phase_counts(rows: Sequence[Any]) -> dict[int, int]:
    """Plan id → number of phases copied from the template when the plan was drafted."""
    counts: dict[int, int] = {}
    for row in rows:
        if row.history_type == "+" and (row.history_change_reason or "").startswith(COPIED_PREFIX):
            counts[row.plan_id] = counts.get(row.plan_id, 0) + 1
    return counts


def _who(row: Any, names: _Names, default: str = UNKNOWN_PERSON) -> str:
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


def _entry(row: Any, names: _Names, what: str, changes=(), why="", who=None) -> Entry:
    return Entry(
        at=row.history_date,
        who=who or _who(row, names),
        what=what,
        why=why or (row.history_change_reason or ""),
        changes=list(changes),
    )


CASE_FIELDS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "site": ("Site", lambda v: str(v).replace("_", " ")),
    "side": ("Side", _choice(Case.Side.choices)),
    "risk": ("Risk", _choice(Case.Risk.choices)),
    "grade": ("Grade", lambda v: "not graded" if v is None else str(v)),
    "grading_system": ("Grading system", _choice(Case.GradingSystem.choices)),
    "imaging": ("Imaging", _choice(Case.Imaging.choices)),
    "imaging_on": ("Imaged on", lambda v: _date(v) if v else "—"),
    "diagnosed_on": ("Diagnosed on", _date),
    "prior_bsi_count": ("Prior bone stress injuries", str),
    "red_s_screen": ("RED-S / Triad screen", _choice(Case.Screen.choices)),
    "menstrual_status": ("Menstrual status", _choice(Case.Menstrual.choices)),
    "vitamin_d_nmol_l": ("25(OH)D (nmol/L)", lambda v: "—" if v is None else str(v)),
    "status": ("Status", _choice(Case.Status.choices)),
    "target_return_on": ("Target return", lambda v: _date(v) if v else "—"),
    "returned_on": ("Returned on", lambda v: _date(v) if v else "—"),
    "ortho_decision": ("Orthopaedic decision", _choice(Case.OrthoDecision.choices)),
    "ortho_decision_on": ("Orthopaedic decision date", lambda v: _date(v) if v else "—"),
    "fracture_line_percent": (
        "Fracture line (% of the femoral neck)",
        lambda v: "—" if v is None else f"{v}%",
    ),
    "effusion": (
        "Hip joint effusion",
        lambda v: "not recorded" if v is None else "yes" if v else "no",
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
    return _choice(CareTeamMember.Role.choices)(value).lower()


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
        "name": ("Name", _text),
        "status": ("Status", _choice(Plan.Status.choices)),
        "current_phase_id": (
            "Current phase",
            lambda v: "none" if v is None else _q(phases.get(v, "a removed phase")),
        ),
        "started_on": ("Started", lambda v: _date(v) if v else "—"),
        "ended_on": ("Ended", lambda v: _date(v) if v else "—"),
    }
    changes = _field_changes(row, previous, fields)
    return _entry(row, names, f"Plan “{row.name}” changed", changes) if changes else None


PHASE_FIELDS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "name": ("Name", _text),
    "order": ("Position", lambda v: f"phase {v}"),
    "goal": ("Goal", _text),
    "min_days": ("Minimum days", str),
    "typical_days": ("Typical days", str),
    "weight_bearing": ("Weight bearing", _choice(WeightBearing.choices)),
    "crutches": ("Crutches", _yes_no),
    "impact": ("Impact", _choice(Impact.choices)),
    "notes": ("Clinical notes", _text),
    "started_on": ("Started", lambda v: _date(v) if v else "not started"),
    "ended_on": ("Ended", lambda v: _date(v) if v else "not ended"),
    "signed_off_on": ("Signed off", lambda v: _date(v) if v else "not signed off"),
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
    lines += _list_diff(
        "Prescription",
        previous.prescriptions,
        row.prescriptions,
        prescription_words,
        _activity_key,
    )
    for name, label in CRITERIA_LISTS:
        lines += _list_diff(
            label, getattr(previous, name), getattr(row, name), criterion_words, _kind_key
        )
    old_c, new_c = list(previous.citations or []), list(row.citations or [])
    lines += [f"Citation removed: {_text(c, 80)}" for c in old_c if c not in new_c]
    lines += [f"Citation added: {_text(c, 80)}" for c in new_c if c not in old_c]
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
    kind = _choice(PhaseTransition.Kind.choices)(row.kind)
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
    changes = [f"Effective {_date(row.effective_on)}"]
    return _entry(
        row,
        names,
        what,
        changes,
        why=row.reason,
        who=names(row.history_user_id or row.decided_by_id),
    )


def _assessment_words(row) -> str:
    test = _choice(Assessment.Test.choices)(row.test)
    value = f"{row.value:g}" if isinstance(row.value, int | float) else str(row.value)
    pain = f", pain {row.pain}/10" if row.pain is not None else ""
    return f"{test} {value}{pain} on {_date(row.date)}"


def _assessment_entry(row, previous, names, ctx) -> Entry | None:
    who = names(row.history_user_id or row.assessed_by_id)
    if row.history_type == "+":
        return _entry(row, names, f"Assessment recorded: {_assessment_words(row)}", who=who)
    if row.history_type == "-":
        return _entry(row, names, f"Assessment removed: {_assessment_words(row)}")
    fields = {
        "value": ("Result", lambda v: f"{v:g}" if isinstance(v, int | float) else str(v)),
        "pain": ("Pain", lambda v: "—" if v is None else f"{v}/10"),
        "date": ("Date", _date),
        "notes": ("Notes", _text),
    }
    changes = _field_changes(row, previous, fields)
    return _entry(row, names, "Assessment changed", changes) if changes else None


def _flag_entry(row, previous, names, ctx) -> Entry | None:
    kind = _choice(Flag.Kind.choices)(row.kind)
    if row.history_type == "+":
        return _entry(
            row, names, f"Flag raised: {kind} — {row.title}", who=_who(row, names, AUTOMATIC)
        )
    if row.history_type == "-":
        return None  # flags go only with their case or plan
    if previous is not None and previous.status != row.status:
        if row.status == Flag.Status.ACKNOWLEDGED:
            return _entry(
                row, names, f"Flag acknowledged: {kind}", who=names(row.acknowledged_by_id)
            )
        if row.status == Flag.Status.RESOLVED:
            return _entry(
                row,
                names,
                f"Flag resolved: {kind}",
                why=row.resolution or row.history_change_reason or "",
                who=names(row.resolved_by_id, AUTOMATIC),
            )
    fields = {"title": ("Title", _text), "message": ("Explanation", _text)}
    changes = _field_changes(row, previous, fields)
    if not changes:
        return None
    return _entry(row, names, f"Flag updated: {kind}", changes, who=_who(row, names, AUTOMATIC))


def _consent_entry(row, previous, names, ctx) -> Entry | None:
    if row.history_type == "-":
        return None
    if previous is not None and previous.given == row.given:
        return None
    group = ROLE_PLURALS.get(row.role, _role(row.role))
    what = f"Sharing with {group} " + ("given" if row.given else "withdrawn")
    return _entry(row, names, what, who=names(row.history_user_id or row.changed_by_id))
