"""The dashboard page (SPEC §12): the built React app at ``/``; the API stays under ``/api/``."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FALLBACK = """<!doctype html><html><head><title>Thor</title></head><body style="font-family:sans-serif;margin:3rem">
<h1>Thor</h1><p>The dashboard is not built: <code>make run</code> builds it when Node.js 20+ is installed.</p>
<p>The API is at <a href="/api/docs/">/api/docs/</a>, the admin at <a href="/admin/">/admin/</a>,
health at <a href="/api/health/">/api/health/</a>.</p></body></html>"""


def dashboard(request: HttpRequest) -> HttpResponse:
    """``frontend/dist/index.html`` when the dashboard is built, else a page saying how to build it."""
    index = settings.BASE_DIR / "frontend" / "dist" / "index.html"
    if index.exists():
        return HttpResponse(index.read_text(), content_type="text/html; charset=utf-8")
    return HttpResponse(FALLBACK, content_type="text/html; charset=utf-8")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for a URL no route matches: JSON ``{"error": …}`` under ``/api/`` (an API client never gets
    an HTML page), Django's plain page elsewhere."""
    from django.http import JsonResponse

    if request.path.startswith("/api/"):
        return JsonResponse({"error": f"Not found: {request.path} (see /api/docs/ for the routes)"}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception or Exception("not found"))


def server_error(request: HttpRequest) -> HttpResponse:
    """500 outside DRF's handler: JSON under ``/api/``, never a stack trace."""
    from django.http import JsonResponse

    if request.path.startswith("/api/"):
        return JsonResponse({"error": "Internal error; it has been logged."}, status=500)
    from django.views.defaults import server_error as plain

    return plain(request)
