"""The record of changes keeps what the evaluation does to a flag, not only its opening: a
flag whose words change ("No log for 3 days", then 4) and a flag the evaluation resolves (a log
came), each with who (the automatic evaluation) and why. Before, both were written in bulk
without history, and the record showed a flag raised that never closed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitoring.models import Flag
from tests.clinical.test_the_rules_see_all_the_data import day, evaluate_on, log
from tests.plans import running_plan

pytestmark = pytest.mark.django_db


def test_a_flag_updated_then_resolved_by_the_evaluation_is_in_the_record(
    client, case, clinician, athlete_user
):
    running_plan(case, clinician, started_on=day(0), phase=2)
    for n in (0, 1):
        log(case, athlete_user, n, pain_during=0, pain_after=0)
    evaluate_on(case, 4)
    flag = Flag.objects.get(case=case, kind="missing_logs")
    assert flag.title == "No log for 3 days"
    evaluate_on(case, 5)
    log(case, athlete_user, 5, pain_during=0, pain_after=0)
    evaluate_on(case, 5)

    rows = list(flag.history.order_by("history_id"))
    assert [r.history_type for r in rows] == ["+", "~", "~"]
    assert [r.title for r in rows] == [
        "No log for 3 days",
        "No log for 4 days",
        "No log for 4 days",
    ]
    assert rows[-1].status == "resolved" and rows[-1].history_user_id is None
    assert rows[-1].history_change_reason.startswith("Resolved by the evaluation")

    client.force_login(clinician)
    page = client.get(reverse("clinic:case_record", args=[case.pk])).content.decode()
    assert "Flag updated: " in page and "No log for 4 days" in page
    assert "Flag resolved: " in page and "the condition no longer holds" in page
