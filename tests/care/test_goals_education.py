"""Goals per phase (set by the athlete and the clinician, ticked by the athlete, seen by the
psychologist, progress on "what's next"); education cards of the shipped templates, the card of
the athlete's phase on Today, editing per template and carrying cards to a new version."""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitoring.care import education
from monitoring.care import selectors as care
from monitoring.care import services as care_services
from monitoring.models.care import EducationCard, Goal
from protocols import services as plan_services
from protocols.models import PhaseTemplate, ProtocolTemplate
from rehab.errors import ApplicationError
from tests.plans import running_plan

from .conftest import STARTED

pytestmark = pytest.mark.django_db


def test_the_athlete_sets_and_ticks_a_goal_and_sees_the_progress(client, case, team, plan):
    client.force_login(team["athlete"])
    nxt = reverse("athlete:next")
    response = client.post(
        reverse("care:goal_new", kwargs={"case_id": case.pk}),
        {"text": "30 min brisk walk pain-free by Friday", "next": nxt},
    )
    assert response.status_code == 302 and response["Location"] == nxt
    care_services.goal_create(case=case, by=team["clinician"], text="Log every morning")
    goal = Goal.objects.get(text__startswith="30 min")
    assert goal.phase_id == plan.current_phase_id and goal.set_by == team["athlete"]
    html = client.get(nxt).content.decode()
    assert "0 of 2" in html
    client.post(reverse("care:goal_tick", kwargs={"goal_id": goal.pk}), {"done": "1", "next": nxt})
    goal.refresh_from_db()
    assert goal.done_at is not None
    assert "1 of 2" in client.get(nxt).content.decode()


@pytest.mark.parametrize(
    ("role", "sees", "ticks"),
    [
        ("clinician", True, True),
        ("psychologist", True, False),
        ("athlete", True, True),
        ("coach", False, False),
        ("nutritionist", False, False),
    ],
)
def test_who_sees_and_ticks_goals(role, sees, ticks, client, case, team, plan):
    goal = care_services.goal_create(case=case, by=team["clinician"], text="Walk 30 min")
    client.force_login(team[role])
    page = "athlete:next" if role == "athlete" else "care:timeline"
    html = client.get(
        reverse(page, **({} if role == "athlete" else {"kwargs": {"case_id": case.pk}}))
    )
    assert ("Walk 30 min" in html.content.decode()) == sees
    response = client.post(reverse("care:goal_tick", kwargs={"goal_id": goal.pk}))
    assert response.status_code == (302 if ticks else 403)
    goal.refresh_from_db()
    assert (goal.done_at is not None) == ticks


def test_a_goal_tick_by_an_outsider_is_404(client, case, team, plan, outsider):
    goal = care_services.goal_create(case=case, by=team["clinician"], text="Walk 30 min")
    client.force_login(outsider)
    assert client.post(reverse("care:goal_tick", kwargs={"goal_id": goal.pk})).status_code == 404


def test_goals_need_a_phase_and_a_few_at_most(case, team, frozen):
    with pytest.raises(ApplicationError):
        care_services.goal_create(case=case, by=team["clinician"], text="Walk")
    running_plan(case, team["clinician"], started_on=STARTED, phase=1)
    for n in range(care_services.GOAL_MAX_OPEN):
        care_services.goal_create(case=case, by=team["athlete"], text=f"Goal {n}")
    with pytest.raises(ApplicationError) as refused:
        care_services.goal_create(case=case, by=team["athlete"], text="One too many")
    assert "text" in refused.value.errors


def test_the_shipped_templates_have_their_cards():
    shipped = PhaseTemplate.objects.filter(template__shipped=True)
    assert shipped.exists()
    assert not shipped.filter(cards__isnull=True).exists()  # every phase has a card
    protected = shipped.filter(weight_bearing="nwb").first()
    if protected is not None:
        assert protected.cards.filter(key="offloading").exists()
    for card in EducationCard.objects.all():
        assert card.sources and card.body and len(card.body) <= 2000


def test_the_library_lists_the_cards_of_each_phase():
    keys = [c.key for c in education.cards_for("navicular", 1)]  # non-weight-bearing
    assert keys == ["offloading", "pain-signals", "fuel-sleep"]
    keys = [c.key for c in education.cards_for("tibia-low-risk", 4)]  # impact
    assert keys == ["pain-signals", "next-morning", "flare-up"]
    assert education.cards_for("tibia-low-risk", 99) == []
    assert education.cards_for("not-shipped", 1) == []


def test_the_athlete_reads_the_card_of_their_phase(client, case, team, frozen):
    template = ProtocolTemplate.objects.get(slug="tibia-low-risk", status="published")
    plan = running_plan(case, team["clinician"], started_on=STARTED, phase=4, template=template)
    cards = care.cards_for_phase(plan, plan.current_phase)
    assert cards
    client.force_login(team["athlete"])
    html = client.get(reverse("athlete:today")).content.decode()
    assert "Good to know in this stage" in html
    for card in cards:
        assert card.title.replace("“", "&ldquo;") in html or card.title in html
    other = EducationCard.objects.exclude(pk__in=[c.pk for c in cards]).exclude(
        title__in=[c.title for c in cards]
    )
    assert not any(c.title in html for c in other)


def test_cards_are_edited_per_template_and_carried_to_a_new_version(client, team):
    template = ProtocolTemplate.objects.get(slug="tibia-low-risk", status="published")
    phase = template.phases.order_by("order").first()
    card = phase.cards.first()
    client.force_login(team["clinician"])
    url = reverse("care:template_cards", kwargs={"pk": template.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "phase": phase.pk,
            "card": card.pk,
            f"c{card.pk}-title": "Resting the bone",
            f"c{card.pk}-body": "Rest means no running or jumping for now.",
            f"c{card.pk}-sources": "Oxford University Hospitals NHS (2024)",
        },
    )
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.title == "Resting the bone"
    # Another template's cards are untouched.
    assert EducationCard.objects.filter(title="Resting the bone").count() == 1
    bad = client.post(url, {"phase": phase.pk, "card": card.pk, f"c{card.pk}-title": ""})
    assert bad.status_code == 400
    draft = plan_services.template_new_draft(template=template, created_by=team["clinician"])
    copied = EducationCard.objects.filter(phase__template=draft)
    assert copied.count() == EducationCard.objects.filter(phase__template=template).count()
    assert copied.filter(title="Resting the bone").exists()
    # Rewriting the draft keeps the cards of the phases it keeps.
    phases = [p.spec_fields() | {"order": p.order} for p in draft.phases.order_by("order")]
    plan_services.template_draft_update(
        template=draft, phases=phases, name=draft.name, sites=draft.sites, risk=draft.risk
    )
    assert EducationCard.objects.filter(phase__template=draft, title="Resting the bone").exists()


@pytest.mark.parametrize("role", ["coach", "athlete"])
def test_only_template_editors_edit_cards(role, client, team):
    template = ProtocolTemplate.objects.get(slug="tibia-low-risk", status="published")
    phase = template.phases.first()
    client.force_login(team[role])
    url = reverse("care:template_cards", kwargs={"pk": template.pk})
    assert client.post(url, {"phase": phase.pk}).status_code == 403


def test_a_bad_phase_or_card_id_is_a_404_not_an_error(client, team):
    template = ProtocolTemplate.objects.get(slug="tibia-low-risk", status="published")
    client.force_login(team["clinician"])
    url = reverse("care:template_cards", kwargs={"pk": template.pk})
    assert client.post(url, {"phase": "abc"}).status_code == 404
    phase = template.phases.first()
    assert client.post(url, {"phase": phase.pk, "card": "x"}).status_code == 404
    other = ProtocolTemplate.objects.exclude(pk=template.pk).first()
    foreign = other.phases.first()
    assert client.post(url, {"phase": foreign.pk}).status_code == 404
