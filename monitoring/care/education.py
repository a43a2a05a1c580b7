"""The education cards shipped with the product, and the cards of each phase of each shipped
template, read from the library's data (protocols/library/data/education.yaml) and validated
when loaded.

Plain language for athletes, each card with its sources (the product's clinical reference).
Every shipped template lists the cards of each of its phases, in reading order; a file that
does not validate raises ``LibraryError`` naming the item. Pure data: the install is
``monitoring.care.services.install_shipped_cards``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from protocols.library import TEMPLATES, LibraryError
from protocols.library.loader import DATA, read

PATH = DATA / "education.yaml"
CARD_FIELDS = ("key", "title", "body", "sources")
TITLE_MAX, BODY_MAX = 120, 2000  # as EducationCard stores them


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    body: str
    sources: tuple[str, ...]


def _card(raw: Any, n: int) -> Card:
    where = f"education.yaml, card {n}"
    if not isinstance(raw, Mapping) or sorted(raw) != sorted(CARD_FIELDS):
        raise LibraryError(f"{where}: a card has exactly the fields {list(CARD_FIELDS)}.")
    card = Card(raw["key"], raw["title"], raw["body"], tuple(raw["sources"] or ()))
    if not all(isinstance(v, str) and v for v in (card.key, card.title, card.body)):
        raise LibraryError(f"{where} ({card.key}): key, title and body are text.")
    if len(card.title) > TITLE_MAX or len(card.body) > BODY_MAX:
        raise LibraryError(f"{where} ({card.key}): at most {TITLE_MAX} / {BODY_MAX} characters.")
    if not card.sources or not all(isinstance(s, str) and s for s in card.sources):
        raise LibraryError(f"{where} ({card.key}): give at least one source.")
    return card


def _phases(
    raw: Any, by_key: Mapping[str, Card], templates: Sequence[Mapping[str, Any]]
) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Template slug → the card keys of each phase, checked against the shipped templates."""
    phase_counts = {t["slug"]: len(t["phases"]) for t in templates}
    if not isinstance(raw, Mapping) or set(raw) != set(phase_counts):
        raise LibraryError(
            f"education.yaml, phases: list the cards of every shipped template, no other "
            f"(shipped: {sorted(phase_counts)})."
        )
    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for slug, phases in raw.items():
        if not isinstance(phases, list) or len(phases) != phase_counts[slug]:
            raise LibraryError(
                f"education.yaml, phases of {slug}: one list of cards for each of its "
                f"{phase_counts[slug]} phases."
            )
        for n, keys in enumerate(phases, start=1):
            unknown = [k for k in keys if k not in by_key]
            if unknown or len(set(keys)) != len(keys):
                raise LibraryError(
                    f"education.yaml, {slug} phase {n}: unknown or repeated cards {keys}."
                )
        out[slug] = tuple(tuple(keys) for keys in phases)
    return out


def load(
    path: Path = PATH, templates: Sequence[Mapping[str, Any]] = TEMPLATES
) -> tuple[tuple[Card, ...], dict[str, tuple[tuple[str, ...], ...]]]:
    """(the cards in reading order, template slug → each phase's card keys) read from ``path``."""
    data = read(path)
    cards = tuple(_card(raw, n) for n, raw in enumerate(data.get("cards") or [], start=1))
    by_key = {card.key: card for card in cards}
    if len(by_key) != len(cards):
        raise LibraryError("education.yaml: a card key is shipped twice.")
    return cards, _phases(data.get("phases"), by_key, templates)


CARDS, PHASE_CARDS = load()
BY_KEY: dict[str, Card] = {card.key: card for card in CARDS}
VERSIONS: dict[str, int] = {t["slug"]: t["version"] for t in TEMPLATES}
"""Template slug → the shipped version whose phases ``PHASE_CARDS`` lists."""


def cards_for(slug: str, order: int) -> list[Card]:
    """The shipped cards of phase ``order`` (1 first) of the shipped template ``slug``, in
    reading order; none for a template or phase the library does not ship."""
    phases = PHASE_CARDS.get(slug, ())
    keys = phases[order - 1] if 1 <= order <= len(phases) else ()
    return [BY_KEY[key] for key in keys]
