"""The athlete's consent to share their data with each care-team role: the default recorded when
a role joins a case, the athlete's own answer, and the answers as they stand."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from athletes import permissions
from athletes.audit import audited
from athletes.models import Athlete, CareTeamMember, Case, SharingConsent, User
from rehab.errors import ApplicationError


def consent_defaults_record(*, case: Case, recorded_by: User | None) -> list[SharingConsent]:
    """Record "consent given" for each role now on the case that the athlete has not answered.

    The default (see ``athletes.permissions``): a clinic that puts a person on the care team has
    the athlete's agreement to share with that role; the athlete can withdraw it at any time on
    their own page. An existing answer — a withdrawal above all — is never overwritten here.
    """
    roles = set(
        CareTeamMember.objects.filter(case=case, role__in=permissions.CONSENT_ROLES).values_list(
            "role", flat=True
        )
    )
    known = set(
        SharingConsent.objects.filter(athlete_id=case.athlete_id, role__in=roles).values_list(
            "role", flat=True
        )
    )
    created = []
    for role in sorted(roles - known):
        consent = SharingConsent(
            athlete_id=case.athlete_id,
            role=role,
            given=True,
            changed_at=timezone.now(),
            changed_by=recorded_by,
        )
        consent._change_reason = "Given when the role joined the care team (default)"
        try:
            with transaction.atomic():
                consent.save()
        except IntegrityError:  # recorded concurrently: that answer stands
            continue
        created.append(consent)
    return created


@transaction.atomic
@audited(
    by="changed_by",
    reason=lambda kw: "Given by the athlete" if kw["given"] else "Withdrawn by the athlete",
)
def consent_set(*, athlete: Athlete, role: str, given: bool, changed_by: User) -> SharingConsent:
    """The athlete gives or withdraws consent to share with one care-team role.

    Takes effect at once for every case of the athlete (``athletes.permissions``). Setting the
    answer it already has changes nothing and records nothing.
    """
    if not permissions.can_manage_consent(changed_by, athlete):
        raise ApplicationError("Only the athlete can change who their data is shared with.")
    if role not in permissions.CONSENT_ROLES:
        raise ApplicationError(
            "This role cannot be changed.", {"role": "Choose one of the roles listed."}
        )
    consent = SharingConsent.objects.select_for_update().filter(athlete=athlete, role=role).first()
    if consent is not None and consent.given == bool(given):
        return consent
    if consent is None:
        consent = SharingConsent(athlete=athlete, role=role)
    consent.given = bool(given)
    consent.changed_at = timezone.now()
    consent.changed_by = changed_by
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:  # a first answer recorded concurrently: this later one stands
        consent = SharingConsent.objects.select_for_update().get(athlete=athlete, role=role)
        consent.given, consent.changed_at = bool(given), timezone.now()
        consent.changed_by = changed_by
        consent.save()
    return consent


def consent_state(athlete: Athlete) -> dict[str, SharingConsent | None]:
    """Role → the athlete's recorded answer (None: not asked yet, which counts as given)."""
    recorded = {c.role: c for c in SharingConsent.objects.filter(athlete=athlete)}
    return {role: recorded.get(role) for role in sorted(permissions.CONSENT_ROLES)}
