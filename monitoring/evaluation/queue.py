"""Asking for evaluations: every write that changes a case's data asks for that case's
evaluation with ``transaction.on_commit``. The worker never reads before the commit, and if the
broker is down the write still stands (the nightly run evaluates every active case anyway)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction

from rehab.queue import enqueue

logger = logging.getLogger(__name__)

# Up to this many cases are queued one task each (each evaluated soonest, in parallel); more
# (a bulk import) go in chunks of REHAB_EVALUATION_CHUNK like the nightly run: one message per
# chunk instead of one broker round trip per case (a 1,000-item request spent most of its time
# queueing).
EVALUATE_ONE_BY_ONE_MAX = 20


def request_evaluation(case_ids: Iterable[int]) -> None:
    """Queue each case's evaluation once the current transaction commits."""
    ids = sorted(set(case_ids))
    if ids:
        transaction.on_commit(lambda: enqueue_evaluations(ids))


def enqueue_evaluations(case_ids: Sequence[int]) -> None:
    """Queue the cases' evaluations now: one task per case, or per chunk for many cases."""
    if len(case_ids) > EVALUATE_ONE_BY_ONE_MAX:
        size = settings.REHAB_EVALUATION_CHUNK
        for start in range(0, len(case_ids), size):
            chunk = list(case_ids[start : start + size])
            try:
                enqueue("monitoring.tasks.evaluate_case_chunk", chunk)
            except Exception:  # broker down: the data is saved; the nightly run evaluates it
                logger.exception("Could not queue the evaluation of cases %s", chunk)
        return
    for case_id in case_ids:
        try:
            enqueue("monitoring.tasks.evaluate_case", case_id)
        except Exception:  # broker down: the data is saved; the nightly run evaluates it
            logger.exception("Could not queue the evaluation of case %s", case_id)
