"""Ingest: validation, upsert by athlete and day, idempotent device samples, permissions."""

import datetime as dt

import kombu.pools
import pytest
from django.utils import timezone

from monitoring.ingest import items
from monitoring.models import ActivitySession, Assessment, DailyLog, DeviceMetric
from rehab.errors import ApplicationError

TODAY = dt.date(2026, 10, 20)


def record(case, user, day=TODAY, **fields):
    return items.daily_log_record(
        athlete=case.athlete, date=day, submitted_by=user, fields=fields, today=TODAY
    )


def test_recording_the_same_day_again_updates_it(walk_run, case, athlete_user):
    log, created = record(case, athlete_user, pain_during=3, pain_character="dull")
    assert created
    again, created = record(case, athlete_user, pain_during=1)
    assert not created and again.pk == log.pk
    assert DailyLog.objects.get().pain_during == 1
    assert DailyLog.objects.get().submitted_by == athlete_user


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"pain_during": 11}, "pain_during"),
        ({"pain_rest": -1}, "pain_rest"),
        ({"fatigue": 9}, "fatigue"),
        ({"sleep_hours": "25"}, "sleep_hours"),
        ({"sleep_hours": "lots"}, "sleep_hours"),
        ({"pain_character": "burning"}, "pain_character"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_bad_values_are_field_errors_and_nothing_is_saved(
    walk_run, case, athlete_user, fields, field
):
    with pytest.raises(ApplicationError) as err:
        record(case, athlete_user, **fields)
    assert field in err.value.errors
    assert not DailyLog.objects.exists()


def test_no_log_for_tomorrow(walk_run, case, athlete_user):
    with pytest.raises(ApplicationError) as err:
        record(case, athlete_user, day=TODAY + dt.timedelta(days=1), pain_during=0)
    assert "date" in err.value.errors


@pytest.mark.parametrize("who", ["coach", "nutritionist", "psychologist", "outsider"])
def test_only_the_athlete_clinicians_and_integrations_log(request, walk_run, case, who):
    user = request.getfixturevalue(who)
    with pytest.raises(ApplicationError) as err:
        record(case, user, pain_during=0)
    assert "athlete" in err.value.errors


@pytest.mark.parametrize("who", ["athlete_user", "clinician", "physio", "integration"])
def test_entitled_loggers(request, walk_run, case, who):
    _, created = record(case, request.getfixturevalue(who), pain_during=0)
    assert created


def test_session_load_and_external_id_idempotency(walk_run, case, integration):
    kwargs = {
        "athlete": case.athlete,
        "date": TODAY,
        "submitted_by": integration,
        "source": "api",
        "external_id": "garmin-123",
        "today": TODAY,
        "fields": {"activity": "run", "minutes": 30, "rpe": 4, "surface": "track"},
    }
    session, created = items.activity_session_record(**kwargs)
    assert created and session.load == 120
    _, created = items.activity_session_record(**kwargs)
    assert not created
    assert ActivitySession.objects.count() == 1
    with pytest.raises(ApplicationError) as err:
        items.activity_session_record(
            **{**kwargs, "external_id": "", "fields": {"activity": "fly", "minutes": 0}}
        )
    assert {"activity", "minutes"} <= set(err.value.errors)


def test_device_samples_are_stored_once(walk_run, case, integration):
    at = timezone.make_aware(dt.datetime(2026, 10, 19, 8, 0))
    samples = [
        {
            "metric": "steps",
            "value": 8000,
            "recorded_at": at,
            "source": "watch",
            "external_id": f"s{i}",
        }
        for i in range(3)
    ]
    assert items.device_metrics_ingest(
        athlete=case.athlete, samples=samples, submitted_by=integration, today=TODAY
    ) == (3, 0)
    assert items.device_metrics_ingest(
        athlete=case.athlete, samples=samples, submitted_by=integration, today=TODAY
    ) == (0, 3)
    assert DeviceMetric.objects.count() == 3
    with pytest.raises(ApplicationError) as err:
        items.device_metrics_ingest(
            athlete=case.athlete,
            submitted_by=integration,
            today=TODAY,
            samples=[
                {
                    "metric": "steps",
                    "value": "x",
                    "recorded_at": at,
                    "source": "w",
                    "external_id": "e",
                },
                {"metric": "mood", "value": 1, "recorded_at": at},
            ],
        )
    assert set(err.value.errors) == {"0.value", "1.metric"}


def test_assessment_validation_per_test(walk_run, case, clinician, nutritionist):
    a = items.assessment_record(
        case=case,
        test="single_leg_hop",
        value=12,
        pain=1,
        date=TODAY,
        assessed_by=clinician,
        today=TODAY,
    )
    assert a.value == 12
    for test, value in (("single_leg_hop", 10.5), ("tenderness", 2), ("tsk11", 5)):
        with pytest.raises(ApplicationError) as err:
            items.assessment_record(
                case=case, test=test, value=value, date=TODAY, assessed_by=clinician, today=TODAY
            )
        assert "value" in err.value.errors
    with pytest.raises(ApplicationError):
        items.assessment_record(
            case=case,
            test="single_leg_hop",
            value=12,
            date=TODAY,
            assessed_by=nutritionist,
            today=TODAY,
        )
    with pytest.raises(ApplicationError) as err:  # a Triad total is computed, never typed
        items.assessment_record(
            case=case,
            test="bone_health_cra",
            value=2,
            date=TODAY,
            assessed_by=nutritionist,
            today=TODAY,
        )
    assert "test" in err.value.errors
    items.assessment_record(
        case=case,
        test="bone_health_cra",
        value=2,
        date=TODAY,
        assessed_by=nutritionist,
        today=TODAY,
        screen=True,
    )
    assert Assessment.objects.count() == 2


def test_a_write_queues_one_evaluation_per_case_after_commit(
    walk_run, case, athlete_user, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("monitoring.evaluation.tasks.evaluate_case.delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        record(case, athlete_user, pain_during=1)
        assert queued == []  # nothing before the commit
    assert queued == [case.pk]


def reset_pools(app):
    """Forget every broker connection and producer pool (kombu keeps them in a global
    registry, so closing the app's pool alone would leave a closed pool to be found again)."""
    kombu.pools.reset()
    app._pool = app.amqp._producer_pool = None


def test_broker_down_keeps_the_log(
    walk_run, case, athlete_user, caplog, django_capture_on_commit_callbacks
):
    from rehab.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    reset_pools(app)  # pools are rebuilt from the (dead) URL
    try:
        with django_capture_on_commit_callbacks(execute=True):
            log, _ = record(case, athlete_user, pain_during=2)
    finally:
        app.conf.broker_url = previous
        reset_pools(app)
    assert DailyLog.objects.get().pk == log.pk
    assert f"Could not queue the evaluation of case {case.pk}" in caplog.text
