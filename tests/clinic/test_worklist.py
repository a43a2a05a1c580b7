"""The worklist: every open flag of the clinician's cases, red flags first, then regressions,
ready to advance, missing logs, load spikes; flags resolved this week with who resolved them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.evaluation.flags import flag_resolve
from monitoring.models import Flag
from tests.clinic.conftest import TODAY

pytestmark = pytest.mark.django_db


def _flag(case, kind, title, hours_ago=1, phase=None):
    flag = Flag.objects.create(
        case=case, kind=kind, title=title, message=f"{title}.", evaluation={},
        phase=phase or case.plans.get().current_phase,
    )  # fmt: skip
    raised = timezone.now() - dt.timedelta(hours=hours_ago)  # raised_at is set on creation
    Flag.objects.filter(pk=flag.pk).update(raised_at=raised)
    flag.raised_at = raised
    return flag


def test_every_kind_in_its_order_and_the_resolved_with_who(client, case, team, plan, frozen):
    _flag(case, "load_spike", "LOADSPIKE")
    _flag(case, "missing_logs", "MISSING")
    _flag(case, "ready_to_advance", "READY")
    _flag(case, "regression", "REGRESSED")
    _flag(case, "red_flag", "REDFLAG-NEW", hours_ago=1)
    first_phase = plan.phases.get(order=1)  # one open flag of a kind per phase
    _flag(case, "red_flag", "REDFLAG-OLD", hours_ago=30, phase=first_phase)
    done = _flag(case, "missing_logs", "WAS-MISSING", phase=first_phase)
    flag_resolve(flag=done, by=team["physio"], resolution="Phoned: logs resumed")
    client.force_login(team["clinician"])
    html = client.get(reverse("clinic:inbox")).content.decode()
    order = [
        "REDFLAG-OLD", "REDFLAG-NEW", "REGRESSED", "READY", "MISSING", "LOADSPIKE",
    ]  # fmt: skip
    positions = [html.index(f"{t}.") for t in order]
    assert positions == sorted(positions)
    resolved = html[html.index('id="resolved"') :]
    assert "WAS-MISSING" not in html[: html.index('id="resolved"')]
    assert str(team["physio"]) in resolved and "Phoned: logs resumed" in resolved
    # A flag resolved more than a week ago has left the list.
    Flag.objects.filter(pk=done.pk).update(resolved_at=timezone.now() - dt.timedelta(days=8))
    html = client.get(reverse("clinic:inbox")).content.decode()
    assert "Phoned: logs resumed" not in html
    assert TODAY  # the clinic's clock is frozen on TODAY


def test_the_worklist_is_of_the_clinician_s_own_cases(client, case, team, plan, frozen, outsider):
    _flag(case, "red_flag", "NOT-YOURS")
    client.force_login(outsider)
    assert "NOT-YOURS" not in client.get(reverse("clinic:inbox")).content.decode()
