"""The permission matrix, built from the URL configuration.

Every route of ``rehab.urls`` (pages, the API under /api/v1/, the schema and docs, the admin) ×
every person (clinician, physio, coach, athlete, nutritionist, psychologist, integration account,
anonymous) × the case they are on and a foreign case nobody here is on → the status declared in
``MATRIX`` below. Besides the status, every answer is read:

- nothing of the foreign case (its athlete's name, its notes, its flag) reaches anyone;
- nothing clinical of the case (``athletes.permissions.CLINICAL_CASE_FIELDS``, each with a
  distinctive value, see ``tests/coach/conftest.py``) reaches the coach or the integration
  account, and no person sees the distinctive value of a field that ``visible_case_fields``
  hides from them;
- every clinical free-text field of the case holds the injury site's words and a marker
  (``tests/security/free_text.py``, from the classification): the coach, the integration
  account, the nutritionist and the psychologist read none of them; the foreign case's are read
  by nobody here.

A route missing from ``MATRIX`` fails ``test_every_route_is_declared``: a new URL must say who
may use it. Requests that write are rolled back, so each person finds the same case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from athletes.permissions import CLINICAL_CASE_FIELDS, visible_case_fields
from tests.coach.conftest import CLINICAL_MARKERS
from tests.coach.test_no_clinical_fields import _leaks
from tests.security.conftest import FOREIGN_MARKERS, OWN_TEXT
from tests.security.matrix import Route, client_for, request, routes, url_for

pytestmark = pytest.mark.django_db

PEOPLE = ("clinician", "physio", "coach", "athlete", "nutritionist", "psychologist", "integration")
ROLES = (*PEOPLE, "anonymous")

LOGIN = 302  # a page sends an anonymous visitor to the login page
UNAUTHENTICATED = 401  # the API asks for a token


@dataclass(frozen=True)
class Expect:
    own: dict[str, int]  # person -> status on (or about) the case they are on
    foreign: int | None  # status of every logged-in person on the foreign case's URL
    method: str = "GET"
    library: bool = False  # no case data (the protocol library, the API's schema): the coach
    # check does not apply, the words of clinical fields are what such pages are about
    data: dict = field(default_factory=dict)


def expect(
    method: str = "GET",
    *,
    anonymous: int,
    everyone: int | None = None,
    foreign: int | None = None,
    library: bool = False,
    **people: int,
) -> Expect:
    unknown = set(people) - set(PEOPLE)
    assert not unknown, f"not a person of the matrix: {unknown}"
    own = {person: people.get(person, everyone) for person in PEOPLE}
    assert None not in own.values(), f"a status for every person: {own}"
    return Expect({**own, "anonymous": anonymous}, foreign, method, library)


def api_read(*, foreign: int | None = 404, everyone: int = 200, **people: int) -> Expect:
    """A GET of the API: everyone on the case 200 unless said otherwise."""
    return expect(anonymous=UNAUTHENTICATED, everyone=everyone, foreign=foreign, **people)


def api_action(*, foreign: int | None = 404, **people: int) -> Expect:
    """A POST of the API with an empty body: allowed people get a 400 (or 200), others 403."""
    return expect("POST", anonymous=UNAUTHENTICATED, foreign=foreign, **people)


CLINICAL = {"clinician": 200, "physio": 200}
CARE_TEAM = {**CLINICAL, "nutritionist": 200, "psychologist": 200}
ON_CASE = {**CARE_TEAM, "coach": 200, "athlete": 200, "integration": 200}
OWN_LOG_READERS = {**CLINICAL, "athlete": 200, "integration": 200}  # pain diaries

# The case's own people may act; the nutritionist and psychologist may see the case but not act
# on it (403); people who may not see it at all get 404, like the foreign case, and so does the
# athlete: a case's clinic pages are not theirs (their own record is on /me/).
CASE_ACTION_REFUSED = {"nutritionist": 403, "psychologist": 403}

# A page that is not for a person's kind sends them to their own home (the clinic's lists for a
# coach, an athlete or an integration account; the team board for anyone but a coach).
ELSEWHERE = 302

# The Django admin: nobody in the matrix is staff, so every admin page sends them to its login.
ADMIN = expect(anonymous=302, everyone=302)
ADMIN_EXCEPTIONS = {
    "admin:login": expect(anonymous=200, everyone=200),
}

MATRIX: dict[str, Expect] = {
    # --- the site -------------------------------------------------------------------------------
    "home": expect(anonymous=LOGIN, everyone=302),  # to each person's own place
    "login": expect(anonymous=200, everyone=302),  # a logged-in person goes home
    "logout": expect("POST", anonymous=302, everyone=302),
    "healthz": expect(anonymous=200, everyone=200),
    # --- the clinic (lists show only the person's own cases) ------------------------------------
    "clinic:cases": expect(anonymous=LOGIN, everyone=ELSEWHERE, **CARE_TEAM),
    "clinic:inbox": expect(anonymous=LOGIN, everyone=ELSEWHERE, **CARE_TEAM),
    "clinic:nav_counts": expect(anonymous=LOGIN, everyone=ELSEWHERE, **CARE_TEAM),
    "clinic:case_new": expect(
        anonymous=LOGIN, everyone=ELSEWHERE, nutritionist=403, psychologist=403, **CLINICAL
    ),
    "clinic:case_implications": expect(
        anonymous=LOGIN, everyone=ELSEWHERE, nutritionist=403, psychologist=403, **CLINICAL
    ),
    "clinic:case": expect(anonymous=LOGIN, everyone=404, foreign=404, **CARE_TEAM),
    "clinic:case_decide": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=400,
        physio=400,
        **CASE_ACTION_REFUSED,
    ),
    "clinic:contact": expect(
        anonymous=LOGIN, everyone=ELSEWHERE, nutritionist=404, psychologist=404, **CLINICAL
    ),
    # the clinic's webhooks: its administrators (the clinician here); the own case's endpoint is
    # an integration account's, which no clinic page reaches
    "clinic:webhooks": expect(
        anonymous=LOGIN,
        everyone=ELSEWHERE,
        physio=404,
        nutritionist=404,
        psychologist=404,
        clinician=200,
    ),
    "clinic:webhook_action": expect(
        "POST", anonymous=LOGIN, everyone=ELSEWHERE, **dict.fromkeys(CARE_TEAM, 404)
    ),
    "clinic:case_start_date": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=400,
        physio=400,
        **CASE_ACTION_REFUSED,
    ),
    "clinic:case_undo": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=400,
        physio=400,
        **CASE_ACTION_REFUSED,
    ),
    "clinic:programme": expect(
        anonymous=LOGIN, everyone=404, foreign=404, **CLINICAL, **CASE_ACTION_REFUSED
    ),
    "clinic:programme_decide": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=302,
        physio=302,
        **CASE_ACTION_REFUSED,
    ),
    "clinic:case_sign_off": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=302,
        physio=302,
        **CASE_ACTION_REFUSED,
    ),
    "clinic:assessment_new": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=400,
        physio=400,
        nutritionist=400,  # they record their own kinds of test: the empty form is invalid
        psychologist=400,
    ),
    "clinic:battery_new": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=400,  # an empty form records nothing
        physio=400,
        **CASE_ACTION_REFUSED,  # test results are the clinical roles'
    ),
    "clinic:femoral_neck_new": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=400,  # an empty form records nothing
        physio=403,  # the orthopaedic decision is a clinician's
        **CASE_ACTION_REFUSED,
    ),
    # the bone-health work-up: the nutritionist and the physicians record; the physio reads
    **{
        name: expect(
            "POST",
            anonymous=LOGIN,
            everyone=404,
            foreign=404,
            clinician=status,
            nutritionist=status,
            physio=403,
            psychologist=403,
        )
        for name, status in (
            ("clinic:bone_result_new", 400),  # an empty form records nothing
            ("clinic:energy_new", 400),
            ("clinic:bone_facts", 302),  # every fact blank: "not recorded"
            ("clinic:workup_sync", 302),
        )
    },
    "clinic:workup_task": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=302,  # no status chosen: back to the page with the message
        nutritionist=403,  # a physician's task
        physio=403,
        psychologist=404,  # does not read the work-up
    ),
    # The road back (issue 28): the clinical team records the baseline (an empty form clears
    # it), the cadence goal (likewise) and gait checks (an empty form is invalid).
    "clinic:running_baseline": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=302,
        physio=302,
        **CASE_ACTION_REFUSED,
    ),  # fmt: skip
    "clinic:cadence_goal": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=302,
        physio=302,
        **CASE_ACTION_REFUSED,
    ),  # fmt: skip
    "clinic:gait_check": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=400,
        physio=400,
        **CASE_ACTION_REFUSED,
    ),  # fmt: skip
    "clinic:flag_acknowledge": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=302,
        physio=302,
        **CASE_ACTION_REFUSED,
    ),
    "clinic:flag_resolve": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=400,
        physio=400,
        **CASE_ACTION_REFUSED,
    ),
    # The end of a case (an empty form is refused) and its printed documents (the clearance
    # letter is written on discharge: none here yet).
    "clinic:case_discharge": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        **CASE_ACTION_REFUSED,
        clinician=400,
        physio=400,
    ),
    "clinic:case_close": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        **CASE_ACTION_REFUSED,
        clinician=400,
        physio=400,
    ),
    "clinic:case_summary": expect(anonymous=LOGIN, everyone=404, foreign=404, **CLINICAL),
    "clinic:case_letter": expect(anonymous=LOGIN, everyone=404, foreign=404),
    # The care team: the case's managers (lead clinician, clinicians) change it; a refused change
    # (here: an empty form) comes back to the case page with the reason.
    "clinic:team_add": expect("POST", anonymous=LOGIN, everyone=404, foreign=404, clinician=302),
    # The return-to-play decision (StARRT) and readiness: an empty form is refused (400); the
    # psychologist records questionnaires; one click adds the psychologist (clinicians only).
    "clinic:return_decision": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        **CASE_ACTION_REFUSED,
        clinician=400,
        physio=400,
    ),  # fmt: skip
    "clinic:readiness_record": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        nutritionist=403,
        psychologist=400,
        clinician=400,
        physio=400,
    ),  # fmt: skip
    "clinic:involve_psychologist": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        **CASE_ACTION_REFUSED,
        physio=403,
        clinician=302,
    ),  # fmt: skip
    "clinic:team_invite": expect("POST", anonymous=LOGIN, everyone=404, foreign=404, clinician=302),
    "clinic:team_role": expect("POST", anonymous=LOGIN, everyone=404, foreign=404, clinician=302),
    "clinic:team_remove": expect("POST", anonymous=LOGIN, everyone=404, foreign=404, clinician=302),
    "clinic:team_lead": expect("POST", anonymous=LOGIN, everyone=404, foreign=404, clinician=302),
    # --- the plan builder and the template library ----------------------------------------------
    "plans:builder": expect(
        anonymous=LOGIN, everyone=404, foreign=404, **CLINICAL, **CASE_ACTION_REFUSED
    ),
    "plans:builder_projection": expect(
        "POST", anonymous=LOGIN, everyone=404, foreign=404, **CLINICAL, **CASE_ACTION_REFUSED
    ),
    "plans:exercises": expect(
        anonymous=LOGIN, everyone=404, foreign=404, **CLINICAL, **CASE_ACTION_REFUSED
    ),
    "plans:criterion_row": expect("POST", anonymous=LOGIN, everyone=403, clinician=400, physio=400),
    "plans:templates": expect(anonymous=LOGIN, everyone=403, library=True, **CARE_TEAM),
    "plans:template_new": expect(anonymous=LOGIN, everyone=403, **CLINICAL),
    "plans:template_projection": expect("POST", anonymous=LOGIN, everyone=403, **CLINICAL),
    # templates belong to the clinic's library, not to a case: the "foreign" one is readable too
    "plans:template": expect(
        anonymous=LOGIN, everyone=403, foreign=None, library=True, **CARE_TEAM
    ),
    "plans:template_edit": expect(
        anonymous=LOGIN,
        everyone=403,
        clinician=302,
        physio=302,  # published: a new draft first
    ),
    "plans:template_publish": expect(
        "POST", anonymous=LOGIN, everyone=403, clinician=302, physio=302
    ),
    "plans:template_new_draft": expect(
        "POST", anonymous=LOGIN, everyone=403, clinician=302, physio=302
    ),
    # --- what-if: replaying a case's plan, trying a draft template on past cases ----------------
    "whatif:case_replay": expect(
        anonymous=LOGIN, everyone=404, foreign=404, **CLINICAL, **CASE_ACTION_REFUSED
    ),
    # a trial shows other cases' athletes only to those who may see them (by name or not at all)
    "whatif:template_trial": expect(
        anonymous=LOGIN, everyone=404, foreign=None, library=True, **CLINICAL
    ),
    "whatif:template_trial_progress": expect(
        anonymous=LOGIN, everyone=404, foreign=None, library=True, **CLINICAL
    ),
    # --- care: timeline, notes, reviews, goals, bone health, education cards --------------------
    "care:settings": expect(anonymous=LOGIN, everyone=200),  # one's own notification settings
    "care:timeline": expect(anonymous=LOGIN, everyone=200, foreign=404, integration=404),
    "care:notes_csv": expect(anonymous=LOGIN, everyone=200, foreign=404, integration=404),
    "care:note_new": expect(
        "POST",
        anonymous=LOGIN,
        everyone=400,  # on the care team: the empty note is refused with its errors
        foreign=404,
        athlete=403,
        integration=404,
    ),
    "care:review_new": expect(
        "POST",
        anonymous=LOGIN,
        everyone=403,
        foreign=404,
        integration=404,
        clinician=400,
        physio=400,
    ),
    "care:review_done": expect(
        "POST",
        anonymous=LOGIN,
        everyone=403,
        foreign=404,
        integration=404,
        clinician=302,
        physio=302,
    ),
    "care:review_cancel": expect(
        "POST",
        anonymous=LOGIN,
        everyone=403,
        foreign=404,
        integration=404,
        clinician=302,
        physio=302,
    ),
    "care:goal_new": expect(
        "POST",
        anonymous=LOGIN,
        everyone=403,
        foreign=404,
        integration=404,
        clinician=400,
        physio=400,
        athlete=400,
    ),
    "care:goal_tick": expect(
        "POST",
        anonymous=LOGIN,
        everyone=403,
        foreign=404,
        integration=404,
        clinician=302,
        physio=302,
        athlete=302,
    ),
    "care:bone_health_new": expect(
        "POST",
        anonymous=LOGIN,
        everyone=403,
        foreign=404,
        integration=404,
        clinician=400,
        physio=400,
        nutritionist=400,
    ),
    # the bone-health page: the clinical team and the nutritionist; a REDs screen by them; the
    # clearance decision by the case's clinicians (an empty form: 400)
    "care:bone_health": expect(
        anonymous=LOGIN, everyone=404, foreign=404, **CLINICAL, nutritionist=200
    ),
    "care:reds_screen_new": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=400,
        physio=400,
        nutritionist=400,
    ),  # fmt: skip
    "care:bone_health_decision_new": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=400,
        physio=403,
        nutritionist=403,
    ),  # fmt: skip
    # an empty form clears the guardian of the matrix's athlete (not under 18; under 18: a 400)
    "care:guardian_edit": expect(
        "POST",
        anonymous=LOGIN,
        everyone=404,
        foreign=404,
        clinician=302,
        physio=302,
        nutritionist=403,
    ),  # fmt: skip
    "care:template_cards": expect(
        anonymous=LOGIN, everyone=403, foreign=None, library=True, **CARE_TEAM
    ),
    # --- one's own account ----------------------------------------------------------------------
    "account:two_factor": expect(anonymous=LOGIN, everyone=200, integration=403),
    "account:two_factor_verify": expect(anonymous=LOGIN, everyone=302),  # not turned on: home
    "account:home": expect(anonymous=LOGIN, everyone=200),
    # Personal API tokens: a new one (shown on the page) and revoking it, each their owner's
    "account:token_new": expect("POST", anonymous=LOGIN, everyone=200),
    "account:token_revoke": expect("POST", anonymous=LOGIN, everyone=302),
    "care:notifications": expect(anonymous=LOGIN, everyone=200),
    "care:notification_count": expect(anonymous=LOGIN, everyone=200),
    "care:notification_read": expect("POST", anonymous=LOGIN, everyone=404),  # not theirs
    "account:email_change": expect(anonymous=LOGIN, everyone=200),
    "account:email_confirm": expect(anonymous=LOGIN, everyone=302),  # a bad link: say so
    "account:password_change": expect(anonymous=LOGIN, everyone=200),
    "account:password_change_done": expect(anonymous=LOGIN, everyone=200),
    "account:password_reset": expect(anonymous=200, everyone=200),
    "account:password_reset_done": expect(anonymous=200, everyone=200),
    "account:password_reset_confirm": expect(anonymous=200, everyone=200),  # "cannot be used"
    "account:password_reset_complete": expect(anonymous=200, everyone=200),
    # --- invitations and the clinic's page: the own case's lead clinician administers the own
    # clinic; the foreign case's people are another clinic's (its invitation does not exist here)
    "account:invitation": expect(anonymous=410, everyone=410),  # an unknown link: gone
    "account:clinic": expect(anonymous=LOGIN, everyone=404, **CARE_TEAM),
    "account:clinic_setup": expect(anonymous=LOGIN, everyone=302),  # not a superuser: the clinic
    "account:invite_staff": expect("POST", anonymous=LOGIN, everyone=404, clinician=400),
    # an empty form: not changed, back to the clinic page with the reason
    "account:clinic_protocols": expect("POST", anonymous=LOGIN, everyone=404, clinician=302),
    "account:invitation_resend": expect(
        "POST", anonymous=LOGIN, everyone=404, foreign=404, clinician=200
    ),
    "account:invitation_revoke": expect(
        "POST", anonymous=LOGIN, everyone=404, foreign=404, clinician=302
    ),
    # Integrations (OAuth2 clients): the clinic's administrator only (the clinician here); an
    # empty form makes nothing, and no one here is an integration account of the clinic to revoke
    "account:integration_create": expect("POST", anonymous=LOGIN, everyone=404, clinician=400),
    "account:integration_revoke": expect("POST", anonymous=LOGIN, everyone=404),
    "account:team_create": expect(
        "POST", anonymous=LOGIN, everyone=404, clinician=400, physio=400
    ),  # an empty form; clinicians and physiotherapists create teams
    # The athlete's login: their case's clinicians and physio (the athlete has one: it says so).
    "account:athlete_invite": expect(anonymous=LOGIN, everyone=404, foreign=404, **CLINICAL),
    "account:athlete_invite_resend": expect("POST", anonymous=LOGIN, everyone=404, foreign=404),
    # --- the athlete's pages (their own case only: nobody else has one here) --------------------
    "athlete:today": expect(anonymous=LOGIN, everyone=404, athlete=200),
    "athlete:log": expect(anonymous=LOGIN, everyone=404, athlete=200),
    "athlete:logged": expect(anonymous=LOGIN, everyone=404, athlete=200),
    "athlete:next": expect(anonymous=LOGIN, everyone=404, athlete=200),
    "athlete:progress": expect(anonymous=LOGIN, everyone=404, athlete=200),
    "athlete:reminder": expect("POST", anonymous=LOGIN, everyone=404, athlete=400),
    # an empty tick names no exercise: refused, back to Today (tests/exercises/test_ticks.py)
    "athlete:exercise_tick": expect("POST", anonymous=LOGIN, everyone=404, athlete=302),
    "athlete:sharing": expect(anonymous=LOGIN, everyone=404, athlete=200),  # consent per role
    "athlete:shoes": expect(anonymous=LOGIN, everyone=404, athlete=200),
    "athlete:files": expect(anonymous=LOGIN, everyone=404, athlete=200),
    "athlete:cycle": expect(anonymous=LOGIN, everyone=404, athlete=200),  # optional, consented
    # an empty name: back to the clinic's time zone (tests/athlete/test_time_zone.py)
    "athlete:time_zone": expect("POST", anonymous=LOGIN, everyone=404, athlete=200),
    "athlete:messages": expect(anonymous=LOGIN, everyone=404, athlete=200),
    # an empty body names no subscription: a 400 with the reason (tests/athlete/test_push.py)
    "athlete:push": expect("POST", anonymous=LOGIN, everyone=404, athlete=400),
    # no such pair, as for another athlete's (tests/athlete/test_sessions.py retires own pairs)
    "athlete:shoe": expect("POST", anonymous=LOGIN, everyone=404, athlete=404),
    # --- consent, data rights and the record of changes (the lead clinician leads every case
    # of the athlete here, so the data rights are theirs) ----------------------------------------
    "clinic:case_privacy": expect(anonymous=LOGIN, everyone=404, foreign=404, **CLINICAL),
    "clinic:case_record": expect(anonymous=LOGIN, everyone=404, foreign=404, **CLINICAL),
    "clinic:case_export": expect("POST", anonymous=LOGIN, everyone=404, foreign=404, clinician=200),
    "clinic:case_erase": expect(anonymous=LOGIN, everyone=404, foreign=404, clinician=200),
    # the offline shell, the web-app manifest and the service worker hold no data
    "athlete:offline": expect(anonymous=200, everyone=200),
    "athlete:manifest": expect(anonymous=200, everyone=200),
    "athlete:sw": expect(anonymous=200, everyone=200),
    # --- the coach's pages ----------------------------------------------------------------------
    "coach:board": expect(anonymous=LOGIN, everyone=ELSEWHERE, coach=200),
    "coach:board_csv": expect(anonymous=LOGIN, everyone=ELSEWHERE, coach=200),
    "coach:athlete": expect(anonymous=LOGIN, everyone=404, foreign=404, coach=200),
    "coach:restrictions": expect(anonymous=LOGIN, everyone=404, foreign=404, coach=200),
    # --- the API: schema and docs are public (they describe, they hold no data) ----------------
    "schema": expect(anonymous=200, everyone=200, library=True),
    "api-docs": expect(anonymous=200, everyone=200, library=True),
    "api-token": expect("POST", anonymous=400, everyone=400),  # no credentials: a 400
    # OAuth2's endpoints (django-oauth-toolkit) answer in OAuth2's form: no grant, no client
    "api-oauth-token": expect("POST", anonymous=400, everyone=400),
    "api-oauth-revoke": expect("POST", anonymous=400, everyone=400),
    "api:api-root": api_read(),
    "api:athlete-list": api_read(),
    "api:athlete-detail": api_read(),
    "api:case-list": api_read(),
    "api:case-detail": api_read(),
    "api:case-fhir": api_read(
        coach=403, nutritionist=403, psychologist=403, integration=403, **CLINICAL, athlete=200
    ),
    # FHIR: the CapabilityStatement and the Questionnaire are definitions (public, like the
    # schema); a daily log as a QuestionnaireResponse follows /daily-logs/{id} for those who may
    # read it, and is not found (404) for everyone else, integration accounts included (they
    # record logs, they do not read them); an unknown FHIR path is a 404.
    "api:fhir-metadata": expect(anonymous=200, everyone=200, library=True),
    "api:fhir-questionnaire": expect(anonymous=200, everyone=200, library=True),
    "api:fhir-questionnaire-response": api_read(everyone=404, **CLINICAL, athlete=200),
    "api:fhir-unknown": api_read(everyone=404, foreign=None),
    # Femoral neck findings and the orthopaedic decision: the case's clinicians only; an
    # empty body records nothing (400). Bone-health reviews: clinical roles and the nutritionist.
    "api:case-femoral-neck": api_action(everyone=403, clinician=400),
    "api:case-bone-health-review": api_action(
        everyone=403, clinician=400, physio=400, nutritionist=400
    ),
    # Bone health: the clinical team and the nutritionist read it (others on the case 403);
    # a REDs screen by them, the decision by the clinicians; cycle entries: each person's own
    # or their clinical team's athletes' (an empty list here), none to delete.
    "api:bone-health-detail": api_read(everyone=403, **CLINICAL, nutritionist=200),
    "api:bone-health-reds-screen": api_action(
        everyone=403, clinician=400, physio=400, nutritionist=400
    ),
    "api:bone-health-decision": api_action(everyone=403, clinician=400),
    "api:cycle-entry-list": api_read(foreign=None),
    "api:cycle-entry-detail": expect(
        "DELETE", anonymous=UNAUTHENTICATED, everyone=404, foreign=None
    ),
    # The running baseline: the clinical roles and integration accounts send it (an empty
    # body is a 400); gait checks: the clinical roles' alone (a list is everyone's, empty).
    "api:case-running-baseline": api_action(
        everyone=403, clinician=400, physio=400, integration=400
    ),
    "api:gait-check-list": api_read(),
    "api:gait-check-detail": api_read(everyone=404, **CLINICAL),
    "api:care-team-member-list": api_read(),
    "api:care-team-member-detail": api_read(),
    # Invitations: each person's own and, for administrators, the clinic's; another clinic's
    # do not exist.
    "api:invitation-list": api_read(foreign=None),
    "api:invitation-detail": api_read(everyone=404, clinician=200),
    "api:invitation-revoke": api_action(**{**dict.fromkeys(PEOPLE, 404), "clinician": 200}),
    "api:invitation-send-again": api_action(**{**dict.fromkeys(PEOPLE, 404), "clinician": 200}),
    "api:template-list": expect(anonymous=UNAUTHENTICATED, everyone=403, library=True, **CARE_TEAM),
    "api:template-detail": expect(
        anonymous=UNAUTHENTICATED, everyone=403, library=True, foreign=None, **CARE_TEAM
    ),
    "api:plan-list": api_read(),
    "api:plan-detail": api_read(),
    "api:plan-transitions": api_action(everyone=403, clinician=400, physio=400),
    "api:plan-start-date": api_action(everyone=403, clinician=400, physio=400),
    "api:plan-undo-transition": api_action(everyone=403, clinician=400, physio=400),
    # The run-walk programme: its stage is training information (the coach and the athlete read
    # it), not for the nutritionist, the psychologist or an integration; the clinicians decide.
    "api:plan-programme": api_read(nutritionist=403, psychologist=403, integration=403),
    "api:plan-programme-decision": api_action(everyone=403, clinician=400, physio=400),
    "api:daily-log-list": api_read(),
    "api:daily-log-detail": api_read(coach=404, nutritionist=404, psychologist=404),
    "api:daily-log-bulk": api_action(everyone=400),  # no items: nothing to refuse yet
    "api:session-list": api_read(),
    "api:session-detail": api_read(nutritionist=404, psychologist=404),
    "api:session-bulk": api_action(everyone=400),
    # the matrix posts JSON: a file comes only as multipart (tests/api/test_activity_files.py)
    "api:session-files": api_action(everyone=415),
    "api:device-metric-list": api_read(),
    "api:device-metric-detail": api_read(nutritionist=404, psychologist=404),
    "api:device-metric-bulk": api_action(everyone=400),
    "api:assessment-list": api_read(),
    # the physio's assessment: nutritionists and psychologists see only their own
    "api:assessment-detail": api_read(
        coach=404, nutritionist=404, psychologist=404, integration=404
    ),
    # test batteries are clinical detail: the clinical roles and the athlete, never a coach
    "api:battery-list": api_read(),
    "api:battery-detail": api_read(everyone=404, athlete=200, **CLINICAL),
    "api:flag-list": api_read(),
    "api:flag-detail": api_read(),
    "api:flag-acknowledge": api_action(everyone=403, clinician=200, physio=200),
    "api:flag-resolve": api_action(everyone=403, clinician=400, physio=400),
    "api:note-list": api_read(),
    "api:note-detail": api_read(everyone=404, **CLINICAL),  # a note for the clinical roles
    "api:review-list": api_read(),
    "api:review-detail": api_read(integration=404),
    "api:review-done": api_action(everyone=403, integration=404, clinician=200, physio=200),
    "api:goal-list": api_read(),
    "api:return-decision-list": api_read(),  # each reads the decisions of the cases they may
    "api:return-decision-detail": api_read(
        coach=404, nutritionist=404, psychologist=404, integration=404
    ),
    "api:readiness-questionnaire-list": api_read(),
    "api:readiness-questionnaire-detail": api_read(coach=404, nutritionist=404, integration=404),
    "api:goal-detail": api_read(coach=404, nutritionist=404, integration=404),
    # webhooks: an integration account's own (a clinic's administrator, here the clinician,
    # manages the clinic's, and lists them); another account's endpoint is a 404 for everyone
    "api:webhook-list": api_read(everyone=403, integration=200, clinician=200),
    "api:webhook-detail": api_read(everyone=404, integration=200),
    "api:webhook-deliveries": api_read(everyone=404, integration=200),
    "api:webhook-test": api_action(**{**dict.fromkeys(PEOPLE, 404), "integration": 202}),
    "api:webhook-rotate-secret": api_action(**{**dict.fromkeys(PEOPLE, 404), "integration": 200}),
    "api:bone-result-list": api_read(),  # the others' lists are empty
    "api:bone-result-detail": api_read(coach=404, psychologist=404, integration=404),
    "api:energy-availability-list": api_read(),
    "api:energy-availability-detail": api_read(coach=404, psychologist=404, integration=404),
    "api:workup-task-list": api_read(),
    "api:workup-task-detail": api_read(coach=404, psychologist=404, integration=404),
    # the exercise library is not case data: every account reads it
    "api:exercise-list": expect(anonymous=UNAUTHENTICATED, everyone=200, library=True),
    "api:exercise-detail": expect(
        anonymous=UNAUTHENTICATED, everyone=200, library=True, foreign=None
    ),
    # ticks: the clinical roles and the athlete read them, the athlete and the integration write
    "api:exercise-completion-list": api_read(),
    "api:exercise-completion-detail": api_read(coach=404, nutritionist=404, psychologist=404),
    "api:goal-tick": api_action(
        everyone=404, psychologist=403, clinician=200, physio=200, athlete=200
    ),
}
# DRF's format-suffix variants (/api/v1/cases/1.json) answer as the route they extend.
FORMAT_VARIANTS = {name for name in MATRIX if name.startswith("api:")}


# Who reads only the summary classes of the case (athletes.permissions.classification).
SUMMARY_READERS = {"coach", "integration", "nutritionist", "psychologist", "anonymous"}

# The clinical values of the case that no page shows by accident (the coach is checked against
# every marker, generic words included; the others against these).
UNIQUE_MARKERS = {
    field: tuple(m for m in markers if m.startswith("ZEBRA"))
    for field, markers in CLINICAL_MARKERS.items()
}


def declared(route: Route) -> Expect | None:
    if route.name.startswith("admin:") or (not route.name and route.route.startswith("/admin/")):
        return ADMIN_EXCEPTIONS.get(route.name, ADMIN)
    if route.key.endswith(".<format>") and route.name in FORMAT_VARIANTS:
        return MATRIX[route.name]
    return MATRIX.get(route.key)


ALL_ROUTES = routes()
AREAS = {
    "site": lambda r: r.name in {"home", "login", "logout", "healthz"},
    "clinic": lambda r: r.name.startswith("clinic:"),
    "plans": lambda r: r.name.startswith("plans:"),
    "athlete": lambda r: r.name.startswith("athlete:"),
    "coach": lambda r: r.name.startswith("coach:"),
    "api": lambda r: r.api or r.name in {"schema", "api-docs"},
    "admin": lambda r: r.route.startswith("/admin/"),
    "care": lambda r: r.name.startswith(("care:", "whatif:", "account:")),
}


def _area(route: Route) -> str:
    return next((area for area, test in AREAS.items() if test(route)), "other")


def test_every_route_is_declared():
    """A new URL fails here until ``MATRIX`` says who may use it."""
    missing = sorted({r.key or r.route for r in ALL_ROUTES if declared(r) is None})
    assert missing == [], f"declare these routes in tests/security/test_matrix.py: {missing}"


def test_every_route_is_named_or_in_the_admin():
    """The matrix reaches routes by name; only the admin's own redirects go unnamed."""
    unnamed = [r.route for r in ALL_ROUTES if not r.name and not r.route.startswith("/admin/")]
    assert unnamed == []


def test_no_declaration_is_stale():
    keys = {r.key for r in ALL_ROUTES} | {r.name for r in ALL_ROUTES}
    stale = sorted(set(MATRIX) - keys - set(ADMIN_EXCEPTIONS))
    assert stale == [], f"these routes are gone: remove them from MATRIX: {stale}"


def _admin_url(route: Route) -> str:
    """An admin route with every parameter "1": the admin refuses before it looks at them."""
    url = route.route.replace("(?P<url>.*)$", "nowhere/")
    url = re.sub(r"<[^>]+>|\([^)]*\)", "1", url)
    return url.replace("^", "").replace("$", "")


def _clients(world: dict) -> dict:
    """(person, for the API?) -> a client logged in once (a token for the API)."""
    page, api = Route("", "", ()), Route("api:", "", ())
    return {
        (person, is_api): client_for(user, api if is_api else page)
        for person, user in world["users"].items()
        for is_api in (False, True)
    }


def _cells(route: Route, world: dict, clients: dict):
    """(which case, person, status it gave, status expected, body) for every cell of the route."""
    expected = declared(route)
    assert expected is not None, f"{route.key} is not declared"
    cases = ("own", "foreign") if route.of_an_object and expected.foreign is not None else ("own",)
    for which in cases:
        admin = route.route.startswith("/admin/")
        url = _admin_url(route) if admin else url_for(route, world, which)
        for person in ROLES:
            user = world["users"][person]
            if which == "foreign" and user is not None:
                status = expected.foreign
            else:
                status = expected.own[person]
            client = clients[person, route.api and route.name != "api-token"]
            response = request(client, expected.method, url, expected.data, route.api)
            yield which, person, response, status, url


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _text_problems(response, body, where, person, which, expected, world, hidden) -> list[str]:
    """What the answer shows that the person may not read: the foreign case, the case's
    clinical free text (summary readers), its clinical fields (coach, integration account) or
    the distinctive value of a field hidden from them."""
    problems = []
    if person != "anonymous" or response.status_code == 200:
        leaked = [m for m in FOREIGN_MARKERS if m in body]
        if leaked:
            problems.append(f"{where}: shows the foreign case: {leaked}")
    if expected.library:
        return problems
    if person in SUMMARY_READERS and OWN_TEXT in body:
        seeded = [f for m, f in world["text"]["own"].items() if m in body]
        problems.append(f"{where}: shows clinical free text to {person}: {seeded}")
    if person in {"coach", "integration"}:
        leaks = _leaks(body)
        if leaks:
            problems.append(f"{where}: shows clinical fields to the {person}: {leaks}")
    elif which == "own":
        leaks = {
            f: found
            for f in hidden[person]
            if (found := [m for m in UNIQUE_MARKERS.get(f, ()) if m in body])
        }
        if leaks:
            problems.append(f"{where}: shows fields hidden from {person}: {leaks}")
    return problems


@pytest.mark.parametrize("area", [*AREAS, "other"])
def test_the_matrix(area, world):
    """Every route of the area × every person × own and foreign case: the declared status, no
    foreign data, and nothing clinical for the coach."""
    checked, problems, clients = 0, [], _clients(world)
    case = world["cases"]["own"]
    hidden = {  # the clinical fields each person may not see on the case
        person: CLINICAL_CASE_FIELDS - visible_case_fields(user, case)
        for person, user in world["users"].items()
    }
    for route in (r for r in ALL_ROUTES if _area(r) == area):
        expected = declared(route)
        if expected is None:
            continue  # test_every_route_is_declared names it
        for which, person, response, status, url in _cells(route, world, clients):
            checked += 1
            where = f"{expected.method} {url} as {person} ({which} case)"
            if response.status_code != status:
                problems.append(f"{where}: {response.status_code}, expected {status}")
            body = _body(response)
            problems += _text_problems(
                response, body, where, person, which, expected, world, hidden
            )
    assert problems == [], "\n".join(problems)
    if area != "other":
        assert checked > 0, f"no route in {area}"


def test_the_seeded_text_is_real_and_reaches_the_clinical_readers(world):
    """The markers stand in every clinical free-text field the issue names, and the case's
    clinician does read them (so their absence for the others means something)."""
    seeded = set(world["text"]["own"].values())
    for name in (
        "monitoring.Review.note",
        "protocols.PlanPhase.goal",
        "protocols.PlanPhase.notes",
        "protocols.PlanPhase.prescriptions[].notes",
        "protocols.PhaseTransition.reason",
        "protocols.Plan.name",
        "monitoring.Flag.title",
        "monitoring.Flag.message",
        "monitoring.DailyLog.note",
        "monitoring.DailyLog.pain_location",
        "monitoring.ActivitySession.note",
    ):
        assert name in seeded, name
    rows, clinician = world["rows"]["own"], world["users"]["clinician"]
    api = client_for(clinician, Route("api:", "", ()))
    marker = {f: m for m, f in world["text"]["own"].items()}
    review = api.get(f"/api/v1/reviews/{rows['review'].pk}/").content.decode()
    assert marker["monitoring.Review.note"] in review
    plan = api.get(f"/api/v1/plans/{rows['plan'].pk}/").content.decode()
    assert OWN_TEXT in plan and "navicular" in plan
