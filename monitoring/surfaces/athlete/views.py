"""The athlete's pages (/me/): today, the daily log, what's next, progress; the installable app.

Every page works on the logged-in user's own athlete profile (``Athlete.user``) and takes no
athlete or log id, so another athlete's data cannot be reached by construction. A user without
an athlete profile gets a plain 404 page that says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from athletes.models import User
from athletes.services import athlete_time_zone_set
from monitoring import reminders
from monitoring.care import services as care_services
from monitoring.evaluation.programmes import phase_programme_state
from monitoring.ingest.checks import athlete_today
from monitoring.models import ActivitySession
from monitoring.surfaces.athlete import view_models as pages
from monitoring.surfaces.athlete.forms import (
    IMPACT_ACTIVITIES,
    SESSION_PREFIX,
    DailyLogForm,
    ReminderForm,
    SessionFormSet,
    check_day,
)
from monitoring.surfaces.athlete.view_models.programme import programme_today
from monitoring.surfaces.athlete.view_models.readiness import readiness_progress
from rehab.errors import ApplicationError

THEME = "#0b6e69"
# Whose page this is, for the service worker: it keeps one user's pages only and forgets them
# when a page of another user passes (another athlete logging in on the same phone).
USER_HEADER = "X-Rehab-User"


def athlete_page(view):
    """Log-in required; the view gets the user's ``AthleteContext``. No profile: a 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            ctx = pages.context_for(request.user)
        except Http404:
            # An athlete's login not yet linked to an athlete record: a clear page, not an
            # error. Anyone else (clinicians, coaches, ...) has no athlete pages: 404.
            linking = request.user.kind == User.Kind.ATHLETE
            response = render(
                request,
                "athlete/no_profile.html",
                {"linking": linking},
                status=200 if linking else 404,
            )
        else:
            response = view(request, ctx, *args, **kwargs)
        response[USER_HEADER] = str(request.user.pk)
        return response

    return wrapper


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise Http404("No such day.") from None


def base_context(ctx: pages.AthleteContext, tab: str, **extra) -> dict:
    return {"ctx": ctx, "tab": tab, "phase": ctx.phase, "today": ctx.today, **extra}


@athlete_page
@require_GET
def today(request, ctx: pages.AthleteContext):
    log = pages.day_log(ctx.athlete, ctx.today) if ctx.can_log else None
    stop = pages.stop_notice(ctx, log)
    return render(
        request,
        "athlete/today.html",
        base_context(
            ctx,
            "today",
            log=log,
            stop=stop,
            reviewed_on=None if stop else pages.reviewed_on(ctx),
            prescriptions=[] if stop else pages.prescriptions(ctx.phase),
            week=None if stop else next(iter(pages.weeks(ctx)), None),
            allowed=pages.allowed_today(ctx.phase),
            programme=programme_today(ctx, bool(stop)),
            pain_limits=pages.pain_limits(ctx.phase, ctx.plan.red_pain_limit if ctx.plan else None),
            reminder=reminders.reminder_for(request.user),
        ),
    )


def _sessions_post(post, day: dt.date):
    """The posted form as the session rows expect it. A log kept on a phone by the page's
    earlier version (one ``activity``, ``minutes`` and ``rpe``, or "rest") becomes the same day
    in rows, under that version's session key, so that a log waiting offline across an update
    is recorded as it was meant."""
    if f"{SESSION_PREFIX}-TOTAL_FORMS" in post or "activity" not in post:
        return post
    data = post.copy()
    activity = data.pop("activity", [""])[-1]
    session = {name: data.pop(name, [""])[-1] for name in ("minutes", "rpe")}
    rows = []
    if activity == pages.REST:
        data["rest_day"] = "on"
    elif activity:
        pain = data.get("pain_during", "")  # that version gave its session the day's pain
        rows.append(
            {"key": pages.web_session_id(day), "activity": activity, "pain_during": pain, **session}
        )
    data[f"{SESSION_PREFIX}-TOTAL_FORMS"] = str(len(rows))
    data[f"{SESSION_PREFIX}-INITIAL_FORMS"] = "0"
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{SESSION_PREFIX}-{index}-{name}"] = value
    return data


@athlete_page
def log(request, ctx: pages.AthleteContext, day: str | None = None):
    """The daily log of today (/me/log/) or of a recent day (/me/log/<date>/): a repeat edits.
    The day's answers and its sessions, saved together or not at all."""
    date = ctx.today if day is None else _day(day)
    if not pages.is_editable(date, ctx.today):
        context = base_context(ctx, "log", day=date, editable_days=pages.EDITABLE_DAYS)
        return render(request, "athlete/log_locked.html", context, status=404)
    if not ctx.can_log:
        return render(request, "athlete/log.html", base_context(ctx, "log", day=date, form=None))
    mode = "today" if date == ctx.today else "past"
    data = pages.log_form_data(ctx.athlete, date)
    initial = pages.log_initial(data, ctx.phase)
    rows = {"day": date, "shoes": data.shoes, "prefix": SESSION_PREFIX}
    status = 200
    if request.method == "POST":
        post = _sessions_post(request.POST, date)
        form = DailyLogForm(post, mode=mode, initial=initial)
        sessions = SessionFormSet(post, **rows)
        if check_day(form, sessions):
            try:
                pages.log_day_record(
                    athlete=ctx.athlete,
                    user=request.user,
                    day=date,
                    log_fields=form.log_fields(),
                    sessions=sessions.rows(),
                    previous_morning=form.previous_morning(),
                    today=ctx.today,
                )
            except ApplicationError as exc:
                exc.add_to_form(form)
            else:
                return redirect("athlete:logged", day=date.isoformat())
        status = 400
    else:
        form = DailyLogForm(mode=mode, initial=initial)
        sessions = SessionFormSet(initial=pages.session_initial(data), **rows)
    session_errors = _session_errors(sessions) if form.is_bound else []
    context = base_context(
        ctx,
        "log",
        day=date,
        form=form,
        sessions=sessions,
        session_errors=session_errors,
        error_count=len(form.errors) + len(session_errors),
        quick_adds=pages.quick_adds(
            data, ctx.phase, phase_programme_state(ctx.phase, ctx.athlete.pk, date)
        ),
        impact_activities=" ".join(IMPACT_ACTIVITIES),
        mode=mode,
        data=data,
        action=reverse("athlete:log", args=[date.isoformat()]),
        offline_stop=pages.offline_stop(ctx),
        # the earlier days still open to a log, latest first (a forgotten run, a day offline)
        earlier_days=[ctx.today - dt.timedelta(days=n) for n in range(1, pages.EDITABLE_DAYS)],
    )
    return render(request, "athlete/log.html", context, status=status)


def _session_errors(sessions) -> list[tuple[str, str, str]]:
    """The sessions' errors for the page's summary: (anchor, what, message)."""
    out = [("group-sessions", "Sessions", str(e)) for e in sessions.non_form_errors()]
    for index, row in enumerate(sessions.forms, start=1):
        for name, errors in row.errors.items():
            label = row.fields[name].label if name in row.fields else "Session"
            out.append((f"session-{row.prefix}", f"Session {index}: {label}", errors[0]))
    return out


@athlete_page
@require_GET
def logged(request, ctx: pages.AthleteContext, day: str):
    """'Logged', and what the evaluation has to say, computed now and read-only."""
    date = _day(day)
    log = pages.day_log(ctx.athlete, date)
    if log is None:
        return (
            redirect("athlete:log", date.isoformat())
            if pages.is_editable(date, ctx.today)
            else redirect("athlete:progress")
        )
    evaluation = pages.evaluate_context(ctx)
    sessions = ActivitySession.objects.filter(athlete=ctx.athlete, date=date)
    severe = pages.severe_pain(ctx.plan, ctx.phase, log, sessions)
    notes = pages.log_messages(
        evaluation,
        ctx.phase,
        severe,
        open_red_flag=pages.has_open_red_flag(ctx.case),
        day=date if date != ctx.today else None,
        programme=phase_programme_state(ctx.phase, ctx.athlete.pk, ctx.today),
    )
    stop = any(note.level == "stop" for note in notes)
    context = base_context(
        ctx,
        "log",
        day=date,
        log=log,
        notes=notes,
        contacts=pages.clinical_contacts(ctx.case) if stop and ctx.case else [],
        editable=pages.is_editable(date, ctx.today),
    )
    return render(request, "athlete/logged.html", context)


@athlete_page
@require_GET
def whats_next(request, ctx: pages.AthleteContext):
    evaluation = pages.evaluate_context(ctx)
    goals = pages.goals(evaluation, ctx.phase) if evaluation and ctx.phase else None
    log = pages.day_log(ctx.athlete, ctx.today) if ctx.can_log else None
    context = base_context(
        ctx, "next", goals=goals, step=pages.next_step(ctx), stop=pages.stop_notice(ctx, log)
    )
    return render(request, "athlete/next.html", context)


def _progress(request, ctx: pages.AthleteContext, reminder_form=None, status=200):
    data = pages.progress_data(ctx) if ctx.can_view_own else None
    reminder = reminders.reminder_for(request.user)
    # While a stop is shown (Today, What's next), the stages give no dates either.
    log = pages.day_log(ctx.athlete, ctx.today) if ctx.can_log else None
    context = base_context(
        ctx,
        "progress",
        progress=data,
        ladder=pages.ladder(ctx),
        on_hold=pages.stop_notice(ctx, log) is not None,
        weeks=pages.weeks(ctx, count=4) if ctx.can_log else [],
        reminder=reminder,
        reminder_form=reminder_form or ReminderForm(preference=reminder),
        push_key=settings.REHAB_VAPID_PUBLIC_KEY if care_services.push_enabled() else "",
        readiness_progress=readiness_progress(request.user, ctx.case),
    )
    return render(request, "athlete/progress.html", context, status=status)


@athlete_page
@require_GET
def progress(request, ctx: pages.AthleteContext):
    return _progress(request, ctx)


@athlete_page
@require_POST
def reminder(request, ctx: pages.AthleteContext):
    form = ReminderForm(request.POST)
    if not form.is_valid():
        return _progress(request, ctx, reminder_form=form, status=400)
    try:
        pref = reminders.reminder_preference_update(
            user=request.user,
            enabled=form.cleaned_data["enabled"],
            time_of_day=form.cleaned_data["time_of_day"],
        )
    except ApplicationError as exc:
        exc.add_to_form(form)
        return _progress(request, ctx, reminder_form=form, status=400)
    # Said in the reminder's card, where the page opens (#reminder), not at the top.
    if pref.enabled:
        text = f"Reminder saved: every day at {pref.time_of_day:%H:%M}."
    else:
        text = "Daily reminder turned off."
    messages.success(request, text, extra_tags="in-place reminder")
    return redirect(reverse("athlete:progress") + "#reminder")


@require_POST
@athlete_page
def time_zone(request, ctx: pages.AthleteContext):
    """The phone's time zone (the browser's IANA name), sent by the app when it differs from the
    athlete's: their today, reminders and missing-log checks follow it. JSON in and out."""
    try:
        changed = athlete_time_zone_set(
            athlete=ctx.athlete, time_zone=request.POST.get("time_zone", "")
        )
    except ApplicationError as exc:
        return JsonResponse({"detail": exc.message, "errors": exc.errors}, status=400)
    return JsonResponse(
        {
            "time_zone": ctx.athlete.time_zone,
            "today": athlete_today(ctx.athlete).isoformat(),
            "changed": changed,
        }
    )


@require_POST
@athlete_page
def push(request, ctx: pages.AthleteContext):
    """This phone's Web Push subscription: ``{"subscription": <PushSubscription.toJSON()>}``
    turns notifications on, ``{"unsubscribe": "<endpoint>"}`` off. JSON in and out."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"detail": "Send JSON."}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"detail": "Send a JSON object."}, status=400)
    try:
        if "unsubscribe" in data:
            endpoint = data["unsubscribe"] if isinstance(data["unsubscribe"], str) else ""
            removed = care_services.push_unsubscribe(user=request.user, endpoint=endpoint)
            return JsonResponse({"subscribed": False, "removed": removed})
        care_services.push_subscribe(user=request.user, subscription=data.get("subscription"))
    except ApplicationError as exc:
        return JsonResponse({"detail": exc.message, "errors": exc.errors}, status=400)
    return JsonResponse({"subscribed": True}, status=201)


# --- the installable app --------------------------------------------------------------------

SHELL = (
    "css/app.css",
    "css/athlete.css",
    "css/care.css",  # Today's goals and cards, the notes and settings pages
    "css/running.css",  # the road back on Progress
    "js/confirm.js",
    "js/forget-pages.js",
    "js/athlete.js",
    "js/athlete-log.js",
    "js/athlete-cycle.js",
    "js/athlete-exercises.js",
    "js/run-timer.js",
    "django_htmx/htmx-2.min.js",
    "django_htmx/django-htmx.js",
    "athlete/icon.svg",
    "athlete/icon-192.png",
    "athlete/icon-512.png",
)
SW_VERSION = "4"  # bump when sw.js's logic changes; the shell's contents version themselves


@functools.cache
def _shell() -> tuple[str, ...]:
    """``SHELL`` and the exercise diagrams (static/exercises/, some 80 KB): Today's exercises
    show them offline, also before a second visit has kept them."""
    found = finders.find("exercises")
    diagrams = sorted(f"exercises/{p.name}" for p in Path(found).glob("*.svg")) if found else []
    return (*SHELL, *diagrams)


def _shell_version() -> str:
    digest = hashlib.sha256(SW_VERSION.encode())
    for path in _shell():
        found = finders.find(path)
        digest.update(static(path).encode())
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@never_cache
@require_GET
def service_worker(request):
    """The service worker, served from /me/ so that its scope covers every athlete page."""
    context = {
        "cache_name": f"rehab-athlete-{_shell_version()}",
        "shell": json.dumps([static(p) for p in _shell()]),
        "pages": json.dumps(
            [reverse("athlete:today"), reverse("athlete:log"), reverse("athlete:offline")]
        ),
        "offline": reverse("athlete:offline"),
        "scope": reverse("athlete:today"),
        "static_prefix": static(""),
        "login": reverse("login"),
        "user_header": USER_HEADER,
    }
    response = render(
        request, "athlete/sw.js", context, content_type="application/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = reverse("athlete:today")
    return response


@require_GET
def manifest(request):
    data = {
        "name": "rehab — my recovery",
        "short_name": "rehab",
        "description": "Today's plan, a daily log in under a minute, and your progress.",
        "id": reverse("athlete:today"),
        "start_url": reverse("athlete:today"),
        "scope": reverse("athlete:today"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f6f7f9",
        "theme_color": THEME,
        "icons": [
            {"src": static("athlete/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("athlete/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("athlete/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("athlete/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return HttpResponse(json.dumps(data), content_type="application/manifest+json")


@require_GET
def offline(request):
    """What the service worker shows for a page it has not kept: no personal data. It is kept
    on the phone across users, so it is rendered as nobody's: no name, no CSRF token, no
    message of the session (which would otherwise be used up here and cached)."""
    context = {"user": AnonymousUser(), "csrf_token": "", "messages": [], "neutral": True}
    return render(request, "athlete/offline.html", context)
