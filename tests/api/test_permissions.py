"""Who gets what from each endpoint: every role on the case, someone on another case, an
integration account granted the case or its team, and nobody (anonymous).

A case you are not on is a 404, never a hint that it exists; a case you are on but whose data
or action your role does not allow is a 403 (actions) or simply not in your lists (rows).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from athletes.models import CareTeamMember
from monitoring.models import ActivitySession, Assessment, DailyLog, DeviceMetric, Flag

from .conftest import TODAY

pytestmark = pytest.mark.django_db

ROLES = [
    "clinician",
    "physio",
    "coach",
    "athlete_user",
    "nutritionist",
    "psychologist",
    "integration",
    "team_integration",
    "outsider",
]
CLINICAL = {"clinician", "physio", "athlete_user"}
ON_CASE = set(ROLES) - {"outsider"}


def _data_for(case, user, *, nutritionist=None, tag="own"):
    """A log, a session, a sample, an assessment (and one by the nutritionist) and a flag."""
    athlete = case.athlete
    day = TODAY - dt.timedelta(days=1)
    log = DailyLog.objects.create(athlete=athlete, date=day, pain_during=2, submitted_by=user)
    session = ActivitySession.objects.create(
        athlete=athlete, date=day, activity="run", minutes=30, rpe=4, pain_during=1, note="ok"
    )
    metric = DeviceMetric.objects.create(
        athlete=athlete,
        metric="steps",
        value=9000,
        unit="count",
        recorded_at=timezone.now(),
        date=day,
        source="watch",
        external_id=f"{tag}-1",
    )
    assessment = Assessment.objects.create(
        case=case, date=day, test="single_leg_hop", value=12, assessed_by=user
    )
    own = None
    if nutritionist is not None:
        own = Assessment.objects.create(
            case=case, date=day, test="bone_health_cra", value=2, assessed_by=nutritionist
        )
    return {
        "log": log,
        "session": session,
        "metric": metric,
        "assessment": assessment,
        "nutrition": own,
    }


@pytest.fixture
def world(
    plan,
    case,
    clinician,
    physio,
    coach,
    athlete_user,
    nutritionist,
    psychologist,
    integration,
    team_integration,
    outsider,
    foreign_case,
):
    """The case with a plan and one of every row; the same rows on a foreign case."""
    own = _data_for(case, clinician, nutritionist=nutritionist)
    own["flag"] = Flag.objects.create(
        case=case,
        phase=plan.current_phase,
        kind="load_spike",
        title="Load spike",
        message="Acute:chronic 1.6.",
        coach_message="Training load rose sharply.",
        evaluation={},
    )
    foreign_clinician = foreign_case.care_team.get().user
    foreign = _data_for(foreign_case, foreign_clinician, tag="foreign")
    foreign_plan = _foreign_plan(foreign_case, foreign_clinician)
    foreign["flag"] = Flag.objects.create(
        case=foreign_case,
        phase=foreign_plan.current_phase,
        kind="missing_logs",
        title="No log for 3 days",
        message="…",
        evaluation={},
    )
    foreign["plan"] = foreign_plan
    return {"own": own, "foreign": foreign, "plan": plan}


def _foreign_plan(case, clinician):
    from tests.plans import published_template, running_plan

    template = published_template(clinician, slug="foreign-tibia")
    started = TODAY - dt.timedelta(days=10)
    return running_plan(case, clinician, started_on=started, template=template)


def urls(world, case, which="own"):
    rows = world[which]
    case_id = case.pk if which == "own" else rows["log"].athlete.cases.get().pk
    athlete_id = rows["log"].athlete_id
    plan = world["plan"] if which == "own" else rows["plan"]
    return {
        "athlete": f"/api/v1/athletes/{athlete_id}/",
        "case": f"/api/v1/cases/{case_id}/",
        "fhir": f"/api/v1/cases/{case_id}/fhir/",
        "plan": f"/api/v1/plans/{plan.pk}/",
        "log": f"/api/v1/daily-logs/{rows['log'].pk}/",
        "session": f"/api/v1/sessions/{rows['session'].pk}/",
        "metric": f"/api/v1/device-metrics/{rows['metric'].pk}/",
        "assessment": f"/api/v1/assessments/{rows['assessment'].pk}/",
        "flag": f"/api/v1/flags/{rows['flag'].pk}/",
    }


# Expected status of GET on the case's own rows, by role (missing role: 200).
NOT_FOR = {
    "fhir": {r: 403 for r in ON_CASE - CLINICAL} | {"outsider": 404},
    "log": {r: 404 for r in ("coach", "nutritionist", "psychologist", "outsider")},
    "session": {r: 404 for r in ("nutritionist", "psychologist", "outsider")},
    "metric": {r: 404 for r in ("nutritionist", "psychologist", "outsider")},
    "assessment": {
        r: 404
        for r in (
            "coach",
            "nutritionist",
            "psychologist",
            "integration",
            "team_integration",
            "outsider",
        )
    },
}


WHAT = ["athlete", "case", "fhir", "plan", "log", "session", "metric", "assessment", "flag"]


@pytest.mark.parametrize("who", ROLES)
def test_reading_the_case_rows(request, api, world, case, who):
    client = api(request.getfixturevalue(who))
    got, expected = {}, {}
    for what, url in urls(world, case).items():
        expected[what] = NOT_FOR.get(what, {"outsider": 404}).get(who, 200)
        response = client.get(url)
        got[what] = response.status_code
        if response.status_code >= 400 and what == "fhir":  # FHIR says its errors its way
            assert response.json()["resourceType"] == "OperationOutcome"
            assert response["Content-Type"] == "application/fhir+json"
        elif response.status_code >= 400:
            assert set(response.json()) <= {"detail", "code", "errors"}
    assert got == expected


@pytest.mark.parametrize("who", ROLES)
def test_rows_of_a_case_you_are_not_on_are_404(request, api, world, case, who):
    client = api(request.getfixturevalue(who))
    got = {what: client.get(url).status_code for what, url in urls(world, case, "foreign").items()}
    assert got == dict.fromkeys(WHAT, 404)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/athletes/",
        "/api/v1/cases/",
        "/api/v1/cases/1/",
        "/api/v1/cases/1/fhir/",
        "/api/v1/care-team-members/",
        "/api/v1/templates/",
        "/api/v1/plans/",
        "/api/v1/daily-logs/",
        "/api/v1/sessions/",
        "/api/v1/device-metrics/",
        "/api/v1/assessments/",
        "/api/v1/flags/",
    ],
)
def test_anonymous_gets_401_with_the_token_challenge(api, url):
    response = api().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    message = "Authentication credentials were not provided."
    if "/fhir/" in url:  # an OperationOutcome with the same words
        issue = response.json()["issue"][0]
        assert (issue["code"], issue["diagnostics"]) == ("login", message)
        assert "code" not in response.json()  # nothing foreign in a FHIR resource
    else:
        assert response.json() == {"detail": message, "code": "not_authenticated"}


@pytest.mark.parametrize(
    "url", ["/api/v1/daily-logs/bulk/", "/api/v1/sessions/bulk/", "/api/v1/device-metrics/bulk/"]
)
def test_anonymous_cannot_ingest(api, url):
    assert api().post(url, {"items": []}, format="json").status_code == 401


def test_a_bad_token_is_401(api, db):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_an_inactive_account_gets_nothing(api, world, integration):
    client = api(integration)
    integration.is_active = False
    integration.save()
    assert client.get("/api/v1/cases/").status_code == 401


@pytest.mark.parametrize("who", ROLES)
def test_lists_hold_only_your_cases_rows(request, api, world, case, who):
    user = request.getfixturevalue(who)
    client = api(user)
    own, foreign = world["own"], world["foreign"]
    listed = {
        name: {row["id"] for row in client.get(f"/api/v1/{name}/").json()["results"]}
        for name in ("daily-logs", "sessions", "device-metrics", "assessments", "flags", "cases")
    }
    assert foreign["log"].pk not in listed["daily-logs"]
    assert foreign["session"].pk not in listed["sessions"]
    assert foreign["metric"].pk not in listed["device-metrics"]
    assert foreign["assessment"].pk not in listed["assessments"]
    assert foreign["flag"].pk not in listed["flags"]
    if who == "outsider":
        assert case.pk not in listed["cases"]
    else:
        assert listed["cases"] == {case.pk}
        assert own["flag"].pk in listed["flags"]
    if who == "nutritionist":
        assert listed["assessments"] == {own["nutrition"].pk}


@pytest.mark.parametrize(
    ("who", "access"),
    [
        ("clinician", "clinical"),
        ("athlete_user", "clinical"),
        ("coach", "summary"),
        ("nutritionist", "summary"),
        ("integration", "summary"),
        ("team_integration", "summary"),
    ],
)
def test_a_coachs_view_of_a_case_leaves_out_clinical_fields(request, api, world, case, who, access):
    client = api(request.getfixturevalue(who))
    body = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert body["access"] == access
    clinical_fields = {"site", "grade", "imaging", "vitamin_d_nmol_l", "bone_health_flags"}
    assert (clinical_fields <= set(body)) == (access == "clinical")
    assert body["plan"]["current_phase"]["name"] == "Walk-run"
    assert ("name" in body["plan"]) == (access == "clinical")  # plan names name the site
    assert [f["kind"] for f in body["open_flags"]] == ["load_spike"]
    athlete = client.get(f"/api/v1/athletes/{case.athlete_id}/").json()
    assert ("date_of_birth" in athlete) == (access == "clinical")
    flag = client.get(f"/api/v1/flags/{world['own']['flag'].pk}/").json()
    assert ("message" in flag) == (access == "clinical")
    plan = client.get(f"/api/v1/plans/{world['plan'].pk}/").json()
    assert ("advance_when" in plan["phases"][0]) == (access == "clinical")
    assert ("name" in plan) == (access == "clinical")


def test_coach_and_integration_see_load_without_pain(api, world, coach, integration):
    session = world["own"]["session"]
    for user in (coach, integration):
        body = api(user).get(f"/api/v1/sessions/{session.pk}/").json()
        assert body["access"] == "summary" and body["load"] == 120
        assert "pain_during" not in body and "note" not in body


def test_integration_gets_receipts_not_diaries(api, world, integration):
    body = api(integration).get(f"/api/v1/daily-logs/{world['own']['log'].pk}/").json()
    assert body["access"] == "summary"
    assert "pain_during" not in body


# --- actions --------------------------------------------------------------------------------

ACTION_STATUS = {"clinician": 200, "physio": 200, "outsider": 404}


@pytest.mark.parametrize("who", ROLES)
def test_acknowledging_a_flag(request, api, world, who):
    flag = world["own"]["flag"]
    response = api(request.getfixturevalue(who)).post(f"/api/v1/flags/{flag.pk}/acknowledge/")
    expected = ACTION_STATUS.get(who, 403)
    assert response.status_code == expected
    flag.refresh_from_db()
    assert (flag.status == "acknowledged") == (expected == 200)


@pytest.mark.parametrize("who", ROLES)
def test_resolving_a_flag(request, api, world, who):
    flag = world["own"]["flag"]
    response = api(request.getfixturevalue(who)).post(
        f"/api/v1/flags/{flag.pk}/resolve/", {"resolution": "Seen in clinic."}, format="json"
    )
    assert response.status_code == ACTION_STATUS.get(who, 403)


@pytest.mark.parametrize("who", ROLES)
def test_deciding_a_phase_change(request, api, world, who):
    plan = world["plan"]
    response = api(request.getfixturevalue(who)).post(
        f"/api/v1/plans/{plan.pk}/transitions/",
        {"kind": "hold", "reason": "Another week.", "effective_on": str(TODAY)},
        format="json",
    )
    assert response.status_code == {"clinician": 201, "physio": 201, "outsider": 404}.get(who, 403)


@pytest.mark.parametrize("who", ROLES)
def test_recording_a_day(request, api, world, case, who):
    response = api(request.getfixturevalue(who)).post(
        "/api/v1/daily-logs/",
        {"athlete": case.athlete_id, "date": str(TODAY), "pain_during": 1},
        format="json",
    )
    if who in CLINICAL | {"integration", "team_integration"}:
        assert response.status_code == 201, response.content
        assert response["Upsert-Result"] == "created"
    else:  # the same answer whether the athlete exists or not: not found
        assert response.status_code == 404
        assert response.json() == {
            "detail": "Not an athlete of an active case you may record data for.",
            "code": "not_found",
        }


@pytest.mark.parametrize("who", ["integration", "team_integration", "clinician"])
def test_nobody_ingests_for_a_foreign_athlete(request, api, world, foreign_case, who):
    response = api(request.getfixturevalue(who)).post(
        "/api/v1/device-metrics/bulk/",
        {
            "items": [
                {
                    "athlete": foreign_case.athlete_id,
                    "metric": "steps",
                    "value": 10,
                    "recorded_at": "2026-10-20T08:00:00Z",
                    "source": "watch",
                    "external_id": "x-1",
                }
            ]
        },
        format="json",
    )
    assert response.status_code == 400  # nothing stored
    assert "items.0.athlete" in response.json()["errors"]


@pytest.mark.parametrize(
    ("who", "test", "expected", "field"),
    [
        ("clinician", "single_leg_hop", 201, None),
        ("physio", "heel_raise", 201, None),
        ("nutritionist", "bone_health_cra", 400, "test"),  # computed from its items only
        ("nutritionist", "single_leg_hop", 400, "test"),
        ("psychologist", "tsk11", 201, None),
        ("coach", "single_leg_hop", 400, "case"),
        ("integration", "single_leg_hop", 400, "case"),
        ("outsider", "single_leg_hop", 400, "case"),
    ],
)
def test_recording_an_assessment(request, api, world, case, who, test, expected, field):
    value = {"bone_health_cra": 3, "tsk11": 20}.get(test, 12)
    response = api(request.getfixturevalue(who)).post(
        "/api/v1/assessments/",
        {"case": case.pk, "test": test, "value": value, "date": str(TODAY)},
        format="json",
    )
    assert response.status_code == expected, response.content
    if field:
        assert field in response.json()["errors"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("clinician", 201), ("physio", 400), ("coach", 400), ("outsider", 400)],
)
def test_adding_a_care_team_member(request, api, world, case, who, expected):
    from tests.factories import UserFactory

    UserFactory(username="newphysio", kind="physio")
    response = api(request.getfixturevalue(who)).post(
        "/api/v1/care-team-members/",
        {"case": case.pk, "username": "newphysio", "role": "physio"},
        format="json",
    )
    assert response.status_code == expected
    assert CareTeamMember.objects.filter(user__username="newphysio").exists() == (expected == 201)


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("\x00|", "Null characters are not allowed."),
        ("new\ud800physio", "Surrogate characters are not allowed: U+D800."),
        ("nobody-here", "Object with username=nobody-here does not exist."),
    ],
    ids=["nul", "surrogate", "unknown"],
)
def test_a_username_the_database_cannot_hold_is_a_field_error(
    api, world, case, clinician, username, message
):
    """Found by fuzzing: a NUL byte in ``username`` reached PostgreSQL and was a 500."""
    before = CareTeamMember.objects.count()
    body = json.dumps({"case": case.pk, "username": username, "role": "physio"})  # \\ud800 escaped
    response = api(clinician).post(
        "/api/v1/care-team-members/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"username": [message]}
    assert CareTeamMember.objects.count() == before


@pytest.mark.parametrize(("who", "expected"), [("clinician", 204), ("physio", 403)])
def test_removing_a_care_team_member(request, api, world, case, coach, who, expected):
    member = CareTeamMember.objects.get(case=case, user=coach)
    response = api(request.getfixturevalue(who)).delete(f"/api/v1/care-team-members/{member.pk}/")
    assert response.status_code == expected
    assert CareTeamMember.objects.filter(pk=member.pk).exists() == (expected != 204)


def test_granting_one_case_to_an_integration_account_through_the_api(api, world, case):
    from tests.factories import UserFactory

    account = UserFactory(username="garmin-sync", kind="integration")
    clinician = case.care_team.get(role="lead_clinician").user
    response = api(clinician).post(
        "/api/v1/care-team-members/",
        {"case": case.pk, "username": "garmin-sync", "role": "integration"},
        format="json",
    )
    assert response.status_code == 201
    listed = api(account).get("/api/v1/cases/").json()["results"]
    assert [c["id"] for c in listed] == [case.pk]


def test_a_team_grant_reaches_every_case_of_the_team_and_no_other(
    api, world, case, team_integration
):
    from tests.factories import CaseFactory

    teammate = CaseFactory(athlete__team=case.athlete.team)
    body = api(team_integration).get("/api/v1/cases/").json()
    assert {c["id"] for c in body["results"]} == {case.pk, teammate.pk}
    assert all(c["access"] == "summary" for c in body["results"])
