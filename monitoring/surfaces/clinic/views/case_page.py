"""The case page and its forms: phase decisions, corrections, sign-off, femoral neck findings
and assessments.

A user who is not on a case gets 404 for everything about it; a user on the case whose role
does not allow an action gets 403 from its POST handler (the page does not show them the form)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from athletes import permissions
from athletes.models import Case
from athletes.selectors import clinic_case_for_user
from athletes.services.access import What, record_access
from athletes.sites import FEMORAL_NECK_SITES
from monitoring.care import services as care_services
from monitoring.care.services.lifecycle import can_end
from monitoring.evaluation import decisions
from monitoring.evaluation.queue import request_evaluation
from monitoring.ingest.checks import athlete_today
from monitoring.ingest.items import COMPUTED_TESTS, assessment_record
from monitoring.models import Assessment
from monitoring.surfaces.clinic import view_models as clinic
from monitoring.surfaces.clinic.bone_forms import bone_health_forms
from monitoring.surfaces.clinic.forms import (
    AssessmentForm,
    CloseCaseForm,
    DecisionForm,
    DischargeForm,
    FemoralNeckForm,
    FlagResolveForm,
    SignOffForm,
    StartDateForm,
    UndoDecisionForm,
)
from monitoring.surfaces.clinic.running import forms_of, running_card
from monitoring.surfaces.clinic.view_models import return_to_play as rtp_view
from monitoring.surfaces.clinic.view_models.batteries import battery_context
from monitoring.surfaces.clinic.views.common import (
    case_url,
    render_page,
    url_or_none,
)
from protocols import services as plan_services
from rehab.errors import ApplicationError

# --- the case page -----------------------------------------------------------------------------


@login_required
@require_GET
def case(request, case_id: int):
    case = clinic_case_for_user(request.user, case_id)
    page = clinic.case_page(request.user, case, today=athlete_today(case.athlete))
    record_access(request, case, What.CASE_PAGE, always=True)  # the site, for every reader
    return render_case(request, page)


def _assessment_tests(user, case) -> list[str]:
    """The tests the person may type a result for (the bone-health screens are scored item by
    item with the bone-health review instead, strength symmetry is computed from a test
    battery)."""
    return [
        t
        for t in Assessment.Test.values
        if t not in COMPUTED_TESTS and permissions.can_record_assessment(user, case, t)
    ]


def render_case(request, page: clinic.CasePage, *, forms: dict | None = None, status=200):
    """The case page, with the forms this viewer may use (bound ones when a POST failed)."""
    forms = forms or {}
    if not page.charts_added:
        clinic.add_charts(page)
    user, case = request.user, page.case
    context: dict = {
        "page": page,
        "case": case,
        "builder_url": url_or_none("plans:builder", case_id=case.pk),
    }
    if page.can["decide"] and page.plan and page.phase and page.evaluation:
        context["decision_form"] = forms.get("decision") or DecisionForm(page=page)
    if page.can["edit_plan"] and page.plan and page.phase:
        context["signoff_form"] = SignOffForm(initial={"phase_id": page.phase.pk})
        context["start_date_form"] = forms.get("start_date") or StartDateForm(
            initial={"started_on": page.plan.started_on}
        )
    ended = case.outcome or case.status == Case.Status.CLOSED
    if page.can["decide"] and page.last_decision and not ended:
        context["undo_form"] = forms.get("undo") or UndoDecisionForm()
    if page.can["decide"] and can_end(case):
        context["discharge_form"] = forms.get("discharge") or DischargeForm(
            initial={"returned_on": page.today}
        )
        context["close_form"] = forms.get("close") or CloseCaseForm()
    if page.can["assess"]:
        context["assessment_form"] = forms.get("assessment") or AssessmentForm(
            tests=_assessment_tests(user, case), today=page.today
        )
    if case.site in FEMORAL_NECK_SITES and permissions.can_record_orthopaedic_decision(user, case):
        context["femoral_neck_form"] = forms.get("femoral_neck") or FemoralNeckForm(
            today=page.today
        )
    context.update(battery_context(user, case, page.today, forms))
    context.update(bone_health_forms(user, page, forms))
    context["running"] = running_card(user, case, today=page.today, bound=forms_of(forms))
    context.update(rtp_view.page_context(user, page, forms, today=page.today))
    failed = forms.get("resolve")
    context["flag_items"] = [
        (
            flag,
            failed[1]
            if failed and failed[0] == flag.pk
            else FlagResolveForm(prefix=f"flag-{flag.pk}"),
        )
        for flag in page.flags
    ]
    return render_page(request, "clinic/case.html", context, status=status)


@login_required
@require_POST
def case_decide(request, case_id: int):
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_decide_transition(request.user, case):
        raise PermissionDenied("Only the case's clinicians may decide a phase change.")
    page = clinic.case_page(
        request.user, case, today=athlete_today(case.athlete), with_charts=False
    )
    if page.plan is None or page.phase is None:
        messages.error(request, "This case has no active plan to decide on.")
        return redirect(case_url(case.pk))
    form = DecisionForm(request.POST, page=page)
    if form.is_valid():
        data = form.cleaned_data
        try:
            transition = decisions.phase_decide(
                plan=page.plan,
                kind=data["kind"],
                decided_by=request.user,
                reason=data["reason"],
                effective_on=data["effective_on"],
                today=page.today,
                override=bool(data.get("override")),
                to_phase=form.to_phase_obj(),
                expected_phase_id=data["expected_phase_id"],
                judged_from=data.get("judged_from"),
                evaluation=page.evaluation,
                open_red_flag=bool(page.open_red_flags),
                shown_evaluation=form.shown_evaluation,
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            request_evaluation([case.pk])
            messages.success(request, f"Decision recorded: {transition.get_kind_display()}.")
            return redirect(case_url(case.pk, "history"))
    return render_case(request, page, forms={"decision": form}, status=400)


def _correction(request, case, form_class, anchor: str, do):
    """Run a correction (``do(plan, cleaned_data)``) from the case page; its errors come back
    as the page with the form's field errors (400)."""
    page = clinic.case_page(
        request.user, case, today=athlete_today(case.athlete), with_charts=False
    )
    plan = page.plan or (page.last_decision.plan if page.last_decision else None)
    if plan is None:
        messages.error(request, "This case has no plan to correct.")
        return redirect(case_url(case.pk))
    form = form_class(request.POST)
    if form.is_valid():
        try:
            message = do(plan, form.cleaned_data, page.today)
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            request_evaluation([case.pk])
            messages.success(request, message)
            return redirect(case_url(case.pk, anchor))
    return render_case(request, page, forms={anchor: form}, status=400)


@login_required
@require_POST
def case_start_date(request, case_id: int):
    """Correct the plan's start date (a date typed wrong), with a reason."""
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_edit_plan(request.user, case):
        raise PermissionDenied("Only the case's clinicians may correct a plan.")

    def do(plan, data, today):
        plan_services.plan_start_correct(
            plan=plan,
            started_on=data["started_on"],
            corrected_by=request.user,
            reason=data["reason"],
            today=today,
        )
        return f"Start date corrected to {data['started_on']:%-d %B %Y}."

    return _correction(request, case, StartDateForm, "start_date", do)


@login_required
@require_POST
def case_undo_decision(request, case_id: int):
    """Undo the plan's last phase decision, with a reason."""
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_decide_transition(request.user, case):
        raise PermissionDenied("Only the case's clinicians may undo a phase decision.")

    def do(plan, data, today):
        undone = plan_services.transition_undo(
            plan=plan, undone_by=request.user, reason=data["reason"]
        )
        return f"Decision undone: {undone.get_kind_display()}."

    return _correction(request, case, UndoDecisionForm, "undo", do)


@login_required
@require_POST
def case_sign_off(request, case_id: int):
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_edit_plan(request.user, case):
        raise PermissionDenied("Only the case's clinicians may sign a phase off.")
    page = clinic.case_page(
        request.user, case, today=athlete_today(case.athlete), with_charts=False
    )
    form = SignOffForm(request.POST)
    if page.phase is None or not form.is_valid():
        messages.error(request, "This case has no phase under way to sign off.")
    elif form.cleaned_data["phase_id"] != page.phase.pk:
        messages.error(request, "The plan has changed since you looked at it; nothing was signed.")
    else:
        try:
            plan_services.phase_sign_off(phase=page.phase, signed_by=request.user, on=page.today)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            request_evaluation([case.pk])
            messages.success(request, f"“{page.phase.name}” signed off.")
    return redirect(case_url(case.pk, "evaluation"))


@login_required
@require_POST
def femoral_neck_new(request, case_id: int):
    """A clinician records femoral neck findings and the orthopaedic decision."""
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_record_orthopaedic_decision(request.user, case):
        raise PermissionDenied("Only the case's clinicians record orthopaedic findings.")
    today = athlete_today(case.athlete)
    form = FemoralNeckForm(request.POST, today=today)
    if form.is_valid():
        data = form.cleaned_data
        try:
            care_services.femoral_neck_record(
                case=case,
                by=request.user,
                ortho_decision=data["ortho_decision"] or None,
                decided_on=data["decided_on"],
                fracture_line_percent=data["fracture_line_percent"],
                effusion=data["effusion"],
                today=today,
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, "Femoral neck findings recorded.")
            return redirect(case_url(case.pk, "femoral-neck"))
    page = clinic.case_page(request.user, case, today=today, with_charts=False)
    return render_case(request, page, forms={"femoral_neck": form}, status=400)


@login_required
@require_POST
def assessment_new(request, case_id: int):
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_record_assessment(request.user, case):
        raise PermissionDenied("You may not record assessments on this case.")
    today = athlete_today(case.athlete)
    form = AssessmentForm(request.POST, tests=_assessment_tests(request.user, case), today=today)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assessment = assessment_record(
                case=case,
                test=data["test"],
                value=data["value"],
                pain=data["pain"],
                date=data["date"],
                notes=data["notes"],
                assessed_by=request.user,
                today=today,
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, f"Recorded: {assessment}.")
            return redirect(case_url(case.pk, "assessments"))
    page = clinic.case_page(request.user, case, today=today)
    return render_case(request, page, forms={"assessment": form}, status=400)
