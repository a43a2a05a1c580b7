"""Psychological readiness, as stories in dates (clinical.md §9): TSK-11 (11 items 1–4, total
11–44, higher is more fear) and I-PRRS (Glazer, J Athl Train 2009;44:185-9: six items 0–100,
total = sum ÷ 10, 0–60) recorded item by item, their totals computed and never typed; an
unanswered item leaves the questionnaire incomplete (clinical.md §11: a partial screen is not a
score). A TSK-11 above the clinic's threshold (clinic protocol, default 37) suggests the
psychologist, who joins the care team in one click; the athlete reads their own progress, never
a pass mark."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from athletes.models import CareTeamMember, Clinic
from monitoring.care import readiness_rules as rules
from monitoring.care.services.readiness import readiness_record
from monitoring.models import Assessment, ReadinessQuestionnaire
from rehab.errors import ApplicationError
from tests.factories import UserFactory

from .conftest import TODAY

pytestmark = pytest.mark.django_db

NOV_6, NOV_13 = dt.date(2026, 11, 6), dt.date(2026, 11, 13)


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def clinic(case, clinician, coach, athlete_user):
    """The case's people in one clinic, with a psychologist, Ike, who is not on the case."""
    clinic = Clinic.objects.create(name="Riverside")
    for person in (clinician, coach, athlete_user):
        person.clinic = clinic
        person.save(update_fields=["clinic"])
    case.athlete.clinic = clinic
    case.athlete.save(update_fields=["clinic"])
    return clinic


@pytest.fixture
def ike(clinic):
    return UserFactory(
        username="ike-psy", first_name="Ike", last_name="Tanaka", kind="psychologist", clinic=clinic
    )


def _tsk(case, by, total: int, day=TODAY):
    """A TSK-11 whose 11 answers add up to ``total``."""
    items = [1] * 11
    left = total - 11
    for i in range(11 * 3):
        if left == 0:
            break
        if items[i % 11] < 4:
            items[i % 11] += 1
            left -= 1
    return readiness_record(
        case=case, by=by, instrument=rules.TSK11, date=day, items=items, today=TODAY
    )


# --- the rules -----------------------------------------------------------------------------------


def test_totals_are_computed_from_the_items():
    assert rules.score(rules.TSK11, [3] * 11).total == 33
    assert rules.score(rules.TSK11, [1] * 11).total == 11
    assert rules.score(rules.TSK11, [4] * 11).total == 44
    # I-PRRS: (100 + 90 + 80 + 70 + 60 + 50) / 10 = 45
    assert rules.score(rules.IPRRS, [100, 90, 80, 70, 60, 50]).total == 45
    assert rules.score(rules.IPRRS, [55, 0, 0, 0, 0, 0]).total == 5.5


def test_a_missing_item_is_incomplete_never_a_total():
    scored = rules.score(rules.TSK11, [3, 3, 3, 3, None, 3, 3, 3, 3, 3, 3])
    assert scored.total is None and scored.missing == [5]
    assert rules.score(rules.IPRRS, [100, "", 80, 70, 60, 50]).total is None


@pytest.mark.parametrize(
    ("instrument", "answers", "field"),
    [
        (rules.TSK11, [3, 3, 5, 3, 3, 3, 3, 3, 3, 3, 3], "item_3"),  # 1–4 only
        (rules.TSK11, [0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3], "item_1"),
        (rules.TSK11, [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2.5], "item_11"),
        (rules.TSK11, [3] * 10, "items"),  # eleven items
        (rules.IPRRS, [100, 90, 80, 70, 60, 101], "item_6"),
        (rules.IPRRS, [100, -10, 80, 70, 60, 50], "item_2"),
        (rules.IPRRS, [100, "lots", 80, 70, 60, 50], "item_2"),
    ],
)
def test_bad_answers_are_refused_by_item(instrument, answers, field):
    with pytest.raises(ValueError) as refused:
        rules.score(instrument, answers)
    assert field in refused.value.args[0]


def test_the_suggestion_reads_the_threshold_strictly_and_never_an_unknown():
    assert rules.above_threshold(38, 37) and not rules.above_threshold(37, 37)
    assert not rules.above_threshold(None, 37)


# --- the service ---------------------------------------------------------------------------------


def test_a_complete_questionnaire_is_also_the_assessment_the_criteria_read(case, clinician):
    answers = _tsk(case, clinician, 33)
    assert answers.total == 33 and answers.complete
    assessment = Assessment.objects.get(case=case, test="tsk11")
    assert assessment.value == 33 and answers.assessment == assessment
    assert "computed from its 11 items" in assessment.notes


def test_an_incomplete_one_keeps_its_answers_and_no_total(case, clinician):
    items = [3, 3, 3, 3, None, 3, 3, 3, 3, 3, 3]
    answers = readiness_record(
        case=case, by=clinician, instrument=rules.TSK11, date=TODAY, items=items, today=TODAY
    )
    assert answers.total is None and answers.items == items
    assert not Assessment.objects.filter(case=case).exists()  # no rule reads it


def test_an_answer_out_of_range_saves_nothing(case, clinician):
    with pytest.raises(ApplicationError) as refused:
        readiness_record(
            case=case, by=clinician, instrument=rules.IPRRS, date=TODAY,
            items=[100, 90, 80, 70, 60, 150], today=TODAY,
        )  # fmt: skip
    assert "item_6" in refused.value.errors
    assert not ReadinessQuestionnaire.objects.exists() and not Assessment.objects.exists()


def test_the_same_answers_sent_twice_are_recorded_once(case, clinician):
    first, again = _tsk(case, clinician, 30), _tsk(case, clinician, 30)
    assert first.pk == again.pk
    assert Assessment.objects.filter(case=case, test="tsk11").count() == 1


def test_who_records(case, clinician, psychologist, nutritionist, coach):
    assert _tsk(case, psychologist, 25).recorded_by == psychologist
    for person in (nutritionist, coach):
        with pytest.raises(ApplicationError):
            _tsk(case, person, 26)


# --- the case page -------------------------------------------------------------------------------


def test_the_page_records_items_and_trends_the_totals(client, case, clinician):
    """6 Nov TSK-11 40, 13 Nov 34; 20 Nov Dana enters the items on the page:
    seven 3s, three 1s and a 2, 26."""
    _tsk(case, clinician, 40, NOV_6)
    _tsk(case, clinician, 34, NOV_13)
    client.force_login(clinician)
    url = reverse("clinic:readiness_record", args=[case.pk, "tsk11"])
    items = {f"tsk11-item_{n}": 3 for n in range(1, 12)}
    bad = client.post(url, {"tsk11-date": TODAY.isoformat(), **items, "tsk11-item_4": 7})
    assert bad.status_code == 400
    assert "From 1 to 4." in bad.content.decode()
    assert ReadinessQuestionnaire.objects.count() == 2
    items.update({"tsk11-item_1": 1, "tsk11-item_2": 1, "tsk11-item_3": 1, "tsk11-item_4": 2})
    assert client.post(url, {"tsk11-date": TODAY.isoformat(), **items}).status_code == 302
    assert Assessment.objects.get(case=case, test="tsk11", date=TODAY).value == 26
    html = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    section = html[html.index('id="readiness"') : html.index('id="history"')]
    assert "TSK-11 and I-PRRS over time" in section  # the chart
    assert [m for m in re.findall(r'class="num">(\d+)</td>', section)] == ["40", "34", "26"]


def test_a_blank_item_on_the_page_is_kept_as_incomplete(client, case, clinician):
    client.force_login(clinician)
    url = reverse("clinic:readiness_record", args=[case.pk, "readiness_iprrs"])
    data = {"readiness_iprrs-date": TODAY.isoformat()}
    data.update({f"readiness_iprrs-item_{n}": 80 for n in range(1, 6)})  # item 6 blank
    assert client.post(url, data).status_code == 302
    assert ReadinessQuestionnaire.objects.get().total is None
    html = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert 'data-testid="readiness-incomplete"' in html


def test_above_the_threshold_the_psychologist_joins_in_one_click(client, case, clinician, ike):
    """20 Nov: TSK-11 of 39, above the clinic's 37: the page suggests Ike, who is not on the
    case; one click adds him as the case's psychologist."""
    _tsk(case, clinician, 39)
    client.force_login(clinician)
    html = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert 'data-testid="psychologist-suggestion"' in html
    assert "above the clinic's threshold of 37 (clinic protocol)" in html
    assert "Add Ike Tanaka to the care team" in html
    url = reverse("clinic:involve_psychologist", args=[case.pk])
    assert client.post(url, {"user_id": ike.pk}).status_code == 302
    member = CareTeamMember.objects.get(case=case, user=ike)
    assert member.role == "psychologist" and member.added_by == clinician
    html = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "On the care team already: Ike Tanaka" in html
    assert "Add Ike Tanaka" not in html


def test_at_or_under_the_clinic_threshold_nothing_is_suggested(client, case, clinician, clinic):
    clinic.tsk11_psychology_threshold = 40  # the clinic's own protocol
    clinic.save()
    _tsk(case, clinician, 39)
    client.force_login(clinician)
    html = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert 'data-testid="psychologist-suggestion"' not in html


def test_only_a_psychologist_of_the_clinic_can_be_added(client, case, clinician, ike, physio):
    _tsk(case, clinician, 40)
    stranger = UserFactory(username="other-psy", kind="psychologist")  # another clinic
    client.force_login(clinician)
    url = reverse("clinic:involve_psychologist", args=[case.pk])
    client.post(url, {"user_id": stranger.pk})
    client.post(url, {"user_id": "nonsense"})
    assert not CareTeamMember.objects.filter(case=case, user__in=[stranger, ike]).exists()
    client.force_login(physio)  # physios do not change the care team
    assert client.post(url, {"user_id": ike.pk}).status_code == 403


# --- the athlete ---------------------------------------------------------------------------------


def test_the_athlete_reads_their_own_progress_never_a_pass_mark(
    client, case, clinician, athlete_user
):
    """I-PRRS 28 on 6 Nov, 46 on 20 Nov; TSK-11 40 then 29."""
    for day, total in ((NOV_6, 28), (TODAY, 46)):
        answers = [total * 10 // 6] * 5
        answers.append(total * 10 - sum(answers))
        readiness_record(
            case=case, by=clinician, instrument=rules.IPRRS, date=day, items=answers, today=TODAY
        )
    _tsk(case, clinician, 40, NOV_6)
    _tsk(case, clinician, 29)
    client.force_login(athlete_user)
    html = client.get(reverse("athlete:progress")).content.decode()
    section = html[html.index('id="readiness"') :]
    section = section[: section.index("</section>")]
    assert "Your confidence has grown from 28 to 46 (on a scale from 0 to 60)." in section
    assert (
        "Your worry about moving and re-injury has eased from 40 to 29 (from 11, none, to 44)."
        in section
    )
    text = section.lower()
    for word in ("50", "ready", "pass", "threshold", "cut-off", "fail", "/ 60", "out of 60"):
        assert word not in text, word


# --- the API -------------------------------------------------------------------------------------


def test_the_api_computes_the_total_and_refuses_bad_items(case, clinician, psychologist, coach):
    url = "/api/v1/readiness-questionnaires/"
    body = {"case": case.pk, "instrument": "tsk11", "date": str(TODAY), "items": [3] * 11}
    made = api(psychologist).post(url, body, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["total"] == 33 and made.json()["assessment"] is not None
    bad = api(clinician).post(url, {**body, "items": [3, 3, 9, *[3] * 8]}, format="json")
    assert bad.status_code == 400 and "item_3" in bad.json()["errors"]
    partial = api(clinician).post(url, {**body, "items": [3] * 10 + [None]}, format="json")
    assert partial.status_code == 201 and partial.json()["total"] is None
    typed = api(clinician).post(url, {**body, "total": 12, "items": [1] * 11}, format="json")
    assert typed.json()["total"] == 11  # computed from the items, never the typed total
    listed = api(coach).get(url).json()
    assert listed["results"] == []


def test_the_clinic_administrator_sets_the_threshold(client, clinic, clinician, coach):
    """The threshold is the clinic's protocol, an editable default (37)."""
    assert clinic.tsk11_psychology_threshold == 37
    clinician.is_clinic_admin = True
    clinician.save(update_fields=["is_clinic_admin"])
    client.force_login(clinician)
    page = client.get(reverse("account:clinic")).content.decode()
    assert 'name="tsk11_psychology_threshold"' in page and 'value="37"' in page
    url = reverse("account:clinic_protocols")
    assert client.post(url, {"tsk11_psychology_threshold": "40"}).status_code == 302
    clinic.refresh_from_db()
    assert clinic.tsk11_psychology_threshold == 40
    response = client.post(url, {"tsk11_psychology_threshold": "50"}, follow=True)
    assert "TSK-11 totals run from 11 to 44" in response.content.decode()
    clinic.refresh_from_db()
    assert clinic.tsk11_psychology_threshold == 40
    client.force_login(coach)
    assert client.post(url, {"tsk11_psychology_threshold": "20"}).status_code == 404
