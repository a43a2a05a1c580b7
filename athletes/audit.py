"""Who changed a record and why, written into every history row a service causes.

django-simple-history records each change of a tracked model (see ``history = HistoricalRecords()``
on the models). ``HistoryRequestMiddleware`` names the logged-in user for changes made during a
request; a service knows more than that — the person it acts for (also in a Celery task or a
management command) and the reason it was given. ``@audited`` says so once per service:

    @audited(by="decided_by", reason=lambda kw: kw["reason"])
    def transition_decide(*, plan, kind, decided_by, reason, ...): ...

While the service runs, every history row it causes gets that person and that reason, unless
the code set them on the instance itself (``instance._change_reason``). Nested services keep the
outermost person and reason: the decision explains the phase dates it moves.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

F = TypeVar("F", bound=Callable[..., Any])
Reason = str | Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class Context:
    user: Any
    reason: str


_current: contextvars.ContextVar[Context | None] = contextvars.ContextVar(
    "rehab_audit_context", default=None
)

REASON_MAX = 100
"""simple_history's ``history_change_reason`` column holds 100 characters."""


def _clip(text: str) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…"


def audited(*, by: str, reason: Reason) -> Callable[[F], F]:
    """Record the keyword argument ``by`` as the person, and ``reason`` (text, or a function of
    the keyword arguments) as the reason, on every history row the decorated service causes."""

    def decorate(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if _current.get() is not None:
                return func(*args, **kwargs)
            text = reason(kwargs) if callable(reason) else reason
            token = _current.set(Context(user=kwargs.get(by), reason=_clip(text)))
            try:
                return func(*args, **kwargs)
            finally:
                _current.reset(token)

        return wrapper  # type: ignore[return-value]

    return decorate


@contextlib.contextmanager
def as_system() -> Iterator[None]:
    """Changes made inside are the system's own, as a Celery worker's are: no person on their
    history rows, whoever's request or service queued the work. A task run eagerly (``make run``,
    ``CELERY_TASK_ALWAYS_EAGER``) runs in the request's thread, inside its service: without this,
    a flag that an athlete's log raised would read as raised by that athlete."""
    token = _current.set(None)
    local = HistoricalRecords.context
    request = getattr(local, "request", None)
    if request is not None:
        del local.request
    try:
        yield
    finally:
        _current.reset(token)
        if request is not None:
            local.request = request


def current() -> Context | None:
    return _current.get()


@receiver(pre_create_historical_record, dispatch_uid="rehab_audit_context")
def _fill_in(sender, instance, history_instance, **kwargs) -> None:
    ctx = _current.get()
    if ctx is None:
        return
    user = ctx.user
    if user is not None and getattr(user, "pk", None) is not None:
        history_instance.history_user = user
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = ctx.reason
