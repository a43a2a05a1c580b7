"""Webhooks: endpoints of integration accounts and clinics told of events, signed per the
Standard Webhooks specification (the ``standardwebhooks`` package), sent by Celery.

``policy``: retries, back-off and disabling (pure); ``addresses``: which URLs may be called;
``payloads``: what an event carries (the classification's summary view only); ``events``: the
services' one call, ``webhook_event``, queuing deliveries after the commit; ``services``: the
endpoints' management and one delivery attempt; ``selectors``: whose endpoints; ``tasks``: the
Celery tasks, registered as ``monitoring.tasks.*``.
"""
