"""The frozen install of the shipped education cards that migration 0003 runs: the cards as they
shipped then (education_cards_0003.json) and the rules that chose each card's phases, copied
here so that later edits to the cards' data or code never change what the migration installs.
Django's migration loader skips modules whose name starts with an underscore."""

import json
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("education_cards_0003.json")

RULES = {
    "every": lambda phase: True,
    "offloaded": lambda phase: (
        phase.weight_bearing in {"nwb", "tdwb", "pwb", "boot"} or bool(phase.crutches)
    ),
    "impact": lambda phase: phase.impact != "none",
    "first_or_bone_health": lambda phase: (
        phase.order == 1 or "bone-health" in str(phase.name).lower()
    ),
}
"""Which phases a card of the snapshot belongs to, by the name in its ``applies``."""


def attach_snapshot(phase_model, card_model) -> None:
    """Attach the snapshot's cards to every phase of the shipped templates that has none yet."""
    cards = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    created = []
    phases = phase_model.objects.filter(template__shipped=True, cards__isnull=True).distinct()
    for phase in phases:
        chosen = [card for card in cards if RULES[card["applies"]](phase)]
        created += [
            card_model(
                phase=phase,
                key=card["key"],
                title=card["title"],
                body=card["body"],
                sources=card["sources"],
                order=n,
            )
            for n, card in enumerate(chosen)
        ]
    card_model.objects.bulk_create(created)
