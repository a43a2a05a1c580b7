"""Gunicorn settings read from the working directory (``gunicorn rehab.wsgi:application``).

Command-line options (bind, workers) still come from the command; this file adds what a
command line cannot say.
"""

import gc


def post_worker_init(worker):
    """Once a worker has loaded Django, set everything loaded so far aside from the cyclic
    garbage collector: modules, URL patterns, templates and settings live as long as the
    process, and every full collection during a request would otherwise walk them again."""
    gc.freeze()
