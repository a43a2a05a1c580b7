"""The contact a clinician shares with the athletes of their cases (shown with the stop message
of an athlete's Today page)."""

from __future__ import annotations

from athletes import permissions
from athletes.models import User
from rehab.errors import ApplicationError


def contact_update(*, user: User, phone: str, email: str) -> User:
    """Save the phone and e-mail a clinician shares with the athletes of their cases."""
    if not permissions.can_share_contact(user):
        raise ApplicationError("Only clinicians share a contact with athletes.")
    user.contact_phone = phone.strip()
    user.contact_email = email.strip()
    user.full_clean(exclude=["password", "username"])
    user.save(update_fields=["contact_phone", "contact_email"])
    return user
