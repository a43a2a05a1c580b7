"""Signal receivers of the app, connected once in ``MonitoringConfig.ready()``: the models never
import the services."""

from __future__ import annotations

from athletes.signals import care_team_changed
from monitoring.care.services import cards_restore, cards_snapshot, team_change_notify
from protocols.signals import phases_replacing


def keep_cards(sender, template, old_phases, **kwargs):
    """A template's phases are about to be replaced by copies: carry their cards over."""
    snapshot = cards_snapshot(old_phases)
    return lambda new_phases: cards_restore(snapshot, new_phases)


def tell_new_member(sender, case, user, role, change, by, **kwargs):
    """A person joined a care team, changed role or took the lead: tell them."""
    team_change_notify(case=case, user=user, role=role, change=change, by=by)


def connect() -> None:
    phases_replacing.connect(keep_cards, dispatch_uid="monitoring.education_cards")
    care_team_changed.connect(tell_new_member, dispatch_uid="monitoring.team_change_notice")
