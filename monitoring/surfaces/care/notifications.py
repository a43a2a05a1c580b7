"""The notification centre: each person's in-app notices (red flags, regressions, care-team
changes), unread first-class: a count in the top bar, the list, mark read, a link to the case
as that person sees it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from athletes import permissions
from athletes.models import User
from monitoring.models import Notification

SHOWN = 100
STAFF_ABOUT = "Red flags, regressions and changes to your care teams; each is e-mailed too."
ATHLETE_ABOUT = "Notices about your care; your team's messages are on your Messages page."


def _target(user: User, notice: Notification) -> str:
    """Where a notice leads: the case as this person sees it (clinic, coach, or their Today)."""
    if permissions.can_use_clinic(user):
        return reverse("clinic:case", kwargs={"case_id": notice.case_id})
    if permissions.can_use_coach_pages(user):
        return reverse("coach:athlete", kwargs={"case_id": notice.case_id})
    if user.kind == User.Kind.ATHLETE:
        return reverse("athlete:today")
    return reverse("home")


@login_required
def notifications(request):
    """The latest notices, unread first; a POST marks them all read."""
    mine = Notification.objects.filter(recipient=request.user)
    if request.method == "POST":
        mine.filter(read_at=None).update(read_at=timezone.now())
        return redirect("care:notifications")
    notices = list(mine.select_related("case__athlete").order_by("-created_at", "-pk")[:SHOWN])
    notices.sort(key=lambda n: n.read_at is not None)  # unread first, each newest first
    rows = [(n, _target(request.user, n)) for n in notices]
    unread = sum(1 for n in notices if n.read_at is None)
    staff = permissions.can_use_clinic(request.user) or permissions.can_use_coach_pages(
        request.user
    )
    about = STAFF_ABOUT if staff else ATHLETE_ABOUT
    context = {"rows": rows, "unread": unread, "about": about}
    return render(request, "care/notifications.html", context)


@login_required
@require_POST
def notification_read(request, notification_id: int):
    """Mark one read and open what it is about."""
    notice = Notification.objects.filter(pk=notification_id, recipient=request.user).first()
    if notice is None:
        raise Http404("No such notification.")
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk, read_at=None).update(read_at=timezone.now())
    return redirect(_target(request.user, notice))


@login_required
@require_GET
def notification_count(request):
    """The unread count of the top bar (htmx, after the page has loaded): one query."""
    count = Notification.objects.filter(recipient=request.user, read_at=None).count()
    return render(request, "care/_notification_count.html", {"count": count})
