"""The worklist (/clinic/inbox/): every open flag, red flags first, then regressions, ready to
advance, missing logs and load spikes, oldest first in each; acknowledged from the list."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from athletes.models import CareTeamMember
from monitoring.models import Flag
from tests.factories import AthleteFactory, CaseFactory

from .conftest import STARTED, raise_red_flag, running_plan


def _flag(case, kind, title, raised: dt.datetime, status="open"):
    with time_machine.travel(raised, tick=False):
        return Flag.objects.create(
            case=case,
            phase=case.plans.get().current_phase,
            kind=kind,
            status=status,
            title=title,
            message=f"{title}: what happened, in words.",
            evaluation={},
        )


def test_red_flags_first_then_regressions_then_the_rest_oldest_first(client, case, plan, team):
    other = CaseFactory(athlete=AthleteFactory(first_name="Ola", last_name="Berg"))
    CareTeamMember.objects.create(case=other, user=team["clinician"], role="clinician")
    running_plan(other, team["clinician"], started_on=STARTED, phase=2, template=plan.template)
    day = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC)
    _flag(case, "regression", "Regression, older", day)
    _flag(other, "red_flag", "Red flag, newer", day + dt.timedelta(days=1))
    _flag(case, "red_flag", "Red flag, older", day + dt.timedelta(hours=2))
    _flag(other, "load_spike", "Spiked", day)
    _flag(other, "regression", "Regression, resolved", day, status="resolved")
    _flag(other, "ready_to_advance", "Ready", day)
    client.force_login(team["clinician"])
    html = client.get(reverse("clinic:inbox")).content.decode()
    order = [
        "Red flag, older: what", "Red flag, newer: what", "Regression, older: what",
        "Ready: what", "Spiked: what",
    ]  # fmt: skip
    assert [html.index(t) for t in order] == sorted(html.index(t) for t in order)
    assert "Regression, resolved" not in html
    assert "Red flag, older: what happened, in words." in html
    assert "2\xa0days" in html  # since the older red flag was raised (frozen: 20 Nov noon)
    assert 'id="nav-red-count"' in html and ">2<" in html


def test_acknowledge_from_the_list_without_javascript(client, case, plan, team):
    raise_red_flag(case, team["clinician"])
    flag = case.flags.get(kind="red_flag")
    client.force_login(team["physio"])
    url = reverse("clinic:flag_acknowledge", args=[case.pk, flag.pk])
    response = client.post(url, {"next": reverse("clinic:inbox"), "row": "inbox"})
    assert response.status_code == 302 and response.url == reverse("clinic:inbox")
    html = client.get(response.url).content.decode()
    assert "Acknowledged by" in html and str(team["physio"]) in html
    flag.refresh_from_db()
    assert flag.status == "acknowledged" and flag.acknowledged_by == team["physio"]


def test_acknowledge_from_the_list_with_htmx_swaps_the_row_and_the_count(client, case, plan, team):
    raise_red_flag(case, team["clinician"])
    flag = case.flags.get(kind="red_flag")
    client.force_login(team["clinician"])
    url = reverse("clinic:flag_acknowledge", args=[case.pk, flag.pk])
    response = client.post(
        url,
        {"next": reverse("clinic:inbox"), "row": "inbox"},
        headers={"HX-Request": "true", "HX-Target": f"inbox-flag-{flag.pk}"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="inbox-flag-{flag.pk}"' in html and "Acknowledged by" in html
    assert ">Acknowledge</button>" not in html
    assert 'id="nav-red-count"' in html and 'hx-swap-oob="true"' in html and ">0<" in html


def test_an_acknowledged_red_flag_stays_listed_but_leaves_the_count(client, case, plan, team):
    raise_red_flag(case, team["clinician"])
    flag = case.flags.get(kind="red_flag")
    Flag.objects.filter(pk=flag.pk).update(status="acknowledged")
    client.force_login(team["clinician"])
    html = client.get(reverse("clinic:inbox")).content.decode()
    assert flag.title in html
    nav = html[html.index('id="nav-red-count"') :][:200]
    assert ">0<" in nav


def test_an_empty_inbox_says_so(client, case, plan, team):
    client.force_login(team["clinician"])
    html = client.get(reverse("clinic:inbox")).content.decode()
    quiet = html[html.index('id="wl-quiet"') :]
    assert "Nothing open:" in quiet and "red flag" in quiet and "load spike" in quiet
