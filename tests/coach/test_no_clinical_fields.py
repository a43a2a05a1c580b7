"""What a coach may see, decided in one place and tested as a table.

1. ``athletes.permissions.visible_case_fields`` by role (the decision);
2. every page and export a coach can reach × every clinical field: the response shows none of
   that field's values (the ``clinical_case`` fixture records a distinctive value for each);
3. every clinical URL of a case answers a coach with a 404.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, get_resolver, reverse

from athletes import permissions as p
from monitoring.models import Flag
from tests.coach.conftest import CLINICAL_MARKERS, COACH_MESSAGE

# --- 1. the decision ---------------------------------------------------------------------------

ROLES = ["clinician", "physio", "coach", "athlete_user", "nutritionist", "psychologist"]


def test_the_field_vocabularies_do_not_overlap():
    assert not p.COACH_VISIBLE_CASE_FIELDS & p.CLINICAL_CASE_FIELDS
    assert p.ALL_CASE_FIELDS == p.COACH_VISIBLE_CASE_FIELDS | p.CLINICAL_CASE_FIELDS


def test_every_clinical_field_is_checked_on_the_pages():
    """The page table below covers each clinical field with at least one marker."""
    assert set(CLINICAL_MARKERS) == set(p.CLINICAL_CASE_FIELDS)


@pytest.mark.parametrize("role", ROLES)
def test_visible_fields_by_role(request, case, role):
    user = request.getfixturevalue(role)
    visible = p.visible_case_fields(user, case)
    if role in {"clinician", "physio", "athlete_user"}:
        assert visible == p.ALL_CASE_FIELDS
    elif role == "coach":
        assert visible == p.COACH_VISIBLE_CASE_FIELDS
        assert "site" not in visible and "side" not in visible  # the injury site: diagnosis
    else:
        assert visible == p.CASE_SUMMARY_FIELDS
    for field in p.ALL_CASE_FIELDS:
        assert p.can_view_field(user, case, field) is (field in visible)


@pytest.mark.parametrize("field", sorted(p.CLINICAL_CASE_FIELDS))
def test_a_coach_may_see_no_clinical_field(case, coach, field):
    assert not p.can_view_field(coach, case, field)


@pytest.mark.parametrize("field", sorted(p.COACH_VISIBLE_CASE_FIELDS))
def test_a_coach_may_see_the_coach_fields(case, coach, field):
    assert p.can_view_field(coach, case, field)


def test_people_off_the_case_see_nothing(case, coach, outsider):
    from django.contrib.auth.models import AnonymousUser

    for user in (outsider, AnonymousUser(), None):
        assert p.visible_case_fields(user, case) == frozenset()
    assert not p.can_use_coach_view(outsider, case)


def test_only_the_coach_uses_the_coach_view(case, clinician, coach, athlete_user, nutritionist):
    assert p.can_use_coach_view(coach, case)
    for user in (clinician, athlete_user, nutritionist):
        assert not p.can_use_coach_view(user, case)


def test_an_unknown_field_fails_loudly(case, coach):
    with pytest.raises(ValueError, match="Unknown case field"):
        p.can_view_field(coach, case, "diagnosis")


# --- 2. the pages -------------------------------------------------------------------------------

COACH_PAGES = ["coach:board", "coach:board_csv", "coach:athlete", "coach:restrictions"]


def _get(client, coach, case, name):
    client.force_login(coach)
    url = reverse(name, args=[case.pk]) if name in {"coach:athlete", "coach:restrictions"} else None
    response = client.get(url or reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def _found(marker: str, body: str) -> bool:
    if marker.startswith("re:"):
        return re.search(marker[3:], body) is not None
    return marker in body


@pytest.fixture
def pages(client, clinical_case, case, coach):
    return {name: _get(client, coach, case, name) for name in COACH_PAGES}


@pytest.mark.parametrize("name", COACH_PAGES)
def test_coach_pages_show_what_a_coach_needs(pages, case, name):
    """The table below is not vacuous: each page does show the case, in coach language."""
    body = pages[name]
    assert case.athlete.full_name in body
    assert COACH_MESSAGE in body or name == "coach:board_csv" and "Under review" in body
    if name != "coach:board_csv":
        assert "Stepped back to" in body or name == "coach:restrictions"
    if name in {"coach:athlete", "coach:board_csv"}:  # the bone-health flag, named neutrally
        assert "Medical team review" in body


def _leaks(body: str, fields=CLINICAL_MARKERS) -> dict[str, list[str]]:
    """clinical field -> the markers of it found in the body (empty when none leaks)."""
    found = {field: [m for m in CLINICAL_MARKERS[field] if _found(m, body)] for field in fields}
    return {field: markers for field, markers in found.items() if markers}


@pytest.mark.parametrize("name", COACH_PAGES)
def test_coach_pages_show_no_clinical_field(pages, name):
    """The table: this page × every clinical field (``CLINICAL_MARKERS``)."""
    assert _leaks(pages[name]) == {}


def test_the_markers_are_real(client, clinical_case, case, clinician):
    """The same markers do show on the case's own data (so their absence above means
    something): the clinical values are stored where the pages could have read them."""
    case.refresh_from_db()
    assert case.get_site_display() == "Navicular"
    assert case.get_side_display() == "Bilateral"
    assert str(case.vitamin_d_nmol_l) == "41.7"
    assert Flag.objects.get(case=case, kind="red_flag").message == "ZEBRA-FLAG-MESSAGE"
    assert clinical_case.name == "ZEBRA-PLAN-NAME"
    assert "pain 0 of 10" in clinical_case.current_phase.prescriptions[0]["intensity"]


# --- 3. the clinical URLs -----------------------------------------------------------------------

OBJECT_KWARGS = {"case_id", "flag_id", "plan_id", "phase_id", "assessment_id", "transition_id"}


def _clinical_patterns():
    """(namespace:name, pattern) of every named URL of the clinic's namespaces."""
    resolver = get_resolver()
    out = []
    for namespace in ("clinic", "plans"):
        if namespace not in resolver.namespace_dict:
            continue
        _prefix, sub = resolver.namespace_dict[namespace]
        for pattern in sub.url_patterns:
            if isinstance(pattern, URLPattern) and pattern.name:
                out.append((f"{namespace}:{pattern.name}", pattern))
    return out


def _kwargs(pattern, case, flag):
    plan = case.plans.get(status="active")
    values = {
        "case_id": case.pk,
        "flag_id": flag.pk,
        "plan_id": plan.pk,
        "phase_id": plan.current_phase_id,
    }
    return {key: values.get(key, 1) for key in pattern.pattern.converters}


def test_there_are_clinical_urls_of_a_case():
    names = [name for name, pattern in _clinical_patterns() if pattern.pattern.converters]
    assert "clinic:case" in names


@pytest.mark.parametrize(
    "name", [n for n, pat in _clinical_patterns() if set(pat.pattern.converters) & OBJECT_KWARGS]
)
def test_every_clinical_url_of_the_case_is_a_404_to_its_coach(
    client, clinical_case, case, coach, name
):
    pattern = dict(_clinical_patterns())[name]
    flag = Flag.objects.get(case=case, kind="red_flag")
    url = reverse(name, kwargs=_kwargs(pattern, case, flag))
    client.force_login(coach)
    response = client.get(url)
    if response.status_code == 405:  # an action: the coach posts to it
        response = client.post(url, {})
    assert response.status_code == 404, f"{url} answered {response.status_code} to the coach"
    assert _leaks(response.content.decode()) == {}


@pytest.mark.parametrize(
    "name", [n for n, pat in _clinical_patterns() if not pat.pattern.converters]
)
def test_clinical_list_pages_reveal_nothing_clinical_to_a_coach(
    client, clinical_case, case, coach, name
):
    """Pages of the clinic without an object in their URL (lists, forms): a coach is refused,
    or sees nothing clinical of the cases they coach. Generic words (a site list in a form)
    count only when the page names the athlete."""
    client.force_login(coach)
    response = client.get(reverse(name))
    if response.status_code in (302, 403, 404, 405):
        return
    body = response.content.decode()
    unique = ("log_notes", "flag_message", "transition_reason", "phase_notes", "plan_name")
    assert _leaks(body, unique) == {}
    if case.athlete.last_name in body:
        assert _leaks(body, ("site", "side", "grade", "bone_health", "pain")) == {}
