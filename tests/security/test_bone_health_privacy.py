"""The bone-health work-up is clinical: its text (results, energy availability, tasks) reaches
the case's clinical roles, its nutritionist and its athlete, and no page or API answer of a
coach, a psychologist or an integration account (every GET route of the project)."""

from __future__ import annotations

import pytest

from tests.security.conftest import BONE_OWN
from tests.security.matrix import client_for, request, routes, url_for

pytestmark = pytest.mark.django_db

GETS = [r for r in routes() if r.name and not r.route.startswith("/admin/")]


@pytest.mark.parametrize("person", ["coach", "psychologist", "integration"])
def test_no_work_up_text_reaches_them(world, person):
    user = world["users"][person]
    leaks = []
    for route in GETS:
        try:
            url = url_for(route, world, "own")
        except KeyError:
            continue  # a route with a parameter the world does not name
        response = request(client_for(user, route), "GET", url, None, route.api)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if BONE_OWN.encode() in body or b"25.0 kcal" in body:
            leaks.append(url)
    assert leaks == []


def test_the_readers_do_read_it(world):
    case, rows = world["cases"]["own"], world["rows"]["own"]
    for person in ("clinician", "nutritionist"):
        client = client_for(
            world["users"][person], next(r for r in GETS if r.name == "clinic:case")
        )
        page = client.get(f"/clinic/cases/{case.pk}/").content.decode()
        assert "Bone-health work-up" in page and BONE_OWN in page, person
    for person in ("clinician", "physio", "nutritionist", "athlete"):
        api = client_for(world["users"][person], next(r for r in GETS if r.api))
        body = api.get(f"/api/v1/bone-results/{rows['bone-result'].pk}/").content.decode()
        assert BONE_OWN in body, person
