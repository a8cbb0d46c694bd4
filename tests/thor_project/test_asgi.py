"""The web process's ASGI path: ``thor_project.asgi.OneHopASGIHandler`` under daphne (issue 11).

Requests go through the handler as daphne calls it (scope, receive, send), with the real
middleware chain, so what a trader's browser or script gets is what these tests see.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.signals import request_started
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.clock import ManualClock
from LiveData.redis_client import LiveDataRedis
from tests.conftest import TOS_DATA
from thor_project.asgi import OneHopASGIHandler

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_services]


async def _request(app: Any, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *((k.lower().encode(), v.encode()) for k, v in headers.items())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client stays connected until the response is sent
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.fixture
def trader(seeded: None, live: LiveDataRedis, clock: ManualClock, settings: Any) -> str:
    """A trader's API token, with the 2025-11-26 workbook's quotes in Redis."""
    settings.THOR_WORKBOOK = str(TOS_DATA / "rtd_2025-11-26.xlsm")
    call_command("poll_tos_excel", "--once")
    return Token.objects.create(user=User.objects.create_user("trader")).key


def test_quotes_over_asgi_are_the_same_as_through_the_test_client(trader: str) -> None:
    status, body = asyncio.run(
        _request(OneHopASGIHandler(), "GET", "/api/ThorTrading/quotes/latest", {"Authorization": f"Token {trader}"})
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {trader}")
    expected = client.get("/api/ThorTrading/quotes/latest").json()
    assert status == 200
    assert json.loads(body) == expected
    assert len(expected["rows"]) == 11


def test_a_cookie_post_without_the_csrf_token_is_refused_over_asgi(trader: str) -> None:
    """The whole middleware chain runs on the one-hop path: CSRF still guards cookie sessions."""
    browser = Client()
    browser.force_login(User.objects.get(username="trader"))
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    order = json.dumps({"symbol": "ES", "side": "BUY", "quantity": 1, "order_type": "MKT"}).encode()
    status, body = asyncio.run(
        _request(
            OneHopASGIHandler(),
            "POST",
            "/api/trades/orders",
            {"Cookie": cookie, "Content-Type": "application/json"},
            order,
        )
    )
    assert status == 403
    assert "CSRF" in json.loads(body)["error"]


def test_concurrent_requests_run_on_a_bounded_set_of_reused_request_threads(trader: str) -> None:
    """20 requests at once through a handler with 3 request threads: all answered, none on a thread
    of its own (a new thread per request cost ~0.8 ms of CPU each under load)."""
    names: list[str] = []

    def record(**_: Any) -> None:
        names.append(threading.current_thread().name)

    app = OneHopASGIHandler(threads=3)

    async def burst() -> list[tuple[int, bytes]]:
        return await asyncio.gather(
            *(
                _request(app, "GET", "/api/ThorTrading/quotes/ribbon", {"Authorization": f"Token {trader}"})
                for _ in range(20)
            )
        )

    request_started.connect(record)
    try:
        answers = asyncio.run(burst())
    finally:
        request_started.disconnect(record)
    assert [status for status, _ in answers] == [200] * 20
    assert all(json.loads(body)["count"] > 0 for _, body in answers)
    assert len(names) == 20
    assert set(names) <= {f"thor-web-{i}_0" for i in range(3)}
