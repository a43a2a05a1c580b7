"""Device data on the clinician's case page: step counts (wearable samples), cadence and
ground-contact time (sessions from watch files, and samples) charted beside load, in one query
of its own whatever the number of rows; charted only, never a gate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring import device_charts
from monitoring.models import ActivitySession, DeviceMetric

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def fill(case, days: int) -> None:
    athlete = case.athlete
    ActivitySession.objects.bulk_create(
        ActivitySession(
            athlete=athlete,
            date=TODAY - dt.timedelta(days=n),
            activity="run",
            minutes=30,
            rpe=3,
            source="device",
            cadence=168 + n % 5,
            ground_contact_ms=250 - n % 7,
        )
        for n in range(days)
    )
    DeviceMetric.objects.bulk_create(
        DeviceMetric(
            athlete=athlete,
            metric=metric,
            value=value,
            unit=DeviceMetric.UNITS[metric],
            recorded_at=timezone.make_aware(
                dt.datetime.combine(TODAY - dt.timedelta(days=n), dt.time(20))
            ),
            date=TODAY - dt.timedelta(days=n),
            source="watch",
            external_id=f"{metric}-{n}",
        )
        for n in range(days)
        for metric, value in (("steps", 9000 + n), ("cadence", 172), ("jump_height", 30))
    )


def queries(client, case) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("clinic:case", kwargs={"case_id": case.pk}))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_case_page_charts_steps_cadence_and_contact_in_constant_queries(
    client, case, plan, clinician
):
    client.force_login(clinician)
    fill(case, 3)
    few, html = queries(client, case)
    assert "Device data: steps, cadence, ground contact" in html
    assert "never a gate" in html and "Ground contact (ms)" in html
    ActivitySession.objects.all().delete()
    DeviceMetric.objects.all().delete()
    fill(case, 19)
    many, html = queries(client, case)
    assert many == few
    assert "Cadence (steps" in html


def test_no_device_data_no_chart(client, case, plan, clinician):
    client.force_login(clinician)
    _, html = queries(client, case)
    assert "Device data: steps" not in html


def test_who_does_not_see_load_does_not_see_the_device_chart(client, case, plan, nutritionist):
    fill(case, 5)
    client.force_login(nutritionist)
    response = client.get(reverse("clinic:case", kwargs={"case_id": case.pk}))
    assert response.status_code == 200
    assert "Device data: steps" not in response.content.decode()


def test_the_series_sum_steps_and_average_cadence_and_contact():
    days = [TODAY - dt.timedelta(days=1), TODAY]
    series = device_charts.device_series(
        days,
        [(TODAY, 170, 240), (TODAY, 174, None)],
        [(TODAY, "steps", 4000), (TODAY, "steps", 5000), (TODAY, "ground_contact_time", 260)],
    )
    assert series == {
        "steps": [None, 9000],
        "cadence": [None, 172],
        "ground_contact_time": [None, 250],
    }
