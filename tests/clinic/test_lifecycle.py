"""The end of a case, as stories in dates: discharge on return to sport (the athlete keeps the
summary, the nightly evaluation and the reminders stop), a case closed because it was opened in
error, a re-injury opening a new case linked to the earlier one, and the printed documents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from athletes.models import AccessRecord, Case
from athletes.services import case_open
from monitoring.evaluation import selectors
from monitoring.models import Flag
from monitoring.models.care import Review
from monitoring.reminders import reminders_due
from protocols.models import Plan, ReturnDecision
from tests.clinic.conftest import TODAY, raise_red_flag
from tests.return_to_play import record_return_decision

pytestmark = pytest.mark.django_db

SUMMARY = "Back to full training. Keep two strength sessions a week. Stop if shin pain returns."


def _discharge(client, case, *, starrt: bool = True, **data):
    """POST the discharge form, after a recorded return-to-play decision (``starrt``)."""
    if starrt and not ReturnDecision.objects.filter(case=case).exists():
        lead = case.care_team.get(role="lead_clinician").user
        record_return_decision(case, lead, today=TODAY)
    data = {
        "returned_on": TODAY.isoformat(), "outcome": "full", "summary": SUMMARY,
        "before_plan_end": "on", **data,
    }  # fmt: skip
    data = {f"discharge-{k}": v for k, v in data.items() if v is not None}
    return client.post(reverse("clinic:case_discharge", args=[case.pk]), data)


def test_a_discharge_ends_the_plan_the_flags_the_nightly_and_the_reminders(
    client, case, team, plan, frozen
):
    raise_red_flag(case, team["athlete"])  # 20 Nov: night pain, a red flag open
    red = Flag.objects.get(case=case, kind="red_flag")
    Flag.objects.filter(pk=red.pk).update(status="resolved")  # seen, pain gone, cleared
    assert case.pk in selectors.active_case_ids()
    client.force_login(team["clinician"])
    response = _discharge(client, case)
    assert response.status_code == 302
    case.refresh_from_db()
    plan.refresh_from_db()
    assert (case.status, case.returned_on, case.outcome) == ("returned", TODAY, "full")
    assert case.discharge_summary == SUMMARY and case.discharged_by == team["clinician"]
    assert (plan.status, plan.ended_on, plan.current_phase) == ("completed", TODAY, None)
    assert not Flag.objects.filter(case=case, status__in=Flag.UNRESOLVED).exists()
    assert Flag.objects.filter(case=case, resolution__contains="discharged").exists()
    assert case.pk not in selectors.active_case_ids()  # the nightly leaves it
    late = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(21, 0)))
    assert team["athlete"] not in reminders_due(late)
    # The case page says so, with the documents; the athlete keeps the summary on Today.
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "Discharged on 20 November 2026" in page and "clearance letter" in page
    client.force_login(team["athlete"])
    today = client.get(reverse("athlete:today")).content.decode()
    assert "discharged on 20 November 2026" in today and "Keep two strength sessions" in today
    # The change is in the case's history, with who and why.
    last = case.history.order_by("-history_id").first()  # the clock is frozen
    assert last.history_user == team["clinician"]
    assert last.history_change_reason == "Discharged on return to sport"


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"returned_on": "2026-11-21"}, "returned_on", "cannot be in the future"),
        ({"before_plan_end": None}, "before_plan_end", "phase 2 of 4"),
        ({"returned_on": "2026-09-01"}, "returned_on", "Before the diagnosis"),
        ({"summary": " "}, "summary", "summary the athlete keeps"),
        ({"outcome": "cured"}, "outcome", "valid choice"),
    ],
)
def test_a_bad_discharge_is_refused_and_changes_nothing(
    client, case, team, plan, frozen, data, field, words
):
    client.force_login(team["clinician"])
    response = _discharge(client, case, **data)
    assert response.status_code == 400
    assert words in str(response.context["discharge_form"].errors[field])
    case.refresh_from_db()
    plan.refresh_from_db()
    assert case.status == "active" and plan.status == "active"


def test_only_the_clinical_team_ends_a_case_and_only_once(client, case, team, plan, frozen):
    client.force_login(team["nutritionist"])
    assert _discharge(client, case).status_code == 403
    client.force_login(team["physio"])
    assert _discharge(client, case).status_code == 302
    again = _discharge(client, case)
    assert again.status_code == 302
    assert "returned to sport already" in client.get(again.url).content.decode()


def test_a_case_opened_in_error_is_closed(client, case, team, plan, frozen):
    Review.objects.create(case=case, kind="visit", due_on=TODAY + dt.timedelta(days=7))
    client.force_login(team["clinician"])
    url = reverse("clinic:case_close", args=[case.pk])
    assert client.post(url, {"close-reason": ""}).status_code == 400
    response = client.post(url, {"close-reason": "Opened for the wrong athlete"})
    assert response.status_code == 302
    case.refresh_from_db()
    plan.refresh_from_db()
    assert (case.status, case.closed_on, case.closed_by) == ("closed", TODAY, team["clinician"])
    assert plan.status == "stopped"
    assert Review.objects.get(case=case).status == "cancelled"
    assert case.pk not in selectors.active_case_ids()


def test_a_re_injury_is_a_new_case_linked_to_the_earlier(client, case, team, plan, frozen):
    client.force_login(team["clinician"])
    _discharge(client, case)
    later = case_open(
        athlete=case.athlete,
        site="mt2_base",
        side="left",
        diagnosed_on=TODAY,
        created_by=team["clinician"],
    )
    assert later.previous_case == case and later.prior_bsi_count == 1
    assert "1 prior bone stress injury" in later.bone_health_flags
    page = client.get(reverse("clinic:case", args=[later.pk])).content.decode()
    assert "Re-injury: follows" in page and reverse("clinic:case", args=[case.pk]) in page
    # A case closed because it was opened in error is no injury: not counted, not linked.
    wrong = case_open(
        athlete=case.athlete, site="fibula", side="left", diagnosed_on=TODAY,
        created_by=team["clinician"],
    )  # fmt: skip
    Case.objects.filter(pk=wrong.pk).update(status="closed")
    third = case_open(
        athlete=case.athlete, site="navicular", side="right", diagnosed_on=TODAY,
        created_by=team["clinician"],
    )  # fmt: skip
    assert third.previous_case == later and third.prior_bsi_count == 2


def test_the_printed_plan_summary_and_the_clearance_letter(client, case, team, plan, frozen):
    client.force_login(team["clinician"])
    summary = client.get(reverse("clinic:case_summary", args=[case.pk]))
    body = summary.content.decode()
    assert summary.status_code == 200 and "Your rehabilitation plan" in body
    assert body.count('<li class="phase') == plan.phases.count() and "now</span>" in body
    assert "Stop and contact us" in body and str(team["clinician"]) in body
    letter = reverse("clinic:case_letter", args=[case.pk])
    assert client.get(letter).status_code == 404  # written on discharge
    _discharge(client, case)
    body = client.get(letter).content.decode()
    assert "medical clearance" in body and SUMMARY in body and "20 November 2026" in body
    assert AccessRecord.objects.filter(case=case, what="print").count() == 2
    client.force_login(team["coach"])  # clinical documents: not the coach's
    assert client.get(reverse("clinic:case_summary", args=[case.pk])).status_code == 404
    assert client.get(letter).status_code == 404
    assert Plan.objects.get(pk=plan.pk).status == "completed"


def test_an_ended_case_s_decisions_cannot_be_undone(client, case, team, plan, frozen):
    from protocols import services as plan_services

    client.force_login(team["clinician"])
    _discharge(client, case)
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "Undo the last decision" not in page and "End the case" not in page
    response = client.post(reverse("clinic:case_undo", args=[case.pk]), {"reason": "Oops"})
    assert response.status_code in {302, 400}
    case.refresh_from_db()
    assert case.status == "returned" and case.outcome == "full"
    with pytest.raises(Exception, match="has ended"):
        plan_services.transition_undo(plan=plan, undone_by=team["clinician"], reason="Oops")


def test_a_plan_completed_by_its_last_decision_is_then_discharged(client, case, team, frozen):
    """The last phase's "complete" decision returns the case to sport; the discharge (outcome,
    summary, letter) follows on the case page."""
    from tests.plans import running_plan

    plan = running_plan(case, team["clinician"], started_on=TODAY - dt.timedelta(days=40), phase=4)
    Case.objects.filter(pk=case.pk).update(status="returned", returned_on=TODAY)
    Plan.objects.filter(pk=plan.pk).update(status="completed", current_phase=None)
    client.force_login(team["clinician"])
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "Discharge on return to sport" in page
    assert _discharge(client, case, before_plan_end=None).status_code == 302
    case.refresh_from_db()
    assert case.outcome == "full" and case.discharge_summary == SUMMARY


def test_no_discharge_while_a_red_flag_is_open(client, case, team, plan, frozen):
    raise_red_flag(case, team["athlete"])
    client.force_login(team["clinician"])
    response = _discharge(client, case)
    assert response.status_code == 400
    assert "A red flag is open" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "active"
