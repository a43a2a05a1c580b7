"""Bone-health screens (issue 22, items 7, 8 and 9): trabecular sites require the screen and
score 2 Triad points by themselves; a partial Triad score is not a clearance; men are screened
with a REDs screen; a restricted or positive screen acts.

Sources (clinical.md §10-11): De Souza et al., BJSM 2014;48:289 (Triad cumulative risk
assessment: 0-1 full clearance, 2-5 provisional, 6 or more restricted; a stress injury at a
high-risk trabecular site scores 2; validated in women); Mountjoy et al., BJSM 2023;57:1073 (IOC
REDs CAT2: a femoral neck, sacrum or pelvis BSI is a primary indicator).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from monitoring.care import reds
from monitoring.models import Assessment, Flag, Notification
from monitoring.surfaces.clinic import view_models as clinic

from . import helpers_b as h

pytestmark = pytest.mark.django_db

DIAGNOSED = dt.date(2026, 10, 1)
STARTED = dt.date(2026, 10, 2)
TODAY = dt.date(2026, 11, 20)
ALL_ZERO = {"energy": "0", "bmi": "0", "menarche": "0", "menses": "0", "bmd": "0", "bsi": "0"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def dr():
    return h.clinician()


def review(client, case, data):
    """The bone-health review as the care timeline's form posts it."""
    return client.post(
        reverse("care:bone_health_new", kwargs={"case_id": case.pk}),
        {"date": TODAY.isoformat(), **data},
    )


def cat2(client, case, present=()):
    """The REDs CAT2 screen as the bone-health page's form posts it, every indicator that
    applies answered: ``present`` yes, the others no."""
    keys = reds.applicable(sex=case.athlete.sex, under_18=False)
    answers = {f"ind_{k}": "yes" if k in present else "no" for k in keys}
    return client.post(
        reverse("care:reds_screen_new", kwargs={"case_id": case.pk}),
        {"date": TODAY.isoformat(), **answers},
    )


def gate_phase(plan):
    """The phase whose advance criteria hold the bone-health screen gate."""
    (found,) = [
        p for p in plan.phases.order_by("order") if "bone_health_screen" in h.kinds(p.advance_when)
    ]
    return found


def screen_result(case):
    evaluation = h.evaluate(case, TODAY)
    (result,) = [r for r in evaluation.advance if r.kind == "bone_health_screen"]
    return result, evaluation


def test_a_sacral_injury_requires_the_screen_and_scores_two_points_by_itself(client, dr):
    """A sacral BSI (low healing risk, trabecular) diagnosed 1 Oct: the plan drafted from the
    general low-risk template gates impact on the bone-health screen. On 20 Nov the nutritionist
    scores every Triad item 0, the stress-injury item too: the sacrum scores 2 by itself, so the
    total is 2 (provisional), not 0 (full clearance)."""
    case = h.open_case(dr, "sacrum", diagnosed_on=DIAGNOSED)
    assert case.risk == "low"
    plan = h.start_plan(case, dr, "low-risk-general", STARTED)
    gated = gate_phase(plan)
    following = plan.phases.get(order=gated.order + 1)
    assert following.impact in {"moderate", "high"} and gated.impact not in {"moderate", "high"}
    assert "trabecular site" in gated.notes

    nutritionist = h.member(case, "rosa_b", "nutritionist", "nutritionist")
    client.force_login(nutritionist)
    assert review(client, case, ALL_ZERO).status_code == 302

    triad = Assessment.objects.get(case=case, test="bone_health_cra")
    assert triad.value == 2
    assert "a trabecular site scores 2 by itself" in triad.notes
    assert "Provisional" in triad.notes


def test_a_partial_triad_score_is_not_a_clearance(client, dr):
    """A woman's posteromedial tibial BSI with a prior BSI, on the conservative plan; she is in
    the walking phase (bone-health gate) from 10 Nov. On 20 Nov the nutritionist scores only the
    energy item (0): the score is incomplete, the gate unknown, not met (before: 0, "full
    clearance", passing the 5-or-less gate). A typed total is refused by the page and the API."""
    case = h.open_case(dr, "posteromedial_tibia", diagnosed_on=DIAGNOSED, prior_bsi_count=1)
    plan = h.start_plan(case, dr, "tibia-low-risk-conservative", STARTED)
    h.move_to(plan, gate_phase(plan).order, dt.date(2026, 11, 10))
    nutritionist = h.member(case, "rosa_b", "nutritionist", "nutritionist")
    client.force_login(nutritionist)

    assert review(client, case, {"energy": "0"}).status_code == 302

    assert not Assessment.objects.filter(case=case, test="bone_health_cra").exists()
    partial = Assessment.objects.get(case=case, test="triad_incomplete")
    assert "Incomplete, not a clearance" in partial.notes
    result, evaluation = screen_result(case)
    assert result.met is None and "incomplete" in result.sentence
    assert not evaluation.ready

    typed = {"test": "bone_health_cra", "value": "0", "date": TODAY.isoformat()}
    page = client.post(reverse("clinic:assessment_new", args=[case.pk]), typed)
    assert page.status_code == 400
    client.force_login(dr)
    api = client.post(
        "/api/v1/assessments/", {"case": case.pk, **typed}, content_type="application/json"
    )
    assert api.status_code == 400 and "test" in api.json()["errors"]
    assert not Assessment.objects.filter(case=case, test="bone_health_cra").exists()


def test_a_man_is_screened_with_a_reds_screen(client, dr):
    """A man's tibial BSI with a prior BSI, on the conservative plan, in the walking phase from
    10 Nov. The review page says the Triad tool is not validated in men and links to the REDs
    screen; it offers no second REDs form. A complete (male) Triad score of 0 on 20 Nov does
    not clear him: the gate stays unknown until the REDs CAT2 screen, green the same day (every
    indicator answered, none present), clears it."""
    case = h.open_case(
        dr, "posteromedial_tibia", diagnosed_on=DIAGNOSED, sex="male", prior_bsi_count=1
    )
    plan = h.start_plan(case, dr, "tibia-low-risk-conservative", STARTED)
    h.move_to(plan, gate_phase(plan).order, dt.date(2026, 11, 10))
    client.force_login(dr)
    page = client.get(reverse("care:timeline", kwargs={"case_id": case.pk})).content.decode()
    assert "The Triad tool is not validated in men" in page
    assert "reds_result" not in page and "/bone-health/screens/#reds" in page

    men = {"energy": "0", "bmi": "0", "bmd": "0", "bsi": "1"}
    assert review(client, case, men).status_code == 302
    result, _ = screen_result(case)
    assert result.met is None and "not validated in men" in result.sentence

    assert review(client, case, {"reds_result": "negative"}).status_code == 400  # not offered
    assert cat2(client, case).status_code == 302
    result, _ = screen_result(case)
    assert result.met is True and result.observed == "negative"


def test_a_positive_screen_flags_the_case_and_turns_the_plan_conservative(client, dr):
    """A navicular BSI diagnosed 1 Oct, its plan running since 2 Oct. On 20 Nov the clinician
    records a REDs CAT2 screen with two secondary indicators (low energy availability, iron
    deficiency): yellow, positive (Mountjoy 2023). The case's screen turns positive,
    the clinical team gets a bone-health flag and a notice, the case header shows it, and the
    evaluation leaves the flag alone. A new navicular case with a positive screen gets a plan
    with a bone-health gate before impact (there is no conservative navicular template); one
    with a negative screen does not; and the new-case panel promises only that."""
    case = h.open_case(dr, "navicular", diagnosed_on=DIAGNOSED, red_s_screen="negative")
    h.start_plan(case, dr, "navicular", STARTED)
    client.force_login(dr)

    response = cat2(client, case, present=("low_ea", "iron_deficiency"))

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.red_s_screen == "positive"
    flag = Flag.objects.get(case=case, kind="bone_health", status="open")
    assert "REDs screen on 20 Nov 2026: Yellow" in flag.message
    assert Notification.objects.filter(recipient=dr, flag=flag).exists()
    header = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "Positive RED-S / Triad screen" in header
    h.evaluate(case, TODAY)
    assert Flag.objects.get(pk=flag.pk).status == "open"

    positive = h.open_case(dr, "navicular", diagnosed_on=TODAY, red_s_screen="positive")
    negative = h.open_case(dr, "navicular", diagnosed_on=TODAY, red_s_screen="negative")
    gated = gate_phase(h.start_plan(positive, dr, "navicular", TODAY))
    assert "no conservative variant" in gated.notes
    plain = h.start_plan(negative, dr, "navicular", TODAY)
    assert not any("bone_health_screen" in h.kinds(p.advance_when) for p in plain.phases.all())

    panel = clinic.case_implications({"site": "navicular", "red_s_screen": "positive"})
    text = " ".join(i.detail for i in panel.items)
    assert "The conservative variant is suggested first" not in text
    assert "adds a bone-health screen gate before impact" in text


def test_a_restricted_triad_score_flags_the_case(client, dr):
    """A woman's navicular BSI: on 20 Nov the nutritionist's complete Triad score is 7
    (restricted, 6 or more): a bone-health flag for the clinical team; a later complete score
    of 1 clears it."""
    case = h.open_case(dr, "navicular", diagnosed_on=DIAGNOSED)
    h.start_plan(case, dr, "navicular", STARTED)
    nutritionist = h.member(case, "rosa_b", "nutritionist", "nutritionist")
    client.force_login(nutritionist)
    restricted = {"energy": "2", "bmi": "1", "menarche": "1", "menses": "2", "bmd": "1", "bsi": "0"}

    assert review(client, case, restricted).status_code == 302

    flag = Flag.objects.get(case=case, kind="bone_health", status="open")
    assert "restricted" in flag.title.lower()
    assert review(client, case, {**ALL_ZERO, "bsi": "1"}).status_code == 302
    assert Flag.objects.get(pk=flag.pk).status == "resolved"


def test_a_milder_triad_score_does_not_clear_a_positive_reds_screen(client, dr):
    """A woman's navicular BSI, her plan running since 2 Oct. On 18 Nov the clinician's REDs
    CAT2 screen is yellow (low energy availability and iron deficiency; Mountjoy 2023): the
    case's screen turns positive and a bone-health flag opens. On 20 Nov the nutritionist's
    complete Triad score is 4 (provisional, De Souza 2014), which would clear a Triad gate but
    says nothing of the REDs indicators: the flag stays open, the case stays positive and the
    screen gate is not met until a later REDs screen is green."""
    case = h.open_case(dr, "navicular", diagnosed_on=DIAGNOSED)
    plan = h.start_plan(case, dr, "navicular", STARTED)
    nutritionist = h.member(case, "rosa_b", "nutritionist", "nutritionist")
    client.force_login(dr)
    keys = reds.applicable(sex="female", under_18=False)
    yellow = {f"ind_{k}": "yes" if k in ("low_ea", "iron_deficiency") else "no" for k in keys}
    day = dt.date(2026, 11, 18).isoformat()
    url = reverse("care:reds_screen_new", kwargs={"case_id": case.pk})
    assert client.post(url, {"date": day, **yellow}).status_code == 302
    flag = Flag.objects.get(case=case, kind="bone_health", status="open")

    client.force_login(nutritionist)
    provisional = {**ALL_ZERO, "energy": "1", "menses": "1", "bmd": "1", "bsi": "1"}
    assert review(client, case, provisional).status_code == 302

    assert Flag.objects.get(pk=flag.pk).status == "open"
    case.refresh_from_db()
    assert case.red_s_screen == "positive"
    plan.phases.filter(pk=plan.current_phase_id).update(
        advance_when=[{"kind": "bone_health_screen", "max_score": 5, "within_days": 365}]
    )
    result, _ = screen_result(case)
    assert result.met is False
    assert result.observed == "positive"

    client.force_login(dr)
    assert cat2(client, case).status_code == 302  # green on 20 Nov
    assert Flag.objects.get(pk=flag.pk).status == "resolved"
    result, _ = screen_result(case)
    assert result.met is True


def test_the_api_scores_the_triad_from_its_items(client, dr):
    """POST /api/v1/cases/{id}/bone-health-reviews/ on 20 Nov: one item scored is recorded as
    an incomplete score, never a clearance; a REDs screen is recorded with its indicators; an
    item out of range is a 400 with its field."""
    case = h.open_case(dr, "pelvis", diagnosed_on=DIAGNOSED)
    url = f"/api/v1/cases/{case.pk}/bone-health-reviews/"
    client.force_login(dr)

    partial = client.post(
        url, {"date": TODAY.isoformat(), "energy": 0}, content_type="application/json"
    )
    assert partial.status_code == 201
    assert [a["test"] for a in partial.json()] == ["triad_incomplete"]
    bad = client.post(url, {"date": TODAY.isoformat(), "bmi": 3}, content_type="application/json")
    assert bad.status_code == 400 and "bmi" in bad.json()["errors"]
    reds = client.post(
        url,
        {"date": TODAY.isoformat(), "reds_result": "positive", "reds_indicators": ["bsi_history"]},
        content_type="application/json",
    )
    assert reds.status_code == 201 and reds.json()[0]["test"] == "reds_screen"
    case.refresh_from_db()
    assert case.red_s_screen == "positive"


def test_a_screen_from_an_earlier_phase_still_reaches_the_gate(client, dr):
    """A pelvic BSI diagnosed 4 May; the nutritionist's complete Triad score of 10 May is 2
    (the pelvis's 2 points, provisional). The plan reaches its bone-health gate on 1 Nov, long
    after the screen: on 20 Nov the gate reads it, met (a screen is the case's, not a phase's;
    it counts for 365 days)."""
    case = h.open_case(dr, "pelvis", diagnosed_on=dt.date(2026, 5, 4))
    plan = h.start_plan(case, dr, "low-risk-general", dt.date(2026, 5, 5))
    nutritionist = h.member(case, "rosa_b", "nutritionist", "nutritionist")
    client.force_login(nutritionist)
    assert review(client, case, {**ALL_ZERO, "date": "2026-05-10"}).status_code == 302
    h.move_to(plan, gate_phase(plan).order, dt.date(2026, 11, 1))

    result, _ = screen_result(case)

    assert result.met is True and result.observed == 2


def test_the_bone_health_page_lists_screens_as_a_reviewer_reads_them(client, dr):
    """A man's navicular case, screened positive at intake (outside the app): his bone-health
    page says so and asks for the REDs screen, offers no Triad (validated in women only). His
    orange CAT2 screen of 20 Nov (one primary, two secondary indicators; Mountjoy 2023) is
    listed by its plain title with an orange light, announced as a warning."""
    case = h.open_case(dr, "navicular", diagnosed_on=DIAGNOSED, sex="male", red_s_screen="positive")
    client.force_login(dr)
    url = reverse("care:bone_health", kwargs={"case_id": case.pk})
    page = client.get(url).content.decode()
    assert 'data-testid="intake-screen"' in page and "positive at intake" in page
    assert "Triad cumulative risk assessment" not in page and "Triad items" not in page

    response = cat2(client, case, present=("bsi_history", "low_ea", "iron_deficiency"))
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "REDs screen (IOC REDs CAT2)" in page
    assert 'class="pill light-orange"' in page
    assert "0 negative/green" not in page and "docs/bone-health.md" not in page
    assert "msg-warning" in page and "REDs screen recorded: Orange" in page
