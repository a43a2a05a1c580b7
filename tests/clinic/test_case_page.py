"""The case page: header, evaluation, flags, sign-off, decisions, assessments and history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from monitoring.evaluation import flags as flag_services
from monitoring.models import Assessment, Flag
from monitoring.surfaces.clinic import view_models as clinic
from protocols import services as plan_services
from protocols.models import PhaseTransition, Plan, PlanEdit
from tests.return_to_play import record_return_decision

from .conftest import STARTED, TODAY, log_days, raise_red_flag


@pytest.fixture
def flagged(case, plan, team):
    raise_red_flag(case, team["clinician"])
    return case.flags.get(kind="red_flag")


@pytest.fixture
def dana(client, team):
    client.force_login(team["clinician"])
    return team["clinician"]


def page_html(client, case) -> str:
    response = client.get(reverse("clinic:case", kwargs={"case_id": case.pk}))
    assert response.status_code == 200
    return response.content.decode()


def visible_text(html: str) -> str:
    """The page without its scripts (Plotly's figures are JSON inside a script)."""
    return re.sub(r"<script.*?</script>", "", html, flags=re.S)


def test_the_header_says_where_the_athlete_is(client, case, plan, dana):
    html = page_html(client, case)
    assert "Posteromedial tibia · Left" in html and "Low risk" in html
    assert "<strong>2 of 4</strong> · Walk-run" in html
    assert "Day 20</strong>" in html  # 1 Nov is day 1, 20 Nov day 20
    projection = clinic.case_page(dana, case, today=TODAY, with_charts=False).projection
    assert f"{projection.typical_return:%-d %b %Y}" in html
    assert "44 days" in html  # the site's pooled typical return (Hoenig 2023)


def test_the_evaluation_shows_every_criterion_with_its_result(client, case, plan, flagged, dana):
    html = page_html(client, case)
    section = html[html.index('id="evaluation"') : html.index('id="charts"')]
    # min days: met (19 ≥ 14); pain during ≤ 2: not met (7 today); hop test: unknown (none yet).
    assert section.count('class="badge badge-met"') >= 1
    assert 'badge badge-not-met">Not met' in section
    assert 'badge badge-unknown">Unknown' in section
    assert "Minimum days in phase" in section and "Assessment result" in section
    assert "Regression rules that fired" in section and "Night pain" in section
    assert 'badge badge-red">Red flag' in section
    # The observed value and threshold of pain during activity: 7 against 2.
    row = re.search(r"<th scope=\"row\">Pain at most</th>(.*?)</tr>", section, re.S).group(1)
    assert '<td class="num">7/10</td><td class="num">2/10</td>' in row


def test_the_evaluation_is_read_only(client, case, plan, flagged, dana):
    before = list(Flag.objects.values_list("pk", "status", "updated_at"))
    log_days(case, dana, 1, pain_during=0)  # changes the evaluation of today...
    page_html(client, case)
    assert list(Flag.objects.values_list("pk", "status", "updated_at")) == before  # ...not flags


def test_open_flags_are_listed_red_first_with_their_message(client, case, plan, flagged, dana):
    html = page_html(client, case)
    section = html[html.index('id="flags"') : html.index('id="decision"')]
    assert flagged.message in section
    kinds = re.findall(r'class="flag flag-(\w+)"', section)
    assert kinds[0] == "red_flag" and "regression" in kinds


def test_with_a_red_flag_open_the_other_proposals_wait_for_its_review(
    client, case, plan, flagged, dana
):
    """One painful day raises a red flag and a regression: the regression says it waits for
    the red flag's review, and the projected return says whose review its dates assume."""
    html = page_html(client, case)
    section = html[html.index('id="flags"') : html.index('id="decision"')]
    items = re.findall(r'<li class="flag flag-(\w+)".*?</li>', section, flags=re.S)
    assert items[0] == "red_flag" and "regression" in items
    red, regression = (
        section[section.index(f'class="flag flag-{kind}"') :].split("</li>", 1)[0]
        for kind in ("red_flag", "regression")
    )
    assert 'data-testid="after-red"' in regression and "review it first" in regression
    assert 'data-testid="after-red"' not in red
    assert 'data-testid="return-red"' in html
    assert "A red flag is open: the athlete is told to stop, and these dates assume" in html

    flag_services.flag_resolve(flag=flagged, by=dana, resolution="Seen in clinic; bruise.")
    html = page_html(client, case)
    assert 'data-testid="after-red"' not in html and 'data-testid="return-red"' not in html
    # today's evaluation still finds the red flag: the clinician's review stands beside it
    seen = html[html.index('data-testid="red-reviewed"') :].split("</p>", 1)[0]
    assert "resolved the red flag on" in seen and "Seen in clinic; bruise." in seen
    # its summary no longer reads as an open red flag: before that review, and amber
    summary = html[html.index('class="summary summary-') :].split("</p>", 1)[0]
    assert summary.startswith('class="summary summary-amber"')
    assert "Found in these data, before that review:" in summary


def test_acknowledge_then_resolve_a_flag(client, case, plan, flagged, dana):
    url = reverse("clinic:flag_acknowledge", args=[case.pk, flagged.pk])
    response = client.post(url)
    assert response.status_code == 302 and response.url.endswith("#flags")
    flagged.refresh_from_db()
    assert flagged.status == "acknowledged" and flagged.acknowledged_by == dana
    assert "Acknowledged by" in page_html(client, case)
    assert ", just now." in page_html(client, case)  # not "0 minutes ago"

    resolve = reverse("clinic:flag_resolve", args=[case.pk, flagged.pk])
    response = client.post(resolve, {f"flag-{flagged.pk}-resolution": ""})
    assert response.status_code == 400
    assert "Say how the flag was resolved." in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.status == "acknowledged"
    response = client.post(
        resolve, {f"flag-{flagged.pk}-resolution": "Seen; bone pain ruled out."}, follow=True
    )
    # What happened is said in the flags' card, where the page opens (#flags), not at its top.
    body = response.content.decode()
    card = body.split('id="flags"', 1)[1].split("</section>", 1)[0]
    assert f"Resolved: {flagged.title}." in card and 'data-testid="flags-message"' in card
    assert body.count(f"Resolved: {flagged.title}.") == 1
    flagged.refresh_from_db()
    assert flagged.status == "resolved" and flagged.resolution == "Seen; bone pain ruled out."
    again = client.post(resolve, {f"flag-{flagged.pk}-resolution": "Twice."}, follow=True)
    assert "This flag is already resolved." in again.content.decode()
    flagged.refresh_from_db()
    assert flagged.resolution == "Seen; bone pain ruled out."


def test_acknowledging_from_another_page_returns_there(client, case, plan, flagged, dana):
    url = reverse("clinic:flag_acknowledge", args=[case.pk, flagged.pk])
    response = client.post(url, {"next": "/clinic/inbox/"})
    assert response.url == "/clinic/inbox/"
    inbox = client.get("/clinic/inbox/").content.decode()  # said on the page it returns to
    assert f"Acknowledged: {flagged.title}." in inbox
    flagged.status = "open"
    Flag.objects.filter(pk=flagged.pk).update(status="open")
    response = client.post(url, {"next": "https://evil.example/"})
    assert response.url.startswith("/clinic/cases/")


def test_sign_off_the_phase_under_way(client, case, plan, dana):
    url = reverse("clinic:case_sign_off", args=[case.pk])
    stale = client.post(url, {"phase_id": plan.phases.get(order=1).pk}, follow=True)
    assert "nothing was signed" in stale.content.decode()
    plan.current_phase.refresh_from_db()
    assert plan.current_phase.signed_off_on is None
    client.post(url, {"phase_id": plan.current_phase_id})
    plan.current_phase.refresh_from_db()
    assert plan.current_phase.signed_off_on == TODAY and plan.current_phase.signed_off_by == dana
    assert "Signed off on 20 Nov 2026" in page_html(client, case)


def _form_data(html: str) -> dict:
    """The decision form's hidden fields as the page rendered them."""
    form = html[html.index('class="decision"') :]
    return {
        "evaluation": re.search(r'name="evaluation" value="([^"]*)"', form).group(1),
        "expected_phase_id": re.search(r'name="expected_phase_id" value="(\d+)"', form).group(1),
    }


def test_advance_records_the_evaluation_shown_and_appears_in_the_history(
    client, case, plan, flagged, dana
):
    html = page_html(client, case)
    shown = _form_data(html)
    data = {
        **shown,
        "kind": "advance",
        "reason": "Reviewed in clinic: the night pain was from a fall; progress.",
        "effective_on": TODAY.isoformat(),
        "override": "on",
    }
    response = client.post(reverse("clinic:case_decide", args=[case.pk]), data)
    assert response.status_code == 302 and response.url.endswith("#history")
    plan.refresh_from_db()
    assert plan.current_phase.order == 3
    transition = PhaseTransition.objects.filter(plan=plan, kind="advance").latest("pk")
    assert transition.decided_by == dana and transition.reason.startswith("Reviewed in clinic")
    assert transition.evaluation["phase"] == "Walk-run"
    assert transition.evaluation["day"] == TODAY.isoformat()
    assert "night_pain" in [r["kind"] for r in transition.evaluation["red_flags"]]

    html = page_html(client, case)
    history = html[html.index('id="history"') :]
    assert "Advanced: “Walk-run” → “Running progression”" in history
    assert "the night pain was from a fall" in history
    assert "Evaluation shown when deciding" in history

    # The same form submitted again (a second click, another tab) changes nothing.
    again = client.post(reverse("clinic:case_decide", args=[case.pk]), data)
    assert again.status_code == 400
    assert "The plan has changed since you looked at it" in again.content.decode()
    plan.refresh_from_db()
    assert plan.current_phase.order == 3
    assert PhaseTransition.objects.filter(plan=plan, kind="advance").count() == 2  # set-up + this


def test_advancing_against_the_recommendation_needs_confirmation(client, case, plan, flagged, dana):
    data = {
        **_form_data(page_html(client, case)),
        "kind": "advance",
        "reason": "Progress.",
        "effective_on": TODAY.isoformat(),
    }
    response = client.post(reverse("clinic:case_decide", args=[case.pk]), data)
    assert response.status_code == 400
    assert "tick this box" in response.content.decode()
    plan.refresh_from_db()
    assert plan.current_phase.order == 2


def test_step_back_defaults_to_the_proposed_phase(client, case, plan, flagged, dana):
    html = page_html(client, case)
    first = plan.phases.get(order=1)
    assert re.search(rf'<option value="{first.pk}" selected>1. Protected loading</option>', html)
    data = {
        **_form_data(html),
        "kind": "regress",
        "to_phase": first.pk,
        "reason": "Night pain and pain of 7 during the walk-run.",
        "effective_on": TODAY.isoformat(),
    }
    assert client.post(reverse("clinic:case_decide", args=[case.pk]), data).status_code == 302
    plan.refresh_from_db()
    assert plan.current_phase == first
    assert "Stepped back: “Walk-run” → “Protected loading”" in page_html(client, case)


def test_step_back_with_a_day_to_judge_from(client, case, plan, flagged, dana):
    """The step back's optional "judge from" day: kept on the phase stepped back to; a day
    before the decision takes effect is a field error (400), not a 500."""
    html = page_html(client, case)
    assert 'name="judged_from"' in html
    first = plan.phases.get(order=1)
    data = {
        **_form_data(html),
        "kind": "regress",
        "to_phase": first.pk,
        "reason": "Night pain: back to protected loading.",
        "effective_on": TODAY.isoformat(),
        "judged_from": (TODAY - dt.timedelta(days=1)).isoformat(),
    }
    refused = client.post(reverse("clinic:case_decide", args=[case.pk]), data)
    assert refused.status_code == 400
    assert "From 2026-11-20 to 2026-12-18." in refused.content.decode()
    data["judged_from"] = (TODAY + dt.timedelta(days=2)).isoformat()
    assert client.post(reverse("clinic:case_decide", args=[case.pk]), data).status_code == 302
    first.refresh_from_db()
    assert first.judged_from == TODAY + dt.timedelta(days=2)


def test_hold_and_a_missing_reason(client, case, plan, dana):
    html = page_html(client, case)
    url = reverse("clinic:case_decide", args=[case.pk])
    data = {**_form_data(html), "kind": "hold", "effective_on": TODAY.isoformat()}
    response = client.post(url, {**data, "reason": "  "})
    assert response.status_code == 400 and "Give a reason for the decision." in (
        response.content.decode()
    )
    assert client.post(url, {**data, "reason": "Another week."}).status_code == 302
    plan.refresh_from_db()
    assert plan.current_phase.order == 2
    assert PhaseTransition.objects.filter(plan=plan, kind="hold").count() == 1


def test_complete_is_offered_on_the_last_phase_only(client, case, team, frozen):
    from .conftest import running_plan

    plan = running_plan(case, team["clinician"], started_on=STARTED, phase=4)
    record_return_decision(case, team["clinician"], today=TODAY)  # StARRT, the final step's
    client.force_login(team["clinician"])
    html = page_html(client, case)
    assert 'value="complete"' in html and 'value="advance"' not in html
    data = {
        **_form_data(html),
        "kind": "complete",
        "reason": "Back to full training without pain.",
        "effective_on": TODAY.isoformat(),
        "override": "on",
    }
    assert client.post(reverse("clinic:case_decide", args=[case.pk]), data).status_code == 302
    plan.refresh_from_db()
    case.refresh_from_db()
    assert plan.status == Plan.Status.COMPLETED and case.status == "returned"


def test_record_an_assessment(client, case, plan, dana):
    url = reverse("clinic:assessment_new", args=[case.pk])
    bad = client.post(url, {"test": "tenderness", "value": "3", "date": TODAY.isoformat()})
    assert bad.status_code == 400 and "Must be between 0 and 1." in bad.content.decode()
    future = client.post(url, {"test": "single_leg_hop", "value": "12", "date": "2026-11-22"})
    assert future.status_code == 400 and "after today" in future.content.decode()
    data = {"test": "single_leg_hop", "value": "12", "pain": "1", "date": TODAY.isoformat()}
    assert client.post(url, data).status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.assessed_by == dana and assessment.pain == 1
    html = page_html(client, case)
    assert "Single-leg hops (count)" in html[html.index('id="assessments"') :]


def test_without_an_active_plan_the_page_says_so_and_links_the_builder(client, case, dana):
    html = page_html(client, case)
    assert "No active plan" in html
    assert "Current evaluation" not in html and 'class="decision"' not in html
    builder = clinic_url_or_none("plans:builder", case.pk)
    if builder:
        assert f'href="{builder}"' in html


def clinic_url_or_none(name, case_id):
    from monitoring.surfaces.clinic.views.common import url_or_none

    return url_or_none(name, case_id=case_id)


def test_a_missing_url_name_gives_none():
    assert clinic_url_or_none("plans:nowhere", 1) is None


def test_plan_edits_read_as_sentences_never_json(client, case, plan, flagged, dana):
    phases = [p.spec_fields() | {"id": p.pk} for p in plan.phases.order_by("order")]
    walk_run = phases[1]
    walk_run["advance_when"] = [
        {**c, "max": 1} if c["kind"] == "pain_max" else c for c in walk_run["advance_when"]
    ]
    walk_run["typical_days"] = 28
    plan_services.plan_phases_update(
        plan=plan, phases=phases, edited_by=dana, reason="Slower after the flare-up."
    )
    assert PlanEdit.objects.count() == 1
    html = page_html(client, case)
    history = html[html.index('id="history"') :]
    assert "Plan edited" in history and "Slower after the flare-up." in history
    assert "“Walk-run”: typical days 21 days → 28 days." in history
    assert "“Walk-run”, criteria to advance: changed" in history
    assert "2/10" in history and "1/10" in history
    text = visible_text(html)
    for raw in ['"kind":', "&quot;kind&quot;", "'kind':", '"advance_when"', "[{"]:
        assert raw not in text


def test_the_charts_are_plotly_served_locally(client, case, plan, flagged, dana):
    html = page_html(client, case)
    assert '<script src="/static/plotly/plotly.min.js"></script>' in html
    assert "cdn.plot.ly" not in html and "Plotly.newPlot" in html
    assert html.count("Plotly.newPlot") == 2  # pain and load


def test_describe_changes_covers_every_kind_of_change():
    changes = [
        {"change": "added", "phase": "Cross-training", "order": 2},
        {"change": "removed", "phase": "Hopping"},
        {"change": "reordered", "before": ["A", "B"], "after": ["B", "A"]},
        {
            "change": "edited",
            "phase": "A",
            "field": "weight_bearing",
            "before": "pwb",
            "after": "fwb",
        },
        {"change": "edited", "phase": "A", "field": "crutches", "before": True, "after": False},
        {"change": "edited", "phase": "A", "field": "goal", "before": "", "after": "Walk"},
        {
            "change": "edited",
            "phase": "A",
            "field": "prescriptions",
            "before": [],
            "after": [{"activity": "cycle", "minutes": 30, "sessions_per_week": 3}],
        },
        {
            "change": "edited",
            "phase": "A",
            "field": "regress_when",
            "before": [{"kind": "night_pain"}],
            "after": [],
        },
        "nonsense",
    ]
    assert clinic.describe_changes(changes) == [
        "Added phase “Cross-training” as phase 2.",
        "Removed phase “Hopping”.",
        "Reordered phases: A, B → B, A.",
        "“A”: weight bearing Partial weight-bearing → Full weight-bearing.",
        "“A”: crutches yes → no.",
        "“A”: goal (empty) → “Walk”.",
        "“A”, prescriptions: added “Cycling, 30 min, 3× a week”.",
        f"“A”, regression rules: removed “{_night_pain()}”.",
    ]
    assert clinic.describe_changes(None) == []


def _night_pain() -> str:
    from protocols.engine import criteria

    return criteria.describe({"kind": "night_pain"})


def test_phase_periods_follow_the_transitions(case, plan, team):
    first = plan.phases.get(order=1)
    plan.refresh_from_db()
    plan_services.transition_decide(
        plan=plan,
        kind="regress",
        decided_by=team["clinician"],
        reason="Flare-up",
        effective_on=dt.date(2026, 11, 10),
        to_phase=first,
    )
    transitions = list(PhaseTransition.objects.filter(plan=plan).order_by("decided_at", "pk"))
    periods = clinic.phase_periods(transitions, plan, TODAY)
    assert [(p.name, p.start, p.end) for p in periods] == [
        ("2. Walk-run", STARTED, dt.date(2026, 11, 10)),
        ("1. Protected loading", dt.date(2026, 11, 10), TODAY + dt.timedelta(days=1)),
    ]


def test_a_decision_without_the_shown_evaluation_is_refused(client, case, plan, dana):
    data = {
        "expected_phase_id": plan.current_phase_id,
        "kind": "hold",
        "reason": "Another week.",
        "effective_on": TODAY.isoformat(),
    }
    response = client.post(reverse("clinic:case_decide", args=[case.pk]), data)
    assert response.status_code == 400
    assert "The evaluation shown is missing; reload the page." in response.content.decode()
    assert not PhaseTransition.objects.filter(kind="hold").exists()
