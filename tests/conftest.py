"""Fixtures shared by the whole suite: people named by their role, and the browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import clock

# Playwright's sync API runs an event loop in the main thread; live_server is threaded.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]

# Assertions wait up to 15 s for the page (Playwright's default is 5 s): on a loaded CI machine
# the live server and chromium share two cores with PostgreSQL and a Celery worker, and a heavy
# page (the case page builds several Plotly charts) can take longer than 5 s to arrive. A real
# failure still fails, only later.
try:
    from playwright.sync_api import expect as _expect
except ImportError:  # pragma: no cover — the browser tests need it; the rest of the suite not
    pass
else:
    _expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, never a browser Playwright would download."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Browser tests need Debian's chromium: apt-get install -y chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A phone: the reference viewport of the athlete's screens."""
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    }


# --- the date of the whole run: --today (see tests/clock.py) ---


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        default=None,
        metavar="YYYY-MM-DD[THH:MM[Z|+HH:MM]]",
        help="Run the whole suite on this day: the clock travels there before the first test is "
        "collected and ticks on from it (time-machine); browsers get the same clock. A date alone "
        f"is {clock.DEFAULT_TIME:%H:%M} in the clinic's time zone; a time without an offset is "
        "the clinic's local time.",
    )


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    clock.set_up_browsers()
    value = config.getoption("--today")
    if value:
        try:
            moment = clock.parse_today(value)
        except ValueError as error:
            raise pytest.UsageError(f"--today: {error}") from None
        clock.travel_to(moment)


def pytest_report_header(config):
    moment = clock.travelled_to()
    if moment is None:
        return None
    local = moment.astimezone(clock.zone())
    return f"today: {local:%A %d %B %Y, %H:%M %Z} ({moment:%Y-%m-%dT%H:%M}Z), the clock ticks on"


def pytest_unconfigure(config):
    clock.travel_back()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- people, named after their role on "the case" (healthchecks' alice / bob / charlie) ---


@pytest.fixture
def case(db):
    """A low-risk posteromedial tibial case with a full care team (see the fixtures below)."""
    from tests.factories import CaseFactory

    return CaseFactory()


def _member(case, username: str, role: str, kind: str):
    from athletes.models import CareTeamMember, User
    from tests.factories import UserFactory

    user = UserFactory(username=username, kind=kind)
    CareTeamMember.objects.create(case=case, user=user, role=role)
    assert kind in User.Kind.values
    return user


@pytest.fixture
def clinician(case):
    return _member(case, "dana", "lead_clinician", "clinician")


@pytest.fixture
def physio(case):
    return _member(case, "sam", "physio", "physio")


@pytest.fixture
def coach(case):
    return _member(case, "alex", "coach", "coach")


@pytest.fixture
def athlete_user(case):
    """The case's athlete, with a login of their own."""
    user = _member(case, "maya", "athlete", "athlete")
    case.athlete.user = user
    case.athlete.save()
    return user


@pytest.fixture
def nutritionist(case):
    return _member(case, "rosa", "nutritionist", "nutritionist")


@pytest.fixture
def psychologist(case):
    return _member(case, "ike", "psychologist", "psychologist")


@pytest.fixture
def integration(case):
    return _member(case, "wearable", "integration", "integration")


@pytest.fixture
def outsider(db):
    """A clinician who is on another case, never on this one."""
    from tests.factories import CareTeamMemberFactory, UserFactory

    user = UserFactory(username="olga", kind="clinician")
    CareTeamMemberFactory(user=user, role="lead_clinician")
    return user


def _transactional(item: pytest.Item) -> bool:
    """Whether the test ran outside a transaction (pytest-django's own reading of it)."""
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    return marker is not None and bool(
        marker.kwargs.get("transaction")
        or marker.kwargs.get("reset_sequences")
        or (marker.args and marker.args[0])
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """The rows the data migrations install (the shipped templates and their education cards,
    exercises and run-walk programmes) back after a transactional test (a browser test's live
    server).

    Such a test ends by emptying every table, those rows included, and a database test after it
    would find no shipped template. Installing again is what the migrations do; it is committed
    here, once, after the emptying, outside any test's transaction.
    """
    yield
    if nextitem is None or not _transactional(item):
        return  # (after the last test the test database is gone: nothing to put back)
    from pytest_django.plugin import blocking_manager_key

    from monitoring.care.services import install_shipped_cards
    from protocols.models import ProtocolTemplate
    from protocols.services import install_shipped_exercises, install_shipped_templates
    from protocols.services.programmes import install_shipped_programmes

    with item.config.stash[blocking_manager_key].unblock():
        if not ProtocolTemplate.objects.filter(shipped=True).exists():
            install_shipped_templates()
            install_shipped_cards()
            install_shipped_exercises()
            install_shipped_programmes()
