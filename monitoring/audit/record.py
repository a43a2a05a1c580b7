"""The record of changes of a case, newest first, built from the history tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from athletes.models import Athlete, CareTeamMember, Case, SharingConsent
from monitoring.audit.entries import COPIED_PREFIX, ENTRY_BUILDERS, Entry, Names
from monitoring.models import Assessment, Flag
from protocols.models import PhaseTransition, Plan, PlanPhase


@dataclass
class Record:
    """A case's entries, newest first."""

    entries: list[Entry]

    @property
    def total(self) -> int:
        return len(self.entries)

    def latest(self, n: int) -> list[Entry]:
        return self.entries[:n]


def _history(model) -> Any:
    return model.history.model.objects


def case_record(case: Case) -> Record:
    """Every recorded change of the case, newest first (ten queries, whatever their number)."""
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
        "athlete": list(_history(Athlete).filter(id=case.athlete_id)),
    }
    names = Names()
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
    copied = _copied_phase_counts(rows["phase"])
    for kind, group in rows.items():
        for row, previous in _pairs(group):
            entry = ENTRY_BUILDERS[kind](
                row, previous, names, {"phases": phase_names, "copied": copied}
            )
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


def _copied_phase_counts(rows: Sequence[Any]) -> dict[int, int]:
    """Plan id → number of phases copied from the template when the plan was drafted."""
    counts: dict[int, int] = {}
    for row in rows:
        if row.history_type == "+" and (row.history_change_reason or "").startswith(COPIED_PREFIX):
            counts[row.plan_id] = counts.get(row.plan_id, 0) + 1
    return counts
