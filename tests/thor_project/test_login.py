"""Logging in (issue 11): CSRF on the dashboard's login, throttling per user and per address with a
cool-down, tokens that expire and can be revoked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.clock import ManualClock
from thor_project.auth import LoginAddressThrottle, LoginUserThrottle, forget_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The throttles' wall clock (seconds), moved by hand: ``wall[0] += 61``."""
    now = [1_800_000_000.0]
    for throttle in (LoginAddressThrottle, LoginUserThrottle):
        monkeypatch.setattr(throttle, "timer", lambda self: now[0])
    return now


@pytest.fixture
def trader(clock: ManualClock, wall: list[float]) -> User:
    cache.clear()  # throttle counts live in the cache
    return User.objects.create_user("trader", password="correct horse")


def test_twenty_wrong_passwords_are_throttled_then_the_right_one_works_after_the_cool_down(
    trader: User, wall: list[float]
) -> None:
    client = APIClient()
    statuses = [
        client.post("/api/auth/token/", {"username": "trader", "password": f"guess {i}"}).status_code for i in range(20)
    ]
    assert statuses[:5] == [400] * 5 and set(statuses[5:]) == {429}, statuses
    refused = client.post("/api/auth/token/", {"username": "trader", "password": "correct horse"})
    assert refused.status_code == 429 and "Too many login attempts" in refused.json()["error"]
    assert "try again in" in refused.json()["error"] and int(refused["Retry-After"]) > 0
    wall[0] += 61  # the one-minute window has passed
    assert client.post("/api/auth/token/", {"username": "trader", "password": "correct horse"}).status_code == 200


def test_one_address_trying_many_users_is_throttled_too(trader: User) -> None:
    client = APIClient()
    statuses = [
        client.post("/api/auth/token/", {"username": f"user{i}", "password": "x"}).status_code for i in range(12)
    ]
    assert statuses[:10] == [400] * 10 and statuses[10:] == [429, 429]


def test_the_dashboard_login_needs_the_csrf_token(trader: User) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    forged = browser.post("/api/auth/login/", {"username": "trader", "password": "correct horse"}, format="json")
    assert forged.status_code == 403 and "CSRF" in forged.json()["error"]
    browser.get("/api/auth/me/")  # sets the csrftoken cookie, as the dashboard's first call does
    token = browser.cookies["csrftoken"].value
    ok = browser.post(
        "/api/auth/login/", {"username": "trader", "password": "correct horse"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert ok.status_code == 200 and ok.json() == {"username": "trader"}
    assert browser.get("/api/auth/me/").json() == {"authenticated": True, "username": "trader", "is_staff": False}


def test_tokens_expire_after_thirty_days_and_login_gives_a_new_one(trader: User, settings: Any) -> None:
    client = APIClient()
    first = client.post("/api/auth/token/", {"username": "trader", "password": "correct horse"}).json()
    assert settings.THOR_TOKEN_TTL_DAYS == 30 and first["expires_at"] is not None
    client.credentials(HTTP_AUTHORIZATION=f"Token {first['token']}")
    assert client.get("/api/auth/me/").json()["authenticated"] is True
    assert client.get("/api/global-markets/markets/").status_code == 200
    Token.objects.filter(key=first["token"]).update(created=timezone.now() - timedelta(days=31))
    forget_token(first["token"])
    expired = client.get("/api/global-markets/markets/")
    assert expired.status_code == 401 and "Token expired" in expired.json()["error"]
    second = APIClient().post("/api/auth/token/", {"username": "trader", "password": "correct horse"}).json()
    assert second["token"] != first["token"]


def test_a_revoked_token_stops_working_at_once(trader: User) -> None:
    client = APIClient()
    key = client.post("/api/auth/token/", {"username": "trader", "password": "correct horse"}).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/global-markets/markets/").status_code == 200  # now cached in the process
    assert client.delete("/api/auth/token/revoke/").status_code == 204
    gone = client.get("/api/global-markets/markets/")
    assert gone.status_code == 401 and "Invalid token" in gone.json()["error"]


@pytest.mark.parametrize("payload", [{}, {"username": "trader"}, {"username": "x" * 200, "password": "y"}])
def test_malformed_logins_name_the_field(trader: User, payload: dict[str, str]) -> None:
    response = APIClient().post("/api/auth/token/", payload, format="json")
    assert response.status_code == 400 and response.json()["error"].split(":")[0] in ("username", "password")


def test_a_token_deleted_in_the_admin_stops_working_at_once(trader: User) -> None:
    client = APIClient()
    key = client.post("/api/auth/token/", {"username": "trader", "password": "correct horse"}).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/global-markets/markets/").status_code == 200  # cached in the process
    Token.objects.filter(key=key).delete()  # the queryset delete the admin's bulk action uses
    assert client.get("/api/global-markets/markets/").status_code == 401
