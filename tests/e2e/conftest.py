"""The browser tests run against Thor as it is served: daphne with the ASGI application (HTTP and
WebSockets), in a child process, on the test database, with a Redis both processes reach."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from LiveData.redis_client import LiveDataRedis, set_live_data_redis


@pytest.fixture
def live(push_redis_url: str) -> Iterator[LiveDataRedis]:
    """Quotes in a Redis the daphne process shares (real in CI, else the embedded fakeredis server)."""
    client = LiveDataRedis.from_url(push_redis_url)
    client.client.flushdb()
    set_live_data_redis(client)
    yield client
    set_live_data_redis(None)
    client.client.flushdb()


ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, list[str]]]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.set_default_timeout(15_000)
        yield page, errors
        browser.close()
        # Database calls made while Playwright's loop runs use their own connection: give it back.
        from django.db import connections

        connections.close_all()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class _Server:
    def __init__(self, url: str) -> None:
        self.url = url


def _application() -> Any:
    from thor_project.asgi import application

    return application


@pytest.fixture
def thor_server(transactional_db: None, live: LiveDataRedis, channel_layer: Any) -> Iterator[_Server]:
    """daphne serving ``thor_project.asgi.application`` (the same ASGI app as ``make run``) on a
    free port; it sees what the test commits and the same Redis and channel layer."""
    from daphne.testing import DaphneProcess
    from django.db import connections

    connections.close_all()  # the child must open its own
    process = DaphneProcess("127.0.0.1", _application)
    process.daemon = True
    process.start()
    if not process.ready.wait(30):
        process.terminate()
        raise RuntimeError("daphne did not start for the browser tests")
    try:
        yield _Server(f"http://localhost:{process.port.value}")
    finally:
        process.terminate()
        process.join(10)
