"""The plan builder of a case: template suggestions, the phases editor, the projected dates and
the plan's start.

Thin views: they parse the forms of ``protocols.builder``, call one service of
``protocols.services`` and render; service errors go back onto the inputs they are about."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from athletes import permissions
from athletes.models import Case
from athletes.services.access import What, record_access
from athletes.sites import BY_CODE, HIGH
from protocols import services
from protocols.builder.access import builder_case, case_url, client_redirect
from protocols.builder.blocks import LISTS_BY_NAME, parse_op
from protocols.builder.criterion_forms import criterion_form
from protocols.builder.editor import PhasesEditor, stored_phase_dicts
from protocols.builder.forms import PlanActionsForm
from protocols.builder.presentation import PhaseView, phase_views
from protocols.models import Plan, PlanPhase, ProtocolTemplate
from protocols.selectors import templates_for_case
from rehab.errors import ApplicationError

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
        "case_url": case_url(case),
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
    case = builder_case(request, case_id)
    if isinstance(case, HttpResponse):
        return case
    record_access(request, case, What.PLAN)
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
        return client_redirect(request, reverse("plans:builder", kwargs={"case_id": case.pk}))
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
        return client_redirect(request, here)
    template = ProtocolTemplate.objects.filter(
        pk=_int(request.POST.get("template")), status=ProtocolTemplate.Status.PUBLISHED
    ).first()
    if template is None:
        messages.error(request, "Choose one of the suggested templates.")
        return client_redirect(request, here)
    try:
        services.plan_create(case=case, template=template, created_by=request.user)
    except ApplicationError as exc:
        messages.error(request, " ".join([exc.message, *sum(exc.errors.values(), [])]))
        return client_redirect(request, here)
    messages.success(
        request,
        f"Draft plan made from “{template.name}” (version {template.version}). "
        "Individualize it, then start it.",
    )
    return client_redirect(request, here)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
    if not editor.full_validate():
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
        return client_redirect(request, here)
    if not actions_valid:
        messages.error(request, "Enter a valid start date.")
        return client_redirect(request, here)
    if plan.case.status != Case.Status.ACTIVE:
        # plan_create refuses a case that is not active; plan_start does not check it (yet).
        messages.error(request, "This case is not active: its plan cannot be started.")
        return client_redirect(request, here)
    started_on = actions.cleaned_data.get("started_on") or today
    try:
        services.plan_start(plan=plan, started_by=request.user, started_on=started_on)
    except ApplicationError as exc:
        details = " ".join(m for m in exc.errors.get("started_on", []))
        messages.error(request, f"{exc.message} {details}".strip())
        return client_redirect(request, here)
    messages.success(request, f"Plan started on {started_on:%-d %B %Y}.")
    return client_redirect(request, case_url(plan.case))


@login_required
@require_POST
def builder_projection(request: HttpRequest, case_id: int) -> HttpResponse:
    """The projected phase dates of the plan as edited (htmx partial, nothing saved)."""
    case = builder_case(request, case_id)
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
    if not (permissions.can_edit_template_library(request.user) or clinical.exists()):
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
