"""Walking the URL configuration and requesting each route as a given person (the matrix's
machinery; the expectations live in ``test_matrix.py``)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

from tests.coach.conftest import TODAY

CREDENTIAL_ROUTES = {"api-token", "api-oauth-token", "api-oauth-revoke"}
"""The API's routes that hand out or revoke credentials: called without any."""

OBJECT_PARAMS = {
    "case_id", "flag_id", "review_id", "goal_id", "trial_id", "log_id", "pk", "task_id"
}  # fmt: skip
"""URL parameters that name a case or something of one (or a template of the library)."""


@dataclass(frozen=True)
class Route:
    name: str  # namespace:name, as reverse() takes it
    route: str  # the pattern, for messages
    params: tuple[str, ...]  # the URL's parameters

    @property
    def key(self) -> str:
        """The table's key: the name, and ``.<format>`` for DRF's format-suffix variants."""
        return f"{self.name}.<format>" if "format" in self.params else self.name

    @property
    def api(self) -> bool:
        return self.name.startswith("api:") or self.name in CREDENTIAL_ROUTES

    @property
    def of_an_object(self) -> bool:
        """Does the URL name a case or something that belongs to one?"""
        return bool(set(self.params) & OBJECT_PARAMS)


def routes() -> list[Route]:
    """Every named route of the project (unnamed ones cannot be reached by name: they fail)."""
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str, inherited: tuple[str, ...]) -> None:
        for pattern in patterns:
            own = tuple(pattern.pattern.regex.groupindex)
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), ns, inherited + own)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or ""
                if name and namespace:
                    name = f"{namespace}:{name}"
                params = tuple(sorted(set(inherited + own)))
                found.append(Route(name, prefix + str(pattern.pattern), params))

    walk(get_resolver().url_patterns, "/", "", ())
    return found


def url_for(route: Route, world: dict, which: str) -> str:
    """The route's URL aimed at the own or the foreign case's objects."""
    rows = world["rows"][which]
    case = world["cases"][which]
    basename = route.name.removeprefix("api:").rsplit("-", 1)[0] if route.api else ""
    by_basename = {
        "athlete": case.athlete,
        "case": case,
        "care-team-member": rows["member"],
        "template": rows["template"],
        "plan": rows["plan"],
        "daily-log": rows["log"],
        "session": rows["session"],
        "device-metric": rows["metric"],
        "assessment": rows["assessment"],
        "battery": rows["battery"],
        "gait-check": rows["gait_check"],
        "flag": rows["flag"],
        "note": rows["note"],
        "review": rows["review"],
        "goal": rows["goal"],
        "webhook": rows["webhook"],
        "bone-health": case,
        "cycle-entry": SimpleNamespace(pk=2_000_000_000),  # none: as another athlete's
        "bone-result": rows["bone-result"],
        "energy-availability": rows["energy-availability"],
        "workup-task": rows["workup-task"],
        "return-decision": rows["return_decision"],
        "readiness-questionnaire": rows["readiness"],
        "exercise": rows["exercise"],
        "exercise-completion": rows["exercise-completion"],
    }
    values = {
        "case_id": case.pk,
        "flag_id": rows["flag"].pk,
        "review_id": rows["review"].pk,
        "goal_id": rows["goal"].pk,
        "phase_id": rows["plan"].current_phase_id,
        "task_id": rows["workup-task"].pk,
        "trial_id": rows["trial"].pk,
        "log_id": rows["log"].pk,  # a daily log (FHIR's QuestionnaireResponse/log-<id>)
        "rest": "Patient/1",  # a FHIR resource type this server does not serve
        "user_id": rows["member"].user_id,
        "athlete_id": case.athlete_id,
        "invitation_id": rows["invitation"].pk,
        "webhook_id": rows["webhook"].pk,
        "notification_id": 2_000_000_000,  # none: the pages answer as for another clinic's
        "shoe_id": 2_000_000_000,  # none: the page answers as for another athlete's pair
        "token": "not-a-link-anyone-was-given",
        "signed": "not-signed",
        "uidb64": "MQ",
        "day": (TODAY - dt.timedelta(days=1)).isoformat(),
        "format": "json",
        # Django admin: a model of the project and an object of it
        "app_label": "athletes",
        "model_name": "case",
        "object_id": str(case.pk),
        "content_type_id": "1",
        "url": "nowhere/",
        "instrument": "tsk11",
    }
    if not route.api and "template" in route.name:  # the library's pages
        values["pk"] = rows["template"].pk
    elif route.api and basename not in by_basename:
        # An action with a dash in its name (plan-start-date): the longest basename it starts with
        name = route.name.removeprefix("api:")
        basename = max((b for b in by_basename if name.startswith(b + "-")), key=len, default="")
    if route.api and route.name.startswith("api:invitation-"):
        values["pk"] = rows["invitation"].pk
    elif route.api and basename in by_basename:
        values["pk"] = by_basename[basename].pk
    elif route.api:  # an action named in several words: "case-femoral-neck"
        name = route.name.removeprefix("api:")
        owner = max((b for b in by_basename if name.startswith(f"{b}-")), key=len, default=None)
        if owner is not None:
            values["pk"] = by_basename[owner].pk
    kwargs = {param: values[param] for param in route.params}
    return reverse(route.name, kwargs=kwargs)


def client_for(user, route: Route) -> Client:
    """Pages with a session, the API with a token (as integrations and apps call it)."""
    client = Client(raise_request_exception=False)
    if user is None:
        return client
    if route.api and route.name not in CREDENTIAL_ROUTES:
        token, _ = Token.objects.get_or_create(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    else:
        client.force_login(user)
    return client


def request(client: Client, method: str, url: str, data: dict | None, api: bool):
    """One request whose writes are rolled back, so the next person finds the same world (and
    the client keeps its session: a logout must not log the next requests out)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif api:
            body = json.dumps(data or {})
            response = getattr(client, method.lower())(
                url, data=body, content_type="application/json"
            )
        else:
            response = getattr(client, method.lower())(url, data or {})
        transaction.set_rollback(True)
    client.cookies = cookies
    return response
