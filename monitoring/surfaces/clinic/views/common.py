"""What the clinic's views share: rendering with the section's navigation, and addresses (the
case a user may open here is ``athletes.selectors.clinic_case_for_user``; the clinic's day
``monitoring.evaluation.services.athlete_today``)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from athletes import permissions
from monitoring.navigation import clinic_nav_context


def render_page(request: HttpRequest, template: str, context: dict, status: int = 200):
    context = {**clinic_nav_context(request.user), **context}
    return render(request, template, context, status=status)


def url_or_none(name: str, **kwargs) -> str | None:
    """The address of a page of another app when it exists (the plan builder, templates)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def case_url(case_id: int, anchor: str = "") -> str:
    return reverse("clinic:case", kwargs={"case_id": case_id}) + (f"#{anchor}" if anchor else "")


def clinic_page(view):
    """Log-in required; a person whose pages are not the clinic's (a coach, an athlete, an
    integration account: ``athletes.permissions.can_use_clinic``) is sent to their own home."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.can_use_clinic(request.user):
            return redirect("home")
        return view(request, *args, **kwargs)

    return wrapper
