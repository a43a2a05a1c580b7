"""Fixtures of the plan builder and template library tests."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine

from protocols import services
from tests.plans import PHASES

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def today():
    """Pin the clock: projected dates and default start dates depend on today."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


def phases(n: int) -> list[dict]:
    """``n`` valid phases (the test plan's four, repeated with distinct names)."""
    out = []
    for number, phase in zip(range(1, n + 1), itertools.cycle(PHASES), strict=False):
        out.append(
            {**phase, "name": f"{phase['name']} {number}" if n > len(PHASES) else phase["name"]}
        )
    return out


def make_template(
    user,
    *,
    slug: str,
    name: str,
    risk: str = "low",
    sites: tuple[str, ...] = ("posteromedial_tibia",),
    conservative: bool = False,
    n_phases: int | None = None,
    publish: bool = True,
    citations: tuple[str, ...] = (),
):
    template = services.template_draft_create(
        slug=slug,
        name=name,
        sites=list(sites),
        risk=risk,
        conservative=conservative,
        citations=list(citations),
        phases=phases(n_phases) if n_phases else PHASES,
        created_by=user,
    )
    if publish:
        template = services.template_publish(template=template, published_by=user)
    return template


@pytest.fixture
def tibia_template(clinician):
    return make_template(
        clinician,
        slug="tibia-test",
        name="Tibia test protocol",
        citations=("Warden SJ et al. Management of bone stress injuries. Test reference 2014.",),
    )
