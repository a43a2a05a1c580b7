"""The API's router (/api/v1/) and its paging."""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    """DRF's router, but an object's id in a path is ASCII digits: its default (anything but a
    slash or a dot) let ``/cases/１/`` (a full-width one) reach case 1 through ``int()``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = "[0-9]+"  # a viewset's lookup_value_regex still wins


router = Router()
"""/api/v1/: every viewset is registered here by `rehab.api_urls`."""


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=`: 100 rows a page by default, at most 1,000."""

    default_limit = 100
    max_limit = 1000
