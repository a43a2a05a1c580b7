"""What the clinic's views share: the case a user may open here, the clinic's day, rendering
with the section's navigation, and addresses."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from athletes import permissions
from athletes.selectors import case_for_user
from monitoring.evaluation import services
from monitoring.surfaces.clinic import view_models as clinic


def clinic_case(request, case_id: int):
    """A case whose clinic page the user may open, or 404
    (``athletes.permissions.can_open_clinic_case_page``): a coach follows the case on the coach
    pages, never here."""
    case = case_for_user(request.user, case_id)
    if not permissions.can_open_clinic_case_page(request.user, case):
        raise Http404("No such case.")
    return case


def clinic_today():
    """Today, as the clinic counts days (the athletes' day)."""
    return services.athlete_today()


def render_page(request: HttpRequest, template: str, context: dict, status: int = 200):
    context = {**clinic.nav_context(request.user), **context}
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
