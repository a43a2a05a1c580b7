"""The home page sends each person to their own place."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from athletes.models import User
from athletes.permissions import needs_clinic_setup

HOMES = {
    User.Kind.CLINICIAN: "clinic:cases",
    User.Kind.PHYSIO: "clinic:cases",
    User.Kind.NUTRITIONIST: "clinic:cases",
    User.Kind.PSYCHOLOGIST: "clinic:cases",
    User.Kind.COACH: "coach:board",
    User.Kind.ATHLETE: "athlete:today",
    User.Kind.INTEGRATION: "api-docs",
}


@login_required
def home(request):
    if needs_clinic_setup(request.user):
        return redirect("account:clinic_setup")
    return redirect(HOMES.get(request.user.kind, "clinic:cases"))
