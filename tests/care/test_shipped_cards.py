"""The shipped education cards as data: installing them from the library gives exactly the cards
the product shipped (shipped_education_cards.json, every phase of every shipped template), once;
the data is validated when loaded; migration 0003's frozen copy installs the same cards."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from monitoring.care import education
from monitoring.care.services import install_shipped_cards
from monitoring.migrations._education import attach_snapshot
from monitoring.models.care import EducationCard
from protocols.library import LibraryError
from protocols.models import PhaseTemplate

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("shipped_education_cards.json")


def shipped_cards() -> list[dict]:
    return [
        {
            "template": c.phase.template.slug,
            "version": c.phase.template.version,
            "phase": c.phase.order,
            "order": c.order,
            "key": c.key,
            "title": c.title,
            "body": c.body,
            "sources": c.sources,
        }
        for c in EducationCard.objects.filter(
            phase__template__shipped=True, phase__template__status="published"
        )
        .select_related("phase__template")
        .order_by("phase__template__slug", "phase__order", "order")
    ]


def test_installing_from_the_data_gives_the_shipped_cards():
    EducationCard.objects.all().delete()
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert install_shipped_cards() == len(expected)
    assert shipped_cards() == expected
    assert install_shipped_cards() == 0  # every phase has its cards: nothing more


def test_the_command_installs_on_phases_without_cards_only():
    phase = PhaseTemplate.objects.filter(template__shipped=True).first()
    phase.cards.all().delete()
    EducationCard.objects.create(phase=phase, key="custom-1", title="Ours", body="x", sources=["y"])
    out = StringIO()
    call_command("install_cards", stdout=out)
    assert out.getvalue().strip() == "0 shipped education card(s) installed."
    assert list(phase.cards.values_list("key", flat=True)) == ["custom-1"]


def test_the_migrations_frozen_copy_installs_the_same_cards():
    EducationCard.objects.all().delete()
    attach_snapshot(PhaseTemplate, EducationCard)
    assert shipped_cards() == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def _write(tmp_path, data) -> Path:
    path = tmp_path / "education.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda d: d["cards"][0].pop("sources"), "exactly the fields"),
        (lambda d: d["cards"][0].update(sources=[]), "at least one source"),
        (lambda d: d["cards"][1].update(key=d["cards"][0]["key"]), "shipped twice"),
        (lambda d: d["phases"].pop("navicular"), "every shipped template"),
        (lambda d: d["phases"]["navicular"].pop(), "each of its"),
        (lambda d: d["phases"]["navicular"][0].append("no-such-card"), "unknown or repeated"),
    ],
)
def test_invalid_data_names_the_item(tmp_path, spoil, message):
    data = copy.deepcopy(yaml.safe_load(education.PATH.read_text(encoding="utf-8")))
    spoil(data)
    with pytest.raises(LibraryError, match=message):
        education.load(_write(tmp_path, data))
