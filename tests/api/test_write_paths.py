"""The writes' quicker paths give what the general ones give: the light scope the same cases,
roles and decisions as the full one; the quick item parsing the same values and errors as the
serializers; the history rows copied in SQL the same rows as simple-history's."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import DataError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from athletes import permissions
from athletes.api_scopes import ApiScope, api_cases, light_api_cases
from athletes.models import SharingConsent
from monitoring.api import validation
from monitoring.api.logs import DailyLogItemSerializer
from monitoring.api.metrics import DeviceMetricItemSerializer
from monitoring.api.sessions import ActivitySessionItemSerializer
from monitoring.models import DailyLog

from .conftest import TODAY
from .test_permissions import ROLES  # every kind of person, as in the permission table

BULK = "/api/v1/daily-logs/bulk/"

PREDICATES = (
    permissions.can_view_case,
    permissions.can_view_clinical,
    permissions.can_view_load,
    permissions.can_log_for,
    permissions.can_edit_plan,
    permissions.can_manage_flags,
)


@pytest.mark.django_db
def test_the_light_scope_has_the_cases_roles_and_decisions_of_the_full_one(
    request, case, athlete_user, coach, clinician, foreign_case
):
    # the athlete withdrew consent for the coach: the coach is off the care team
    SharingConsent.objects.create(
        athlete=case.athlete,
        role="coach",
        given=False,
        changed_at=timezone.now(),
        changed_by=athlete_user,
    )
    for user in map(request.getfixturevalue, ROLES):
        full = sorted(
            (c.pk, c.athlete_id, c.status, c.athlete.user_id, c.viewer_role)
            for c in api_cases(user)
        )
        light = sorted(
            (c.pk, c.athlete_id, c.status, c.athlete.user_id, c.viewer_role)
            for c in light_api_cases(user)
        )
        assert light == full, user.username
        for predicate in PREDICATES:
            assert ApiScope(user, light=True).case_ids(predicate) == ApiScope(user).case_ids(
                predicate
            ), (user.username, predicate.__name__)
        assert ApiScope(user, light=True).loggable_cases() == ApiScope(user).loggable_cases()
        # restricted to the athletes a write names: the same decisions on theirs, none else
        for athletes in ({case.athlete_id}, {foreign_case.athlete_id}, set(), {0, True}):
            narrow = ApiScope(user, light=True)
            narrow.only_athletes(athletes)
            for predicate in PREDICATES:
                expected = {
                    pk
                    for pk in ApiScope(user).case_ids(predicate)
                    if ApiScope(user).case(pk).athlete_id in athletes
                }
                assert narrow.case_ids(predicate) == expected, (user.username, athletes)
    assert not light_api_cases(coach)
    # any other field of a light case is read when asked for
    light_case = light_api_cases(clinician)[0]
    assert light_case.site == case.site and light_case.athlete.first_name == case.athlete.first_name


@pytest.mark.django_db
def test_a_light_case_is_the_instance_from_db_makes(case, clinician):
    from django.db.models import signals

    from athletes import api_scopes
    from athletes.models import Athlete, Case

    (light,) = light_api_cases(clinician)
    made = Case.from_db(
        "default", ("id", "athlete_id", "status"), (case.pk, case.athlete_id, "active")
    )
    athlete = Athlete.from_db("default", ("id", "user_id"), (case.athlete_id, case.athlete.user_id))
    for mine, theirs in ((light, made), (light.athlete, athlete)):
        assert type(mine) is type(theirs)
        assert mine.get_deferred_fields() == theirs.get_deferred_fields()
        assert (mine._state.adding, mine._state.db) == (theirs._state.adding, theirs._state.db)
        assert {
            k: v
            for k, v in vars(mine).items()
            if k in {f.attname for f in type(mine)._meta.concrete_fields}
        } == {
            k: v
            for k, v in vars(theirs).items()
            if k in {f.attname for f in type(theirs)._meta.concrete_fields}
        }
    assert light.pk == case.pk and light.athlete.user_id == case.athlete.user_id
    # a deferred field is read from the database when asked for; the instance can be refreshed
    assert light.risk == case.risk
    light.refresh_from_db()
    assert light.site == case.site
    # with an init receiver for the model, the instances come from from_db, which calls it
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    signals.post_init.connect(receiver, sender=Case)
    try:
        (again,) = api_scopes.light_api_cases(clinician)
    finally:
        signals.post_init.disconnect(receiver, sender=Case)
    assert seen == [again]


VALID_ITEMS = {
    DailyLogItemSerializer: {
        "athlete": 5,
        "date": "2026-01-01",
        "pain_rest": 0,
        "pain_during": 2,
        "pain_next_morning": None,
        "pain_character": "dull",
        "localized": True,
        "pain_location": " shin ",
        "night_pain": False,
        "pain_lasted_hours": "1.5",
        "fatigue": 3,
        "sleep_hours": "7.5",
        "steps": 8000,
        "note": "ok",
    },
    ActivitySessionItemSerializer: {
        "athlete": 5,
        "date": "2026-01-01",
        "source": "device",
        "external_id": "abc",
        "activity": "run",
        "minutes": 30,
        "rpe": 5,
        "distance_km": "5.2",
        "surface": "",
        "note": "",
    },
    DeviceMetricItemSerializer: {
        "athlete": 5,
        "metric": "steps",
        "value": 1000,
        "unit": "count",
        "recorded_at": "2026-01-01T07:00:00Z",
        "source": "garmin",
        "external_id": "x1",
    },
}
ODD_VALUES = [
    None, 0, 1, 3, 7, 10, 11, -1, 169, 2**31, "3", " 3 ", "3.0", 3.0, 3.5, True, False, "", " ",
    "x", " dull ", "dull", "none", "run", "device", "steps", "count", "\x00", "x" * 121,
    "x" * 2001, "7.55", "1e1", "NaN", "2026-1-1", "20260101", "2026-01-01T07:00:00", "2026-13-01",
    [], {}, "true", "yes", Decimal("2.5"), 2**31 - 1, "\ud800", "ok\udfff", "é" * 120, 1e7, 1e7 + 1,
]  # fmt: skip


@pytest.mark.parametrize("serializer_class", list(VALID_ITEMS), ids=lambda c: c.__name__)
def test_quick_item_parsing_gives_the_serializers_values_and_errors(serializer_class):
    parser = validation.item_parser(serializer_class)
    assert validation.quick_parser(parser) is not None
    names = list(parser.fields)
    rng = random.Random(7)  # noqa: S311 — test data
    for _ in range(3000):
        item = dict(VALID_ITEMS[serializer_class])
        for name in rng.sample(names, rng.randint(0, 3)):
            if rng.random() < 0.15:
                item.pop(name, None)
            else:
                item[name] = rng.choice(ODD_VALUES)
        values, errors = validation.parse_items([item], parser)
        try:
            expected, expected_errors = parser.run_validation(item), None
        except ValidationError as exc:
            expected, expected_errors = None, validation.error_messages(exc.detail)
        assert (values[0], errors.get(0)) == (expected, expected_errors), item
        if expected is not None:
            assert [type(v) for v in values[0].values()] == [type(v) for v in expected.values()]


@pytest.mark.django_db
def test_history_rows_of_a_bulk_write_are_those_simple_history_writes(api, plan, case, integration):
    day = str(TODAY - dt.timedelta(days=1))
    item = {"athlete": case.athlete_id, "date": day, "pain_during": 2, "sleep_hours": "7.5"}
    client = api(integration)
    assert client.post(BULK, {"items": [item]}, format="json").status_code == 200
    item["pain_during"] = 3
    assert client.post(BULK, {"items": [item]}, format="json").status_code == 200
    log = DailyLog.objects.get(athlete=case.athlete, date=day)
    created, updated = log.history.order_by("history_id")
    assert (created.history_type, updated.history_type) == ("+", "~")
    for row in (created, updated):
        assert row.history_user_id == integration.pk
        assert row.history_change_reason is None
    tracked = [f.attname for f in DailyLog.history.model.tracked_fields]
    assert {f: getattr(updated, f) for f in tracked} == {f: getattr(log, f) for f in tracked}
    assert created.pain_during == 2 and created.created_at == log.created_at
    # what simple-history itself records for the stored row is the same
    DailyLog.history.bulk_history_create([log], update=True, default_user=integration)
    again = log.history.order_by("history_id").last()
    assert {f: getattr(again, f) for f in tracked} == {f: getattr(updated, f) for f in tracked}


@pytest.mark.django_db
def test_the_quick_insert_stores_what_bulk_create_stores(case, clinician):
    from monitoring.bulk import insert as _insert

    def logs(day: dt.date) -> list[DailyLog]:
        return [
            DailyLog(
                athlete=case.athlete,
                date=day - dt.timedelta(days=i),
                source="api",
                submitted_by=clinician,
                pain_during=i,
                pain_character=("dull", "", "none")[i],
                localized=(True, None, False)[i],
                sleep_hours=(Decimal("7.5"), None, Decimal("0.0"))[i],
                steps=(5000, None, 0)[i],
                stress=True if i == 2 else 3,  # not an int: through the field
                note='it\'s "ok"\n\\ é',
            )
            for i in range(3)
        ]

    quick = _insert(DailyLog, logs(TODAY - dt.timedelta(days=10)))
    plain = DailyLog.objects.bulk_create(logs(TODAY - dt.timedelta(days=20)))
    assert all(obj.pk and not obj._state.adding for obj in quick)
    skip = {"id", "date", "created_at", "updated_at"}
    names = [f.attname for f in DailyLog._meta.concrete_fields if f.attname not in skip]
    for a, b in zip(quick, plain, strict=True):
        a, b = DailyLog.objects.get(pk=a.pk), DailyLog.objects.get(pk=b.pk)
        assert {n: getattr(a, n) for n in names} == {n: getattr(b, n) for n in names}
    # a text longer than its column fails as it does through bulk_create, never cut short
    too_long = logs(TODAY - dt.timedelta(days=30))
    too_long[1].pain_location = "x" * 1000
    with pytest.raises(DataError), transaction.atomic():
        _insert(DailyLog, too_long)


@pytest.mark.django_db
def test_the_quick_insert_of_json_documents_and_their_history_match_the_library(plan, clinician):
    from monitoring import bulk
    from monitoring.models import Flag

    phase = plan.current_phase
    document = {
        "day": "2026-11-20",
        "summary": 'Pain “4/10” on 2026-11-19; the limit is 3/10 — it\'s "ok"\n\\ é',
        "advance": [{"kind": "pain_max", "params": {"max": 3, "days": 7}, "met": None}],
        "ratio": 1.25,
        "empty": [],
        "none": None,
    }

    def flags(kinds) -> list[Flag]:
        return [
            Flag(
                case=plan.case,
                phase=phase,
                kind=kind,
                title=f"Flag {i}",
                message=f"Message {i}: {document['summary']}",
                coach_message="" if i else "Coach",
                evaluation={**document, "index": i},
                proposed_phase=phase if i == 1 else None,
            )
            for i, kind in enumerate(kinds)
        ]

    # one unresolved flag per case, phase and kind: the two inserts take different kinds
    quick = bulk.insert(Flag, flags(["red_flag", "regression"]))
    plain = Flag.objects.bulk_create(flags(["load_spike", "missing_logs"]))
    assert all(obj.pk and not obj._state.adding for obj in quick)
    skip = {"id", "raised_at", "updated_at", "kind"}
    names = [f.attname for f in Flag._meta.concrete_fields if f.attname not in skip]
    for a, b in zip(quick, plain, strict=True):
        a, b = Flag.objects.get(pk=a.pk), Flag.objects.get(pk=b.pk)
        assert {n: getattr(a, n) for n in names} == {n: getattr(b, n) for n in names}
        assert a.evaluation["summary"] == document["summary"]

    # history: without a user (a nightly task), with a reason; then as simple-history does it
    bulk.history_create(Flag, quick, history_type="+", user=None, reason="Nightly evaluation")
    Flag.history.bulk_history_create(
        quick, default_user=None, default_change_reason="Nightly evaluation"
    )
    tracked = [f.attname for f in Flag.history.model.tracked_fields]
    for flag in quick:
        ours, theirs = flag.history.order_by("history_id")
        for row in (ours, theirs):
            row_values = {f: getattr(row, f) for f in tracked}
            assert row_values == {f: getattr(theirs, f) for f in tracked}
        assert (ours.history_user_id, ours.history_change_reason, ours.history_type) == (
            theirs.history_user_id,
            theirs.history_change_reason,
            theirs.history_type,
        )
        assert ours.history_user_id is None and ours.history_type == "+"

    # a user given is recorded
    bulk.history_create(Flag, quick[:2], history_type="~", user=clinician)
    assert set(Flag.history.filter(history_type="~").values_list("history_user_id", flat=True)) == {
        clinician.pk
    }


def test_the_light_scope_is_each_caller_s_own(
    case, clinician, physio, integration, team_integration, foreign_case
):
    """Every caller, in any order, gets their own cases, as from the ORM."""
    from athletes import api_scopes

    people = [clinician, physio, integration, team_integration]
    for athletes in (None, [case.athlete_id, foreign_case.athlete_id]):
        for user in people + people[::-1]:
            rows = api_scopes.light_rows(user, athletes)
            orm = api_scopes.light_queryset(user.pk, athletes, kind=user.kind)
            assert rows == list(orm), user


def test_the_light_scope_statement_keeps_the_consent_rule_of_the_queryset(
    case, clinician, physio, coach, integration, team_integration, foreign_case
):
    """The named statement (``api_scopes._light_scope_sql``) against the ORM's queryset
    (``permissions.members_with_consent``), consent withdrawn and given again: a withdrawn
    role, or the consent for a person's kind (a coach recorded in another role), hides the
    case; the lead clinician is never withheld; a team grant is not a care-team role."""
    import datetime as dt

    from athletes import api_scopes
    from athletes.models import CareTeamMember, SharingConsent

    people = [clinician, physio, coach, integration, team_integration]
    lead = case.care_team.get(role=CareTeamMember.Role.LEAD_CLINICIAN).user
    people.append(lead)

    def same() -> dict:
        seen = {}
        for athletes in (None, [case.athlete_id], [foreign_case.athlete_id, case.athlete_id]):
            for user in people:
                rows = api_scopes.light_rows(user, athletes)
                assert rows == list(api_scopes.light_queryset(user.pk, athletes, kind=user.kind))
                seen[(user.pk, None if athletes is None else tuple(athletes))] = rows
        return seen

    given = same()
    for role in ("physio", "coach", "clinician", "integration", "lead_clinician"):
        SharingConsent.objects.update_or_create(
            athlete=case.athlete,
            role=role,
            defaults={"given": False, "changed_at": dt.datetime.now(dt.UTC)},
        )
        withdrawn = same()
        assert any(rows for rows in withdrawn.values())
    assert withdrawn[(lead.pk, None)] == given[(lead.pk, None)]  # never withheld
    assert not withdrawn[(physio.pk, None)]
    SharingConsent.objects.filter(athlete=case.athlete).update(given=True)
    assert same() == given
