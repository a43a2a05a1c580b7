"""The template library: the list, a template's page, new templates and drafts, and publishing.

Thin views: they parse the forms of ``protocols.builder``, call one service of
``protocols.services`` and render; service errors go back onto the inputs they are about."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from athletes import permissions
from athletes.sites import HIGH
from protocols import services
from protocols.builder.access import client_redirect, forbidden
from protocols.builder.blocks import NEW_PHASE, parse_op
from protocols.builder.editor import PhasesEditor, stored_phase_dicts
from protocols.builder.forms import TemplateCreateForm, TemplateForm
from protocols.builder.presentation import phase_views, site_labels
from protocols.models import PhaseTemplate, ProtocolTemplate
from rehab.errors import ApplicationError

# --- the template library ------------------------------------------------------------------------


def _library_guard(request: HttpRequest, *, edit: bool = False) -> HttpResponse | None:
    if edit and not permissions.can_edit_template_library(request.user):
        return forbidden(
            request,
            "Only clinicians and physiotherapists create, edit and publish templates.",
            reverse("plans:templates")
            if permissions.can_read_template_library(request.user)
            else None,
        )
    if not permissions.can_read_template_library(request.user):
        return forbidden(request, "The template library is for the clinic's staff.")
    return None


def _template_rows() -> list[ProtocolTemplate]:
    """Every template and version with its phase count and typical total days (1 query)."""
    return list(
        ProtocolTemplate.objects.annotate(
            phase_count=Count("phases"), total_days=Sum("phases__typical_days")
        ).order_by("name", "slug", "-version")
    )


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    if (refused := _library_guard(request)) is not None:
        return refused
    rows = _template_rows()
    for row in rows:
        row.site_labels = site_labels(row.sites)
    groups = [
        ("Published", "The versions clinicians build plans from.", "published"),
        ("Drafts", "Being written; not offered to plans until published.", "draft"),
        ("Retired versions", "Kept for the plans made from them.", "retired"),
    ]
    return render(
        request,
        "clinic/plans/templates.html",
        {
            "groups": [
                (title, help_text, [r for r in rows if r.status == status])
                for title, help_text, status in groups
            ],
            "can_edit": permissions.can_edit_template_library(request.user),
            "count": len(rows),
        },
    )


def _template_or_404(pk: int) -> ProtocolTemplate:
    template = (
        ProtocolTemplate.objects.select_related("created_by", "published_by")
        .prefetch_related(Prefetch("phases", queryset=PhaseTemplate.objects.order_by("order")))
        .filter(pk=pk)
        .first()
    )
    if template is None:
        raise Http404("No such template.")
    return template


@login_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _library_guard(request)) is not None:
        return refused
    template = _template_or_404(pk)
    versions = list(
        ProtocolTemplate.objects.filter(slug=template.slug)
        .order_by("-version")
        .only("pk", "version", "status", "published_at", "created_at")
    )
    phases = list(template.phases.all())
    return render(
        request,
        "clinic/plans/template_detail.html",
        {
            "template": template,
            "phases": phase_views(phases, high_risk=template.risk == HIGH),
            "site_labels": site_labels(template.sites),
            "total_days": sum(p.typical_days for p in phases),
            "versions": versions,
            "draft": next((v for v in versions if v.status == "draft"), None),
            "can_edit": permissions.can_edit_template_library(request.user),
        },
    )


def _template_editor_response(
    request: HttpRequest,
    *,
    form: TemplateForm,
    editor: PhasesEditor,
    template: ProtocolTemplate | None,
) -> HttpResponse:
    return render(
        request,
        "clinic/plans/template_form.html",
        {
            "form": form,
            "editor": editor,
            "template": template,
            "total_days": editor.project_days(),
            "relative": True,
        },
    )


def _template_form_post(
    request: HttpRequest, template: ProtocolTemplate | None
) -> tuple[TemplateForm, PhasesEditor, ProtocolTemplate | None]:
    """Apply a structural change, or save; returns the forms to show, or the saved template."""
    form_class = TemplateCreateForm if template is None else TemplateForm
    form = form_class(request.POST)
    editor = PhasesEditor(data=request.POST, high_risk=request.POST.get("risk") == HIGH)
    parsed = parse_op(request.POST.get("op"))
    if parsed is None or parsed[0] != "save":
        return form, editor.with_op(request.POST.get("op", "")), None
    form_valid = form.is_valid()
    editor_valid = editor.full_validate()
    if not (form_valid and editor_valid):
        return form, editor, None
    fields = form.template_fields()
    try:
        if template is None:
            slug = form.cleaned_data.get("slug") or slugify(fields["name"])[:80]
            saved = services.template_draft_create(
                slug=slug, phases=editor.phases(), created_by=request.user, **fields
            )
        else:
            saved = services.template_draft_update(
                template=template, phases=editor.phases(), **fields
            )
    except ApplicationError as exc:
        rest = editor.add_errors(exc.errors)
        if rest or not editor.has_errors:
            ApplicationError(exc.message, rest).add_to_form(form)
        return form, editor, None
    return form, editor, saved


@login_required
def template_new(request: HttpRequest) -> HttpResponse:
    if (refused := _library_guard(request, edit=True)) is not None:
        return refused
    if request.method == "POST":
        form, editor, saved = _template_form_post(request, None)
        if saved is not None:
            messages.success(request, f"Draft “{saved.name}” saved. Publish it when it is ready.")
            return client_redirect(request, reverse("plans:template", kwargs={"pk": saved.pk}))
    else:
        form = TemplateCreateForm(initial={"risk": ProtocolTemplate.Risk.LOW})
        editor = PhasesEditor(phases=[{"name": "Protected loading", **_new_phase()}])
    return _template_editor_response(request, form=form, editor=editor, template=None)


def _new_phase() -> dict[str, Any]:
    phase = {**NEW_PHASE, "advance_when": [dict(i) for i in NEW_PHASE["advance_when"]]}
    phase.pop("name")
    return phase


@login_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _library_guard(request, edit=True)) is not None:
        return refused
    template = _template_or_404(pk)
    if template.is_frozen:
        messages.info(
            request,
            "A published or retired version is frozen: make a new draft version to change it.",
        )
        return client_redirect(request, reverse("plans:template", kwargs={"pk": template.pk}))
    if request.method == "POST":
        form, editor, saved = _template_form_post(request, template)
        if saved is not None:
            messages.success(request, "Draft saved.")
            return client_redirect(request, reverse("plans:template", kwargs={"pk": saved.pk}))
    else:
        form = TemplateForm(initial=TemplateForm.initial_for(template))
        editor = PhasesEditor(
            phases=stored_phase_dicts(list(template.phases.all())),
            high_risk=template.risk == HIGH,
        )
    return _template_editor_response(request, form=form, editor=editor, template=template)


@login_required
@require_POST
def template_projection(request: HttpRequest) -> HttpResponse:
    """Day offsets of the phases as edited in the template editor (htmx partial)."""
    if not permissions.can_edit_template_library(request.user):
        return HttpResponse(status=403)
    editor = PhasesEditor(data=request.POST)
    return render(
        request,
        "clinic/plans/_projection_update.html",
        {"editor": editor, "total_days": editor.project_days(), "relative": True},
    )


@login_required
@require_POST
def template_publish(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _library_guard(request, edit=True)) is not None:
        return refused
    template = _template_or_404(pk)
    here = reverse("plans:template", kwargs={"pk": template.pk})
    try:
        published = services.template_publish(template=template, published_by=request.user)
    except ApplicationError as exc:
        details = [m for msgs in exc.errors.values() for m in msgs][:3]
        messages.error(request, " ".join([exc.message, *details]))
        return client_redirect(request, here)
    messages.success(
        request,
        f"Version {published.version} of “{published.name}” is published; new plans use it. "
        "Plans already made keep their own copy.",
    )
    return client_redirect(request, here)


@login_required
@require_POST
def template_new_draft(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _library_guard(request, edit=True)) is not None:
        return refused
    template = _template_or_404(pk)
    existing = ProtocolTemplate.objects.filter(slug=template.slug, status="draft").first()
    try:
        draft = services.template_new_draft(template=template, created_by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return client_redirect(request, reverse("plans:template", kwargs={"pk": template.pk}))
    if existing is not None:
        messages.info(request, f"Version {draft.version} is already being drafted: here it is.")
    else:
        messages.success(
            request, f"Draft version {draft.version} made from version {template.version}."
        )
    return client_redirect(request, reverse("plans:template_edit", kwargs={"pk": draft.pk}))
