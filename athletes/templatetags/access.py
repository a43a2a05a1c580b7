"""Template filters that ask ``athletes.permissions``, for templates whose view does not pass
the answer: a template never compares a user's kind or role itself.

``{% load access %}{% if user|uses_account_pages %}…{% endif %}``
"""

from __future__ import annotations

from django import template

from athletes import permissions

register = template.Library()


@register.filter
def uses_account_pages(user) -> bool:
    """``athletes.permissions.can_use_account_pages``."""
    return permissions.can_use_account_pages(user)


@register.filter
def is_bone_health_reviewer(user, case) -> bool:
    """``athletes.permissions.is_bone_health_reviewer`` (``user|is_bone_health_reviewer:case``)."""
    return permissions.is_bone_health_reviewer(user, case)


@register.filter
def may_open_case(user) -> bool:
    """``athletes.permissions.can_open_case``."""
    return permissions.can_open_case(user)


@register.filter
def may_manage_clinic_webhooks(user) -> bool:
    """``athletes.permissions.can_manage_clinic_webhooks``."""
    return permissions.can_manage_clinic_webhooks(user)


@register.filter
def may_share_contact(user) -> bool:
    """``athletes.permissions.can_share_contact``."""
    return permissions.can_share_contact(user)


@register.filter
def uses_clinic_page(user) -> bool:
    """The clinic's page (staff, teams, invitations): its staff and its administrators."""
    return permissions.can_use_clinic_page(user)
