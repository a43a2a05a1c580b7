"""The education cards shipped with the product, and which phases of a template each belongs to.

Plain language for athletes, each with its sources (the product's clinical reference). Pure
data and rules: no ORM here except in ``attach_shipped_cards``, which takes the model classes
so that a data migration can pass its historical models.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CardSpec:
    key: str
    title: str
    body: str
    sources: tuple[str, ...]
    applies: Callable[[Mapping[str, Any]], bool]
    """Whether the card belongs to a phase, given the phase's fields (name, order, impact,
    weight_bearing, crutches...)."""


OUH = (
    "Oxford University Hospitals NHS FT, return to running after a bone stress injury "
    "(Reid & Newton 2024)"
)
GALLATIN = "Gallatin & Graver, return-to-run progression after bone stress injury (2019)"
SILBERNAGEL = (
    "Silbernagel et al., AJSM 2007;35:897-906 (pain-monitoring model; tested in Achilles "
    "tendinopathy, not bone)"
)


def _offloaded(p: Mapping[str, Any]) -> bool:
    return p.get("weight_bearing") in {"nwb", "tdwb", "pwb", "boot"} or bool(p.get("crutches"))


def _impact(p: Mapping[str, Any]) -> bool:
    return p.get("impact", "none") != "none"


def _early_or_bone_health(p: Mapping[str, Any]) -> bool:
    return p.get("order") == 1 or "bone-health" in str(p.get("name", "")).lower()


CARDS: tuple[CardSpec, ...] = (
    CardSpec(
        key="offloading",
        title="What “non-weight-bearing” means",
        body=(
            "Non-weight-bearing: the injured leg takes none of your weight. Use both crutches "
            "and keep that foot off the ground. Touch-down: the foot may rest on the floor for "
            "balance only. Partial: some of your weight, as your clinician showed you. Full: "
            "normal walking. A boot protects the bone while you walk. Keeping the weight off now "
            "is what lets the bone heal: at the navicular, athletes kept off their foot for 6 "
            "weeks or more returned to sport far more often than those who were not."
        ),
        sources=(
            "Medscape, femoral neck stress fractures (Flinn 2014)",
            "Fowler, Gaughan, Boden & Torg, Podiatry Today (navicular)",
            "Khan et al. (navicular stress fractures)",
        ),
        applies=_offloaded,
    ),
    CardSpec(
        key="pain-signals",
        title="Dull ache or sharp pain: which is which",
        body=(
            "Muscles may feel a mild, dull ache after exercise; that settles within a day. Bone "
            "is stricter: you should feel no pain at the injured spot. Stop and tell your team "
            "if you feel sharp pain, pain that builds as you keep going, pain that makes you "
            "limp or change how you run, or pain at night."
        ),
        sources=(GALLATIN, OUH, SILBERNAGEL),
        applies=lambda p: True,
    ),
    CardSpec(
        key="next-morning",
        title="Why pain the next morning matters",
        body=(
            "Bone reacts to load slowly. Pain or discomfort that is still there the next "
            "morning, or lasts more than 24 hours, means the last session was too much, even "
            "if it felt fine at the time. Log it honestly: your plan steps back a little now "
            "rather than risk a bigger setback later."
        ),
        sources=(OUH, GALLATIN, SILBERNAGEL),
        applies=_impact,
    ),
    CardSpec(
        key="fuel-sleep",
        title="Food and sleep heal bone",
        body=(
            "Bone needs energy to rebuild. Eating too little for the training you do slows "
            "healing and makes another injury more likely. Eat regular meals with enough "
            "carbohydrate and protein, and calcium-rich foods (about 1,000 mg of calcium a day "
            "for adults, 1,300 mg for teenagers); ask your team about vitamin D. Your body "
            "repairs while you sleep: keep regular, long nights, and log your sleep so your team "
            "can see it. Missed or irregular periods are a warning sign worth raising."
        ),
        sources=(
            "Burke et al., IJSNEM 2018;28:350 (energy availability)",
            "Mountjoy et al., BJSM 2023;57:1073 (IOC consensus on REDs)",
            "De Souza et al., BJSM 2014;48:289 (Female Athlete Triad)",
            "Larson-Meyer, GSSI Sports Science Exchange 2015 (vitamin D)",
        ),
        applies=_early_or_bone_health,
    ),
    CardSpec(
        key="flare-up",
        title="If pain flares up",
        body=(
            "Stop the session. Rest a day, then repeat the previous step or drop one level: do "
            "not push through. Log the pain so your team sees it. If the pain does not settle "
            "once you have reduced the load, or it comes at night, contact your clinician."
        ),
        sources=(OUH, GALLATIN),
        applies=_impact,
    ),
)

BY_KEY: dict[str, CardSpec] = {c.key: c for c in CARDS}


def cards_for(phase: Mapping[str, Any]) -> list[CardSpec]:
    """The shipped cards that belong to a phase, in reading order."""
    return [card for card in CARDS if card.applies(phase)]


def attach_shipped_cards(template_model, phase_model, card_model) -> int:
    """Attach the shipped cards to every phase of the shipped templates that has none yet.

    Idempotent: a phase that already has cards (shipped or edited) is left alone. Returns how
    many cards were created.
    """
    created = []
    phases = phase_model.objects.filter(template__shipped=True, cards__isnull=True).distinct()
    for phase in phases:
        fields = {
            "order": phase.order,
            "name": phase.name,
            "impact": phase.impact,
            "weight_bearing": phase.weight_bearing,
            "crutches": phase.crutches,
        }
        for n, spec in enumerate(cards_for(fields)):
            created.append(
                card_model(
                    phase=phase,
                    key=spec.key,
                    title=spec.title,
                    body=spec.body,
                    sources=list(spec.sources),
                    order=n,
                )
            )
    card_model.objects.bulk_create(created)
    return len(created)
