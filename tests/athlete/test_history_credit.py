"""The record of changes names who did what: an evaluation run for a log is the system's work,
also when its task runs in the request's thread (``make run``: tasks eager, no worker)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitoring.audit.entries import AUTOMATIC
from monitoring.models import Flag

from .conftest import form_data

# Real commits: the evaluation runs when the log's transaction commits, inside the request, as
# under ``make run`` (a test transaction would run it after the request, outside its context).
pytestmark = [pytest.mark.usefixtures("today"), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager(settings):
    """Tasks run in the request's thread, as under ``make run``; afterwards as before (the
    app's setting read before Django's is changed, which it would otherwise follow)."""
    from rehab.celery import app

    was = bool(app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = was
    assert not was, "tests run with a broker: the app must not be left eager"


def test_a_flag_raised_by_an_athlete_s_log_is_the_evaluation_s(
    client, maya, case, clinician, eager
):
    client.force_login(maya)
    response = client.post(
        reverse("athlete:log"), form_data(pain_during="8", pain_after="7", pain_rest="5")
    )
    assert response.status_code == 302
    raised = Flag.objects.filter(case=case)
    assert raised.exists()
    for flag in raised:
        first = flag.history.earliest("history_id")
        assert first.history_type == "+" and first.history_user_id is None

    client.force_login(clinician)
    page = client.get(reverse("clinic:case_record", args=[case.pk])).content.decode()
    assert "Flag raised" in page and AUTOMATIC in page
    assert "Maya" not in page.split("Flag raised", 1)[1].split("</li>", 1)[0]
