"""What the apps' viewsets build on: the caller's scope of cases (`athletes.api_scopes`), read
once per request, and the `?case=` filter that keeps to it."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rest_framework import permissions

from athletes.api_scopes import ApiScope, scope_for
from rehab.api import CasePredicate, IdFilter, Pagination


class ScopedViewMixin:
    """Gives a viewset the caller's `ApiScope` (their cases, loaded once per request)."""

    action_predicates: Mapping[str, Callable[..., bool]] = {}
    permission_classes = [permissions.IsAuthenticated, CasePredicate]
    pagination_class = Pagination
    throttle_scope: str | None = None  # set per action, e.g. "bulk" (ScopedRateThrottle)

    @property
    def scope(self) -> ApiScope:
        return scope_for(self.request)

    def case_id_of(self, obj) -> int | None:
        return getattr(obj, "case_id", None)


class ScopedCaseFilter(IdFilter):
    """`?case=<id>`: only a case the caller reaches; any other id matches nothing.

    With `athlete_field` it selects the rows of the case's athlete (logs, sessions and metrics
    belong to athletes, not cases).
    """

    def __init__(self, *, athlete_field: str | None = None, **kwargs):
        kwargs.setdefault("field_name", "case_id")
        kwargs.setdefault("help_text", "Only rows of this case (one of yours).")
        super().__init__(**kwargs)
        self.athlete_field = athlete_field

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        case = scope_for(self.parent.request).case(int(value))
        if case is None:
            return qs.none()
        if self.athlete_field:
            return qs.filter(**{self.athlete_field: case.athlete_id})
        return qs.filter(**{self.field_name: case.pk})
