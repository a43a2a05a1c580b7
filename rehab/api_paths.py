"""The API's paths forgive a missing trailing slash and answer a wrong path in JSON.

Django's ``APPEND_SLASH`` redirects ``/api/v1/daily-logs`` to ``/api/v1/daily-logs/``: a client
that follows a 301 with a GET loses the body it posted, and under ``DEBUG`` a POST is a 500. Under
``/api/`` the slash is appended inside the request instead, so the request reaches the view it
meant. A path under ``/api/`` that matches nothing (404) or a method the path does not take (405)
is answered in the API's error shape, ``{"detail": ..., "errors": {}}``, not an HTML page (nor
Django's debug page listing the URL patterns).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

API_PREFIX = "/api/"


def _resolves(path: str, urlconf) -> bool:
    try:
        resolve(path, urlconf)
    except Resolver404:
        return False
    return True


class ApiPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        path = request.path_info
        urlconf = getattr(request, "urlconf", None)
        if not path.endswith("/") and not _resolves(path, urlconf):
            if _resolves(f"{path}/", urlconf):
                request.path_info = f"{path}/"
                request.path = f"{request.path}/"
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if response.status_code in (404, 405) and "json" not in content_type:
            detail = "Not found." if response.status_code == 404 else "Method not allowed."
            replaced = JsonResponse({"detail": detail, "errors": {}}, status=response.status_code)
            if response.has_header("Allow"):
                replaced["Allow"] = response["Allow"]
            return replaced
        return response
