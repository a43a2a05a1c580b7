"""Who may open each clinic page and use each action: anonymous, every role, an outsider."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from athletes.models import Case
from monitoring.ingest.items import assessment_record
from monitoring.models import Assessment, Flag
from protocols.models import PhaseTransition

from .conftest import TODAY, raise_red_flag

ROLES = ["clinician", "physio", "coach", "athlete_user", "nutritionist", "psychologist"]
CLINIC_STAFF = ["clinician", "physio", "nutritionist", "psychologist"]
NOT_CLINIC = ["coach", "athlete_user", "integration"]  # their own pages are elsewhere
HOMES = {"coach": "coach:board", "athlete_user": "athlete:today", "integration": "api-docs"}
CLINICAL = {"clinician", "physio"}


@pytest.fixture
def flagged(case, plan, team):
    raise_red_flag(case, team["clinician"])
    return case.flags.get(kind="red_flag")


def _login(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    return user


# --- GET pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["clinic:cases", "clinic:inbox", "clinic:case_new", "clinic:nav_counts"]
)
def test_anonymous_users_are_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_users_are_sent_to_login_from_a_case(client, case, plan):
    for url in [
        reverse("clinic:case", kwargs={"case_id": case.pk}),
        reverse("clinic:case_implications") + "?site=navicular",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", CLINIC_STAFF)
def test_the_case_list_shows_the_case_to_the_clinic_staff_on_its_care_team(
    client, request, case, who
):
    _login(client, request, who)
    response = client.get(reverse("clinic:cases"))
    assert response.status_code == 200
    assert str(case.athlete) in response.content.decode()


@pytest.mark.parametrize("who", NOT_CLINIC)
@pytest.mark.parametrize("page", ["clinic:cases", "clinic:inbox", "clinic:nav_counts"])
def test_the_clinics_lists_send_other_people_to_their_own_home(
    client, request, case, plan, flagged, who, page
):
    """A coach, an athlete or an integration account has no clinic: no "0 red flags" beside an
    open red flag, no clinician menus; the home page sends each to their own place."""
    _login(client, request, who)
    response = client.get(reverse(page))
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).url == reverse(HOMES[who])


def test_the_case_list_does_not_show_an_outsider_the_case(client, case, outsider):
    client.force_login(outsider)
    response = client.get(reverse("clinic:cases"))
    assert response.status_code == 200
    assert str(case.athlete) not in response.content.decode()


PAGE_ROLES = CLINIC_STAFF


@pytest.mark.parametrize("who", PAGE_ROLES)
def test_the_case_page_is_for_the_care_team(client, request, case, plan, flagged, who):
    _login(client, request, who)
    response = client.get(reverse("clinic:case", kwargs={"case_id": case.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert str(case.athlete) in html and "Posteromedial tibia" in html
    clinical = who in CLINICAL
    assert ("Current evaluation" in html) is clinical
    assert (flagged.message in html) is clinical
    assert ('aria-label="Pain over time"' in html) is clinical
    assert ("Low risk" in html) is clinical
    assert ('id="flags"' in html) is clinical  # flags are not a nutritionist's business
    # Action forms only for the roles whose predicate allows them.
    assert ('action="' + reverse("clinic:case_decide", args=[case.pk]) in html) is (who in CLINICAL)
    assert ('action="' + reverse("clinic:case_sign_off", args=[case.pk]) in html) is (
        who in CLINICAL
    )
    assert ("Acknowledge</button>" in html) is (who in CLINICAL)
    records = who in CLINICAL | {"nutritionist", "psychologist"}
    assert ("Record an assessment" in html) is records


@pytest.mark.parametrize("who", NOT_CLINIC)
def test_the_case_page_and_its_actions_are_404_to_a_coach_and_the_athlete(
    client, request, case, plan, flagged, who
):
    """A coach follows the case on the coach pages (no diagnosis details there), the athlete on
    their own pages (/me/), an integration account through the API."""
    _login(client, request, who)
    assert client.get(reverse("clinic:case", args=[case.pk])).status_code == 404
    for url in [
        reverse("clinic:case_decide", args=[case.pk]),
        reverse("clinic:case_sign_off", args=[case.pk]),
        reverse("clinic:assessment_new", args=[case.pk]),
        reverse("clinic:flag_acknowledge", args=[case.pk, flagged.pk]),
        reverse("clinic:flag_resolve", args=[case.pk, flagged.pk]),
    ]:
        assert client.post(url, {}).status_code == 404, url
    flagged.refresh_from_db()
    assert flagged.status == Flag.Status.OPEN


def test_the_case_list_shows_a_nutritionist_the_summary(client, case, plan, flagged, nutritionist):
    client.force_login(nutritionist)
    html = client.get(reverse("clinic:cases")).content.decode()
    assert "Posteromedial tibia" in html and "2 of 4" in html
    assert "chip-red_flag" not in html and "Low risk" not in html
    assert reverse("clinic:case", args=[case.pk]) in html


@pytest.mark.parametrize("who", ["outsider", None])
def test_the_case_page_is_404_for_an_outsider_and_an_unknown_case(client, request, case, who):
    user = request.getfixturevalue("outsider")
    client.force_login(user)
    case_id = case.pk if who else 999_999
    assert client.get(reverse("clinic:case", kwargs={"case_id": case_id})).status_code == 404


@pytest.mark.parametrize("who", [*CLINIC_STAFF, "outsider"])
def test_the_inbox_lists_red_flags_only_to_the_clinical_roles(client, request, flagged, who):
    _login(client, request, who)
    response = client.get(reverse("clinic:inbox"))
    assert response.status_code == 200
    assert (flagged.title in response.content.decode()) is (who in CLINICAL)


@pytest.mark.parametrize("who", ["clinician", "physio"])
def test_clinicians_and_physios_open_cases(client, request, case, who):
    _login(client, request, who)
    assert client.get(reverse("clinic:case_new")).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [("coach", 302), ("athlete_user", 302), ("nutritionist", 403), ("psychologist", 403)],
)
def test_other_roles_may_not_open_cases(client, request, case, who, status):
    _login(client, request, who)
    assert client.get(reverse("clinic:case_new")).status_code == status
    assert client.post(reverse("clinic:case_new"), {"site": "fibula"}).status_code == status
    assert Case.objects.count() == 1


def test_the_nav_count_is_the_open_red_flags_of_my_clinical_cases(client, flagged, team):
    client.force_login(team["clinician"])
    assert client.get(reverse("clinic:nav_counts")).content.decode().count(">1<") == 1
    client.force_login(team["nutritionist"])
    assert ">0<" in client.get(reverse("clinic:nav_counts")).content.decode()


# --- POST handlers refuse the roles without the predicate ----------------------------------------


def _decision(case, plan, **extra):
    return {
        "kind": "hold",
        "reason": "Wait for the hop test.",
        "effective_on": TODAY.isoformat(),
        "expected_phase_id": plan.current_phase_id,
        **extra,
    }


@pytest.mark.parametrize("who", ["athlete_user", "nutritionist", "psychologist"])
def test_posts_are_refused_without_the_predicate(client, request, case, plan, flagged, who):
    refused = 404 if who == "athlete_user" else 403  # no clinic page of the case is theirs
    _login(client, request, who)
    urls = {
        "decide": reverse("clinic:case_decide", args=[case.pk]),
        "sign_off": reverse("clinic:case_sign_off", args=[case.pk]),
        "ack": reverse("clinic:flag_acknowledge", args=[case.pk, flagged.pk]),
        "resolve": reverse("clinic:flag_resolve", args=[case.pk, flagged.pk]),
    }
    data = {
        "decide": _decision(case, plan),
        "sign_off": {"phase_id": plan.current_phase_id},
        "ack": {},
        "resolve": {f"flag-{flagged.pk}-resolution": "Seen."},
    }
    for key, url in urls.items():
        assert client.post(url, data[key]).status_code == refused, key
    flagged.refresh_from_db()
    plan.current_phase.refresh_from_db()
    assert flagged.status == Flag.Status.OPEN
    assert plan.current_phase.signed_off_on is None
    assert not PhaseTransition.objects.filter(plan=plan, kind="hold").exists()


@pytest.mark.parametrize(("who", "status"), [("athlete_user", 404), ("coach", 404)])
def test_assessments_are_refused_to_roles_that_record_none(
    client, request, case, plan, who, status
):
    _login(client, request, who)
    url = reverse("clinic:assessment_new", args=[case.pk])
    data = {"test": "single_leg_hop", "value": 12, "date": TODAY.isoformat()}
    assert client.post(url, data).status_code == status
    assert not Assessment.objects.exists()


def test_posts_about_a_case_are_404_for_an_outsider(client, case, plan, flagged, outsider):
    client.force_login(outsider)
    for url in [
        reverse("clinic:case_decide", args=[case.pk]),
        reverse("clinic:case_sign_off", args=[case.pk]),
        reverse("clinic:assessment_new", args=[case.pk]),
        reverse("clinic:flag_acknowledge", args=[case.pk, flagged.pk]),
        reverse("clinic:flag_resolve", args=[case.pk, flagged.pk]),
    ]:
        assert client.post(url, {}).status_code == 404, url


def test_a_flag_of_another_case_is_404_even_for_a_clinician(client, case, plan, flagged, outsider):
    other = outsider.care_roles.get().case
    client.force_login(outsider)
    url = reverse("clinic:flag_acknowledge", args=[other.pk, flagged.pk])
    assert client.post(url).status_code == 404


def test_posts_need_a_login_and_pages_refuse_other_methods(client, case, plan, team):
    url = reverse("clinic:case_decide", args=[case.pk])
    response = client.post(url, {})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(team["clinician"])
    assert client.get(url).status_code == 405
    assert client.post(reverse("clinic:case", args=[case.pk])).status_code == 405


@pytest.mark.parametrize("who", sorted(CLINICAL))
def test_clinical_roles_may_use_every_action(client, request, case, plan, flagged, who):
    _login(client, request, who)
    ack = reverse("clinic:flag_acknowledge", args=[case.pk, flagged.pk])
    assert client.post(ack).status_code == 302
    flagged.refresh_from_db()
    assert flagged.status == Flag.Status.ACKNOWLEDGED
    sign = reverse("clinic:case_sign_off", args=[case.pk])
    assert client.post(sign, {"phase_id": plan.current_phase_id}).status_code == 302
    plan.current_phase.refresh_from_db()
    assert plan.current_phase.signed_off_on == TODAY
    assessment = {"test": "single_leg_hop", "value": 12, "pain": 1, "date": TODAY.isoformat()}
    assert (
        client.post(reverse("clinic:assessment_new", args=[case.pk]), assessment).status_code == 302
    )
    assert Assessment.objects.get().value == 12


@pytest.mark.parametrize(
    ("who", "test", "allowed"),
    [
        # A Triad total is computed from its items (the bone-health review), never typed.
        ("nutritionist", "bone_health_cra", False),
        ("nutritionist", "single_leg_hop", False),
        ("psychologist", "tsk11", True),
        ("psychologist", "readiness_iprrs", True),
        ("psychologist", "bone_health_cra", False),
    ],
)
def test_nutritionists_and_psychologists_record_their_own_tests_only(
    client, request, case, plan, who, test, allowed
):
    user = _login(client, request, who)
    value = {"bone_health_cra": 3, "tsk11": 20, "readiness_iprrs": 48, "single_leg_hop": 12}[test]
    data = {"test": test, "value": value, "date": (TODAY - dt.timedelta(days=1)).isoformat()}
    response = client.post(reverse("clinic:assessment_new", args=[case.pk]), data)
    if allowed:
        assert response.status_code == 302
        assert Assessment.objects.get().assessed_by == user
    else:
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        assert not Assessment.objects.exists()


def test_a_nutritionist_sees_only_their_own_assessments(client, case, plan, team):

    assessment_record(
        case=case,
        test="single_leg_hop",
        value=14,
        date=TODAY,
        assessed_by=team["clinician"],
        notes="Clinician's hop test",
        today=TODAY,
    )
    assessment_record(
        case=case,
        test="bone_health_cra",
        value=3,
        date=TODAY,
        assessed_by=team["nutritionist"],
        notes="Rosa's CRA",
        today=TODAY,
        screen=True,
    )
    client.force_login(team["nutritionist"])
    html = client.get(reverse("clinic:case", args=[case.pk])).content.decode()
    assert "Rosa&#x27;s CRA" in html and "Clinician&#x27;s hop test" not in html


@pytest.mark.parametrize("who", PAGE_ROLES)
def test_the_case_page_charts_sleep_beside_pain_and_links_a_note_to_each_flag(
    client, request, case, plan, team, who
):
    from .conftest import log_days

    log_days(case, team["clinician"], 10, end=TODAY, pain_during=2, sleep_hours="6.5")
    raise_red_flag(case, team["clinician"])
    flag = case.flags.get(kind="red_flag")
    _login(client, request, who)
    html = client.get(reverse("clinic:case", kwargs={"case_id": case.pk})).content.decode()
    clinical = who in CLINICAL or who == "athlete_user"
    assert ('aria-label="Sleep and pain"' in html) is clinical
    if clinical:
        assert "Sleep (hours)" in html and "6.5" in html
    note_link = reverse("care:timeline", args=[case.pk]) + f"?flag={flag.pk}#note-entry"
    if note_link in html:  # the link is shown only to those it serves: the note form is there
        assert who in CLINICAL
        page = client.get(note_link).content.decode()
        assert 'id="note-entry"' in page and f'value="{flag.pk}" selected' in page
    else:
        assert who not in CLINICAL
