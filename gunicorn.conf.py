"""Gunicorn settings read from the working directory (``gunicorn rehab.wsgi:application``).

Command-line options (bind, workers) still come from the command; this file adds what a
command line cannot say.
"""

import gc


def post_worker_init(worker):
    """Once a worker has loaded Django, load what Django would load on the first request (the
    URL configuration, and with it every view, form and serializer module), so that no
    client's request pays for it; then set everything loaded so far aside from the cyclic
    garbage collector: modules, URL patterns, templates and settings live as long as the
    process, and every full collection during a request would otherwise walk them again."""
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 — imports the URL configuration and its views
    resolver.reverse_dict  # noqa: B018 — builds the lookups that ``reverse`` and links use
    gc.freeze()
