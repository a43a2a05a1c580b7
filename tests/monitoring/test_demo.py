"""The demo clinic has a login per role and shows every kind of flag."""

import pytest
from django.core.management import call_command

from athletes.models import User
from monitoring.models import DailyLog, Flag


@pytest.mark.django_db
def test_seed_demo_creates_every_role_and_every_flag_kind(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for username in ("clinician", "physio", "coach", "athlete", "nutritionist", "psychologist"):
        assert username in out
        assert User.objects.get(username=username).check_password("rehab-demo")
    kinds = set(Flag.objects.filter(status="open").values_list("kind", flat=True))
    assert kinds == set(Flag.Kind.values)
    assert DailyLog.objects.filter(athlete__first_name="Maya").count() >= 42  # six weeks and more
    assert all(f.message and f.evaluation for f in Flag.objects.all())


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    counts = (DailyLog.objects.count(), Flag.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (DailyLog.objects.count(), Flag.objects.count(), User.objects.count()) == counts
