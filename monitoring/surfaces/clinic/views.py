"""The clinic pages: my cases, the new case form, the case page and the red-flag inbox.

Thin: parse input, ask the predicates, call one service or view-model builder, render. A user
who is not on a case gets 404 for everything about it; a user on the case whose role does not
allow an action gets 403 from its POST handler (the page does not show them the form).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from athletes import permissions
from athletes.forms import NewCaseForm
from athletes.models import Case
from athletes.selectors import case_for_user
from athletes.services import athlete_create, case_open
from athletes.sites import FEMORAL_NECK_SITES
from monitoring.care import services as care_services
from monitoring.evaluation import decisions, services
from monitoring.models import Assessment, Flag
from monitoring.surfaces.clinic import view_models as clinic
from monitoring.surfaces.clinic.forms import (
    AssessmentForm,
    CaseFilterForm,
    ContactForm,
    DecisionForm,
    FemoralNeckForm,
    FlagResolveForm,
    SignOffForm,
    StartDateForm,
    UndoDecisionForm,
)
from protocols import services as plan_services
from protocols.engine.criteria.case_facts import SCREEN_TESTS
from rehab.errors import ApplicationError


def _clinic_case(request, case_id: int):
    """A case whose clinic page the user may open, or 404 (see ``clinic.may_open_case_page``):
    a coach follows the case on the coach pages, never here."""
    case = case_for_user(request.user, case_id)
    if not clinic.may_open_case_page(request.user, case):
        raise Http404("No such case.")
    return case


def _today():
    return services.athlete_today()


def _render(request: HttpRequest, template: str, context: dict, status: int = 200):
    context = {**clinic.nav_context(request.user), **context}
    return render(request, template, context, status=status)


def _url_or_none(name: str, **kwargs) -> str | None:
    """The address of another engineer's page when it exists (the plan builder, templates)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- my cases ------------------------------------------------------------------------------------


@login_required
@require_GET
def cases(request):
    teams = list(clinic.teams_of(request.user))
    form = CaseFilterForm(request.GET, teams=teams)
    filters = form.filters()
    rows = clinic.case_rows(request.user, today=_today(), **filters)
    filtered = bool(filters["search"] or filters["flag_kind"] or filters["team_id"]) or (
        filters["status"] != Case.Status.ACTIVE
    )
    context = {"rows": rows, "form": form, "filtered": filtered, "teams": teams}
    if request.htmx and request.htmx.target == "case-table":
        return render(request, "clinic/_case_table.html", context)
    return _render(request, "clinic/cases.html", context)


@login_required
@require_GET
def nav_counts(request):
    """The section's red-flag count, for pages that do not compute it themselves (htmx)."""
    return render(request, "clinic/_nav_count.html", {"count": clinic.red_flag_count(request.user)})


# --- new athlete and case ----------------------------------------------------------------------


def _new_case_form(request, data=None) -> NewCaseForm:
    return NewCaseForm(
        data,
        athletes=clinic.athletes_of(request.user),
        teams=clinic.teams_for_new_athlete(request.user),
        today=_today(),
    )


@login_required
def case_new(request):
    if not clinic.may_open_case(request.user):
        raise PermissionDenied("Only clinicians and physiotherapists open cases.")
    implications = None
    status = 200
    if request.method == "POST":
        form = _new_case_form(request, request.POST)
        if "preview" in request.POST:
            implications = clinic.case_implications(request.POST)
            form.errors.clear()  # a preview is not a submission: show no errors yet
        elif form.is_valid():
            try:
                case = _open_case(request, form)
            except ApplicationError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, f"Case opened for {case.athlete}.")
                builder = _url_or_none("plans:builder", case_id=case.pk)
                return redirect(builder or reverse("clinic:case", kwargs={"case_id": case.pk}))
        if form.is_bound and form.errors:
            status = 400
            implications = clinic.case_implications(request.POST)
    else:
        form = _new_case_form(request)
    return _render(
        request,
        "clinic/case_new.html",
        {"form": form, "implications": implications},
        status=status,
    )


def _open_case(request, form: NewCaseForm):
    """The athlete (when new) and the case in one transaction: nothing is half-saved."""
    with transaction.atomic():
        athlete = form.cleaned_data["existing_athlete"] or athlete_create(**form.athlete_data())
        return case_open(
            athlete=athlete,
            site=form.cleaned_data["site"],
            diagnosed_on=form.cleaned_data["diagnosed_on"],
            created_by=request.user,
            **form.case_data(),
        )


@login_required
@require_GET
def case_implications(request):
    """What the chosen site and risk factors imply (htmx, as the form is filled in)."""
    if not clinic.may_open_case(request.user):  # the new-case form's helper, for its users only
        raise PermissionDenied("Only clinicians and physiotherapists open cases.")
    return render(
        request,
        "clinic/_implications.html",
        {"implications": clinic.case_implications(request.GET)},
    )


# --- the case page -----------------------------------------------------------------------------


@login_required
@require_GET
def case(request, case_id: int):
    case = _clinic_case(request, case_id)
    page = clinic.case_page(request.user, case, today=_today())
    return _render_case(request, page)


def _assessment_tests(user, case) -> list[str]:
    """The tests the person may type a result for (the bone-health screens are scored item by
    item with the bone-health review instead)."""
    return [
        t
        for t in Assessment.Test.values
        if t not in SCREEN_TESTS and permissions.can_record_assessment(user, case, t)
    ]


def _render_case(request, page: clinic.CasePage, *, forms: dict | None = None, status=200):
    """The case page, with the forms this viewer may use (bound ones when a POST failed)."""
    forms = forms or {}
    if not page.charts_added:
        clinic.add_charts(page)
    user, case = request.user, page.case
    context: dict = {
        "page": page,
        "case": case,
        "builder_url": _url_or_none("plans:builder", case_id=case.pk),
    }
    if page.can["decide"] and page.plan and page.phase and page.evaluation:
        context["decision_form"] = forms.get("decision") or DecisionForm(page=page)
    if page.can["edit_plan"] and page.plan and page.phase:
        context["signoff_form"] = SignOffForm(initial={"phase_id": page.phase.pk})
        context["start_date_form"] = forms.get("start_date") or StartDateForm(
            initial={"started_on": page.plan.started_on}
        )
    if page.can["decide"] and page.last_decision:
        context["undo_form"] = forms.get("undo") or UndoDecisionForm()
    if page.can["assess"]:
        context["assessment_form"] = forms.get("assessment") or AssessmentForm(
            tests=_assessment_tests(user, case), today=page.today
        )
    if case.site in FEMORAL_NECK_SITES and permissions.can_record_orthopaedic_decision(user, case):
        context["femoral_neck_form"] = forms.get("femoral_neck") or FemoralNeckForm(
            today=page.today
        )
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
    return _render(request, "clinic/case.html", context, status=status)


def _case_url(case_id: int, anchor: str = "") -> str:
    return reverse("clinic:case", kwargs={"case_id": case_id}) + (f"#{anchor}" if anchor else "")


@login_required
@require_POST
def case_decide(request, case_id: int):
    case = _clinic_case(request, case_id)
    if not permissions.can_decide_transition(request.user, case):
        raise PermissionDenied("Only the case's clinicians may decide a phase change.")
    page = clinic.case_page(request.user, case, today=_today(), with_charts=False)
    if page.plan is None or page.phase is None:
        messages.error(request, "This case has no active plan to decide on.")
        return redirect(_case_url(case.pk))
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
            services.request_evaluation([case.pk])
            messages.success(request, f"Decision recorded: {transition.get_kind_display()}.")
            return redirect(_case_url(case.pk, "history"))
    return _render_case(request, page, forms={"decision": form}, status=400)


def _correction(request, case, form_class, anchor: str, do):
    """Run a correction (``do(plan, cleaned_data)``) from the case page; its errors come back
    as the page with the form's field errors (400)."""
    page = clinic.case_page(request.user, case, today=_today(), with_charts=False)
    plan = page.plan or (page.last_decision.plan if page.last_decision else None)
    if plan is None:
        messages.error(request, "This case has no plan to correct.")
        return redirect(_case_url(case.pk))
    form = form_class(request.POST)
    if form.is_valid():
        try:
            message = do(plan, form.cleaned_data, page.today)
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            services.request_evaluation([case.pk])
            messages.success(request, message)
            return redirect(_case_url(case.pk, anchor))
    return _render_case(request, page, forms={anchor: form}, status=400)


@login_required
@require_POST
def case_start_date(request, case_id: int):
    """Correct the plan's start date (a date typed wrong), with a reason."""
    case = _clinic_case(request, case_id)
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
    case = _clinic_case(request, case_id)
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
    case = _clinic_case(request, case_id)
    if not permissions.can_edit_plan(request.user, case):
        raise PermissionDenied("Only the case's clinicians may sign a phase off.")
    page = clinic.case_page(request.user, case, today=_today(), with_charts=False)
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
            services.request_evaluation([case.pk])
            messages.success(request, f"“{page.phase.name}” signed off.")
    return redirect(_case_url(case.pk, "evaluation"))


@login_required
@require_POST
def femoral_neck_new(request, case_id: int):
    """A clinician records femoral neck findings and the orthopaedic decision."""
    case = _clinic_case(request, case_id)
    if not permissions.can_record_orthopaedic_decision(request.user, case):
        raise PermissionDenied("Only the case's clinicians record orthopaedic findings.")
    today = _today()
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
            return redirect(_case_url(case.pk, "femoral-neck"))
    page = clinic.case_page(request.user, case, today=today, with_charts=False)
    return _render_case(request, page, forms={"femoral_neck": form}, status=400)


@login_required
@require_POST
def assessment_new(request, case_id: int):
    case = _clinic_case(request, case_id)
    if not permissions.can_record_assessment(request.user, case):
        raise PermissionDenied("You may not record assessments on this case.")
    today = _today()
    form = AssessmentForm(request.POST, tests=_assessment_tests(request.user, case), today=today)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_record(
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
            return redirect(_case_url(case.pk, "assessments"))
    page = clinic.case_page(request.user, case, today=today)
    return _render_case(request, page, forms={"assessment": form}, status=400)


# --- flags ----------------------------------------------------------------------------------


def _flag(request, case_id: int, flag_id: int):
    case = _clinic_case(request, case_id)
    flag = get_object_or_404(Flag.objects.select_related("phase"), pk=flag_id, case=case)
    flag.case = case  # the viewer's role is annotated on it: no query to check it
    if not permissions.can_manage_flags(request.user, case):
        raise PermissionDenied("Only the case's clinicians may manage its flags.")
    return case, flag


@login_required
@require_POST
def flag_acknowledge(request, case_id: int, flag_id: int):
    case, flag = _flag(request, case_id, flag_id)
    try:
        services.flag_acknowledge(flag=flag, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if not request.htmx:
            messages.success(request, f"Acknowledged: {flag.title}.")
    if request.htmx and request.POST.get("row") == "inbox":
        flag = Flag.objects.select_related(
            "case__athlete", "phase", "acknowledged_by", "proposed_phase"
        ).get(pk=flag.pk)
        return render(
            request,
            "clinic/_inbox_row.html",
            {"flag": flag, "oob_count": clinic.red_flag_count(request.user)},
        )
    return redirect(_next(request, _case_url(case.pk, "flags")))


@login_required
@require_POST
def flag_resolve(request, case_id: int, flag_id: int):
    case, flag = _flag(request, case_id, flag_id)
    form = FlagResolveForm(request.POST, prefix=f"flag-{flag.pk}")
    if form.is_valid():
        try:
            services.flag_resolve(
                flag=flag, by=request.user, resolution=form.cleaned_data["resolution"]
            )
        except ApplicationError as exc:
            if flag.status == Flag.Status.RESOLVED:  # resolved meanwhile: nothing to correct
                messages.error(request, exc.message)
                return redirect(_next(request, _case_url(case.pk, "flags")))
            exc.add_to_form(form)
        else:
            messages.success(request, f"Resolved: {flag.title}.")
            return redirect(_next(request, _case_url(case.pk, "flags")))
    page = clinic.case_page(request.user, case, today=_today())
    return _render_case(request, page, forms={"resolve": (flag.pk, form)}, status=400)


# --- the red-flag inbox ------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request):
    flags = clinic.inbox_flags(request.user)
    red = [f for f in flags if f.kind == Flag.Kind.RED_FLAG]
    return _render(
        request,
        "clinic/inbox.html",
        {"red": red, "regressions": [f for f in flags if f.kind != Flag.Kind.RED_FLAG]},
    )


@login_required
def contact(request):
    """The phone and e-mail a clinician shares with the athletes of their cases (shown with the
    stop message of an athlete's Today page)."""
    if not clinic.may_share_contact(request.user):
        raise Http404("No such page.")
    user = request.user
    initial = {"contact_phone": user.contact_phone, "contact_email": user.contact_email}
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                clinic.contact_update(
                    user=user,
                    phone=form.cleaned_data["contact_phone"],
                    email=form.cleaned_data["contact_email"],
                )
            except ApplicationError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, "Saved: athletes will see what you share.")
                return redirect("clinic:contact")
        status = 400
    else:
        form = ContactForm(initial=initial)
    return _render(request, "clinic/contact.html", {"form": form}, status=status)
