"""The notification centre: the unread count in the top bar, the list (unread first), mark one
read by opening it (to the case as its reader sees it), mark all read; only one's own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitoring.models import Notification

pytestmark = pytest.mark.django_db


def _notice(case, user, title):
    return Notification.objects.create(recipient=user, case=case, title=title, body="Body.")


def test_count_list_open_and_mark_all_read(client, case, clinician, coach):
    first = _notice(case, clinician, "First notice")
    _notice(case, clinician, "Second notice")
    _notice(case, coach, "The coach's own")
    client.force_login(clinician)
    count = client.get(reverse("care:notification_count")).content.decode()
    assert ">2<" in count
    page = client.get(reverse("care:notifications")).content.decode()
    assert "First notice" in page and "Second notice" in page and "The coach's own" not in page
    response = client.post(reverse("care:notification_read", args=[first.pk]))
    assert response.url == reverse("clinic:case", args=[case.pk])
    assert ">1<" in client.get(reverse("care:notification_count")).content.decode()
    client.post(reverse("care:notifications"))
    assert ">0<" in client.get(reverse("care:notification_count")).content.decode()


def test_a_coach_s_notice_opens_the_coach_page_and_others_notices_are_not_found(
    client, case, clinician, coach
):
    mine = _notice(case, coach, "Added to the care team")
    theirs = _notice(case, clinician, "Not the coach's")
    client.force_login(coach)
    response = client.post(reverse("care:notification_read", args=[mine.pk]))
    assert response.url == reverse("coach:athlete", args=[case.pk])
    assert client.post(reverse("care:notification_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_page_says_what_each_reader_is_notified_of(client, case, clinician, athlete_user):
    """Staff read of red flags and care-team changes; an athlete, of their own care (they get
    neither), and where their team's messages are."""
    client.force_login(clinician)
    page = client.get(reverse("care:notifications")).content.decode()
    assert "Red flags, regressions and changes to your care teams" in page
    client.force_login(athlete_user)
    page = client.get(reverse("care:notifications")).content.decode()
    assert "Red flags" not in page and "care teams" not in page
    assert "Notices about your care" in page
