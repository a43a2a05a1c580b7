"""Education cards of a template's phases: installing the shipped ones, editing them, and
carrying them over when a template's phases are replaced by copies."""

from __future__ import annotations

from collections.abc import Sequence

from athletes import permissions
from athletes.models import User
from monitoring.care import education
from monitoring.models.care import EducationCard
from protocols.models import PhaseTemplate
from rehab.errors import ApplicationError


def education_card_save(
    *,
    phase: PhaseTemplate,
    by: User,
    title: str,
    body: str,
    sources: Sequence[str],
    card: EducationCard | None = None,
) -> EducationCard:
    """Edit a card of a template's phase, or add one (``card`` None)."""
    if not permissions.can_edit_template_library(by):
        raise ApplicationError("Only clinicians and physiotherapists edit education cards.")
    if card is not None and card.phase_id != phase.pk:
        raise ApplicationError("That card belongs to another phase.")
    errors: dict[str, str] = {}
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        errors["title"] = "Give the card a title."
    elif len(title) > 120:
        errors["title"] = "At most 120 characters."
    if not body:
        errors["body"] = "Write the card."
    elif len(body) > 2000:
        errors["body"] = "At most 2,000 characters: keep it short for the athlete."
    clean_sources = [s.strip() for s in sources if s and s.strip()]
    if not clean_sources:
        errors["sources"] = "Give at least one source, one a line."
    if errors:
        raise ApplicationError("Please correct the card.", errors)
    if card is None:
        taken = set(EducationCard.objects.filter(phase=phase).values_list("key", flat=True))
        n = len(taken) + 1
        while f"custom-{n}" in taken:
            n += 1
        card = EducationCard(phase=phase, key=f"custom-{n}", order=len(taken))
    card.title, card.body, card.sources = title, body, clean_sources
    card.save()
    return card


def education_card_delete(*, card: EducationCard, by: User) -> None:
    if not permissions.can_edit_template_library(by):
        raise ApplicationError("Only clinicians and physiotherapists edit education cards.")
    card.delete()


def cards_snapshot(phases: Sequence[PhaseTemplate]) -> list[tuple[PhaseTemplate, list[dict]]]:
    """The cards of phases about to be deleted, to be restored onto their replacements."""
    cards: dict[int, list[dict]] = {}
    for c in EducationCard.objects.filter(phase__in=list(phases)):
        cards.setdefault(c.phase_id, []).append(
            {"key": c.key, "title": c.title, "body": c.body, "sources": c.sources, "order": c.order}
        )
    return [(p, cards.get(p.pk, [])) for p in phases]


def cards_restore(
    snapshot: Sequence[tuple[PhaseTemplate, list[dict]]], new_phases: Sequence[PhaseTemplate]
) -> int:
    by_name = {p.name: p for p in new_phases}
    by_order = {p.order: p for p in new_phases}
    rows = []
    for old, cards in snapshot:
        new = by_name.get(old.name) or by_order.get(old.order)
        if new is None or new.pk is None:
            continue
        rows += [EducationCard(phase=new, **c) for c in cards]
    EducationCard.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def install_shipped_cards() -> int:
    """Attach the shipped cards (``monitoring.care.education``) to the phases of the shipped
    templates that have none yet: each phase of a template's shipped version gets the cards the
    library lists for it. Phases of other versions are left alone, and so is a phase that
    already has cards (shipped or edited). Returns how many cards were created; running it
    again creates none."""
    rows = []
    phases = (
        PhaseTemplate.objects.filter(template__shipped=True, cards__isnull=True)
        .select_related("template")
        .distinct()
    )
    for phase in phases:
        if education.VERSIONS.get(phase.template.slug) != phase.template.version:
            continue
        rows += [
            EducationCard(
                phase=phase,
                key=card.key,
                title=card.title,
                body=card.body,
                sources=list(card.sources),
                order=n,
            )
            for n, card in enumerate(education.cards_for(phase.template.slug, phase.order))
        ]
    EducationCard.objects.bulk_create(rows)
    return len(rows)
