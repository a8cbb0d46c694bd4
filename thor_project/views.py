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
