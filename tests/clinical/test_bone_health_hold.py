"""A screen that acts (issue 29, items 2 and 3): the REDs screen for every athlete (IOC REDs
CAT2, Mountjoy et al., BJSM 2023;57:1073), the Triad cumulative risk assessment computed from
its items for women (De Souza et al., BJSM 2014;48:289), the hold on impact phases until a
clinician's bone-health clearance decision, and adolescents (% of expected body weight,
calcium 1,300 mg/day at 14–18; clinical.md §10-11). Stories in dates."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from monitoring.models import Assessment, CaseNote, Flag, Notification

from . import helpers_b as h

pytestmark = pytest.mark.django_db

DIAGNOSED = dt.date(2026, 10, 1)
STARTED = dt.date(2026, 10, 2)
TODAY = dt.date(2026, 11, 20)
MAN_NO = {
    "clinical_low_testosterone": "no",
    "subclinical_low_testosterone": "no",
    "low_t3": "no",
    "bsi_history": "no",
    "low_bmd": "no",
    "eating_disorder": "no",
    "low_libido": "no",
    "low_ea": "no",
    "one_low_risk_bsi": "no",
    "lipids": "no",
    "iron_deficiency": "no",
    "mood": "no",
    "red_findings": "no",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def dr():
    return h.clinician()


def reds_post(client, case, answers, day=TODAY):
    data = {"date": day.isoformat(), **{f"ind_{k}": v for k, v in answers.items()}}
    return client.post(reverse("care:reds_screen_new", kwargs={"case_id": case.pk}), data)


def decide(client, case, **data):
    return client.post(
        reverse("care:bone_health_decision_new", kwargs={"case_id": case.pk}),
        {"decided_on": TODAY.isoformat(), **data},
    )


def impact_plan(case, dr):
    """The case's navicular plan, in its first phase with impact work since 10 Nov."""
    plan = h.start_plan(case, dr, "navicular", STARTED)
    first = next(p for p in plan.phases.order_by("order") if p.impact in {"moderate", "high"})
    h.move_to(plan, first.order, dt.date(2026, 11, 10))
    return plan


def hold_result(case, day=TODAY):
    evaluation = h.evaluate(case, day)
    found = [r for r in evaluation.advance if r.kind == "bone_health_decision"]
    return (found[0] if found else None), evaluation


def test_a_man_through_the_reds_path_holds_impact_until_a_clinician_decides(client, dr):
    """A man's navicular BSI diagnosed 1 Oct; in his first impact phase from 10 Nov. On 20 Nov
    the clinician records a REDs screen: subclinically low testosterone (a primary indicator),
    nothing else → yellow. The case's screen turns positive (a conservative plan suggestion),
    a bone-health flag opens, the nutritionist gets a clinical note addressed to them, and the
    impact phase is held: not recommended for advancement, the evaluation saying why. The
    athlete's Today says in plain words that the care team checks first, without the screen.
    A clinician then records the decision (impact may progress, with why): the hold is met."""
    case = h.open_case(dr, "navicular", diagnosed_on=DIAGNOSED, sex="male")
    impact_plan(case, dr)
    nutritionist = h.member(case, "rosa_b", "nutritionist", "nutritionist")
    client.force_login(dr)

    response = reds_post(client, case, {**MAN_NO, "subclinical_low_testosterone": "yes"})

    assert response.status_code == 302, response.content.decode()
    screen = Assessment.objects.get(case=case, test="reds_screen")
    assert screen.value == 1 and "Yellow" in screen.notes
    case.refresh_from_db()
    assert case.red_s_screen == "positive" and case.bone_health_hold_since == TODAY
    assert "Positive RED-S / Triad screen" in case.bone_health_flags  # conservative suggestion
    assert Flag.objects.filter(case=case, kind="bone_health", status="open").exists()
    notice = Notification.objects.get(recipient=nutritionist, case=case)
    assert "Nutritionist review requested" in notice.body
    note = CaseNote.objects.get(case=case)
    assert note.audience == "clinical" and "nutritionist has been asked" in note.body
    hold, evaluation = hold_result(case)
    assert hold.met is False and not evaluation.ready
    assert "Impact held since 20 Nov 2026" in hold.sentence
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert 'data-testid="bone-hold"' in page
    assert 'data-testid="return-waits"' in page  # the projected return waits for the decision
    coach = h.member(case, "kim_c", "coach", "coach")
    client.force_login(coach)
    for name in ("coach:athlete", "coach:board"):
        args = [case.pk] if name == "coach:athlete" else []
        coach_page = client.get(reverse(name, args=args)).content.decode()
        assert 'data-testid="return-waits"' in coach_page, name  # that it waits, never why
        assert "On track" not in coach_page, name
        for word in ("REDs", "testosterone", "Bone-health screen", "Yellow"):
            assert word not in coach_page, (name, word)

    athlete_user = h.member(case, "sam_m", "athlete", "athlete")
    case.athlete.user = athlete_user
    case.athlete.save(update_fields=["user"])
    client.force_login(athlete_user)
    today_page = client.get(reverse("athlete:today")).content.decode()
    assert "energy and bone health first" in today_page
    for word in ("REDs", "testosterone", "Triad", "Yellow"):
        assert word not in today_page

    client.force_login(dr)
    response = decide(client, case, decision="impact", reason="Testosterone rechecked normal.")
    assert response.status_code == 302
    hold, _ = hold_result(case)
    assert hold.met is True and "impact work may progress" in hold.sentence
    case.refresh_from_db()
    assert case.bone_health_decision_by == dr
    page = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert 'data-testid="return-waits"' not in page
    # The decision answers the flag's review; the record of changes names who held impact.
    flag = Flag.objects.get(case=case, kind="bone_health")
    assert flag.status == "resolved" and flag.resolved_by == dr
    assert "impact work may progress" in flag.resolution
    held = case.history.filter(bone_health_hold_since=TODAY).earliest("history_date")
    assert held.history_change_reason == "Impact held after a positive bone-health screen"


def test_an_incomplete_reds_screen_is_not_a_clearance(client, dr):
    """A man's navicular BSI; on 20 Nov the clinician answers every indicator but low BMD
    (not measured yet), all absent: the screen is incomplete, recorded as such, the bone-health
    gate reads it as unknown, and nothing is held (nothing found yet)."""
    case = h.open_case(dr, "navicular", diagnosed_on=DIAGNOSED, sex="male")
    client.force_login(dr)
    answers = {**MAN_NO, "low_bmd": ""}

    assert reds_post(client, case, answers).status_code == 302

    assert Assessment.objects.filter(case=case, test="reds_incomplete").exists()
    assert not Assessment.objects.filter(case=case, test="reds_screen").exists()
    case.refresh_from_db()
    assert case.bone_health_hold_since is None and case.red_s_screen == "not_screened"


def test_a_femoral_neck_screen_counts_the_trabecular_site_by_itself(client, dr):
    """A woman's compression-side femoral neck BSI: the clinician answers every indicator
    'no', the BSI history too; the trabecular site is a CAT2 primary indicator whatever the
    answer: yellow, and impact is held."""
    case = h.open_case(dr, "femoral_neck_compression", diagnosed_on=DIAGNOSED)
    client.force_login(dr)
    answers = {k: "no" for k in ("primary_amenorrhoea", "secondary_amenorrhoea", "low_t3")}
    answers |= {k: "no" for k in ("bsi_history", "low_bmd", "eating_disorder", "oligomenorrhoea")}
    answers |= {k: "no" for k in ("low_ea", "one_low_risk_bsi", "lipids", "iron_deficiency")}
    answers |= {"mood": "no", "red_findings": "no"}

    assert reds_post(client, case, answers).status_code == 302

    assert Assessment.objects.get(case=case, test="reds_screen").value == 1
    case.refresh_from_db()
    assert case.bone_health_hold_since == TODAY


@pytest.mark.parametrize(
    ("items", "band", "held"),
    [
        ({"energy": 0, "bmi": 0, "menarche": 0, "menses": 0, "bmd": 0, "bsi": 1}, "Full", False),
        ({"energy": 1, "bmi": 1, "menarche": 0, "menses": 1, "bmd": 0, "bsi": 1}, "Provis", False),
        ({"energy": 2, "bmi": 1, "menarche": 1, "menses": 2, "bmd": 1, "bsi": 1}, "Restr", True),
        ({"energy": 2, "bmi": 2, "menses": 2}, "Incomplete", False),
    ],
)
def test_each_triad_band(client, dr, items, band, held):
    """A woman's navicular BSI, in her first impact phase from 10 Nov. On 20 Nov the
    nutritionist's Triad items give 1 (full clearance), 4 (provisional), 8 (restricted: impact
    held) or leave items out (incomplete: never a clearance, nothing held)."""
    case = h.open_case(dr, "navicular", diagnosed_on=DIAGNOSED)
    impact_plan(case, dr)
    client.force_login(h.member(case, "rosa_b", "nutritionist", "nutritionist"))
    data = {"date": TODAY.isoformat(), **{k: str(v) for k, v in items.items()}}

    assert client.post(reverse("care:bone_health_new", args=[case.pk]), data).status_code == 302

    triad = Assessment.objects.filter(case=case).latest("id")
    assert band in triad.notes
    case.refresh_from_db()
    assert (case.bone_health_hold_since == TODAY) is held
    hold, evaluation = hold_result(case)
    assert (hold is not None and hold.met is False) is held


def test_an_adolescent_through_percent_of_expected_weight_and_calcium_1300(client, dr):
    """A 15-year-old girl (born 3 Mar 2011), posteromedial tibia. On 20 Nov the nutritionist
    gives her height (165 cm) and weight (45 kg) rather than scoring the BMI item: 83% of
    expected body weight → 2 points (an adult's BMI cut-off would say the same; a 50 kg girl
    would be 92% → 0). The calcium line reads 1,300 mg/day at 15; the form says so, asks for
    % of expected weight, and the bone-health page shows the growth-plate note."""
    case = h.open_case(dr, "posteromedial_tibia", diagnosed_on=DIAGNOSED)
    case.athlete.date_of_birth = dt.date(2011, 3, 3)
    case.athlete.save(update_fields=["date_of_birth"])
    client.force_login(h.member(case, "rosa_b", "nutritionist", "nutritionist"))
    timeline = client.get(reverse("care:timeline", args=[case.pk])).content.decode()
    assert "% of expected body weight" in timeline and "1,300 mg/day at 15 years" in timeline
    items = {"energy": "0", "menarche": "0", "menses": "0", "bmd": "0", "bsi": "1"}
    data = {"date": TODAY.isoformat(), "height_cm": "165", "weight_kg": "45", "calcium_mg": "900"}

    response = client.post(reverse("care:bone_health_new", args=[case.pk]), {**data, **items})

    assert response.status_code == 302
    triad = Assessment.objects.get(case=case, test="bone_health_cra")
    assert triad.value == 3  # bmi 2 + bsi 1
    assert "83% of expected body weight at 15 years" in triad.notes
    assert "1,300 mg/day at 15 years" in triad.notes
    client.force_login(dr)
    page = client.get(reverse("care:bone_health", args=[case.pk])).content.decode()
    assert 'data-testid="growth-plate-note"' in page
    bad = client.post(
        reverse("care:bone_health_new", args=[case.pk]), {**data, **items, "weight_kg": ""}
    )
    assert bad.status_code == 400


def test_the_decision_needs_a_clinician_a_reason_and_a_date(client, dr):
    """After a positive screen on 20 Nov: no reason, a date in the future or before the
    screen are form errors, nothing saved; a physiotherapist or the nutritionist may not
    decide (403); a coach does not even see the bone-health page (404)."""
    case = h.open_case(dr, "navicular", diagnosed_on=DIAGNOSED, sex="male")
    client.force_login(dr)
    assert reds_post(client, case, {**MAN_NO, "low_t3": "yes"}).status_code == 302

    assert decide(client, case, decision="impact", reason="").status_code == 400
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert (
        decide(client, case, decision="impact", reason="x", decided_on=tomorrow).status_code == 400
    )
    before = "2026-11-01"
    response = decide(client, case, decision="impact", reason="x", decided_on=before)
    assert (
        response.status_code == 400
        and "On or after the positive screen" in response.content.decode()
    )
    assert decide(client, case, decision="maybe", reason="x").status_code == 400
    case.refresh_from_db()
    assert case.bone_health_decision == ""

    for role, kind, status in (("physio", "physio", 403), ("nutritionist", "nutritionist", 403)):
        client.force_login(h.member(case, f"u_{role}", role, kind))
        assert decide(client, case, decision="impact", reason="x").status_code == status
    client.force_login(h.member(case, "coach_c", "coach", "coach"))
    assert client.get(reverse("care:bone_health", args=[case.pk])).status_code == 404
    assert reds_post(client, case, MAN_NO).status_code == 404
