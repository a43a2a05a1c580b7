"""Signals of the identity app, for the apps above it (which may not be imported here)."""

from django.dispatch import Signal

care_team_changed = Signal()
"""A person joined a case's care team, changed role, took the lead or left: ``case``, ``user``,
``role``, ``change`` ("added", "role", "lead" or "removed") and ``by``. The monitoring app
notifies the person (``monitoring.receivers``)."""
