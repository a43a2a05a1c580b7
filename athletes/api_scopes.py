"""What an API caller may reach: the cases they are on, plus team grants of integration accounts.

``athletes.selectors.cases_for_user`` knows care-team roles only. An integration account may
also hold an ``IntegrationGrant`` on a whole team: it then reaches every case of that team's
athletes with the ``integration`` role, exactly as if it were on each care team with that role.
The role is annotated on each case (``viewer_role``), so the predicates of
``athletes.permissions`` answer for team grants too, without a query per case.

Every decision here still goes through those predicates: ``ApiScope.case_ids(predicate)`` is
"the cases on which ``predicate(user, case)`` holds", evaluated once per request over the
caller's cases (one query), and the viewsets filter their querysets by such id sets.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value, signals
from django.db.models.base import ModelState
from django.db.models.functions import Coalesce
from django.http import Http404

from athletes import permissions
from athletes.models import Athlete, CareTeamMember, Case, IntegrationGrant, User
from rehab.db import any_of, prepared_cursor

Predicate = Callable[[User, Case], bool]


def api_cases(user: User) -> QuerySet[Case]:
    """The cases the user reaches through the API, with ``viewer_role`` annotated.

    Care-team roles come first; an integration account's team grants add the team's cases with
    the ``integration`` role.
    """
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    mine = permissions.members_with_consent(CareTeamMember.objects.filter(user=user))
    member_role = Subquery(
        mine.filter(case=OuterRef("pk")).values("role")[:1], output_field=CharField()
    )
    on_care_team = Q(pk__in=mine.values("case_id"))
    if user.kind == User.Kind.INTEGRATION:
        granted_teams = IntegrationGrant.objects.filter(user=user).values("team_id")
        condition = on_care_team | Q(athlete__team_id__in=granted_teams)
        role = Coalesce(member_role, Value(CareTeamMember.Role.INTEGRATION.value))
    else:
        condition, role = on_care_team, member_role
    return (
        Case.objects.filter(condition)
        .annotate(viewer_role=role, viewer_id=Value(user.pk))
        .select_related("athlete", "athlete__team")
    )


# --- the same cases, light: what the predicates read, for the writes ---------------------------

LIGHT_COLUMNS = ("pk", "athlete_id", "status", "athlete__user_id", "viewer_role")


def light_api_cases(user: User, athletes: frozenset[int] | None = None) -> list[Case]:
    """The cases of ``api_cases(user)`` (the same query), with only what ``athletes.permissions``
    reads of them: ``viewer_role``, ``status`` and the athlete with its login. Any other field
    loads when it is read (one query), so a predicate reading more is still right, only slower.

    For requests that decide by the predicates and show no case (the writes): the rows are read
    as tuples, not built by the ORM's iterator. ``athletes``: only the cases of these athletes
    (those a write names), not every case of a caller on thousands.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    alias = Case.objects.db
    rows = light_rows(user, None if athletes is None else sorted({int(a) for a in athletes}))
    case_fields = ("id", "athlete_id", "status")
    athlete_fields = ("id", "user_id")
    make_case, make_athlete = _loaded(Case, case_fields), _loaded(Athlete, athlete_fields)
    cases = []
    for pk, athlete_id, status, athlete_user_id, role in rows:
        case = make_case(alias, (pk, athlete_id, status))
        case.athlete = make_athlete(alias, (athlete_id, athlete_user_id))
        case.viewer_role, case.viewer_id = role, user.pk
        cases.append(case)
    return cases


def light_queryset(user_id: int, athletes: list[int] | None = None, *, kind: str) -> QuerySet:
    """``api_cases`` of the active user ``user_id`` (of this ``kind``), with ``LIGHT_COLUMNS``,
    of these athletes only if given: it reads nothing else of the user."""
    cases = api_cases(User(pk=user_id, kind=kind, is_active=True))
    if athletes is not None:
        cases = cases.filter(any_of(Case, "athlete_id", athletes))
    return cases.values_list(*LIGHT_COLUMNS)


def light_rows(user: User, athletes: list[int] | None) -> list[tuple]:
    """The rows of ``light_queryset`` for the user: the scope each write reads. On PostgreSQL
    by the named statement ``LIGHT_SCOPE_SQL``, elsewhere through the ORM."""
    if connection.vendor != "postgresql":
        return list(light_queryset(user.pk, athletes, kind=user.kind))
    integration = user.kind == User.Kind.INTEGRATION
    params = {
        **permissions.consent_sql_params(),
        "user": user.pk,
        "grant_role": CareTeamMember.Role.INTEGRATION.value if integration else None,
        "athletes": athletes,
    }
    with prepared_cursor() as cursor:
        cursor.execute(_light_scope_sql(integration, athletes is not None), params)
        return cursor.fetchall()


@functools.cache
def _light_scope_sql(integration: bool, some_athletes: bool) -> str:
    """LIGHT_SCOPE_SQL: ``light_queryset`` written by hand, the same rows in the same order
    (``LIGHT_COLUMNS``, by diagnosis date and id, newest first); a test compares the two for
    every kind of caller, with and without athletes, consent withdrawn and given.

    Every write reads its caller's scope. Building that queryset in Django (the consent rule's
    subqueries, an integration's grants) cost more than running it: a single log's scope took
    4.0 ms (median) as a kept, patched ORM statement, 11 to 15 ms built by the ORM on every
    request, and 1.2 ms as this statement, prepared on the server (``rehab.db``), measured
    side by side on a 2-core machine with 2,000 cases. The care-team rule is
    ``permissions.members_with_consent_sql``, beside its queryset."""
    qn = connection.ops.quote_name

    def table(model: type) -> str:
        return qn(model._meta.db_table)

    mine = (
        f"SELECT cm.{qn('case_id')} AS case_id, cm.{qn('role')} AS role "  # noqa: S608
        f"FROM {table(CareTeamMember)} cm "
        f"JOIN {table(User)} u ON u.{qn('id')} = cm.{qn('user_id')} "
        f"JOIN {table(Case)} mc ON mc.{qn('id')} = cm.{qn('case_id')} "
        f"WHERE cm.{qn('user_id')} = %(user)s AND "
        + permissions.members_with_consent_sql("cm", "u", "mc")
    )
    reached = f"c.{qn('id')} IN (SELECT case_id FROM mine)"  # noqa: S608
    if integration:
        grants = (
            f"SELECT g.{qn('team_id')} FROM {table(IntegrationGrant)} g "  # noqa: S608
            f"WHERE g.{qn('user_id')} = %(user)s"
        )
        reached = f"({reached} OR a.{qn('team_id')} IN ({grants}))"
    athletes = f" AND c.{qn('athlete_id')} = ANY(%(athletes)s)" if some_athletes else ""
    return (
        f"WITH mine AS ({mine}) "  # noqa: S608
        f"SELECT c.{qn('id')}, c.{qn('athlete_id')}, c.{qn('status')}, a.{qn('user_id')}, "
        "COALESCE(mine.role, %(grant_role)s) "
        f"FROM {table(Case)} c JOIN {table(Athlete)} a ON a.{qn('id')} = c.{qn('athlete_id')} "
        f"LEFT JOIN mine ON mine.case_id = c.{qn('id')} "
        f"WHERE {reached}{athletes} "
        f"ORDER BY c.{qn('diagnosed_on')} DESC, c.{qn('id')} DESC"
    )


def _loaded(model, names: tuple[str, ...]) -> Callable[[str, tuple], Any]:
    """``model.from_db(alias, names, values)``: an instance loaded from the database with only
    the fields ``names`` (in the model's field order), the others deferred.

    ``from_db`` runs the model's ``__init__`` over every field; without ``pre_init`` or
    ``post_init`` receivers for the model, the instance is made as that leaves it (the loaded
    values in its ``__dict__``, a deferred field absent from it, its state not adding, from
    ``alias``) at a fifth of the cost. A write names up to a thousand athletes.
    """
    assert _in_field_order(model, names)
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return lambda alias, values: model.from_db(alias, names, values)
    new = object.__new__

    def make(alias: str, values: tuple) -> Any:
        obj = new(model)
        obj.__dict__.update(zip(names, values, strict=True))
        state = obj._state = ModelState()
        state.adding, state.db = False, alias
        return obj

    return make


@functools.cache
def _in_field_order(model, names: tuple[str, ...]) -> bool:
    order = [f.attname for f in model._meta.concrete_fields]
    return [n for n in order if n in names] == list(names)


def api_case(user: User, case_id: int) -> Case:
    """One case the user reaches, or 404 (the same answer as for a case that does not exist)."""
    try:
        return api_cases(user).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case.") from None


class ApiScope:
    """The caller's cases, loaded once, and the id sets on which a predicate holds.

    ``light``: the cases are loaded with only what the predicates read (``light_api_cases``), for
    requests that decide by the predicates and show no case (the writes).
    """

    def __init__(self, user: User, *, light: bool = False):
        self.user = user
        self.light = light
        self.athletes: frozenset[int] | None = None

    def only_athletes(self, athlete_ids) -> None:
        """A light scope about to be asked only about these athletes' cases (a write names its
        athletes) loads only theirs: any other case is then out of the scope, refused as if
        the caller were not on it. Does nothing once the cases are loaded, or to a full scope."""
        if self.light and "cases" not in self.__dict__:
            self.athletes = frozenset(athlete_ids)

    @cached_property
    def cases(self) -> dict[int, Case]:
        if self.light:
            return {case.pk: case for case in light_api_cases(self.user, self.athletes)}
        return {case.pk: case for case in api_cases(self.user)}

    def case(self, case_id: int) -> Case | None:
        return self.cases.get(case_id)

    def allows(self, predicate: Predicate, case_id: int | None) -> bool:
        case = self.cases.get(case_id) if case_id is not None else None
        return case is not None and predicate(self.user, case)

    def case_ids(
        self, predicate: Predicate = permissions.can_view_case, *, active=False
    ) -> set[int]:
        """Ids of the caller's cases on which ``predicate`` holds (only active ones if asked)."""
        return {
            pk
            for pk, case in self.cases.items()
            if predicate(self.user, case) and (not active or case.status == Case.Status.ACTIVE)
        }

    def athlete_ids(
        self, predicate: Predicate = permissions.can_view_case, *, active=False
    ) -> set[int]:
        """Athletes with at least one of the caller's cases on which ``predicate`` holds."""
        return {self.cases[pk].athlete_id for pk in self.case_ids(predicate, active=active)}

    def cases_of_athlete(self, athlete_id: int) -> list[Case]:
        return [c for c in self.cases.values() if c.athlete_id == athlete_id]

    def loggable_cases(self) -> dict[int, list[int]]:
        """Athlete id → the active cases on which the caller may record data (can_log_for)."""
        out: dict[int, list[int]] = {}
        for pk in sorted(self.case_ids(permissions.can_log_for, active=True)):
            out.setdefault(self.cases[pk].athlete_id, []).append(pk)
        return out


def scope_for(request, *, light: bool = False) -> ApiScope:
    """The request's scope, built once per request (DRF and Django requests alike); ``light``
    (see ``ApiScope``) counts only when it is built."""
    target = getattr(request, "_request", request)
    scope = getattr(target, "_api_scope", None)
    if scope is None or scope.user != request.user:
        scope = ApiScope(request.user, light=light)
        target._api_scope = scope
    return scope
