"""The evaluation: each case's snapshot judged by the gating engine, its flags reconciled
(``monitoring.evaluation.flags``) and its latest evaluation stored, for one case or a chunk.

The write paths live in ``monitoring.ingest``, the flags' actions in
``monitoring.evaluation.flags`` and the queueing in ``monitoring.evaluation.queue``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
from collections.abc import Iterator, Mapping, Sequence

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from monitoring.evaluation import flags, selectors
from monitoring.ingest.checks import athlete_today, cases_by_today
from monitoring.models import CaseEvaluation, Flag
from monitoring.webhooks.events import webhook_event
from protocols.engine.gating import Evaluation, evaluate
from protocols.models import PlanPhase
from rehab.db import prepared_cursor


def evaluate_contexts(
    contexts: Sequence[selectors.CaseContext],
    today: dt.date,
    existing: Sequence[Flag],
    reviewed: Mapping[tuple[int, int, str], set[str]] | None = None,
) -> list[Evaluation]:
    """Evaluate cases and write what changed, in one transaction for the chunk. ``reviewed``:
    ``selectors.reviewed_findings`` of the cases (none when not given).

    Writes: new flags one by one (rare), flag updates and resolutions in a few statements,
    and the latest evaluations in one upsert.
    """
    by_case: dict[int, list[Flag]] = {}
    for flag in existing:
        by_case.setdefault(flag.case_id, []).append(flag)
    changes = flags.FlagChanges()
    now = timezone.now()
    results, latest = [], []
    ready_from: dict[dt.date | None, list[int]] = {}  # phase ids by their new ready_from
    with transaction.atomic():
        for ctx in contexts:
            evaluation = evaluate(
                ctx.spec, ctx.snapshot, today, missing_log_days=settings.REHAB_MISSING_LOG_DAYS
            )
            text = evaluation.to_json()
            flags.reconcile_flags(
                ctx,
                evaluation,
                by_case.get(ctx.case_id, []),
                changes=changes,
                reviewed=reviewed,
                now=now,
                payload_json=text,
            )
            # what the coach's status follows: red-flag rules no clinician has reviewed yet
            red = ",".join(dict.fromkeys(r.kind for r in evaluation.red_flags))[:200]
            if ctx.case_id in changes.red_reviewed:
                red = ""
            latest.append((ctx.case_id, ctx.phase_id, now, today, text, red))
            results.append(evaluation)
            if evaluation.ready_from != ctx.ready_from:
                ready_from.setdefault(evaluation.ready_from, []).append(ctx.phase_id)
        # The projection reads it: one statement per distinct day, only for changed phases.
        for day, phase_ids in ready_from.items():
            PlanPhase.objects.filter(pk__in=phase_ids).update(ready_from=day)
        opened = changes.open()
        flags.notify_many(opened, changes.findings)
        if opened:
            webhook_event("flag.opened", opened)
        changes.flush(now)
        if changes.updates:
            by_case = {ctx.case_id: ctx for ctx in contexts}
            updated = {f.case_id for f in changes.updates}
            athletes = {i: str(by_case[i].case.athlete) for i in updated if i in by_case}
            flags.notify_worse(changes.updates, changes.findings, athletes)
        _latest_evaluations_upsert(latest)
    return results


def _latest_evaluations_upsert(rows: Sequence[tuple]) -> None:
    """Store each case's latest evaluation: (case id, phase id, evaluated at, evaluated for,
    the evaluation as JSON text, ``Evaluation.to_json``, the red-flag rules it fires), in one
    statement."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        CaseEvaluation.objects.bulk_create(
            [
                CaseEvaluation(
                    case_id=case_id,
                    phase_id=phase_id,
                    evaluated_at=at,
                    evaluated_for=day,
                    evaluation=json.loads(evaluation),
                    red_flags=red,
                )
                for case_id, phase_id, at, day, evaluation, red in rows
            ],
            update_conflicts=True,
            unique_fields=["case"],
            update_fields=["phase", "evaluated_at", "evaluated_for", "evaluation", "red_flags"],
        )
        return
    # One statement: the columns go as binary arrays, which the driver writes in C (a text array
    # of JSON documents is quoted in Python, character by character), on a cursor that binds
    # on the server (Django's binds on the client) and prepares the statement once.
    sql = (
        "INSERT INTO monitoring_caseevaluation "
        "(case_id, phase_id, evaluated_at, evaluated_for, evaluation, red_flags) "
        "SELECT * FROM unnest(%b::bigint[], %b::bigint[], %b::timestamptz[], %b::date[], "
        "%b::text[], %b::text[]) ON CONFLICT (case_id) DO UPDATE SET "
        "phase_id = EXCLUDED.phase_id, evaluated_at = EXCLUDED.evaluated_at, "
        "evaluated_for = EXCLUDED.evaluated_for, evaluation = EXCLUDED.evaluation, "
        "red_flags = EXCLUDED.red_flags"
    )
    columns: list[list] = [[], [], [], [], [], []]
    # One row per case (a statement may not update a row twice): the last given wins.
    for row in {row[0]: row for row in rows}.values():
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    with prepared_cursor() as cursor:
        cursor.execute(sql, columns)


def case_evaluate(*, case_id: int, today: dt.date | None = None) -> Evaluation | None:
    """Evaluate one case's current phase and reconcile its flags; None without an active plan.

    ``today`` defaults to the athlete's today (their time zone)."""
    if today is None:
        today = next(iter(cases_by_today([case_id])), None) or athlete_today()
    ctx = selectors.case_snapshot(case_id, today)
    if ctx is None:
        return None
    existing = selectors.unresolved_flags_to_reconcile([case_id])
    reviewed = selectors.reviewed_findings([case_id])
    return evaluate_contexts([ctx], today, existing, reviewed)[0]


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a chunk's evaluation, on again after it.

    A chunk makes a few hundred thousand small tuples that all live until its end; the collector
    would walk them again and again as they accumulate (a quarter of the chunk's CPU time).
    Nothing is lost: whatever cycles the chunk leaves are collected once it is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cases_evaluate(*, case_ids: Sequence[int], today: dt.date | None = None) -> int:
    """Evaluate a chunk of cases: reads in a constant number of queries, writes in a few
    statements plus one per flag opened. Returns how many cases had an active plan.

    ``today`` defaults to each athlete's today: the chunk is evaluated in groups of athletes
    on the same date (one group unless athletes live in time zones on different dates)."""
    if today is None:
        return sum(
            cases_evaluate(case_ids=ids, today=day) for day, ids in cases_by_today(case_ids).items()
        )
    # The chunk's records are released (by their reference counts) when ``_chunk_evaluate``
    # returns, before the collector is on again: the collector's first pass then has nothing to
    # walk. Re-enabled with them still alive, its first pass walked them all (0.08 s of a
    # night of 2,000 cases, about a twentieth of its CPU time).
    with _collector_paused():
        return _chunk_evaluate(case_ids, today)


def _chunk_evaluate(case_ids: Sequence[int], today: dt.date) -> int:
    contexts = selectors.chunk_snapshots(case_ids, today)
    if not contexts:
        return 0
    # A flag's stored evaluation is replaced, never read, here: it stays in the database.
    existing = selectors.unresolved_flags_to_reconcile(case_ids)
    evaluate_contexts(contexts, today, existing, selectors.reviewed_findings(case_ids))
    return len(contexts)
