"""The athlete's own readiness progress in words: their first and latest TSK-11 and I-PRRS
compared (``readiness_rules.athlete_progress``), never a cut-off, a pass mark or "ready"."""

from __future__ import annotations

from athletes import permissions
from athletes.models import Case, User
from monitoring.care import readiness_rules as rules
from monitoring.models import Assessment


def readiness_progress(user: User, case: Case | None) -> list[str]:
    """One sentence per questionnaire answered (I-PRRS first), for the athlete of the case."""
    if case is None or not permissions.can_view_own_readiness(user, case):
        return []
    values: dict[str, list[float]] = {rules.IPRRS: [], rules.TSK11: []}
    rows = Assessment.objects.filter(case=case, test__in=list(values)).order_by("date", "id")
    for test, value in rows.values_list("test", "value"):
        values[test].append(value)
    return [
        rules.athlete_progress(code, series[0], series[-1], len(series))
        for code, series in values.items()
        if series
    ]
