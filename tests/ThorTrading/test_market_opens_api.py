"""``/api/ThorTrading/market-opens/``: filters, pagination, detail, pending, latest (SPEC §9)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.test import APIClient

from core.clock import ManualClock
from GlobalMarkets.models import Market
from LiveData.redis_client import LiveDataRedis
from tests.conftest import TOS_DATA
from ThorTrading.models import MarketSession
from ThorTrading.selectors.cache import bump_analytics_version
from ThorTrading.services.capture import capture_market_open
from ThorTrading.services.close_capture import capture_market_close

pytestmark = [pytest.mark.django_db, pytest.mark.real_services]


@pytest.fixture
def api(seeded: None, live: LiveDataRedis, clock: ManualClock, settings: Any) -> APIClient:
    """USA captured on 2025-11-26 and 2025-11-27, Japan on 2025-11-27 (36 rows)."""
    settings.THOR_WORKBOOK = str(TOS_DATA / "rtd_2025-11-26.xlsm")
    call_command("poll_tos_excel", "--once")
    capture_market_open(market=Market.objects.get(country="USA"))
    clock.advance(days=1)
    call_command("poll_tos_excel", "--once")
    capture_market_open(market=Market.objects.get(country="USA"))
    clock.advance(hours=10)  # 00:30Z on the 28th = 09:30 Friday in Tokyo
    call_command("poll_tos_excel", "--once")
    capture_market_open(market=Market.objects.get(country="Japan"))
    client = APIClient()
    client.force_authenticate(User.objects.create_user("trader"))
    return client


def test_list_is_paginated_newest_first(api: APIClient) -> None:
    body = api.get("/api/ThorTrading/market-opens/?page_size=12").json()
    assert body["count"] == 36 and len(body["results"]) == 12
    assert {r["country"] for r in body["results"]} == {"Japan"}
    assert len(api.get("/api/ThorTrading/market-opens/?page_size=500").json()["results"]) == 36
    too_many = api.get("/api/ThorTrading/market-opens/?page_size=1000")  # refused, not quietly cut to 500
    assert (
        too_many.status_code == 400
        and too_many.json()["error"] == "page_size: '1000' is not a whole number from 1 to 500"
    )
    assert (
        api.get("/api/ThorTrading/market-opens/?start=").json()["error"]
        == "start: is empty: give a value or leave the parameter out"
    )
    assert api.get("/api/ThorTrading/market-opens/?late=maybe").json()["error"] == "late: must be true or false"
    assert api.get("/api/ThorTrading/market-opens/abc/").json() == {
        "error": "Not found: /api/ThorTrading/market-opens/abc/ (see /api/docs/ for the routes)"
    }
    assert api.get("/api/ThorTrading/market-opens/9999999999999999999999/").status_code == 404  # never an overflow


def test_filters_by_country_date_status_future_and_signal(api: APIClient) -> None:
    get = lambda q: api.get(f"/api/ThorTrading/market-opens/?{q}").json()  # noqa: E731
    assert get("country=usa")["count"] == 24
    assert get("date=2025-11-26")["count"] == 12
    assert get("country=USA&date=2025-11-27&future=ym")["count"] == 1
    assert get("status=neutral")["count"] == MarketSession.objects.filter(wndw="NEUTRAL").count() > 0
    assert get("signal=strong buy")["count"] == MarketSession.objects.filter(bhs="STRONG_BUY").count() > 0


def test_bad_date_names_the_parameter(api: APIClient) -> None:
    response = api.get("/api/ThorTrading/market-opens/?date=26/11/2025")
    assert response.status_code == 400 and response.json()["error"] == "date: Enter a valid date."
    assert "date" in response.json()["details"]


def test_detail_pending_and_unknown_id(api: APIClient) -> None:
    pk = MarketSession.objects.filter(future="YM").first().pk  # type: ignore[union-attr]
    assert api.get(f"/api/ThorTrading/market-opens/{pk}/").json()["future"] == "YM"
    assert api.get("/api/ThorTrading/market-opens/999999/").status_code == 404
    pending = api.get("/api/ThorTrading/market-opens/pending/").json()
    assert pending["count"] == MarketSession.objects.filter(wndw="PENDING").count()


def test_latest_returns_each_markets_latest_capture_east_to_west(api: APIClient) -> None:
    rows = api.get("/api/ThorTrading/market-opens/latest/").json()
    assert [r["country"] for r in rows] == ["Japan"] * 12 + ["USA"] * 12
    assert rows[0]["future"] == "YM" and rows[11]["future"] == "TOTAL"
    assert rows[12]["capture_group"] == 2


def test_latest_is_cached_until_a_captured_row_changes(
    api: APIClient,
    live: LiveDataRedis,
    clock: ManualClock,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """latest/ is read from the cache between changes (no SQL), and every writer of capture rows
    makes the next answer fresh once it commits: the close capture, an admin edit, a capture."""
    first = api.get("/api/ThorTrading/market-opens/latest/").json()
    with django_assert_max_num_queries(0):
        assert api.get("/api/ThorTrading/market-opens/latest/").json() == first
    usa_ym = next(r for r in first if r["country"] == "USA" and r["future"] == "YM")
    assert usa_ym["market_close"] is None
    with django_capture_on_commit_callbacks(execute=True):
        assert capture_market_close(country="USA", live=live).close_rows_updated == 12
    closed = next(r for r in api.get("/api/ThorTrading/market-opens/latest/").json() if r["id"] == usa_ym["id"])
    assert closed["market_close"] is not None  # the close capture's rows, not the cached ones
    row = MarketSession.objects.get(pk=usa_ym["id"])
    row.session_volume = 123_456  # as an admin edit saves the model
    with django_capture_on_commit_callbacks(execute=True):
        row.save()
    edited = next(r for r in api.get("/api/ThorTrading/market-opens/latest/").json() if r["id"] == usa_ym["id"])
    assert edited["session_volume"] == 123_456
    clock.advance(days=1)
    call_command("poll_tos_excel", "--once")
    with django_capture_on_commit_callbacks(execute=True):
        capture_market_open(market=Market.objects.get(country="USA"))
    latest = api.get("/api/ThorTrading/market-opens/latest/").json()
    assert {r["capture_group"] for r in latest if r["country"] == "USA"} == {4}


def test_list_query_count_does_not_grow_with_rows(api: APIClient, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(2):
        api.get("/api/ThorTrading/market-opens/?page_size=500")


def test_latest_gives_exactly_what_the_row_serializer_gives(
    api: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    from ThorTrading.api.serializers import MarketSessionSerializer

    rows = api.get("/api/ThorTrading/market-opens/latest/").json()
    with django_capture_on_commit_callbacks(execute=True):
        MarketSession.objects.filter(pk=rows[0]["id"]).update(
            captured_at=MarketSession.objects.get(pk=rows[0]["id"]).captured_at.replace(microsecond=123456)
        )
        bump_analytics_version()  # what Thor's own writers do after a bulk update
    rows = api.get("/api/ThorTrading/market-opens/latest/").json()
    expected = api.get(f"/api/ThorTrading/market-opens/{rows[0]['id']}/").json()
    assert rows[0] == expected and rows[0]["captured_at"].endswith(".123456Z")
    import json

    from rest_framework.renderers import JSONRenderer

    by_id = {r.pk: r for r in MarketSession.objects.filter(pk__in=[r["id"] for r in rows])}
    serialized = json.loads(
        JSONRenderer().render(MarketSessionSerializer([by_id[r["id"]] for r in rows], many=True).data)
    )
    assert rows == serialized


def test_the_list_gives_exactly_what_the_row_serializer_gives(api: APIClient) -> None:
    import json

    from rest_framework.renderers import JSONRenderer

    from ThorTrading.api.serializers import MarketSessionSerializer

    rows = api.get("/api/ThorTrading/market-opens/?page_size=500&ordering=capture_group").json()["results"]
    by_id = {r.pk: r for r in MarketSession.objects.all()}
    assert len(rows) == len(by_id) > 0
    assert rows == json.loads(
        JSONRenderer().render(MarketSessionSerializer([by_id[r["id"]] for r in rows], many=True).data)
    )


def test_the_design_documents_paths_answer_as_the_thortrading_ones(
    seeded: None, live: LiveDataRedis, clock: ManualClock, settings: Any
) -> None:
    """Issue 14: /api/futures/market-opens/…, /api/futures/snapshots/ and
    /api/future-trading/market-close/capture are the same views as under /api/ThorTrading/."""
    settings.THOR_WORKBOOK = str(TOS_DATA / "rtd_2025-11-26.xlsm")
    call_command("poll_tos_excel", "--once")
    group = capture_market_open(market=Market.objects.get(country="USA"), force=True).capture_group
    client = APIClient()
    client.force_authenticate(User.objects.create_user("trader"))
    for path in ("market-opens/?country=USA", "market-opens/today/", "market-opens/pending/", "market-opens/stats/"):
        seeds, ours = client.get(f"/api/futures/{path}"), client.get(f"/api/ThorTrading/{path}")
        assert seeds.status_code == ours.status_code == 200, path
        assert seeds.json() == ours.json(), path
    row = MarketSession.objects.filter(capture_group=group).first()
    assert row is not None
    assert (
        client.get(f"/api/futures/market-opens/{row.pk}/").json()
        == client.get(f"/api/ThorTrading/market-opens/{row.pk}/").json()
    )
    snapshot = client.get(f"/api/futures/snapshots/?session={group}").json()
    assert [r["future"] for r in snapshot] == [
        "YM",
        "ES",
        "NQ",
        "RTY",
        "CL",
        "SI",
        "HG",
        "GC",
        "VX",
        "DX",
        "ZB",
        "TOTAL",
    ]
    assert {r["id"] for r in snapshot} == {
        r["id"] for r in client.get("/api/ThorTrading/market-opens/?country=USA").json()["results"]
    }
    assert [r["future"] for r in client.get(f"/api/futures/snapshots/?session={group}&symbol=ES").json()] == ["ES"]
    bad = client.get("/api/futures/snapshots/?session=abc")
    assert bad.status_code == 400 and "session" in bad.json()["error"]
    assert client.get("/api/future-trading/market-close/capture").status_code == 405  # state changes only by POST


def test_the_design_documents_names_are_aliases_and_a_misspelt_parameter_is_refused(api: APIClient) -> None:
    stats = lambda q: api.get(f"/api/ThorTrading/market-opens/stats/?{q}")  # noqa: E731
    japan = stats("country=Japan").json()
    assert stats("region=Japan").json() == japan and japan["overall"]["rows"] == 1  # TOTAL of one capture
    assert stats("region=Japan").json() != stats("").json()  # figures for Japan alone, not every market
    assert api.get("/api/futures/market-opens/stats/?region=Japan").json() == japan  # the design document's path too
    by_alias = api.get(
        "/api/ThorTrading/market-opens/?day_of_week=Thu&start_date=2025-11-27&end_date=2025-11-27&outcome=neutral"
    )
    by_name = api.get("/api/ThorTrading/market-opens/?weekday=Thu&start=2025-11-27&end=2025-11-27&status=neutral")
    assert by_alias.status_code == 200 and by_alias.json() == by_name.json() and by_name.json()["count"] > 0

    misspelt = stats("regoin=Japan")
    assert misspelt.status_code == 400
    assert misspelt.json()["error"].startswith(
        "regoin: unknown parameter; this endpoint takes country, date, day_of_week,"
    )
    both = stats("region=Japan&country=USA")
    assert both.status_code == 400 and both.json()["error"] == "region: is another name for country: give one of them"
    for path in ("market-opens/", "market-opens/events/", "market-opens/export", "quotes/latest", "intraday/bars"):
        answer = api.get(f"/api/ThorTrading/{path}?symbol=YM&colour=blue")
        assert answer.status_code == 400 and answer.json()["error"].startswith("colour: unknown parameter"), path


def test_an_unknown_value_names_the_allowed_ones(api: APIClient) -> None:
    status = api.get("/api/ThorTrading/market-opens/stats/?status=FOO")
    assert status.status_code == 400
    assert status.json()["error"] == "status: 'FOO' is not one of PENDING, WORKED, DIDNT_WORK, NEUTRAL, EXPIRED"
    country = api.get("/api/ThorTrading/market-opens/?country=Europe")
    assert country.status_code == 400 and country.json()["error"].startswith("country: 'Europe' is not one of Japan,")
    signal = api.get("/api/ThorTrading/market-opens/events/?signal=buy,BUYY")
    assert signal.json()["error"] == "signal: 'BUYY' is not one of STRONG_BUY, BUY, HOLD, SELL, STRONG_SELL"
    future = api.get("/api/ThorTrading/market-opens/?future=ESZ5")
    assert future.json()["error"] == "future: 'ESZ5' is not one of YM, ES, NQ, RTY, CL, SI, HG, GC, VX, DX, ZB, TOTAL"
    assert (
        api.get("/api/ThorTrading/market-opens/?status=didn't work,worked").status_code == 200
    )  # as a trader types it
