"""Signal receivers of the app, connected once in ``MonitoringConfig.ready()``: the models never
import the services."""

from __future__ import annotations

from monitoring.care.services import cards_restore, cards_snapshot
from protocols.signals import phases_replacing


def keep_cards(sender, template, old_phases, **kwargs):
    """A template's phases are about to be replaced by copies: carry their cards over."""
    snapshot = cards_snapshot(old_phases)
    return lambda new_phases: cards_restore(snapshot, new_phases)


def connect() -> None:
    phases_replacing.connect(keep_cards, dispatch_uid="monitoring.education_cards")
