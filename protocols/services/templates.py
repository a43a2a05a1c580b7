"""Writes of the template library: drafts, new versions, publishing, and installing the
shipped templates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from athletes.models import User
from athletes.sites import BY_CODE
from protocols import signals
from protocols.models import (
    PhaseTemplate,
    ProtocolTemplate,
)
from protocols.services.validation import phases_clean
from rehab.errors import ApplicationError

# --- templates --------------------------------------------------------------------------------


def _template_fields_clean(fields: Mapping[str, Any]) -> dict[str, Any]:
    errors = {}
    sites = list(fields.get("sites") or [])
    if not sites or any(s not in BY_CODE for s in sites):
        errors["sites"] = "Choose at least one injury site from the list."
    if fields.get("risk") not in ProtocolTemplate.Risk.values:
        errors["risk"] = "Choose high or low risk."
    if not str(fields.get("name") or "").strip():
        errors["name"] = "Give the template a name."
    if errors:
        raise ApplicationError("Please correct the template.", errors)
    return {
        "name": str(fields["name"]).strip(),
        "summary": str(fields.get("summary") or ""),
        "sites": sites,
        "risk": fields["risk"],
        "conservative": bool(fields.get("conservative", False)),
        "citations": [str(c) for c in fields.get("citations") or []],
    }


@transaction.atomic
def template_draft_create(
    *, slug: str, phases: Sequence[Mapping[str, Any]], created_by: User, **fields: Any
) -> ProtocolTemplate:
    clean = _template_fields_clean(fields)
    phase_rows = phases_clean(phases)
    if ProtocolTemplate.objects.filter(slug=slug).exists():
        raise ApplicationError("That short name is taken.", {"slug": "Choose another one."})
    template = ProtocolTemplate.objects.create(slug=slug, version=1, created_by=created_by, **clean)
    PhaseTemplate.objects.bulk_create(PhaseTemplate(template=template, **p) for p in phase_rows)
    return template


@transaction.atomic
def template_draft_update(
    *, template: ProtocolTemplate, phases: Sequence[Mapping[str, Any]], **fields: Any
) -> ProtocolTemplate:
    template = ProtocolTemplate.objects.select_for_update().get(pk=template.pk)
    if template.is_frozen:
        raise ApplicationError("A published template is frozen; make a new draft version.")
    clean = _template_fields_clean(fields)
    phase_rows = phases_clean(phases)
    for key, value in clean.items():
        setattr(template, key, value)
    template.save()
    done = signals.replacing(template, template.phases.all())  # e.g. education cards carry over
    template.phases.all().delete()
    done(
        PhaseTemplate.objects.bulk_create(PhaseTemplate(template=template, **p) for p in phase_rows)
    )
    return template


@transaction.atomic
def template_new_draft(*, template: ProtocolTemplate, created_by: User) -> ProtocolTemplate:
    """A new draft version copying the given version; the published one stays as it is."""
    existing = ProtocolTemplate.objects.filter(slug=template.slug, status="draft").first()
    if existing:
        return existing
    latest = ProtocolTemplate.objects.filter(slug=template.slug).order_by("-version").first()
    draft = ProtocolTemplate.objects.create(
        slug=template.slug,
        version=latest.version + 1,
        name=template.name,
        summary=template.summary,
        sites=template.sites,
        risk=template.risk,
        conservative=template.conservative,
        citations=template.citations,
        created_by=created_by,
    )
    source = list(template.phases.all())
    done = signals.replacing(draft, source)  # e.g. education cards carry over
    done(
        PhaseTemplate.objects.bulk_create(
            PhaseTemplate(template=draft, **p.spec_fields()) for p in source
        )
    )
    return draft


@transaction.atomic
def template_publish(*, template: ProtocolTemplate, published_by: User | None) -> ProtocolTemplate:
    """Freeze a draft as the published version; the previously published version retires."""
    template = ProtocolTemplate.objects.select_for_update().get(pk=template.pk)
    if template.status != ProtocolTemplate.Status.DRAFT:
        raise ApplicationError("Only a draft can be published.")
    phases_clean([p.spec_fields() for p in template.phases.all()])
    ProtocolTemplate.objects.filter(slug=template.slug, status="published").update(
        status=ProtocolTemplate.Status.RETIRED
    )
    template.status = ProtocolTemplate.Status.PUBLISHED
    template.published_at = timezone.now()
    template.published_by = published_by
    template.save(update_fields=["status", "published_at", "published_by"])
    return template


def install_shipped_templates(
    template_model=ProtocolTemplate,
    phase_model=PhaseTemplate,
    library: Iterable[Mapping[str, Any]] | None = None,
) -> int:
    """Install the templates shipped in ``protocols.library`` that are not there yet.

    Takes the model classes so that a data migration can pass its historical models.
    Returns how many templates were installed; running it again installs none.
    """
    if library is None:
        from protocols.library import CITATIONS, TEMPLATES

        library = [
            {
                **t,
                "citations": [CITATIONS.get(c, c) for c in t.get("citations", [])],
                "phases": [
                    {**p, "citations": [CITATIONS.get(c, c) for c in p.get("citations", [])]}
                    for p in t["phases"]
                ],
            }
            for t in TEMPLATES
        ]
    installed = 0
    for spec in library:
        if template_model.objects.filter(slug=spec["slug"], version=spec["version"]).exists():
            continue
        template_model.objects.filter(slug=spec["slug"], status="published").update(
            status="retired"
        )
        template = template_model.objects.create(
            slug=spec["slug"],
            version=spec["version"],
            name=spec["name"],
            summary=spec.get("summary", ""),
            sites=list(spec["sites"]),
            risk=spec["risk"],
            conservative=spec.get("conservative", False),
            citations=spec.get("citations", []),
            status="published",
            shipped=True,
            published_at=timezone.now(),
        )
        for order, phase in enumerate(spec["phases"], start=1):
            phase_model.objects.create(
                template=template,
                order=order,
                **{k: phase.get(k, d) for k, d in _PHASE_DEFAULTS.items()},
            )
        installed += 1
    return installed


_PHASE_DEFAULTS: dict[str, Any] = {
    "name": "",
    "goal": "",
    "min_days": 7,
    "typical_days": 14,
    "weight_bearing": "fwb",
    "crutches": False,
    "impact": "none",
    "prescriptions": [],
    "advance_when": [],
    "regress_when": [],
    "warn_when": [],
    "citations": [],
    "notes": "",
}
