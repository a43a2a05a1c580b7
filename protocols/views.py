"""Pages of the plan builder (per case) and of the template library (clinic-wide).

Thin views: they parse the forms of ``protocols.forms``, call one service of
``protocols.services`` and render; service errors go back onto the inputs they are about.

Who may do what:
- the plan builder: people with ``athletes.permissions.can_edit_plan`` on the case (lead
  clinician, clinician, physio). People off the care team get 404, and so do a coach and an
  integration account, for whom the clinic's case pages do not exist (as on the case page); the
  athlete, nutritionist and psychologist get 403 with a message;
- the template library (templates are clinic-wide, not per case): clinic staff read it (users of
  kind clinician, physio, nutritionist, psychologist); clinicians and physiotherapists (kind
  clinician or physio) create, edit and publish templates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from athletes import permissions
from athletes.models import Case, User
from athletes.selectors import case_for_user
from athletes.sites import BY_CODE, HIGH
from protocols import services
from protocols.engine import criteria
from protocols.forms import (
    LISTS_BY_NAME,
    NEW_PHASE,
    PhasesEditor,
    PlanActionsForm,
    TemplateCreateForm,
    TemplateForm,
    criterion_form,
    parse_op,
    stored_phase_dicts,
)
from protocols.models import Activity, PhaseTemplate, Plan, PlanPhase, ProtocolTemplate
from protocols.selectors import templates_for_case
from rehab.errors import ApplicationError

# --- who may use the template library ----------------------------------------------------------


def can_view_templates(user: User) -> bool:
    """Read the template library: clinic staff."""
    return permissions.can_read_template_library(user)


def can_edit_templates(user: User) -> bool:
    """Create, edit and publish templates: clinicians and physiotherapists."""
    return permissions.can_edit_template_library(user)


def _forbidden(request: HttpRequest, message: str, back: str | None = None) -> HttpResponse:
    return render(
        request,
        "clinic/plans/forbidden.html",
        {"message": message, "back": back or reverse("home")},
        status=403,
    )


def _builder_case(request: HttpRequest, case_id: int) -> Case | HttpResponse:
    """The case whose plan the user may build, a 403 page, or 404."""
    case = case_for_user(request.user, case_id)
    # The same rule as the clinic's case page
    # (monitoring.surfaces.clinic.view_models.may_open_case_page): a coach
    # or an integration account has no clinic page of the case at all.
    if not (
        permissions.can_view_clinical(request.user, case)
        or permissions.can_record_assessment(request.user, case)
    ):
        raise Http404("No such case.")
    if not permissions.can_edit_plan(request.user, case):
        return _forbidden(
            request,
            "Only the case's clinicians and physiotherapists build and change its plan.",
            _case_url(case),
        )
    return case


def _case_url(case: Case) -> str:
    """The case page (built in monitoring); the builder itself until that page exists."""
    try:
        return reverse("clinic:case", kwargs={"case_id": case.pk})
    except NoReverseMatch:
        return reverse("plans:builder", kwargs={"case_id": case.pk})


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a full page load (messages show at the top)."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


# --- read-only presentation of phases ----------------------------------------------------------


@dataclass
class CriterionLine:
    sentence: str
    red_flag: bool = False
    invalid: bool = False


@dataclass
class PhaseView:
    """A phase as a clinician reads it: plain sentences, never the stored lists."""

    number: int
    name: str
    goal: str
    min_days: int
    typical_days: int
    weight_bearing: str
    crutches: bool
    impact: str
    notes: str
    prescriptions: list[dict[str, Any]]
    advance: list[CriterionLine]
    regress: list[CriterionLine]
    warn: list[CriterionLine]
    citations: list[str]
    start_day: int = 0
    end_day: int = 0


def _lines(items: Iterable[Any], *, high_risk: bool) -> list[CriterionLine]:
    out = []
    for item in items or ():
        try:
            kind = criteria.get_kind(item.get("kind") if isinstance(item, Mapping) else None)
            params = kind.validate(item)
            out.append(CriterionLine(kind.sentence(params), kind.is_red_flag(params, high_risk)))
        except criteria.CriterionError as exc:
            out.append(CriterionLine(f"Not a valid criterion: {exc}", invalid=True))
    return out


def _activity_label(code: Any) -> str:
    try:
        return Activity(code).label
    except ValueError:
        return str(code or "—")


def phase_views(phases: Sequence[PhaseTemplate | PlanPhase], *, high_risk: bool) -> list[PhaseView]:
    views, day = [], 0
    for number, phase in enumerate(phases, start=1):
        views.append(
            PhaseView(
                number=number,
                name=phase.name,
                goal=phase.goal,
                min_days=phase.min_days,
                typical_days=phase.typical_days,
                weight_bearing=phase.get_weight_bearing_display(),
                crutches=phase.crutches,
                impact=phase.get_impact_display(),
                notes=phase.notes,
                prescriptions=[
                    {**rx, "activity_label": _activity_label(rx.get("activity"))}
                    for rx in phase.prescriptions or []
                    if isinstance(rx, Mapping)
                ],
                advance=_lines(phase.advance_when, high_risk=high_risk),
                regress=_lines(phase.regress_when, high_risk=high_risk),
                warn=_lines(phase.warn_when, high_risk=high_risk),
                citations=list(phase.citations or []),
                start_day=day,
                end_day=day + phase.typical_days,
            )
        )
        day += phase.typical_days
    return views


def _site_labels(codes: Iterable[str]) -> list[str]:
    return [BY_CODE[c].label if c in BY_CODE else c for c in codes]


# --- the plan builder --------------------------------------------------------------------------


@dataclass
class Suggestion:
    template: ProtocolTemplate
    reasons: list[str]
    best: bool
    total_days: int
    phases: list[PhaseView] = field(default_factory=list)


def _risk_factors(case: Case) -> list[str]:
    found = list(case.bone_health_flags)
    if (case.grade or 0) >= 3:
        found.insert(0, f"Grade {case.grade} on imaging")
    return found


def _reasons(case: Case, template: ProtocolTemplate, factors: list[str]) -> list[str]:
    """Why a template is suggested for the case, in plain words."""
    site = BY_CODE.get(case.site)
    site_label = site.label if site else case.get_site_display()
    if template.sites == [case.site]:
        reasons = [f"Written for the {site_label.lower()}."]
    else:
        reasons = [f"Covers the {site_label.lower()} among {len(template.sites)} sites."]
    if case.risk == HIGH:
        reasons.append(
            "High-risk template, as this high-risk site needs: protected loading comes first."
        )
    elif template.risk == HIGH:
        reasons.append("A high-risk (more protective) template, although the site is low risk.")
    else:
        reasons.append("Low-risk template for a low-risk site.")
    if template.conservative and factors:
        reasons.append("Conservative variant, for this case's risk factors: " + "; ".join(factors))
    elif template.conservative:
        reasons.append("Conservative variant; this case has no recorded risk factors.")
    elif factors:
        reasons.append("Standard variant; this case has risk factors: " + "; ".join(factors))
    total = sum(p.typical_days for p in template.phases.all())
    if site and site.typical_return_days:
        low, high = site.return_days_ci or (None, None)
        reasons.append(
            f"Typical total {total} days; pooled return to sport at this site is "
            f"{site.typical_return_days} days (95% CI {low}–{high}; Hoenig et al. 2023)."
        )
    return reasons


def _suggestions(case: Case) -> list[Suggestion]:
    factors = _risk_factors(case)
    out = []
    for rank, template in enumerate(templates_for_case(case)):
        out.append(
            Suggestion(
                template=template,
                reasons=_reasons(case, template, factors),
                best=rank == 0,
                total_days=sum(p.typical_days for p in template.phases.all()),
            )
        )
    return out


def _plan_being_built(case: Case) -> Plan | None:
    """The case's active plan, else its draft, with phases (2 queries)."""
    plans = (
        Plan.objects.filter(case=case, status__in=[Plan.Status.ACTIVE, Plan.Status.DRAFT])
        .select_related("template")
        .prefetch_related(Prefetch("phases", queryset=PlanPhase.objects.order_by("order")))
    )
    found = list(plans)
    return next((p for p in found if p.status == Plan.Status.ACTIVE), None) or next(
        iter(found), None
    )


def _builder_context(
    request: HttpRequest,
    case: Case,
    plan: Plan | None,
    *,
    editor: PhasesEditor | None = None,
    actions: PlanActionsForm | None = None,
    today: dt.date,
) -> dict[str, Any]:
    suggestions = _suggestions(case)
    context: dict[str, Any] = {
        "case": case,
        "plan": plan,
        "site_label": BY_CODE[case.site].label if case.site in BY_CODE else case.site,
        "risk_factors": _risk_factors(case),
        "suggestions": suggestions,
        "today": today,
        "case_url": _case_url(case),
        "case_active": case.status == Case.Status.ACTIVE,
    }
    if plan is None:
        chosen = request.GET.get("template")
        preview = next((s for s in suggestions if str(s.template.pk) == chosen), None)
        preview = preview or (suggestions[0] if suggestions else None)
        if preview is not None:
            preview.phases = phase_views(
                list(preview.template.phases.all()), high_risk=preview.template.risk == HIGH
            )
        context["preview"] = preview
        return context
    phases = list(plan.phases.all())
    if editor is None:
        editor = PhasesEditor(
            phases=stored_phase_dicts(phases), stored=phases, high_risk=case.risk == HIGH
        )
    if actions is None:
        actions = PlanActionsForm(initial={"started_on": today})
        actions.fields["started_on"].widget.attrs["min"] = case.diagnosed_on.isoformat()
    start = plan.started_on if plan.status == Plan.Status.ACTIVE else _start_date(actions, today)
    context.update(
        {
            "editor": editor,
            "actions": actions,
            "projection": editor.project(today=today, start=start),
            "plan_start": start,
            "is_active": plan.status == Plan.Status.ACTIVE,
            "high_risk": case.risk == HIGH,
        }
    )
    return context


def _start_date(actions: PlanActionsForm, today: dt.date) -> dt.date:
    if actions.is_bound and actions.is_valid():
        return actions.cleaned_data.get("started_on") or today
    value = actions.initial.get("started_on") if not actions.is_bound else None
    return value or today


@login_required
def builder(request: HttpRequest, case_id: int) -> HttpResponse:
    """Suggest templates, individualize the plan, start it; also edits an active plan."""
    case = _builder_case(request, case_id)
    if isinstance(case, HttpResponse):
        return case
    today = timezone.localdate()
    plan = _plan_being_built(case)
    if request.method != "POST":
        context = _builder_context(request, case, plan, today=today)
        return render(request, "clinic/plans/builder.html", context)
    op = request.POST.get("op", "")
    if op == "use":
        return _use_template(request, case, plan)
    if plan is None:
        messages.error(request, "Choose a template first.")
        return _redirect(request, reverse("plans:builder", kwargs={"case_id": case.pk}))
    editor = PhasesEditor(
        data=request.POST, stored=list(plan.phases.all()), high_risk=case.risk == HIGH
    )
    actions = PlanActionsForm(request.POST)
    parsed = parse_op(op)
    verb = parsed[0] if parsed else "refresh"
    if verb in {"save", "start"}:
        done = _save_plan(request, plan, editor, actions, start=verb == "start", today=today)
        if done is not None:
            return done
    else:
        editor = editor.with_op(op)
    context = _builder_context(request, case, plan, editor=editor, actions=actions, today=today)
    return render(request, "clinic/plans/builder.html", context)


def _use_template(request: HttpRequest, case: Case, plan: Plan | None) -> HttpResponse:
    here = reverse("plans:builder", kwargs={"case_id": case.pk})
    if plan is not None and plan.status == Plan.Status.ACTIVE:
        messages.error(request, "This case has an active plan: change it here instead.")
        return _redirect(request, here)
    template = ProtocolTemplate.objects.filter(
        pk=_int(request.POST.get("template")), status=ProtocolTemplate.Status.PUBLISHED
    ).first()
    if template is None:
        messages.error(request, "Choose one of the suggested templates.")
        return _redirect(request, here)
    try:
        services.plan_create(case=case, template=template, created_by=request.user)
    except ApplicationError as exc:
        messages.error(request, " ".join([exc.message, *sum(exc.errors.values(), [])]))
        return _redirect(request, here)
    messages.success(
        request,
        f"Draft plan made from “{template.name}” (version {template.version}). "
        "Individualize it, then start it.",
    )
    return _redirect(request, here)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _validate(editor: PhasesEditor) -> bool:
    """Every row through its form, then every phase through the services' rules."""
    valid = editor.is_valid()
    try:
        services.phases_clean(editor.phases())
    except ApplicationError as exc:
        editor.add_errors(exc.errors)
        valid = False
    if not valid and not editor.has_errors:
        editor.errors.append("Please correct the highlighted settings.")
    return valid


def _save_plan(
    request: HttpRequest,
    plan: Plan,
    editor: PhasesEditor,
    actions: PlanActionsForm,
    *,
    start: bool,
    today: dt.date,
) -> HttpResponse | None:
    """Save (and start) the plan; None when the page must show errors."""
    actions_valid = actions.is_valid()
    if not _validate(editor):
        return None
    here = reverse("plans:builder", kwargs={"case_id": plan.case_id})
    try:
        edit = services.plan_phases_update(
            plan=plan,
            phases=editor.phases(),
            edited_by=request.user,
            reason=actions.cleaned_data.get("reason", "") if actions_valid else "",
        )
    except ApplicationError as exc:
        rest = editor.add_errors(exc.errors)
        if rest or not editor.has_errors:
            ApplicationError(exc.message, rest).add_to_form(actions)
        return None
    if not start:
        messages.success(request, "Plan saved." if edit else "No changes to save.")
        return _redirect(request, here)
    if not actions_valid:
        messages.error(request, "Enter a valid start date.")
        return _redirect(request, here)
    if plan.case.status != Case.Status.ACTIVE:
        # plan_create refuses a case that is not active; plan_start does not check it (yet).
        messages.error(request, "This case is not active: its plan cannot be started.")
        return _redirect(request, here)
    started_on = actions.cleaned_data.get("started_on") or today
    try:
        services.plan_start(plan=plan, started_by=request.user, started_on=started_on)
    except ApplicationError as exc:
        details = " ".join(m for m in exc.errors.get("started_on", []))
        messages.error(request, f"{exc.message} {details}".strip())
        return _redirect(request, here)
    messages.success(request, f"Plan started on {started_on:%-d %B %Y}.")
    return _redirect(request, _case_url(plan.case))


@login_required
@require_POST
def builder_projection(request: HttpRequest, case_id: int) -> HttpResponse:
    """The projected phase dates of the plan as edited (htmx partial, nothing saved)."""
    case = _builder_case(request, case_id)
    if isinstance(case, HttpResponse):
        return HttpResponse(status=403)
    plan = _plan_being_built(case)
    if plan is None:
        raise Http404("No plan.")
    today = timezone.localdate()
    editor = PhasesEditor(data=request.POST, stored=list(plan.phases.all()))
    actions = PlanActionsForm(request.POST)
    start = plan.started_on if plan.status == Plan.Status.ACTIVE else _start_date(actions, today)
    return render(
        request,
        "clinic/plans/_projection_update.html",
        {
            "editor": editor,
            "projection": editor.project(today=today, start=start),
            "plan": plan,
            "plan_start": start,
            "today": today,
        },
    )


@login_required
@require_POST
def criterion_row(request: HttpRequest) -> HttpResponse:
    """One criterion row re-drawn for the kind just chosen (htmx; nothing saved).

    Values of settings the old and new kinds share (days, pain measure...) carry over.
    """
    clinical = request.user.care_roles.filter(role__in=permissions.CLINICAL_ROLES)
    if not (can_edit_templates(request.user) or clinical.exists()):
        return HttpResponse(status=403)
    trigger = request.htmx.trigger_name or ""
    prefix = request.POST.get("prefix") or trigger.removesuffix("-kind")
    parts = prefix.split("-")
    if len(parts) != 4 or parts[0] != "ph" or parts[2] not in LISTS_BY_NAME:
        return HttpResponse(status=400)
    if not (parts[1].isdigit() and parts[3].isdigit()):
        return HttpResponse(status=400)
    spec = LISTS_BY_NAME[parts[2]]
    bound = criterion_form(spec.role, prefix=prefix, data=request.POST)
    if request.POST.get("part") == "sentence":  # a setting changed: check it at once
        bound.is_valid()
        return render(request, "clinic/plans/_criterion_sentence.html", {"row": bound})
    row = criterion_form(spec.role, prefix=prefix, initial=bound.raw())
    return render(
        request,
        "clinic/plans/_criterion.html",
        {
            "row": row,
            "i": int(parts[1]),
            "j": int(parts[3]),
            "list_name": spec.name,
            "open": True,
        },
    )


# --- the template library ------------------------------------------------------------------------


def _library_guard(request: HttpRequest, *, edit: bool = False) -> HttpResponse | None:
    if edit and not can_edit_templates(request.user):
        return _forbidden(
            request,
            "Only clinicians and physiotherapists create, edit and publish templates.",
            reverse("plans:templates") if can_view_templates(request.user) else None,
        )
    if not can_view_templates(request.user):
        return _forbidden(request, "The template library is for the clinic's staff.")
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
        row.site_labels = _site_labels(row.sites)
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
            "can_edit": can_edit_templates(request.user),
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
            "site_labels": _site_labels(template.sites),
            "total_days": sum(p.typical_days for p in phases),
            "versions": versions,
            "draft": next((v for v in versions if v.status == "draft"), None),
            "can_edit": can_edit_templates(request.user),
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
    editor_valid = _validate(editor)
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
            return _redirect(request, reverse("plans:template", kwargs={"pk": saved.pk}))
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
        return _redirect(request, reverse("plans:template", kwargs={"pk": template.pk}))
    if request.method == "POST":
        form, editor, saved = _template_form_post(request, template)
        if saved is not None:
            messages.success(request, "Draft saved.")
            return _redirect(request, reverse("plans:template", kwargs={"pk": saved.pk}))
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
    if not can_edit_templates(request.user):
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
        return _redirect(request, here)
    messages.success(
        request,
        f"Version {published.version} of “{published.name}” is published; new plans use it. "
        "Plans already made keep their own copy.",
    )
    return _redirect(request, here)


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
        return _redirect(request, reverse("plans:template", kwargs={"pk": template.pk}))
    if existing is not None:
        messages.info(request, f"Version {draft.version} is already being drafted: here it is.")
    else:
        messages.success(
            request, f"Draft version {draft.version} made from version {template.version}."
        )
    return _redirect(request, reverse("plans:template_edit", kwargs={"pk": draft.pk}))
