"""Who reaches the plan builder of a case, and the answers of its pages when they may not.

- the plan builder: people with ``athletes.permissions.can_edit_plan`` on the case (lead
  clinician, clinician, physio). People off the care team get 404, and so do a coach and an
  integration account, for whom the clinic's case pages do not exist (as on the case page); the
  athlete, nutritionist and psychologist get 403 with a message;
- the template library (templates are clinic-wide, not per case): clinic staff read it, and
  clinicians and physiotherapists create, edit and publish templates
  (``athletes.permissions.can_read_template_library``, ``can_edit_template_library``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django_htmx.http import HttpResponseClientRedirect

from athletes import permissions
from athletes.models import Case
from athletes.selectors import case_for_user


def forbidden(request: HttpRequest, message: str, back: str | None = None) -> HttpResponse:
    """The 403 page of the builder and the library, with the message and a way back."""
    return render(
        request,
        "clinic/plans/forbidden.html",
        {"message": message, "back": back or reverse("home")},
        status=403,
    )


def builder_case(request: HttpRequest, case_id: int) -> Case | HttpResponse:
    """The case whose plan the user may build, a 403 page, or 404."""
    case = case_for_user(request.user, case_id)
    # The same rule as the clinic's case page: a coach or an integration account has no clinic
    # page of the case at all.
    if not permissions.can_open_clinic_case_page(request.user, case):
        raise Http404("No such case.")
    if not permissions.can_edit_plan(request.user, case):
        return forbidden(
            request,
            "Only the case's clinicians and physiotherapists build and change its plan.",
            case_url(case),
        )
    return case


def case_url(case: Case) -> str:
    """The case page (built in monitoring); the builder itself until that page exists."""
    try:
        return reverse("clinic:case", kwargs={"case_id": case.pk})
    except NoReverseMatch:
        return reverse("plans:builder", kwargs={"case_id": case.pk})


def client_redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a full page load (messages show at the top)."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
