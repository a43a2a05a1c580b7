"""Context for every page: the base template of the person's own section (its navigation), for
the pages every kind of person has (notifications, the account): ``{% extends section_base %}``.
No query: the kind of the signed-in user decides."""

from __future__ import annotations

from athletes import permissions


def section_base(request) -> dict[str, str]:
    user = getattr(request, "user", None)
    if permissions.can_use_clinic(user):
        return {"section_base": "clinic/base.html"}
    if permissions.can_use_coach_pages(user):
        return {"section_base": "coach/base.html"}
    return {"section_base": "base.html"}
