"""Authentication on every route but health; health reports each part (SPEC §9)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.test import APIClient

from core.clock import ManualClock
from LiveData.redis_client import LiveDataRedis
from tests.conftest import TOS_DATA

pytestmark = [pytest.mark.django_db, pytest.mark.real_services]

PROTECTED = [
    "/api/ThorTrading/quotes/latest",
    "/api/ThorTrading/quotes/ribbon",
    "/api/ThorTrading/market-opens/",
    "/api/ThorTrading/market-opens/pending/",
    "/api/feed/quotes/snapshot",
    "/api/schema/",
]


@pytest.mark.parametrize("path", PROTECTED)
def test_anonymous_requests_are_refused(path: str, live: LiveDataRedis) -> None:
    response = APIClient().get(path)
    assert response.status_code == 401
    assert "credentials" in response.data["error"]


def test_token_login_works_and_bad_credentials_say_why(live: LiveDataRedis, seeded: None) -> None:
    User.objects.create_user("trader", password="correct horse")
    client = APIClient()
    bad = client.post("/api/auth/token/", {"username": "trader", "password": "wrong"})
    assert bad.status_code == 400 and bad.json()["error"] == "Wrong username or password."
    token = client.post("/api/auth/token/", {"username": "trader", "password": "correct horse"}).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/ThorTrading/quotes/latest").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/ThorTrading/quotes/latest").status_code == 401


def test_health_needs_no_login_and_reports_feed_and_redis(
    live: LiveDataRedis, clock: ManualClock, settings: object
) -> None:
    body = APIClient().get("/api/health/").json()
    assert body["database"]["ok"] is True and body["redis"]["ok"] is True
    assert body["feed"]["state"] == "never run" and body["status"] == "degraded"
    call_command("poll_tos_excel", "--once", "--file", str(TOS_DATA / "rtd_2025-11-26.xlsm"))
    response = APIClient().get("/api/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["feed"]["quotes_published"] == 11


def test_health_with_redis_down_is_degraded_not_an_error(dead_redis: LiveDataRedis) -> None:
    response = APIClient().get("/api/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["redis"]["ok"] is False and body["status"] == "degraded"


def test_first_run_admin_is_created_once(
    tmp_path: object, settings: object, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    settings.THOR_ADMIN_PASSWORD = ""  # type: ignore[attr-defined]
    call_command("ensure_admin")
    out = capsys.readouterr().out
    password = (tmp_path / "admin_password").read_text().strip()  # type: ignore[operator]
    assert f"password {password}" in out
    assert User.objects.get(username="admin").check_password(password)
    call_command("ensure_admin")
    assert "exists" in capsys.readouterr().out


def test_api_docs_are_served_without_a_cdn(live: LiveDataRedis) -> None:
    client = APIClient()
    client.force_authenticate(User.objects.create_user("reader"))
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html and "cdn." not in html and "unpkg" not in html
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/ThorTrading/market-opens/stats/",
        "/api/ThorTrading/market-opens/insight/",
        "/api/ThorTrading/market-opens/export",
        "/api/global-markets/markets/",
    ):
        assert path in paths


def test_every_app_refuses_a_query_parameter_it_does_not_take(live: LiveDataRedis, seeded: None) -> None:
    client = APIClient()
    client.force_authenticate(User.objects.create_user("trader"))
    account = client.get("/api/actandpos/accounts/").json()[0]["id"]
    assert client.get(f"/api/trades/statements?account={account}").status_code == 200  # what it takes
    for path, typo, takes in [
        ("/api/health/", "verbose", "takes no query parameters"),
        ("/api/global-markets/markets/", "country", "takes no query parameters"),
        ("/api/feed/quotes/snapshot", "symbol", "takes symbols"),
        ("/api/actandpos/accounts/", "kind", "takes no query parameters"),
        ("/api/trades/orders", "acount", "takes account, status"),
        (f"/api/trades/statements?account={account}", "from", "takes account, end, start"),
    ]:
        answer = client.get(f"{path}{'&' if '?' in path else '?'}{typo}=1")
        assert (
            answer.status_code == 400 and answer.json()["error"] == f"{typo}: unknown parameter; this endpoint {takes}"
        ), path


@pytest.mark.django_db
def test_a_failing_worker_makes_health_degraded_and_names_itself(
    live: LiveDataRedis, seeded: None, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grader on a dead database (issue 25): its steps fail, so health says "degraded", naming the
    worker and its error, until a step succeeds again."""
    import threading

    from django.db import OperationalError

    from core.workers import Worker
    from tests.conftest import wait_for
    from thor_project import api

    database_up = threading.Event()

    def step(stop: threading.Event) -> float:
        if not database_up.is_set():
            raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
        return 0.01

    grader = Worker("thor-grader", step, max_backoff=0.05)
    monkeypatch.setattr(api, "stack_status", lambda: {"started": True, "workers": {grader.name: grader.status()}})
    client = APIClient()
    # Feed and Redis aside: only the worker's state is asked about here.
    call_command("poll_tos_excel", "--once", "--file", str(TOS_DATA / "rtd_2025-11-26.xlsm"))
    assert client.get("/api/health/").json()["failing_workers"] == []
    grader.start()
    try:
        wait_for(lambda: grader.errors > 0)
        body = client.get("/api/health/").json()
        assert body["status"] == "degraded"
        assert body["failing_workers"] == [
            {
                "name": "thor-grader",
                "error": "OperationalError: connection to server at 127.0.0.1, port 5432 failed: Connection refused",
            }
        ]
        database_up.set()
        wait_for(lambda: not grader.status()["failing"], timeout=5.0)
        assert client.get("/api/health/").json()["failing_workers"] == []
    finally:
        grader.stop()
