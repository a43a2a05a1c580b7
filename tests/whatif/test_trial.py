"""A template draft tried on past cases: the service, the Celery task, the pages and who may."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from monitoring.evaluation import tasks, whatif_trials
from protocols import services as plan_services
from protocols.models import ProtocolTemplate
from protocols.whatif_models import TemplateTrial
from tests.factories import UserFactory
from tests.plans import PHASES

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(team, plan):
    """A new draft of the case's template whose walk-run pain limit is 1 instead of 2."""
    published = plan.template
    draft = plan_services.template_new_draft(template=published, created_by=team["clinician"])
    phases = [dict(p) for p in PHASES]
    walk_run = dict(phases[1])
    walk_run["advance_when"] = [
        {**i, "max": 1} if i["kind"] == "pain_max" else i for i in walk_run["advance_when"]
    ]
    phases[1] = walk_run
    return plan_services.template_draft_update(
        template=draft,
        phases=phases,
        name=draft.name,
        sites=draft.sites,
        risk=draft.risk,
    )


def trial_url(template) -> str:
    return reverse("whatif:template_trial", kwargs={"pk": template.pk})


def test_the_trial_finds_readiness_two_days_later(draft, team, walk_run_logs, case, frozen):
    trial = TemplateTrial.objects.create(template=draft, risk=draft.risk)
    assert tasks.template_trial_run(trial.pk) == "done"
    trial.refresh_from_db()
    assert (trial.status, trial.cases_total, trial.cases_done) == ("done", 1, 1)
    [result] = trial.results
    assert result["case"] == case.pk
    by_order = {p["order"]: p for p in result["phases"]}
    walk_run = by_order[2]
    assert (walk_run["ready_as_was"], walk_run["ready_draft"]) == ("2026-11-15", "2026-11-17")
    assert (walk_run["shift"], walk_run["ready_change"]) == (2, "later")
    summary = whatif_trials.trial_summary(trial, [p["name"] for p in PHASES])
    assert (summary[1].compared, summary[1].later, summary[1].mean_shift) == (1, 1, 2.0)
    # Run again: a finished trial is left as it is.
    assert tasks.template_trial_run(trial.pk) == "done"


def test_cases_of_the_other_risk_class_are_left_out(draft, team, walk_run_logs, case):
    assert whatif_trials.trial_case_ids("low") == [case.pk]
    case.site, case.risk = "navicular", "high"
    case.save()
    assert whatif_trials.trial_case_ids("low") == []
    assert whatif_trials.trial_case_ids("high") == [case.pk]


def test_the_trial_stops_at_its_time_limit_with_partial_results(draft, walk_run_logs):
    trial = TemplateTrial.objects.create(template=draft, risk=draft.risk)
    assert whatif_trials.trial_run(trial_id=trial.pk, seconds=-1) == "partial"
    trial.refresh_from_db()
    assert trial.status == "partial" and trial.results == []
    assert "time limit" in trial.message


def test_a_broken_trial_says_so(draft, monkeypatch):
    trial = TemplateTrial.objects.create(template=draft, risk=draft.risk)

    def boom(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(whatif_trials, "trial_case_ids", lambda risk: boom())
    with pytest.raises(RuntimeError):
        tasks.template_trial_run(trial.pk)
    trial.refresh_from_db()
    assert trial.status == "failed" and "failed" in trial.message


def test_asking_for_a_trial_queues_the_task_after_commit(
    client, draft, team, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(tasks.template_trial_run, "delay", lambda pk: queued.append(pk))
    client.force_login(team["clinician"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(trial_url(draft))
    assert response.status_code == 302
    trial = TemplateTrial.objects.get()
    assert queued == [trial.pk]
    assert trial.requested_by == team["clinician"]
    # Asked again while it is queued: the same trial, nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(trial_url(draft))
    assert TemplateTrial.objects.count() == 1


def test_a_published_version_is_not_tried(client, plan, team):
    client.force_login(team["clinician"])
    response = client.post(trial_url(plan.template), follow=True)
    assert "Only a draft is tried" in response.content.decode()
    assert not TemplateTrial.objects.exists()


def test_the_page_shows_progress_then_the_summary(client, draft, team, walk_run_logs):
    client.force_login(team["physio"])
    trial = TemplateTrial.objects.create(
        template=draft, risk=draft.risk, requested_by=team["physio"]
    )
    body = client.get(trial_url(draft)).content.decode()
    assert "Queued" in body and "every 1s" in body
    progress = reverse(
        "whatif:template_trial_progress", kwargs={"pk": draft.pk, "trial_id": trial.pk}
    )
    assert "HX-Refresh" not in client.get(progress, HTTP_HX_REQUEST="true")
    tasks.template_trial_run(trial.pk)
    assert client.get(progress, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    response = client.get(trial_url(draft))
    body = response.content.decode()
    assert "not a prediction of healing" in body
    assert 'data-testid="trial-summary"' in body
    assert "+2 days (later)" in body
    # Phase 1 (one day) and the walk-run phase: two stretches.
    assert "Over 1 case and 2 phase stretches: ready earlier in 0, later in 1;" in body
    assert "plotly" in body
    # The physio is on the case: its athlete is named.
    assert str(response.context["cases"][0]["athlete"]) in body


def test_cases_the_viewer_is_not_on_are_not_named(client, draft, walk_run_logs, case):
    other = UserFactory(username="pat", kind="physio")
    trial = TemplateTrial.objects.create(template=draft, risk=draft.risk)
    tasks.template_trial_run(trial.pk)
    client.force_login(other)
    body = client.get(trial_url(draft)).content.decode()
    assert f"Case {case.pk}" in body
    assert str(case.athlete) not in body


@pytest.mark.parametrize("kind", ["coach", "athlete", "nutritionist", "psychologist"])
def test_only_template_editors_may_try_a_draft(client, draft, kind):
    user = UserFactory(username=f"u-{kind}", kind=kind)
    client.force_login(user)
    assert client.get(trial_url(draft)).status_code == 404
    assert client.post(trial_url(draft)).status_code == 404
    assert not TemplateTrial.objects.exists()
    trial = TemplateTrial.objects.create(template=draft, risk=draft.risk)
    progress = reverse(
        "whatif:template_trial_progress", kwargs={"pk": draft.pk, "trial_id": trial.pk}
    )
    assert client.get(progress).status_code == 404


def test_anonymous_is_sent_to_log_in(client, draft):
    response = client.get(trial_url(draft))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_unknown_template_or_trial_is_404(client, draft, team):
    client.force_login(team["clinician"])
    assert client.get(reverse("whatif:template_trial", kwargs={"pk": 99999})).status_code == 404
    url = reverse("whatif:template_trial_progress", kwargs={"pk": draft.pk, "trial_id": 99999})
    assert client.get(url).status_code == 404


def test_the_template_page_links_to_the_trial(client, draft, team):
    client.force_login(team["clinician"])
    body = client.get(reverse("plans:template", kwargs={"pk": draft.pk})).content.decode()
    assert trial_url(draft) in body
    published = ProtocolTemplate.objects.get(slug=draft.slug, status="published")
    body = client.get(reverse("plans:template", kwargs={"pk": published.pk})).content.decode()
    assert trial_url(published) not in body


def test_the_trial_reads_stored_data_only(draft, walk_run_logs, plan):
    """Read-only: no plan, phase or flag changes."""
    from monitoring.models import Flag
    from protocols.models import PlanEdit, PlanPhase

    before = list(PlanPhase.objects.values_list("advance_when", flat=True))
    trial = TemplateTrial.objects.create(template=draft, risk=draft.risk)
    tasks.template_trial_run(trial.pk, dt.date(2026, 11, 20).isoformat())
    assert list(PlanPhase.objects.values_list("advance_when", flat=True)) == before
    assert not PlanEdit.objects.exists() and not Flag.objects.exists()
