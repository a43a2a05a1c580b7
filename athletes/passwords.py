"""Password rules beyond Django's own validators."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class StaffMinimumLengthValidator:
    """Staff (everyone but athletes: clinicians, physios, coaches, nutritionists, psychologists,
    integration accounts and admins) need a longer password: their login opens other people's
    clinical records. Athletes keep Django's minimum (``MinimumLengthValidator``, 8)."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def _applies(self, user) -> bool:
        if user is None:
            return True  # no user yet (e.g. a blank form): the stricter rule
        return getattr(user, "is_staff", False) or getattr(user, "kind", "") != "athlete"

    def validate(self, password: str, user=None) -> None:
        if self._applies(user) and len(password) < self.min_length:
            raise ValidationError(
                ngettext(
                    "Staff passwords need at least %(min_length)d character.",
                    "Staff passwords need at least %(min_length)d characters.",
                    self.min_length,
                ),
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return (
            f"Staff passwords (everyone but athletes) need at least {self.min_length} characters."
        )
