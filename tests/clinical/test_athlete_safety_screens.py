"""What the athlete's screens say when something is wrong (issue 22, items 12 and 14).

Stories in dates: maya is on day 10 of her walk-run phase (``tests.plans``) on 20 November 2026.
A red flag means "stop and contact the clinical team" (clinical.md §11; OUH 2024, Gallatin &
Graver 2019: no pain is expected at the injury site, pain at or above the plan's red limit during
or after impact work is a reason to stop), so Today must not keep showing the running plan.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring.evaluation import services
from monitoring.evaluation.flags import flag_acknowledge, flag_resolve
from monitoring.ingest.checks import athlete_today
from monitoring.ingest.items import activity_session_record, daily_log_record
from monitoring.models import Flag
from tests.factories import UserFactory
from tests.plans import published_template, running_plan

TODAY = dt.date(2026, 11, 20)
URGENT = (
    "If you cannot bear weight, or the pain is severe even at rest or keeps getting "
    "worse, seek urgent care."
)
# Today's log form as maya fills it: a 30-minute walk-run with pain 7/10 during it
SEVERE_WALK_RUN = {
    "pain_rest": "1",
    "pain_during": "7",
    "pain_after": "6",
    "pain_character": "dull",
    "localized": "no",
    "night_pain": "no",
    "swelling": "no",
    "activity": "walk_run",
    "minutes": "30",
    "rpe": "5",
}


@pytest.fixture
def today():
    moment = timezone.make_aware(dt.datetime(2026, 11, 20, 12, 0))
    with time_machine.travel(moment, tick=False):
        yield TODAY


@pytest.fixture
def maya(case, clinician, athlete_user, today):
    """On day 10 of the walk-run phase; dana (the lead clinician) shares a phone number."""
    clinician.first_name, clinician.last_name = "Dana", "Reyes"
    clinician.contact_phone = "+44 20 7946 0000"
    clinician.email = "dana.login@example.org"
    clinician.save()
    template = published_template(clinician)
    running_plan(
        case, clinician, started_on=TODAY - dt.timedelta(days=10), phase=2, template=template
    )
    return athlete_user


def log(user, day, *, session=None, **fields):
    athlete = user.athlete_profile
    base = {"pain_rest": 0, "pain_during": 1, "pain_after": 1, "pain_character": "dull"}
    daily_log_record(
        athlete=athlete,
        date=day,
        submitted_by=user,
        fields={"night_pain": False, **base, **fields},
        today=TODAY,
    )
    if session:
        activity_session_record(
            athlete=athlete, date=day, submitted_by=user, fields=session, today=TODAY
        )


def today_page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("athlete:today"))
    assert response.status_code == 200
    return response.content.decode()


def test_today_without_a_flag_shows_the_running_plan(client, maya):
    """The control: on an ordinary day Today shows the walk-run prescription."""
    log(maya, TODAY - dt.timedelta(days=1))
    html = today_page(client, maya)
    assert "30 min" in html and "Walk-run" in html
    assert 'id="stop"' not in html
    # The limits say where "stop and contact the team" starts (the plan's red limit).
    assert "Pain of 5/10 or more during or after running: stop and contact your clinical" in html


def test_open_red_flag_stops_the_running_plan_and_says_whom_to_call(client, maya, case):
    """19 Nov: pain woke maya at night (a red flag, night pain is one in every phase). Today,
    20 Nov, with the flag open: a stop message, no walk-run prescription, dana's name and the
    phone she chose to share (never her login e-mail), and when to seek urgent care."""
    log(maya, TODAY - dt.timedelta(days=1), night_pain=True)
    services.case_evaluate(case_id=case.pk, today=TODAY)
    assert Flag.objects.filter(case=case, kind=Flag.Kind.RED_FLAG, status="open").exists()

    html = today_page(client, maya)
    assert 'id="stop"' in html and "Stop: no running" in html
    assert "30 min" not in html and "Conversational" not in html
    assert "Dana Reyes" in html and "+44 20 7946 0000" in html
    assert "dana.login@example.org" not in html
    assert URGENT in html

    # Acknowledged is still unresolved: the stop stays until a clinician resolves the flag.
    flag = Flag.objects.get(case=case, kind=Flag.Kind.RED_FLAG)
    clinician = case.care_team.get(role="lead_clinician").user
    flag_acknowledge(flag=flag, by=clinician)
    assert 'id="stop"' in today_page(client, maya)
    flag_resolve(flag=flag, by=clinician, resolution="Seen in clinic: no fracture.")
    html = today_page(client, maya)
    assert 'id="stop"' not in html and "30 min" in html


def test_a_red_flag_from_any_rule_stops_today(client, maya, case):
    """A red flag whatever raised it (here the severe-pain rule's title) stops Today."""
    plan = case.plans.get(status="active")
    Flag.objects.create(
        case=case,
        phase=plan.current_phase,
        kind=Flag.Kind.RED_FLAG,
        title="Red flag: severe pain with impact work",
        message="Pain 7/10 during running.",
        evaluation={},
    )
    html = today_page(client, maya)
    assert "Stop: no running" in html and "30 min" not in html


def test_seven_of_ten_during_running_says_stop_not_take_it_easy(client, maya):
    """20 Nov: maya logs a 30-minute walk-run with pain 7/10 during it. The plan's red limit is
    5/10 (Plan.red_pain_limit, a clinician's parameter): the answer on submit is "stop and
    stop running", never "take today easy", and Today stops at once, before any
    evaluation has stored the flag."""
    client.force_login(maya)
    data = dict(SEVERE_WALK_RUN)
    response = client.post(reverse("athlete:log"), data, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "Logged" in html
    assert "Take today easy" not in html
    assert "your clinician has been notified" in html and "Please stop running" in html
    assert "Pain of 7/10 with impact work" in html
    assert URGENT in html and "+44 20 7946 0000" in html

    html = today_page(client, maya)
    assert "Stop: no running" in html and "30 min" not in html
    assert "pain of 7/10 with impact work today" in html


def test_a_calm_edit_keeps_the_stop_while_the_red_flag_is_open(client, maya, case):
    """20 Nov: maya logs 7/10 during her walk-run; the evaluation opens a red flag. She edits
    the day to a calm one (0/10). The rules now judge the calm day, but the flag is open until
    her clinical team reviews it: the answer keeps the stop, as Today does, and never says
    "great work"."""
    client.force_login(maya)
    data = dict(SEVERE_WALK_RUN)
    client.post(reverse("athlete:log"), data)
    services.case_evaluate(case_id=case.pk, today=TODAY)
    assert Flag.objects.filter(case=case, kind="red_flag", status__in=Flag.UNRESOLVED).exists()
    calm = {**data, "pain_rest": "0", "pain_during": "0", "pain_after": "0", "pain_character": ""}
    calm["pain_character"] = "none"
    html = client.post(reverse("athlete:log"), calm, follow=True).content.decode()
    assert "Great work" not in html
    assert "Still a stop: your clinical team is reviewing what you reported" in html
    assert URGENT in html and "+44 20 7946 0000" in html
    assert "Stop: no running" in today_page(client, maya)
    # Nor is the phase "ready to advance" beside the open red flag, for anyone
    services.case_evaluate(case_id=case.pk, today=TODAY)
    assert not Flag.objects.filter(
        case=case, kind="ready_to_advance", status__in=Flag.UNRESOLVED
    ).exists()
    nxt = client.get(reverse("athlete:next")).content.decode()
    assert 'id="stop"' in nxt and URGENT in nxt
    # What's next gives no date beside the stop: the next stage waits for the review
    assert "Next stage: on hold" in nxt and "Expected" not in nxt
    assert "earliest" not in nxt.lower()  # nor the timeline's dates


def test_session_pain_counts_and_the_limit_is_the_plans(client, maya, case):
    """Pain 4/10 during a run is below the default limit (5/10): no stop. The clinician lowers
    the plan's red limit to 4: the same day now says stop. Pain recorded with a session (a
    wearable's) counts as the log's would."""
    log(
        maya,
        TODAY,
        pain_during=2,
        pain_after=2,
        session={"activity": "run", "minutes": 20, "rpe": 5, "pain_during": 4},
    )
    assert 'id="stop"' not in today_page(client, maya)
    case.plans.filter(status="active").update(red_pain_limit=4)
    assert "pain of 4/10 with impact work today" in today_page(client, maya)


def test_pain_with_cycling_in_a_no_impact_phase_is_not_impact_work(
    client, case, clinician, athlete_user, today
):
    """In phase 1 (walking, no impact allowed), 6/10 during a bike session is not impact work:
    the stop message is for impact (the regression rules still judge it)."""
    running_plan(case, clinician, started_on=TODAY - dt.timedelta(days=3), phase=1)
    plan = case.plans.get(status="active")
    plan.current_phase.impact = "none"
    plan.current_phase.save()
    log(
        athlete_user,
        TODAY,
        pain_during=6,
        session={"activity": "cycle", "minutes": 20, "rpe": 4, "pain_during": 6},
    )
    assert 'id="stop"' not in today_page(client, athlete_user)


def test_today_with_a_red_flag_costs_the_same_queries(client, maya, case):
    """Three red flags and four clinicians cost what one of each costs."""
    plan = case.plans.get(status="active")
    phases = list(plan.phases.order_by("order"))
    client.force_login(maya)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            html = client.get(reverse("athlete:today")).content.decode()
        assert "Stop: no running" in html
        return len(captured)

    def red(phase) -> None:
        Flag.objects.create(
            case=case, phase=phase, kind="red_flag", title="Red", message=".", evaluation={}
        )

    red(phases[1])
    one = queries()
    red(phases[0])
    red(phases[2])
    for n in range(3):
        user = UserFactory(username=f"doc{n}", kind="clinician")
        case.care_team.create(user=user, role="clinician")
    assert queries() == one


def test_a_clinician_chooses_what_to_share(client, case, clinician, coach):
    """The contact page: a clinician saves a phone and an e-mail; a bad number is a form error
    (400), never a 500; a coach has no such page."""
    client.force_login(clinician)
    url = reverse("clinic:contact")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"contact_phone": "call me", "contact_email": "not-an-address"})
    assert bad.status_code == 400
    assert "contact_phone" in bad.context["form"].errors
    assert "contact_email" in bad.context["form"].errors
    ok = client.post(
        url, {"contact_phone": "+44 20 7946 0001", "contact_email": "team@clinic.test"}
    )
    assert ok.status_code == 302
    clinician.refresh_from_db()
    assert (clinician.contact_phone, clinician.contact_email) == (
        "+44 20 7946 0001",
        "team@clinic.test",
    )
    client.force_login(coach)  # a coach has no clinic: sent to their own home
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("home")


def test_no_ready_to_advance_beside_an_open_red_flag(db):
    """The demo's Maya is ready to advance (her criteria met). A red flag opens on her case, say
    from a report since edited away: until a clinician resolves it, the evaluation neither keeps
    nor raises "ready to advance"; once resolved, "ready" comes back."""
    from monitoring import demo

    today = athlete_today()
    demo.seed(today=today)
    maya_case = Flag.objects.get(kind="ready_to_advance", status__in=Flag.UNRESOLVED).case
    plan = maya_case.plans.get(status="active")
    red = Flag.objects.create(
        case=maya_case,
        phase=plan.current_phase,
        kind="red_flag",
        title="Red flag: severe pain with impact work",
        message="Pain reached 7/10.",
        evaluation={},
    )
    services.case_evaluate(case_id=maya_case.pk, today=today)
    unresolved = Flag.objects.filter(case=maya_case, status__in=Flag.UNRESOLVED)
    assert set(unresolved.values_list("kind", flat=True)) == {"red_flag"}
    Flag.objects.filter(pk=red.pk).update(status="resolved")
    services.case_evaluate(case_id=maya_case.pk, today=today)
    assert unresolved.filter(kind="ready_to_advance").exists()
