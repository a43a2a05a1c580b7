"""The permission predicates as django-rules permissions, for templates and ``has_perm``.

``{% load rules %}{% has_perm "athletes.view_clinical" user case as show %}``
"""

import rules

from athletes import permissions


def _wrap(predicate):
    @rules.predicate(name=predicate.__name__)
    def check(user, case) -> bool:
        return case is not None and predicate(user, case)

    return check


rules.add_perm("athletes.view_case", _wrap(permissions.can_view_case))
rules.add_perm("athletes.view_clinical", _wrap(permissions.can_view_clinical))
rules.add_perm("athletes.view_load", _wrap(permissions.can_view_load))
rules.add_perm("athletes.edit_plan", _wrap(permissions.can_edit_plan))
rules.add_perm("athletes.decide_transition", _wrap(permissions.can_decide_transition))
rules.add_perm("athletes.manage_flags", _wrap(permissions.can_manage_flags))
rules.add_perm("athletes.manage_care_team", _wrap(permissions.can_manage_care_team))
rules.add_perm("athletes.log_for", _wrap(permissions.can_log_for))
rules.add_perm("athletes.record_assessment", _wrap(permissions.can_record_assessment))
