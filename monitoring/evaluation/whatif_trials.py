"""A template draft tried on past cases: which cases, the request (queued as a task), the run in
chunks with a time limit, and the summary by phase (docs/whatif.md). Each case is replayed by
``protocols.engine.replay.trial_case`` on the snapshots ``whatif.load_snapshots`` builds.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from athletes.models import Case, User
from athletes.sites import BY_CODE
from monitoring.evaluation.whatif import load_snapshots, phase_periods, signed_in
from protocols.engine import criteria
from protocols.engine.gating import PhaseSpec
from protocols.engine.replay import Period, trial_case
from protocols.models import Impact, PhaseTransition, Plan, PlanPhase, ProtocolTemplate
from protocols.selectors import phase_spec
from protocols.whatif_models import TemplateTrial
from rehab.errors import ApplicationError
from rehab.queue import enqueue

logger = logging.getLogger(__name__)

TRIAL_SECONDS = 60  # a trial stops with partial results after this long (the task's own limit)
TRIAL_CHUNK = 50  # cases loaded together: a constant number of queries per chunk


def trial_case_ids(risk: str) -> list[int]:
    """Active, returned and closed cases of the risk class whose plan has started (1 query)."""
    return list(
        Case.objects.filter(
            risk=risk,
            status__in=[Case.Status.ACTIVE, Case.Status.RETURNED, Case.Status.CLOSED],
            plans__started_on__isnull=False,
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def trial_request(*, template: ProtocolTemplate, requested_by: User) -> TemplateTrial:
    """Queue a trial of a draft once this transaction commits; one runs at a time per draft."""
    if template.status != ProtocolTemplate.Status.DRAFT:
        raise ApplicationError("Only a draft is tried on past cases; it is published as it is.")
    phases = list(template.phases.order_by("order"))
    try:
        for phase in phases:
            phase_spec(phase)
    except criteria.CriterionError:
        raise ApplicationError(
            "The draft has a criterion that is not valid; correct it in the editor first."
        ) from None
    if not phases:
        raise ApplicationError("The draft has no phases to try.")
    busy = TemplateTrial.objects.filter(
        template=template, status__in=[TemplateTrial.Status.QUEUED, TemplateTrial.Status.RUNNING]
    ).first()
    if busy is not None:
        return busy
    trial = TemplateTrial.objects.create(
        template=template, requested_by=requested_by, risk=template.risk
    )

    def queue_trial() -> None:
        try:
            enqueue("monitoring.tasks.template_trial_run", trial.pk)
        except Exception:  # broker down: say so on the page rather than wait forever
            logger.exception("Could not queue template trial %s", trial.pk)
            TemplateTrial.objects.filter(pk=trial.pk, status=TemplateTrial.Status.QUEUED).update(
                status=TemplateTrial.Status.FAILED,
                finished_at=timezone.now(),
                message="The background worker could not be reached; try again later.",
            )

    transaction.on_commit(queue_trial)
    return trial


def _case_label(case: Case) -> str:
    site = BY_CODE.get(case.site)
    return site.label if site else case.get_site_display()


def _trial_chunk(
    case_ids: Sequence[int], draft: Sequence[PhaseSpec], today: dt.date
) -> list[dict[str, Any]]:
    """Results for a chunk of cases in six queries: cases, plans, phases, transitions, then
    logs, sessions and assessments."""
    cases = list(Case.objects.filter(pk__in=case_ids).select_related("athlete").order_by("pk"))
    plans: dict[int, Plan] = {}
    for plan in (
        Plan.objects.filter(case_id__in=case_ids, started_on__isnull=False)
        .exclude(status=Plan.Status.DRAFT)
        .prefetch_related(Prefetch("phases", queryset=PlanPhase.objects.order_by("order")))
        .order_by("case_id", "started_on", "pk")
    ):
        plans[plan.case_id] = plan  # the latest plan of each case
    transitions: dict[int, list[PhaseTransition]] = defaultdict(list)
    for t in PhaseTransition.objects.filter(plan_id__in=[p.pk for p in plans.values()]).only(
        "id", "plan_id", "kind", "to_phase_id", "effective_on"
    ):
        transitions[t.plan_id].append(t)
    cases = [c for c in cases if c.pk in plans]
    periods: dict[int, list[Period]] = {}
    problems: dict[int, str] = {}
    for case in cases:
        plan = plans[case.pk]
        by_id = {p.pk: p for p in plan.phases.all()}
        rows = []
        try:
            for phase_pk, start, end in phase_periods(transitions[plan.pk], plan, today):
                phase = by_id.get(phase_pk)
                if phase is not None:
                    rows.append(
                        Period(
                            phase.order,
                            phase.name,
                            phase_spec(phase),
                            start,
                            end,
                            signed_in(phase, start, end),
                            phase.impact != Impact.NONE,
                        )
                    )
        except criteria.CriterionError:
            problems[case.pk] = "Its plan has a criterion that is not valid; left out."
            rows = []
        periods[case.pk] = rows
    starts = {c.pk: min((p.start for p in periods[c.pk]), default=today) for c in cases}
    ends = [p.end for rows in periods.values() for p in rows]
    limits = {c.pk: plans[c.pk].red_pain_limit for c in cases}
    data = load_snapshots(cases, starts, max(ends, default=today), limits)
    out = []
    for case in cases:
        trials = trial_case(
            draft,
            periods[case.pk],
            data[case.pk],
            missing_log_days=settings.REHAB_MISSING_LOG_DAYS,
        )
        out.append(
            {
                "case": case.pk,
                "athlete": str(case.athlete),
                "site": _case_label(case),
                "status": case.get_status_display(),
                "plan": plans[case.pk].name,
                "problem": problems.get(case.pk, ""),
                "phases": [t.to_dict() for t in trials],
            }
        )
    return out


def trial_run(*, trial_id: int, today: dt.date | None = None, seconds: float | None = None) -> str:
    """Run a queued trial: chunk by chunk, saving progress and results as it goes; after
    ``seconds`` (default ``TRIAL_SECONDS``) it stops with the results so far. Returns the
    final status. Running it again on a finished trial changes nothing."""
    today = today or timezone.localdate()
    deadline = time.monotonic() + (TRIAL_SECONDS if seconds is None else seconds)
    claimed = TemplateTrial.objects.filter(
        pk=trial_id, status__in=[TemplateTrial.Status.QUEUED, TemplateTrial.Status.RUNNING]
    ).update(status=TemplateTrial.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return (
            TemplateTrial.objects.filter(pk=trial_id).values_list("status", flat=True).first() or ""
        )
    trial = TemplateTrial.objects.select_related("template").get(pk=trial_id)
    draft = [phase_spec(p) for p in trial.template.phases.order_by("order")]
    ids = trial_case_ids(trial.risk)
    TemplateTrial.objects.filter(pk=trial_id).update(cases_total=len(ids), cases_done=0, results=[])
    results: list[dict[str, Any]] = []
    status = TemplateTrial.Status.DONE
    for offset in range(0, len(ids), TRIAL_CHUNK):
        if time.monotonic() > deadline:
            status = TemplateTrial.Status.PARTIAL
            break
        results += _trial_chunk(ids[offset : offset + TRIAL_CHUNK], draft, today)
        TemplateTrial.objects.filter(pk=trial_id).update(
            cases_done=min(offset + TRIAL_CHUNK, len(ids)), results=results
        )
    message = (
        ""
        if status == TemplateTrial.Status.DONE
        else (
            f"Stopped at the time limit after {len(results)} of {len(ids)} cases; "
            "the results below are for those."
        )
    )
    TemplateTrial.objects.filter(pk=trial_id).update(
        status=status, finished_at=timezone.now(), results=results, message=message
    )
    return status


def trial_stop(*, trial_id: int, message: str, status: str = TemplateTrial.Status.FAILED) -> None:
    """End a trial that did not finish (an error, the hard time limit), keeping its results."""
    TemplateTrial.objects.filter(pk=trial_id).exclude(status__in=TemplateTrial.FINISHED).update(
        status=status, finished_at=timezone.now(), message=message
    )


# --- the summary of a trial ---------------------------------------------------------------------


@dataclass
class PhaseSummary:
    order: int
    name: str
    compared: int = 0
    earlier: int = 0
    later: int = 0
    same: int = 0
    never: int = 0  # ready as it was, never under the draft
    now: int = 0  # ready only under the draft
    neither: int = 0
    new_regressions: int = 0
    gone_regressions: int = 0
    shifts: list[int] | None = None

    @property
    def mean_shift(self) -> float | None:
        return round(sum(self.shifts) / len(self.shifts), 1) if self.shifts else None


def trial_summary(trial: TemplateTrial, draft_names: Sequence[str]) -> list[PhaseSummary]:
    rows = [PhaseSummary(i, name, shifts=[]) for i, name in enumerate(draft_names, start=1)]
    for case in trial.results or []:
        for p in case.get("phases", []):
            if not 1 <= p["order"] <= len(rows):
                continue
            row = rows[p["order"] - 1]
            row.compared += 1
            setattr(row, p["ready_change"], getattr(row, p["ready_change"]) + 1)
            if p["shift"] is not None:
                row.shifts.append(p["shift"])  # type: ignore[union-attr]
            if p["regression_change"] == "new":
                row.new_regressions += 1
            elif p["regression_change"] == "gone":
                row.gone_regressions += 1
    return rows
