"""Who decides, on what, and dates that cannot be (issue 22, items 19 and 20).

Stories in dates: the case was diagnosed on 1 October 2026; its plan started that day; today is
21 October 2026. The system recommends, a person decides: moving on against the recommendation
or with a red flag open is an explicit override with a reason, the same on the page and in the
API (clinical.md §11, return-to-play decision: StARRT, Shrier 2015 — the decision is recorded
with what it was based on).
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from athletes.forms import NewCaseForm
from athletes.services import case_open
from monitoring.evaluation import services
from monitoring.evaluation.flags import flag_resolve
from monitoring.ingest.items import daily_log_record
from monitoring.models import Flag
from protocols import services as plan_services
from protocols.models import PhaseTransition, Plan, PlanEdit
from rehab.errors import ApplicationError
from tests.factories import AthleteFactory
from tests.plans import running_plan
from tests.return_to_play import record_return_decision

DIAGNOSED = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 10, 21)


@pytest.fixture(autouse=True)
def clock():
    cache.clear()  # the API's throttle counters
    with time_machine.travel(dt.datetime(2026, 10, 21, 11, 0, tzinfo=dt.UTC), tick=True):
        yield TODAY


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def plan(case, clinician, athlete_user):
    """In the walk-run phase (phase 2 of 4) since the diagnosis."""
    assert case.diagnosed_on == DIAGNOSED
    return running_plan(case, clinician, started_on=DIAGNOSED, phase=2)


def log(case, user, day, **fields):
    daily_log_record(
        athlete=case.athlete,
        date=day,
        submitted_by=user,
        fields={"pain_rest": 0, "pain_during": 0, "pain_after": 0, "pain_character": "none",
                "night_pain": False, **fields},
        today=TODAY,
    )  # fmt: skip


def transitions_url(plan) -> str:
    return f"/api/v1/plans/{plan.pk}/transitions/"


# --- 19: the API decides like the page ----------------------------------------------------------


def test_api_advance_with_an_open_red_flag_needs_the_override(plan, case, clinician, athlete_user):
    """20 Oct: pain woke the athlete at night (a red flag). 21 Oct: an integration advances the
    plan through the API without an override: 400 with an ``override`` error, nothing moves
    (on main it advanced: 201). With the override and a reason it is recorded, and the
    evaluation kept with it is the server's current one, not the one the client sent."""
    log(case, athlete_user, TODAY - dt.timedelta(days=1), night_pain=True)
    services.case_evaluate(case_id=case.pk, today=TODAY)
    assert Flag.objects.filter(case=case, kind="red_flag", status="open").exists()
    client = api(clinician)
    body = {"kind": "advance", "reason": "Looks fine.", "effective_on": str(TODAY)}

    refused = client.post(transitions_url(plan), body, format="json")
    assert refused.status_code == 400
    assert "override" in refused.json()["errors"]
    assert "red flag is open" in refused.json()["errors"]["override"][0]
    plan.refresh_from_db()
    assert plan.current_phase.order == 2

    forged = {"ready": True, "red_flags": []}
    body |= {"override": True, "reason": "Seen today: a fall, not the bone.", "evaluation": forged}
    done = client.post(transitions_url(plan), body, format="json")
    assert done.status_code == 201
    transition = PhaseTransition.objects.get(pk=done.json()["id"])
    assert transition.evaluation["phase"] == "Walk-run"
    assert transition.evaluation["day"] == TODAY.isoformat()
    assert transition.evaluation["ready"] is False
    assert "night_pain" in [r["kind"] for r in transition.evaluation["red_flags"]]
    # The record says it was an override, for the API and on the case's history
    assert transition.overridden is True and done.json()["overridden"] is True
    from monitoring.surfaces.clinic import view_models as clinic

    (item,) = [i for i in clinic.history([transition], []) if i.kind == "transition"]
    assert item.title.endswith("(override: against the evaluation)") and item.tone == "override"


def test_api_advance_with_criteria_unmet_needs_the_override_hold_does_not(plan, clinician):
    """Day 20 of the walk-run phase, no logs and no hop test: the criteria are not met (unknown
    is never met). Advancing needs the override; holding never does."""
    client = api(clinician)
    body = {"kind": "advance", "reason": "Feels ready.", "effective_on": str(TODAY)}
    refused = client.post(transitions_url(plan), body, format="json")
    assert refused.status_code == 400
    assert "does not recommend" in refused.json()["errors"]["override"][0]
    hold = {"kind": "hold", "reason": "Another week.", "effective_on": str(TODAY)}
    held = client.post(transitions_url(plan), hold, format="json")
    assert held.status_code == 201 and held.json()["overridden"] is False


def test_completing_the_plan_needs_the_override_too(case, clinician, athlete_user):
    """In the last phase ("Full return"), completing without the clinician's sign-off the phase
    asks for is moving on against the recommendation."""
    plan = running_plan(case, clinician, started_on=DIAGNOSED, phase=4)
    record_return_decision(case, clinician, today=TODAY)  # StARRT, before the final step
    client = api(clinician)
    body = {"kind": "complete", "reason": "Back in the team.", "effective_on": str(TODAY)}
    assert client.post(transitions_url(plan), body, format="json").status_code == 400
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE
    body["override"] = True
    assert client.post(transitions_url(plan), body, format="json").status_code == 201


def test_the_page_refuses_the_same_decision(client, plan, case, clinician):
    """The case page's form and the API follow one rule (monitoring/evaluation/decisions.py)."""
    client.force_login(clinician)
    html = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert 'name="override"' in html
    response = client.post(
        reverse("clinic:case_decide", args=[case.pk]),
        {"kind": "advance", "reason": "Feels ready.", "effective_on": str(TODAY)},
    )
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.current_phase.order == 2


# --- 20: dates that cannot be -------------------------------------------------------------------


def test_a_plan_cannot_start_before_the_diagnosis(case, clinician):
    """Diagnosed 1 Oct; a start typed as 1 Sep is refused with a field error."""
    from tests.plans import published_template

    draft = plan_services.plan_create(
        case=case, template=published_template(clinician), created_by=clinician
    )
    with pytest.raises(ApplicationError) as error:
        plan_services.plan_start(plan=draft, started_by=clinician, started_on=dt.date(2026, 9, 1))
    assert "started_on" in error.value.errors
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT


def test_a_diagnosis_cannot_come_before_birth(clinician):
    """An athlete born on 1 May 2002: a diagnosis typed as 2001 is a form error, and the service
    refuses it too (the admin and any other caller)."""
    form = NewCaseForm(
        data={
            "athlete_mode": "new",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "date_of_birth": "2002-05-01",
            "site": "posteromedial_tibia",
            "side": "left",
            "diagnosed_on": "2001-10-01",
            "imaging": "mri",
        },
        today=TODAY,
    )
    assert not form.is_valid()
    assert "diagnosed_on" in form.errors
    athlete = AthleteFactory(date_of_birth=dt.date(2002, 5, 1))
    with pytest.raises(ApplicationError) as error:
        case_open(
            athlete=athlete,
            site="posteromedial_tibia",
            diagnosed_on=dt.date(2001, 10, 1),
            created_by=clinician,
        )
    assert "diagnosed_on" in error.value.errors


def test_correcting_the_start_date_through_the_api(case, clinician, athlete_user):
    """The plan's start was typed as 1 Oct; it started on 3 Oct. The clinician corrects it with a
    reason: the plan, its first phase and the start decision move; the reason is in the plan's
    history. Before the diagnosis or without a reason: 400 with field errors."""
    plan = running_plan(case, clinician, started_on=DIAGNOSED, phase=1)
    client = api(clinician)
    url = f"/api/v1/plans/{plan.pk}/start-date/"
    early = client.post(url, {"started_on": "2026-09-30", "reason": "x"}, format="json")
    assert early.status_code == 400 and "started_on" in early.json()["errors"]
    no_reason = client.post(url, {"started_on": "2026-10-03"}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]

    ok = client.post(
        url, {"started_on": "2026-10-03", "reason": "Typed 1 Oct; started 3 Oct."}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["started_on"] == "2026-10-03"
    plan.refresh_from_db()
    assert plan.started_on == dt.date(2026, 10, 3)
    assert plan.current_phase.started_on == dt.date(2026, 10, 3)
    start = plan.transitions.get(kind="start")
    assert start.effective_on == dt.date(2026, 10, 3)
    edit = PlanEdit.objects.get(plan=plan)
    assert edit.reason == "Typed 1 Oct; started 3 Oct." and edit.edited_by == clinician
    assert start.history.first().history_change_reason == "Typed 1 Oct; started 3 Oct."


def test_undoing_a_step_back_restores_the_phase_it_left(client, case, clinician, athlete_user):
    """Walk-run from 1 Oct; advanced to running on 10 Oct; stepped back to walk-run on 15 Oct,
    by mistake (the wrong athlete). Undone from the case page with a reason: running is the
    current phase again, from 10 Oct, and walk-run ended on 10 Oct; the undone decision is
    quoted in the history with the reason."""
    plan = running_plan(case, clinician, started_on=DIAGNOSED, phase=2)
    phases = list(plan.phases.order_by("order"))
    for kind, day, target in (("advance", 10, phases[2]), ("regress", 15, phases[1])):
        plan.refresh_from_db()
        plan_services.transition_decide(
            plan=plan,
            kind=kind,
            decided_by=clinician,
            reason="Decided.",
            effective_on=dt.date(2026, 10, day),
            to_phase=target,
        )
    phases[1].refresh_from_db()
    assert phases[1].judged_from == dt.date(2026, 10, 16)  # judged from the day after
    client.force_login(clinician)
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "Undo the last decision" in page and "Correct the start date" in page

    url = reverse("clinic:case_undo", args=[case.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Stepped back on the wrong athlete's plan."})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.current_phase == phases[2]
    for phase in phases:
        phase.refresh_from_db()
    assert phases[2].started_on == dt.date(2026, 10, 10) and phases[2].ended_on is None
    assert phases[1].ended_on == dt.date(2026, 10, 10)
    assert phases[1].judged_from is None  # the undone step back judges nothing any more
    assert not plan.transitions.filter(kind="regress").exists()
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "Stepped back on the wrong athlete&#x27;s plan." in page
    assert "Undone: Stepped back" in page


def test_undoing_an_advance_through_the_api(plan, clinician, physio, coach):
    """The advance into walk-run (1 Oct) undone: phase 1 is current again, walk-run has no dates.
    A coach may not; nothing to undo after that but the start: 400."""
    url = f"/api/v1/plans/{plan.pk}/undo-transition/"
    assert api(coach).post(url, {"reason": "x"}, format="json").status_code == 403
    ok = api(clinician).post(url, {"reason": "Advanced too early."}, format="json")
    assert ok.status_code == 200
    plan.refresh_from_db()
    first, walk_run = plan.phases.order_by("order")[:2]
    assert plan.current_phase == first and first.ended_on is None
    assert walk_run.started_on is None
    again = api(clinician).post(url, {"reason": "Once more."}, format="json")
    assert again.status_code == 400


# --- 15: a worse report is news -----------------------------------------------------------------


def test_a_worse_report_on_an_open_red_flag_is_news(
    plan, case, clinician, athlete_user, monkeypatch, django_capture_on_commit_callbacks
):
    """21 Oct, morning: sharp pain (a red flag): dana is told, in the app and by e-mail. Noon:
    the athlete edits today's log: not sharp but pain woke her at night, rest pain 7/10. The
    flag stays open (one per phase); dana gets a new notice and a new e-mail naming the new
    finding, night pain (on main only the flag's title changed). Evaluating again tells no one
    twice."""
    from django.core import mail

    from monitoring.evaluation import tasks
    from monitoring.models import Notification

    monkeypatch.setattr(tasks.send_flags_emails, "delay", tasks.send_flags_emails)
    monkeypatch.setattr(tasks.send_worse_emails, "delay", tasks.send_worse_emails)

    def evaluate():
        with django_capture_on_commit_callbacks(execute=True):
            services.case_evaluate(case_id=case.pk, today=TODAY)

    log(case, athlete_user, TODAY, pain_rest=1, pain_character="sharp")
    evaluate()
    flag = Flag.objects.get(case=case, kind="red_flag")
    first = Notification.objects.get(recipient=clinician, flag=flag)
    assert "sharp pain" in first.title.lower()
    assert len(mail.outbox) == 1

    log(case, athlete_user, TODAY, pain_rest=7, pain_character="dull", night_pain=True)
    evaluate()
    assert Flag.objects.filter(case=case, kind="red_flag").count() == 1
    notices = Notification.objects.filter(recipient=clinician, flag=flag).order_by("pk")
    assert notices.count() == 2
    worse = notices.last()
    assert worse.finding == "night_pain"
    assert "worse — night pain" in worse.title
    assert len(mail.outbox) == 2
    assert "worse — night pain" in mail.outbox[1].subject
    assert mail.outbox[1].to == [clinician.email]

    evaluate()
    assert notices.count() == 2 and len(mail.outbox) == 2


# --- 16: the coach's status follows the current evaluation ---------------------------------------


def test_the_coach_s_status_follows_the_clinician_s_review_of_a_red_flag(
    client, plan, case, clinician, coach, athlete_user, django_capture_on_commit_callbacks
):
    """20 Oct: pain woke the athlete at night: a red flag, "Under review" on the coach's board.
    21 Oct: dana resolves the flag after a call ("a knock, no bone pain"). The night pain is
    still in the 7 days the rule reads and the evaluation still finds it; until the evaluation
    that the resolution asks for has run, the coach still sees "Under review". That evaluation
    does not raise the reviewed finding again, and the coach's status follows the review, as
    the athlete's Today does (before, the next evaluation reopened the flag). The coach never
    sees the clinical detail. 24 Oct: pain wakes the athlete again, a new finding: a red flag
    and "Under review" again."""
    from monitoring.surfaces.coach import board as boards

    for n in range(1, 6):
        log(case, athlete_user, TODAY - dt.timedelta(days=n), night_pain=(n == 1))
    services.case_evaluate(case_id=case.pk, today=TODAY)

    def status(day=TODAY):
        (row,) = boards.board_facts(coach, today=day)
        return row.light

    assert status().label == "Under review"
    flag = Flag.objects.get(case=case, kind="red_flag")
    with mock.patch("monitoring.evaluation.queue.enqueue_evaluations") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            flag_resolve(flag=flag, by=clinician, resolution="Called: a knock, no bone pain.")
    queued.assert_called_once_with([case.pk])
    assert not Flag.objects.filter(case=case, status__in=Flag.UNRESOLVED, kind="red_flag")
    assert status().label == "Under review"  # the evaluation asked for has not run yet
    client.force_login(coach)
    board = client.get(reverse("coach:board")).content.decode()
    assert "Under review" in board and "night pain" not in board.lower()

    services.case_evaluate(case_id=case.pk, today=TODAY)  # the evaluation asked for
    assert not Flag.objects.filter(case=case, status__in=Flag.UNRESOLVED, kind="red_flag")
    assert status().label != "Under review"
    athlete_page = client.get(reverse("coach:athlete", args=[case.pk])).content.decode()
    assert "Under review" not in athlete_page and "night pain" not in athlete_page.lower()

    later = TODAY + dt.timedelta(days=3)
    with time_machine.travel(dt.datetime.combine(later, dt.time(9), tzinfo=dt.UTC)):
        daily_log_record(
            athlete=case.athlete,
            date=later,
            submitted_by=athlete_user,
            fields={"pain_rest": 0, "pain_during": 0, "pain_after": 0, "pain_character": "none",
                    "night_pain": True},
            today=later,
        )  # fmt: skip
        services.case_evaluate(case_id=case.pk, today=later)
    assert Flag.objects.filter(case=case, status__in=Flag.UNRESOLVED, kind="red_flag").exists()
    assert status(later).label == "Under review"


def test_notices_sent_before_findings_were_named_are_not_news_again(plan, case, clinician):
    """A red flag told of sharp pain before notices named their findings: the migration gives its
    notice the rules the flag's evaluation fired, so the next evaluation does not announce
    sharp pain again as "worse"."""
    import importlib

    from django.apps import apps

    from monitoring.models import Notification

    migration = importlib.import_module("monitoring.migrations.0009_notice_findings_backfill")
    flag = Flag.objects.create(
        case=case,
        phase=plan.current_phase,
        kind="red_flag",
        title="Red flag: sharp pain",
        message="Sharp pain reported.",
        evaluation={"fired": [{"kind": "sharp_pain", "red_flag": True},
                              {"kind": "pain_rising", "red_flag": False}]},
    )  # fmt: skip
    notice = Notification.objects.create(
        recipient=clinician, case=case, flag=flag, title="Red flag", body="."
    )
    migration.backfill(apps, None)
    notice.refresh_from_db()
    assert notice.finding == "sharp_pain"
