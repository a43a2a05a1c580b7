"""Reads shared by pages, the API and the evaluation tasks.

The snapshot builders load what the gating engine needs in a constant number of queries,
whatever the amount of data: one case (``case_snapshot``) or a chunk of cases
(``chunk_snapshots``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import (
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast

from athletes import permissions
from athletes.models import Athlete, CareTeamMember, Case
from monitoring.evaluation import sql
from monitoring.evaluation import windows as windows_read
from monitoring.evaluation.batteries import case_symmetry
from monitoring.evaluation.sql import ASSESSMENT_COLUMNS
from monitoring.models import Assessment, Flag
from protocols.engine.criteria.case_facts import SCREEN_TESTS
from protocols.engine.gating import PhaseSpec
from protocols.engine.records import CASE_FACTS, AssessmentEntry, Snapshot
from protocols.models import Impact, Plan, PlanPhase
from rehab.db import any_of

# Days of history loaded before the phase start: enough for the EWMA chronic load (28 days)
# to settle and for the missing-log count; criteria themselves never look before the phase.
LOAD_HISTORY_DAYS = 56


class CaseContext:
    """A case with its active plan and current phase, and the engine's inputs for it.

    Made from a ``_plan_rows`` row. The plan, the case (with its athlete) and the phase become
    model instances when first asked for (``plan``, ``case``, ``phase``): a nightly run needs
    only their ids and a few values (``case_id``, ``phase_id``, ``phase_name``) for all but the
    cases whose flags it opens.
    """

    __slots__ = ("row", "spec", "snapshot", "_made", "_previous")

    def __init__(self, row: tuple, spec: PhaseSpec, snapshot: Snapshot) -> None:
        self.row = row
        self.spec = spec
        self.snapshot = snapshot
        self._made: tuple[Plan, Case, PlanPhase] | None = None
        self._previous: list[PlanPhase | None] = []

    def __repr__(self) -> str:
        return f"<CaseContext case {self.case_id} phase {self.phase_id}>"

    @property
    def case_id(self) -> int:
        return self.row[_AT["case_id"]]

    @property
    def phase_id(self) -> int:
        return self.row[_AT["current_phase__id"]]

    @property
    def phase_name(self) -> str:
        return self.row[_AT["current_phase__name"]]

    @property
    def ready_from(self):
        """The current phase's stored ``ready_from`` (as of the previous evaluation)."""
        return self.row[_AT["current_phase__ready_from"]]

    def _instances(self) -> tuple[Plan, Case, PlanPhase]:
        if self._made is None:
            self._made = _instances(self.row)
        return self._made

    @property
    def plan(self) -> Plan:
        return self._instances()[0]

    @property
    def case(self) -> Case:
        return self._instances()[1]

    @property
    def phase(self) -> PlanPhase:
        return self._instances()[2]

    @property
    def previous_row(self) -> tuple | None:
        """The phase before ``phase`` as (id, plan id, order, name) in the model's field
        order, or None for the first phase."""
        previous = self.row[_PREVIOUS_AT:]
        return previous if previous[0] is not None else None

    @property
    def previous_phase(self) -> PlanPhase | None:
        """The phase before ``phase`` (id, plan, order and name loaded), or None; made into an
        instance only when a regression proposes it."""
        if not self._previous:
            row = self.previous_row
            made = None if row is None else PlanPhase.from_db("default", _PREVIOUS_FIELDS, row)
            self._previous.append(made)
        return self._previous[0]


_new = tuple.__new__  # a named tuple from a row in one C call


def assessment_rows(case_ids: list[int], start: dt.date, end: dt.date) -> list[tuple]:
    """``_assessment_rows``' rows; on PostgreSQL by ``sql.assessment_statement``."""
    if connection.vendor != "postgresql":
        return list(_assessment_rows(case_ids, start, end))
    return sql.assessment_rows(case_ids, start, end, sorted(SCREEN_TESTS))


def _assessment_rows(case_ids: list[int], start: dt.date, end: dt.date) -> QuerySet:
    """``ASSESSMENT_COLUMNS`` rows by day: the later of two same-day results wins, every time.
    The bone-health screens are read from any day (a screen is the case's, not a phase's: the
    ``bone_health_screen`` criterion decides how recent one must be)."""
    return (
        Assessment.objects.filter(any_of(Assessment, "case_id", case_ids), date__lte=end)
        .filter(Q(date__gte=start) | Q(test__in=sorted(SCREEN_TESTS)))
        .order_by("date", "id")
        .values_list(*ASSESSMENT_COLUMNS)
    )


@functools.lru_cache(maxsize=2048)
def _spec_for(name: str, min_days: int, gates: tuple[str, str, str]) -> PhaseSpec:
    """A phase's validated spec, by its gates as the database prints them (PostgreSQL prints
    equal JSON alike): a nightly run meets the same few phases thousands of times, and a phase
    seen before costs neither parsing nor validation. A spec is immutable: shared safely."""
    advance, regress, warn = (json.loads(text) if text else None for text in gates)
    return PhaseSpec(
        name=name,
        min_days=min_days,
        advance_when=tuple(advance or ()),
        regress_when=tuple(regress or ()),
        warn_when=tuple(warn or ()),
    )


def active_plans(case_ids: Iterable[int] | None = None) -> QuerySet[Plan]:
    """Active plans with their case, athlete and current phase: one query."""
    plans = Plan.objects.filter(
        status=Plan.Status.ACTIVE, case__status=Case.Status.ACTIVE, current_phase__isnull=False
    ).select_related("case__athlete", "current_phase")
    if case_ids is not None:
        plans = plans.filter(case_id__in=list(case_ids))
    return plans


# What the evaluation reads of a plan, its case, athlete and current phase (the phase's
# prescriptions, citations and notes stay in the database; its gates are read as text, for
# ``_spec_for``), and of the phase before it (a regression proposes stepping back to it).
_READ: tuple[tuple[type, str, tuple[str, ...]], ...] = (
    (Plan, "", ("id", "case_id", "status", "current_phase_id", "started_on", "red_pain_limit")),
    (
        Case,
        "case__",
        ("id", "athlete_id", "risk", "status", *(name for name in CASE_FACTS if name != "sex")),
    ),
    (Athlete, "case__athlete__", ("id", "first_name", "last_name", "sex")),
    (
        PlanPhase,
        "current_phase__",
        (
            "id",
            "plan_id",
            "order",
            "name",
            "min_days",
            "started_on",
            "signed_off_on",
            "judged_from",
            "ready_from",
            "impact",
            "programme",
        ),  # fmt: skip
    ),
)
# ``Model.from_db`` takes the loaded fields' values in the model's field order.
_READ_ORDERED = tuple(
    (model, [f.attname for f in model._meta.concrete_fields if f.attname in names])
    for model, _, names in _READ
)
_PREVIOUS_FIELDS = [
    f.attname
    for f in PlanPhase._meta.concrete_fields
    if f.attname in {"id", "plan_id", "order", "name"}
]


# A ``_plan_rows`` row: the ``_READ`` columns in order, the three gates, the previous phase.
_PLAN_READ = tuple(
    (m, prefix, tuple(n)) for (m, prefix, _), (_, n) in zip(_READ, _READ_ORDERED, strict=True)
)
_READ_COLUMNS = [f"{prefix}{name}" for _, prefix, names in _PLAN_READ for name in names]
_AT = {path: index for index, path in enumerate(_READ_COLUMNS)}  # where a value sits in a row
_GATES_AT = len(_READ_COLUMNS)
# Where each of ``records.CASE_FACTS`` sits in a row (the sex is the athlete's).
_FACTS_AT = tuple(
    (name, _AT["case__athlete__sex" if name == "sex" else f"case__{name}"]) for name in CASE_FACTS
)
_PREVIOUS_AT = _GATES_AT + 3


def _plan_rows(case_ids: list[int]) -> QuerySet:
    """The active plans of ``case_ids`` as rows: the ``_READ`` columns of plan, case, athlete
    and current phase, the current phase's gates as JSON text, and the phase before it (id,
    plan id, order, name; None for the first phase). One query."""
    earlier = PlanPhase.objects.filter(
        plan_id=OuterRef("pk"), order__lt=OuterRef("current_phase__order")
    ).order_by("-order")
    columns: list = [*_READ_COLUMNS]
    columns += [Cast(f"current_phase__{name}", TextField()) for name in _GATES]
    columns += [Subquery(earlier.values(name)[:1]) for name in _PREVIOUS_FIELDS]
    plans = active_plans().filter(any_of(Plan, "case_id", case_ids))
    if connection.vendor == "postgresql":
        # The ids on both sides of the plan-case join: PostgreSQL then reads the cases by their
        # key (given the plans' side alone it scanned every case, for every chunk).
        plans = plans.filter(any_of(Case, "id", case_ids))
    return plans.values_list(*columns)


_GATES = ("advance_when", "regress_when", "warn_when")  # read as JSON text, after _READ_COLUMNS


def plan_rows(case_ids: list[int]) -> list[tuple]:
    """``_plan_rows``' rows: on PostgreSQL by the named statement ``sql.plan_statement``."""
    if connection.vendor != "postgresql":
        return list(_plan_rows(case_ids))
    return sql.plan_rows(case_ids, _PLAN_READ, _GATES, tuple(_PREVIOUS_FIELDS))


def _row_spec(row: tuple) -> PhaseSpec:
    """The validated spec of a ``_plan_rows`` row's current phase (shared, see ``_spec_for``)."""
    return _spec_for(
        row[_AT["current_phase__name"]],
        row[_AT["current_phase__min_days"]],
        row[_GATES_AT:_PREVIOUS_AT],
    )


def _instances(row: tuple) -> tuple[Plan, Case, PlanPhase]:
    """The plan, case and current phase of a ``_plan_rows`` row: model instances with only the
    ``_READ`` fields loaded, related to each other (the case with its athlete)."""
    made, at = [], 0
    for model, names in _READ_ORDERED:
        made.append(model.from_db("default", names, row[at : at + len(names)]))
        at += len(names)
    plan, case, athlete, phase = made
    case.athlete = athlete
    plan.case = case
    plan.current_phase = phase
    return plan, case, phase


def case_windows(rows: list[tuple], today: dt.date) -> list[tuple[int, int, dt.date, dt.date]]:
    """(case id, athlete id, phase start, history start) of each ``_plan_rows`` row: logs are
    read from the phase start (no criterion looks before it; the latest log before it, within
    the history, only says when the athlete last logged), sessions from the history start."""
    out = []
    case_at, athlete_at = _AT["case_id"], _AT["case__athlete_id"]
    started_at = _AT["current_phase__started_on"]
    for row in rows:
        began = min(row[started_at] or today, today)
        history = began - dt.timedelta(days=LOAD_HISTORY_DAYS)
        out.append((row[case_at], row[athlete_at], began, history))
    return out


def chunk_snapshots(case_ids: Sequence[int], today: dt.date) -> list[CaseContext]:
    """Snapshots for a chunk of cases in five queries, whatever the chunk's size.

    1. active plans with case, athlete, current phase and the phase before it, as rows of only
       the columns the evaluation reads (``_plan_rows``; ``CaseContext`` makes them model
       instances when asked for);
    2. each case's daily logs from its phase start (no criterion looks before it), led by the
       latest log before it within ``LOAD_HISTORY_DAYS`` (when the athlete last logged), by
       day, as ``LogEntry`` records (no model instances);
    3. each case's activity sessions from ``LOAD_HISTORY_DAYS`` before its phase start (the
       chronic training load), likewise;
    4. the cases' assessments; 5. their test batteries (``SymmetryEntry`` records).
    Phases with the same gates share one validated ``PhaseSpec``.
    """
    rows = plan_rows(list(case_ids))
    if not rows:
        return []
    windows = case_windows(rows, today)
    logs, sessions, late = windows_read.logs_and_sessions(windows, today)
    earliest = min(history for _, _, _, history in windows)
    assessments: dict[int, list[AssessmentEntry]] = defaultdict(list)
    for case_id, *values in assessment_rows([w[0] for w in windows], earliest, today):
        assessments[case_id].append(_new(AssessmentEntry, values))
    symmetry = case_symmetry([w[0] for w in windows], earliest, today)

    contexts = []
    started_at, signed_at = _AT["current_phase__started_on"], _AT["current_phase__signed_off_on"]
    risk_at, impact_at = _AT["case__risk"], _AT["current_phase__impact"]
    judged_at, limit_at = _AT["current_phase__judged_from"], _AT["red_pain_limit"]
    for row, (case_id, _, _, _) in zip(rows, windows, strict=True):
        snapshot = Snapshot.presorted(
            phase_started_on=row[started_at] or today,
            logs=logs[case_id],
            sessions=sessions[case_id],
            assessments=tuple(assessments[case_id]),
            signed_off_on=row[signed_at],
            high_risk_site=row[risk_at] == Case.Risk.HIGH,
            judged_from=row[judged_at],
            red_pain_limit=row[limit_at],
            impact_phase=row[impact_at] != Impact.NONE,
            facts={name: row[at] for name, at in _FACTS_AT},
            programme=row[_AT["current_phase__programme"]],
            symmetry=symmetry.get(case_id, ()),
            recorded_late=late.get(case_id, frozenset()),
        )
        contexts.append(CaseContext(row, _row_spec(row), snapshot))
    return contexts


def case_facts(case: Case, sex: str | None = None) -> dict:
    """``records.CASE_FACTS`` of a case instance (its athlete's sex given, or read from the
    athlete when the case holds it)."""
    if sex is None:
        sex = case.athlete.sex
    return {name: sex if name == "sex" else getattr(case, name) for name in CASE_FACTS}


def case_snapshot(case_id: int, today: dt.date) -> CaseContext | None:
    """One case's snapshot (five queries), or None when it has no active plan."""
    contexts = chunk_snapshots([case_id], today)
    return contexts[0] if contexts else None


def unresolved_flags(case_ids: Iterable[int]) -> QuerySet[Flag]:
    ids = case_ids if isinstance(case_ids, list) else list(case_ids)  # a list: one parameter
    return Flag.objects.filter(any_of(Flag, "case_id", ids), status__in=Flag.UNRESOLVED)


_FLAG_FIELDS = sql.FLAG_FIELDS


def _unresolved_flag_rows(case_ids: list[int]) -> QuerySet | list[tuple]:
    """The rows of ``_FLAG_FIELDS``; on PostgreSQL by the named statement
    ``sql.flag_statement``, elsewhere through the ORM."""
    if connection.vendor == "postgresql":
        return sql.flag_rows(case_ids, sorted(Flag.UNRESOLVED))
    return unresolved_flags(case_ids).order_by("pk").values_list(*_FLAG_FIELDS)


def unresolved_flags_to_reconcile(case_ids: Sequence[int]) -> list[Flag]:
    """The cases' unresolved flags without the evaluation each carries (an evaluation replaces
    it, never reads it): ``unresolved_flags(case_ids).defer("evaluation")``."""
    return [
        Flag.from_db("default", _FLAG_FIELDS, row) for row in _unresolved_flag_rows(list(case_ids))
    ]


def resolved_by_a_person() -> QuerySet[Flag]:
    """Flags a person resolved (a clinician's review), not the evaluation: the one definition
    of "reviewed" that the evaluation, the athlete's Today and the case page read."""
    return Flag.objects.filter(status=Flag.Status.RESOLVED, resolved_by__isnull=False)


def reviewed_red_flags(case: Case) -> QuerySet[Flag]:
    """The case's red flags a person resolved, the latest first."""
    return (
        resolved_by_a_person().filter(case=case, kind=Flag.Kind.RED_FLAG).order_by("-resolved_at")
    )


def _reviewed(case_ids: list[int]) -> QuerySet:
    """(case id, phase id, kind, message) of the cases' flags a person resolved, by id."""
    return (
        resolved_by_a_person()
        .filter(any_of(Flag, "case_id", case_ids))
        .order_by("pk")
        .values_list("case_id", "phase_id", "kind", "message")
    )


def _reviewed_rows(case_ids: list[int]) -> QuerySet | list[tuple]:
    """``_reviewed``' rows; on PostgreSQL by the named statement ``sql.reviewed_statement``."""
    if connection.vendor == "postgresql":
        return sql.reviewed_rows(case_ids)
    return _reviewed(case_ids)


def reviewed_findings(case_ids: Sequence[int]) -> dict[tuple[int, int, str], set[str]]:
    """The messages of the cases' flags that a person resolved, by (case id, phase id, kind):
    a finding a clinician reviewed and closed is not raised again by an evaluation that reads
    the same data (``flags.reconcile_flags``). One query; a case has a handful at most."""
    found: dict[tuple[int, int, str], set[str]] = {}
    for case_id, phase_id, kind, message in _reviewed_rows(list(case_ids)):
        found.setdefault((case_id, phase_id, kind), set()).add(message)
    return found


def _clinical_member_rows(case_ids: list[int]) -> QuerySet:
    return (
        permissions.members_with_consent()
        .filter(
            any_of(CareTeamMember, "case_id", case_ids),
            role__in=permissions.CLINICAL_ROLES,
            user__is_active=True,
        )
        .order_by("case_id", "user_id")
        .values_list("case_id", "user_id", "user__email")
    )


def clinical_team(case_ids: Iterable[int]) -> list[tuple[int, int, str]]:
    """(case id, user id, e-mail address, perhaps empty) of each active member of the cases'
    clinical teams whose role the athlete has not withdrawn consent for: who is told of a red
    flag or a regression. The nightly chunks and their e-mails ask it for every chunk: on
    PostgreSQL by the named statement ``sql.clinical_team_statement``."""
    ids = sorted(set(case_ids))
    if connection.vendor != "postgresql":
        return list(_clinical_member_rows(ids))
    return sql.clinical_team_rows(ids, sorted(permissions.CLINICAL_ROLES))


def active_case_ids() -> list[int]:
    return list(active_plans().order_by("case_id").values_list("case_id", flat=True))


def open_flags_for_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.prefetch_related(
        Prefetch(
            "flags",
            queryset=Flag.objects.filter(status__in=Flag.UNRESOLVED),
            to_attr="unresolved_flags",
        )
    )
