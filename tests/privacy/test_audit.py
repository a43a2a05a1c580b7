"""The record of changes: who changed what, when, and why, with the plan's diff in words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from athletes import services as athlete_services
from monitoring import audit
from monitoring.evaluation.flags import flag_acknowledge, flag_resolve
from monitoring.models import DailyLog
from protocols import services as plan_services
from tests.factories import UserFactory

from .conftest import TODAY, edit_plan

pytestmark = pytest.mark.django_db


def advance(plan, lead, reason="Pain-free for a week, hop test passed"):
    plan.refresh_from_db()
    return plan_services.transition_decide(
        plan=plan, kind="advance", decided_by=lead, reason=reason, effective_on=TODAY
    )


def test_a_plan_edit_reads_as_a_diff_in_words_with_who_when_and_why(case, records, clinician):
    edit_plan(records["plan"], clinician, reason="Slower progression after a flare")
    entry = next(e for e in audit.case_record(case).entries if e.kind == "phase")
    assert entry.what == "Phase “Walk-run” edited"
    assert entry.who == str(clinician)
    assert entry.why == "Slower progression after a flare"
    assert entry.at.date() == TODAY
    assert "Typical days: 21 → 28" in entry.changes
    (rx,) = [c for c in entry.changes if c.startswith("Prescription")]
    assert rx.startswith("Prescription: changed “") and "30 min" in rx and "40 min" in rx
    (crit,) = [c for c in entry.changes if c.startswith("Advance when")]
    assert crit.startswith("Advance when: changed “")
    assert not any(ch in " ".join(entry.changes) for ch in "{}[]"), entry.changes
    assert "kind" not in " ".join(entry.changes)
    # Phases the edit did not touch leave no entry.
    assert [e.what for e in audit.case_record(case).entries if e.what.endswith("edited")] == [
        "Phase “Walk-run” edited"
    ]
    whats = {e.what for e in audit.case_record(case).entries}
    assert {"Phase “Walk-run” started", "Phase “Protected loading” ended"} <= whats
    assert "Decision: Plan started in “Protected loading”" in whats


def test_a_transition_and_its_effects_are_in_the_record(case, records, clinician):
    advance(records["plan"], clinician)
    entries = audit.case_record(case).entries
    decision = next(e for e in entries if e.kind == "decision")
    assert decision.what == "Decision: Advanced from “Walk-run” to “Running progression”"
    assert decision.who == str(clinician)
    assert decision.why == "Pain-free for a week, hop test passed"
    plan_change = next(e for e in entries if e.kind == "plan" and "changed" in e.what)
    assert "Current phase: “Walk-run” → “Running progression”" in plan_change.changes
    assert plan_change.why == "Pain-free for a week, hop test passed"


def test_the_record_covers_team_assessments_flags_consent_and_the_case(
    case, records, clinician, athlete_user
):
    newcomer = UserFactory(username="noor", kind="physio")
    athlete_services.care_team_add(case=case, user=newcomer, role="physio", added_by=clinician)
    athlete_services.care_team_hand_over_lead(case=case, to=newcomer, by=clinician)
    flag_acknowledge(flag=records["flag"], by=clinician)
    flag_resolve(flag=records["flag"], by=clinician, resolution="Logged by phone with the athlete")
    athlete_services.consent_set(
        athlete=case.athlete, role="coach", given=False, changed_by=athlete_user
    )
    whats = [e.what for e in audit.case_record(case).entries]
    assert f"Care team: {newcomer} added as physiotherapist" in whats
    assert f"Care team: {newcomer}'s role changed" in whats
    assert "Assessment recorded: Single-leg hop for distance 12 on 20 Nov 2026" in whats or any(
        w.startswith("Assessment recorded:") and "12" in w for w in whats
    )
    assert any(w.startswith("Flag raised: Missing logs") for w in whats)
    # Why a flag was raised: the evaluation's explanation as it stood then.
    raised = next(e for e in audit.case_record(case).entries if e.what.startswith("Flag raised"))
    assert raised.why == records["flag"].message and raised.why
    resolved = next(
        e for e in audit.case_record(case).entries if e.what.startswith("Flag resolved")
    )
    assert resolved.who == str(clinician) and resolved.why == "Logged by phone with the athlete"
    seen = next(e for e in audit.case_record(case).entries if e.what.startswith("Flag ackn"))
    assert seen.who == str(clinician) and seen.why == ""  # not "Acknowledged" again
    consent = next(e for e in audit.case_record(case).entries if e.kind == "consent")
    assert consent.what == "Sharing with coaches withdrawn" and consent.who == str(athlete_user)
    assert "Plan “Test tibia protocol” drafted with 4 phases from the template" in whats


def test_the_case_page_panel_and_the_record_page_show_it(client, case, records, clinician):
    edit_plan(records["plan"], clinician, reason="Slower progression after a flare")
    advance(records["plan"], clinician)
    client.force_login(clinician)
    panel = client.get(reverse("clinic:case_privacy", args=[case.pk])).content.decode()
    assert "Record of changes" in panel
    assert "Phase “Walk-run” edited" in panel and "Slower progression after a flare" in panel
    assert "Typical days: 21 → 28" in panel and str(clinician) in panel
    page = client.get(reverse("clinic:case_record", args=[case.pk])).content.decode()
    assert "Decision: Advanced from “Walk-run” to “Running progression”" in page
    assert re.search(r"\d+ changes", page)


def test_only_clinical_roles_see_the_record(
    client, case, records, physio, coach, athlete_user, nutritionist, psychologist
):
    client.force_login(physio)
    assert client.get(reverse("clinic:case_record", args=[case.pk])).status_code == 200
    for user in (coach, nutritionist, psychologist, athlete_user):
        client.force_login(user)
        assert client.get(reverse("clinic:case_record", args=[case.pk])).status_code == 404
    # The athlete has no clinic page of the case: their sharing choices are on /me/sharing/.
    client.force_login(athlete_user)
    assert client.get(reverse("clinic:case_privacy", args=[case.pk])).status_code == 404
    body = client.get(reverse("athlete:sharing")).content.decode()
    assert 'class="hist audit-' not in body  # who looked, yes; what changed, no


NEW_VIEWS = [
    ("get", "clinic:case_privacy"),
    ("get", "clinic:case_record"),
    ("post", "clinic:case_export"),
    ("get", "clinic:case_erase"),
    ("post", "clinic:case_erase"),
]


@pytest.mark.parametrize(("method", "name"), NEW_VIEWS)
def test_outsiders_get_404_and_anonymous_the_login(client, case, records, outsider, method, name):
    url = reverse(name, args=[case.pk])
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/login/" in response.url
    client.force_login(outsider)
    assert getattr(client, method)(url).status_code == 404
    assert getattr(client, method)(reverse(name, args=[999_999])).status_code == 404


def test_the_sharing_page_needs_a_login(client):
    response = client.get(reverse("athlete:sharing"))
    assert response.status_code == 302 and "/login/" in response.url


def test_the_request_names_who_changed_a_record_without_a_service_saying_so(
    case, records, physio, api
):
    """HistoryRequestMiddleware: a write through the API (token) records the caller."""
    response = api(physio).post(
        "/api/v1/daily-logs/",
        {"athlete": case.athlete_id, "date": str(TODAY), "sleep_hours": 7},
        format="json",
    )
    assert response.status_code in (200, 201), response.content
    latest = DailyLog.history.filter(athlete_id=case.athlete_id).latest("history_id")
    # a blank of the athlete's own day, filled (their own answers are theirs: see
    # tests/api/test_whose_value_wins.py)
    assert latest.history_user_id == physio.pk and float(latest.sleep_hours) == 7
