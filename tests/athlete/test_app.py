"""The installable app: manifest, service worker (scope /me/), icons, the offline page."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.urls import reverse

STATIC = Path(settings.BASE_DIR) / "static"


def test_the_manifest_makes_an_installable_app(client, db):
    response = client.get(reverse("athlete:manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/me/" and manifest["scope"] == "/me/"
    assert manifest["display"] == "standalone"
    sizes = {i["sizes"] for i in manifest["icons"] if i["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        path = STATIC / icon["src"].removeprefix(settings.STATIC_URL).lstrip("/")
        assert path.is_file(), icon["src"]


def test_the_icons_are_pngs_of_their_stated_size():
    for size in (192, 512):
        data = (STATIC / "athlete" / f"icon-{size}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (size, size)


def test_the_service_worker_is_served_from_me_for_its_scope(client, db):
    response = client.get("/me/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/me/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert 'const SCOPE = "/me/";' in body
    assert '"/static/css/athlete.css"' in body and '"/static/js/athlete-log.js"' in body
    # Today's exercise diagrams are kept with the shell, to show offline after one visit
    assert '"/static/exercises/calf-raise-single.svg"' in body
    assert 'const CACHE = "rehab-athlete-' in body
    # POSTs (the log itself) are never answered from a cache
    assert 'if (request.method !== "GET") return;' in body


def test_the_cache_name_follows_the_shell_files(client, db, monkeypatch):
    from monitoring.surfaces.athlete import views

    first = views._shell_version()
    monkeypatch.setattr(views, "SW_VERSION", "changed")
    assert views._shell_version() != first


def test_the_offline_page_holds_nothing_personal(client, db):
    response = client.get(reverse("athlete:offline"))
    assert response.status_code == 200
    assert "You&#x27;re offline" in response.content.decode() or "You're offline" in (
        response.content.decode()
    )


def test_athlete_pages_link_the_manifest_and_load_the_app_script(client, maya, today):
    client.force_login(maya)
    page = client.get(reverse("athlete:today")).content.decode()
    assert '<link rel="manifest" href="/me/manifest.webmanifest">' in page
    assert 'src="/static/js/athlete.js"' in page and 'data-sw="/me/sw.js"' in page


def test_the_offline_page_is_nobodys_even_when_fetched_logged_in(client, maya, today):
    """The service worker keeps the offline page across users: it names nobody, carries no CSRF
    token and uses up no message of the session."""
    client.force_login(maya)
    page = client.get(reverse("athlete:offline")).content.decode()
    assert "Maya" not in page and str(maya) not in page and maya.username not in page
    assert "Log out" not in page and 'name="csrfmiddlewaretoken"' not in page
    assert 'data-user=""' in page
    assert 'aria-label="Athlete pages"' in page  # the tab bar, to reach the kept pages


def test_athlete_pages_say_whose_they_are_for_the_service_worker(client, maya, today):
    client.force_login(maya)
    for name in ("athlete:today", "athlete:log", "athlete:cycle"):
        response = client.get(reverse(name))
        assert response["X-Rehab-User"] == str(maya.pk), name
    assert "X-Rehab-User" not in client.get(reverse("athlete:offline"))
    body = client.get("/me/sw.js").content.decode()
    assert 'const USER_HEADER = "X-Rehab-User";' in body
    assert '"/static/js/athlete-cycle.js"' in body
