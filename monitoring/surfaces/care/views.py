"""The care pages: a case's timeline with its notes, reviews, goals and the bone-health review;
the notes' CSV export; goal ticks; a template's education cards; notification settings.

Thin: parse input, ask ``athletes.permissions``, call one service or builder, render. A user who
is not on a case (or reaches it only as an integration account) gets 404 for everything about
it; a role that does not allow an action gets 403 from its POST handler.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from athletes import permissions
from athletes.models import User
from athletes.selectors import case_for_user
from athletes.services.access import What, record_access
from monitoring.care import selectors as care
from monitoring.care import services as care_services
from monitoring.care.workup import review_initial
from monitoring.ingest.checks import athlete_today
from monitoring.models import Flag
from monitoring.models.care import EducationCard, Goal, Review
from monitoring.navigation import clinic_nav_context
from monitoring.surfaces.care.bone_forms import triad_form
from monitoring.surfaces.care.forms import (
    CardForm,
    GoalForm,
    NoteForm,
    NotificationSettingsForm,
    ReviewForm,
)
from protocols.models import PhaseTemplate, ProtocolTemplate
from rehab.errors import ApplicationError


def _case(request, case_id: int):
    case = case_for_user(request.user, case_id)
    if not permissions.can_view_timeline(request.user, case):
        raise Http404("No such case.")
    return case


def _today():
    return athlete_today()


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _url(case_id: int, anchor: str = "") -> str:
    return reverse("care:timeline", kwargs={"case_id": case_id}) + (f"#{anchor}" if anchor else "")


def _flag_label(can: dict):
    return (lambda f: f.title) if can["flag_message"] else (lambda f: Flag.neutral_label(f.kind))


def _note_initial(request, page: care.Timeline) -> dict:
    """The note form's answers from the link that opened it: a flag (``?flag=``), or a reply in
    the thread with the athlete (``?reply=``: for the athlete, addressed to them)."""
    initial: dict = {"flag": request.GET.get("flag") or None}
    if "athlete" in page.can["write_audiences"]:
        note = care.thread_message(page.case, request.GET.get("reply"))
        if note is not None:
            initial.update(
                reply_to=note.pk, audience="athlete", addressed_to=page.case.athlete.user_id
            )
    return initial


def _forms(request, page: care.Timeline, bound: dict | None = None) -> dict:
    bound = bound or {}
    can, today = page.can, page.today
    forms: dict = {}
    if can["write_note"]:
        forms["note_form"] = bound.get("note") or NoteForm(
            audiences=can["write_audiences"],
            members=page.care_team,
            flags=page.linkable_flags,
            flag_label=_flag_label(can),
            initial=_note_initial(request, page),
        )
    if can["schedule"]:
        forms["review_form"] = bound.get("review") or ReviewForm(today=today)
    if can["set_goal"] and page.phase is not None:
        forms["goal_form"] = bound.get("goal") or GoalForm(today=today)
    if can["bone_health"]:
        forms["bone_form"] = bound.get("bone") or triad_form(
            page.case, today, initial=review_initial(page.case, today)
        )
    return forms


def _render_timeline(request, case, *, bound: dict | None = None, status: int = 200):
    page = care.timeline(request.user, case, today=_today())
    base = "coach/base.html" if page.role == "coach" else "clinic/base.html"
    template = "care/athlete_notes.html" if page.role == "athlete" else "care/timeline.html"
    context = {
        **(clinic_nav_context(request.user) if base == "clinic/base.html" else {}),
        "page": page,
        "case": case,
        "care_base": base,
        "clinic_page": permissions.can_open_clinic_case_page(request.user, case),
        "coach_page": permissions.can_use_coach_view(request.user, case),
        **_forms(request, page, bound),
    }
    return render(request, template, context, status=status)


@login_required
@require_GET
def timeline(request, case_id: int):
    case = _case(request, case_id)
    record_access(request, case, What.TIMELINE)
    return _render_timeline(request, case)


# --- notes ------------------------------------------------------------------------------------


@login_required
@require_POST
def note_new(request, case_id: int):
    case = _case(request, case_id)
    if not permissions.can_write_note(request.user, case):
        raise PermissionDenied("Your role on this case does not write notes.")
    page = care.timeline(request.user, case, today=_today(), with_chart=False)
    form = NoteForm(
        request.POST,
        audiences=page.can["write_audiences"],
        members=page.care_team,
        flags=page.linkable_flags,
        flag_label=_flag_label(page.can),
    )
    if form.is_valid():
        data = form.cleaned_data
        members = {m.user_id: m.user for m in page.care_team}
        flags = {f.pk: f for f in page.linkable_flags}
        try:
            note = care_services.note_create(
                case=case,
                author=request.user,
                audience=data["audience"],
                body=data["body"],
                addressed_to=members.get(data["addressed_to"]),
                flag=flags.get(data["flag"]),
                reply_to=care.thread_message(case, data.get("reply_to")),
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, f"Note saved for: {note.get_audience_display().lower()}.")
            return redirect(_url(case.pk, f"note-{note.pk}"))
    return _render_timeline(request, case, bound={"note": form}, status=400)


@login_required
@require_GET
def notes_csv(request, case_id: int):
    """The notes this person may read, as CSV: the same audience rule as the pages and API."""
    case = _case(request, case_id)
    record_access(request, case, What.NOTES_CSV)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"notes-case-{case.pk}-{_today():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(["written_at", "author", "audience", "addressed_to", "flag", "note"])
    for note in care.readable_notes(request.user, case):
        writer.writerow(
            [
                timezone.localtime(note.created_at).isoformat(timespec="minutes"),
                str(note.author or ""),
                note.audience,
                str(note.addressed_to or ""),
                note.flag_id or "",
                _csv_safe(note.body),
            ]
        )
    return response


def _csv_safe(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: quote them."""
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text


# --- reviews -----------------------------------------------------------------------------------


@login_required
@require_POST
def review_new(request, case_id: int):
    case = _case(request, case_id)
    if not permissions.can_schedule_review(request.user, case):
        raise PermissionDenied("Only the case's clinicians schedule reviews.")
    today = _today()
    form = ReviewForm(request.POST, today=today)
    if form.is_valid():
        data = form.cleaned_data
        try:
            review = care_services.review_schedule(
                case=case,
                by=request.user,
                kind=data["kind"],
                due_on=data["due_on"],
                booster=data["booster"],
                repeat_weeks=data["repeat_weeks"],
                note=data["note"],
                coach_note=data["coach_note"],
                today=today,
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            messages.success(
                request,
                f"Review set: {review.get_kind_display().lower()} on {review.due_on:%d %b %Y}.",
            )
            return redirect(_next(request, _url(case.pk, "reviews")))
    return _render_timeline(request, case, bound={"review": form}, status=400)


def _review(request, case_id: int, review_id: int) -> Review:
    case = _case(request, case_id)
    review = get_object_or_404(Review, pk=review_id, case=case)
    review.case = case
    if not permissions.can_schedule_review(request.user, case):
        raise PermissionDenied("Only the case's clinicians complete or cancel reviews.")
    return review


@login_required
@require_POST
def review_done(request, case_id: int, review_id: int):
    review = _review(request, case_id, review_id)
    try:
        following = care_services.review_complete(review=review, by=request.user, today=_today())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        text = "Review marked done."
        if following:
            text += f" Next booster review: {following.due_on:%d %b %Y}."
        messages.success(request, text)
    return redirect(_next(request, _url(case_id, "reviews")))


@login_required
@require_POST
def review_cancel(request, case_id: int, review_id: int):
    review = _review(request, case_id, review_id)
    try:
        care_services.review_cancel(review=review, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Review cancelled.")
    return redirect(_next(request, _url(case_id, "reviews")))


# --- goals -----------------------------------------------------------------------------------


@login_required
@require_POST
def goal_new(request, case_id: int):
    case = _case(request, case_id)
    if not permissions.can_set_goal(request.user, case):
        raise PermissionDenied("You may not set goals on this case.")
    today = _today()
    form = GoalForm(request.POST, today=today)
    back = _next(request, _url(case.pk, "goals"))
    if form.is_valid():
        try:
            care_services.goal_create(
                case=case,
                by=request.user,
                text=form.cleaned_data["text"],
                due_on=form.cleaned_data["due_on"],
                today=today,
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, "Goal added.")
            return redirect(back)
    if back != _url(case.pk, "goals"):  # from the athlete's page: say what went wrong there
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    return _render_timeline(request, case, bound={"goal": form}, status=400)


@login_required
@require_POST
def goal_tick(request, goal_id: int):
    goal = Goal.objects.filter(pk=goal_id).first()
    if goal is None:
        raise Http404("No such goal.")
    case = _case(request, goal.case_id)
    goal.case = case
    if not permissions.can_tick_goal(request.user, case):
        raise PermissionDenied("You may not tick goals on this case.")
    done = request.POST.get("done", "1") != "0"
    care_services.goal_tick(goal=goal, by=request.user, done=done)
    if not request.htmx:
        messages.success(request, f"{'Done' if done else 'Not done yet'}: {goal.text}")
    return redirect(_next(request, _url(case.pk, "goals")))


# --- the nutritionist's bone-health review -----------------------------------------------------


@login_required
@require_POST
def bone_health_new(request, case_id: int):
    case = _case(request, case_id)
    if not permissions.can_record_bone_health_review(request.user, case):
        raise PermissionDenied("You may not record a bone-health review on this case.")
    today = _today()
    form = triad_form(case, today, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        points = form.points()
        try:
            _, result = care_services.bone_health_review_record(
                case=case,
                by=request.user,
                date=data["date"],
                points=points,
                vitamin_d_nmol_l=data["vitamin_d_nmol_l"],
                calcium_mg=data["calcium_mg"],
                intake_concerns=data["intake_concerns"],
                today=today,
                height_cm=data["height_cm"],
                weight_kg=data["weight_kg"],
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            messages.success(
                request,
                f"Bone-health review recorded: Triad score {result.total} "
                f"({result.clearance_label}).",
            )
            return redirect(_url(case.pk, "timeline"))
    return _render_timeline(request, case, bound={"bone": form}, status=400)


# --- education cards of a template ---------------------------------------------------------------


def _int(value) -> int:
    """An id from a form; anything else finds nothing (a 404, never a 500)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _template(request, pk: int) -> ProtocolTemplate:
    if not permissions.can_read_template_library(request.user):
        raise PermissionDenied("The template library is for clinic staff.")
    template = ProtocolTemplate.objects.filter(pk=pk).first()
    if template is None:
        raise Http404("No such template.")
    return template


@login_required
def template_cards(request, pk: int):
    template = _template(request, pk)
    editable = permissions.can_edit_template_library(request.user)
    bound_form, bound_key, status = None, None, 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Only clinicians and physiotherapists edit education cards.")
        phase = get_object_or_404(
            PhaseTemplate, pk=_int(request.POST.get("phase")), template=template
        )
        card = None
        if request.POST.get("card"):
            card = get_object_or_404(EducationCard, pk=_int(request.POST["card"]), phase=phase)
        if request.POST.get("delete") and card is not None:
            care_services.education_card_delete(card=card, by=request.user)
            messages.success(request, f"Card removed: {card.title}.")
            return redirect(reverse("care:template_cards", kwargs={"pk": template.pk}))
        form = CardForm(request.POST, prefix=f"c{card.pk}" if card else f"p{phase.pk}")
        if form.is_valid():
            try:
                saved = care_services.education_card_save(
                    phase=phase,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    sources=form.source_lines(),
                    card=card,
                )
            except ApplicationError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, f"Card saved: {saved.title}.")
                url = reverse("care:template_cards", kwargs={"pk": template.pk})
                return redirect(f"{url}#card-{saved.pk}")
        bound_form, bound_key, status = form, (phase.pk, card.pk if card else None), 400
    rows = []
    for phase, cards in care.template_cards(template.pk):
        items = []
        for card in cards:
            form = (
                bound_form
                if bound_key == (phase.pk, card.pk)
                else CardForm(
                    initial={
                        "title": card.title,
                        "body": card.body,
                        "sources": "\n".join(card.sources or []),
                    },
                    prefix=f"c{card.pk}",
                )
            )
            items.append((card, form))
        new_form = bound_form if bound_key == (phase.pk, None) else CardForm(prefix=f"p{phase.pk}")
        rows.append((phase, items, new_form))
    return render(
        request,
        "care/template_cards.html",
        {
            **clinic_nav_context(request.user),
            "template": template,
            "rows": rows,
            "editable": editable,
        },
        status=status,
    )


# --- notification settings ------------------------------------------------------------------


@login_required
def notification_settings(request):
    user: User = request.user
    current = care_services.notification_settings_for(user)
    athlete = user.kind == User.Kind.ATHLETE
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST, athlete=athlete)
        if form.is_valid():
            care_services.notification_settings_update(user=user, **form.cleaned_data)
            messages.success(request, "Notification settings saved.")
            return redirect(reverse("care:settings"))
        status = 400
    else:
        form = NotificationSettingsForm(
            initial={k: getattr(current, k) for k in current.KINDS}, athlete=athlete
        )
        status = 200
    base = {
        User.Kind.ATHLETE: "athlete/base.html",
        User.Kind.COACH: "coach/base.html",
    }.get(user.kind, "clinic/base.html")
    context = {"form": form, "care_base": base, "has_email": bool(user.email), "tab": ""}
    if base == "clinic/base.html":
        context.update(clinic_nav_context(user))
    template = (
        "care/settings_athlete.html" if user.kind == User.Kind.ATHLETE else "care/settings.html"
    )
    return render(request, template, context, status=status)
