"""Signals protocols sends so that other apps can keep their data attached to template phases.

``phases_replacing`` goes out before a template's phases are replaced by copies (a new draft
version, or a draft rewritten by the editor). A receiver may return a callable; it is called
with the new phases once they exist (in the same transaction), e.g. to carry education cards
over. Protocols does not know who listens (dependencies point monitoring → protocols).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.dispatch import Signal

phases_replacing = Signal()


def replacing(template, old_phases: Sequence) -> Callable[[Sequence], None]:
    """Announce the replacement; returns what to call with the new phases."""
    responses = phases_replacing.send(
        sender=type(template), template=template, old_phases=list(old_phases)
    )
    callbacks = [response for _, response in responses if callable(response)]

    def done(new_phases: Sequence) -> None:
        for callback in callbacks:
            callback(list(new_phases))

    return done
