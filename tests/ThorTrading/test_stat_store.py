"""The statistics store (issue 11): ``GET market-opens/stats/`` from rows kept in memory and brought
up to date from the change log must give, for every filter, exactly what the figures computed from
the database give — after captures, grades, expiries and deletions too."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from LiveData.redis_client import LiveDataRedis, set_live_data_redis
from tests.factories import MarketSessionFactory
from ThorTrading.filtersets import filter_sessions, session_conditions
from ThorTrading.models import MarketSession
from ThorTrading.selectors import cache
from ThorTrading.selectors.analytics import session_stats
from ThorTrading.selectors.stat_store import STORE

NOW = datetime(2025, 11, 19, 0, 0, tzinfo=UTC)
COUNTRIES = ["Japan", "United Kingdom", "USA", "Netherlands"]
FUTURES = ["TOTAL", "YM", "ES"]
SIGNALS = ["STRONG_BUY", "BUY", "HOLD", "SELL", "STRONG_SELL", ""]
OUTCOMES = ["WORKED", "DIDNT_WORK", "EXPIRED", "PENDING", "NEUTRAL"]


def _rows(rng: random.Random, groups: range) -> list[MarketSession]:
    """Captures of 3 rows each over 30 days, with ties in ``captured_at`` between captures, times
    with and without microseconds, rows without a session date, and P&L of either sign (drawdown
    and P&L by day depend on the order)."""
    rows = []
    for group in groups:
        captured = NOW - timedelta(
            days=rng.randrange(30), hours=rng.choice([0, 8, 14]), microseconds=rng.choice([0, rng.randrange(1_000_000)])
        )
        common: dict[str, Any] = {
            "capture_group": group,
            "captured_at": captured,
            "country": rng.choice(COUNTRIES),
            "late": rng.random() < 0.2,
            "is_demo": rng.random() < 0.3,
        }
        if rng.random() < 0.05:
            common["session_date"] = None
        for future in FUTURES:
            outcome = rng.choice(OUTCOMES)
            resolved = outcome in ("WORKED", "DIDNT_WORK", "EXPIRED")
            pnl = (
                None
                if not resolved
                else Decimal(0)
                if outcome == "EXPIRED"
                else Decimal(rng.randint(-30000, 30000)) / 100
            )
            rows.append(
                MarketSessionFactory.build(
                    **common,
                    future=future,
                    bhs=rng.choice(SIGNALS),
                    wndw=outcome,
                    pnl_usd=pnl,
                    entry_price=None if outcome == "NEUTRAL" or rng.random() < 0.05 else Decimal(47000),
                    target_hit_at=captured
                    + timedelta(minutes=rng.randint(1, 90), microseconds=rng.randrange(1_000_000))
                    if outcome in ("WORKED", "DIDNT_WORK") and rng.random() < 0.9
                    else None,
                )
            )
    return rows


def _from_database(params: dict[str, str]) -> dict[str, Any]:
    return session_stats(filter_sessions(params), now=NOW)


def _gross(body: dict[str, Any] | None) -> dict[str, Any]:
    assert body is not None
    return {k: v for k, v in body.items() if k != "net"}


def _from_store(params: dict[str, str]) -> dict[str, Any]:
    """The store's answer without its ``net`` figures (the database path gives the gross ones only;
    the net ones are checked against a hand computation in test_analytics)."""
    body = STORE.session_stats(session_conditions(params), now=NOW)
    assert body is not None
    return {k: v for k, v in body.items() if k != "net"}


@pytest.fixture
def history(db: None, live: LiveDataRedis) -> None:
    MarketSession.objects.bulk_create(_rows(random.Random(11), range(1, 121)))


def _listed(values: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(values), min_size=1, max_size=3).map(",".join)


DAYS = st.dates(min_value=date(2025, 10, 18), max_value=date(2025, 11, 20)).map(date.isoformat)
FILTERS = st.fixed_dictionaries(
    {},
    optional={
        # Names, any case, and aliases; a name that is no control market is a 400 (tested below).
        "country": _listed(["japan", "USA", "united kingdom", "Netherlands", "london", "us"]),
        "status": _listed(["worked", "DIDNT_WORK", "didn't work", "pending", "expired", "neutral"]),
        "date": DAYS,
        "start": DAYS,
        "end": DAYS,
        "weekday": _listed(["Mon", "tue", "2", "6", "Sunday", "fri"]),
        "future": st.sampled_from(["all", "TOTAL", "ym,es", "ES", "NQ", "ES,"]),
        "signal": _listed(["buy", "STRONG_SELL", "strong buy", "HOLD", "sell"]),
        "late": st.sampled_from(["true", "false"]),
        "demo": st.sampled_from(["true", "false"]),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=FILTERS)
def test_every_filter_gives_the_figures_the_database_gives(history: None, params: dict[str, str]) -> None:
    assert _from_store(params) == _from_database(params)


def test_a_country_that_is_no_control_market_is_refused_not_an_empty_answer(history: None) -> None:
    # It used to select nothing without a word (issue 22); both paths now refuse it, naming it.
    for path in (_from_store, _from_database):
        with pytest.raises(ValidationError, match="'Mars' is not one of Japan, China, India"):
            path({"country": "japan,Mars"})


def test_captures_grades_expiries_and_deletions_are_read_from_the_change_log(
    history: None, live: LiveDataRedis, django_capture_on_commit_callbacks: Any
) -> None:
    from ThorTrading.services.grading import expire_overdue, grade_quotes

    every = {"future": "all"}
    assert _from_store(every) == _from_database(every)
    assert (STORE.loads, STORE.rows_reread) == (1, 0)
    # A capture (rows saved one by one, as the admin does; tied in time with an earlier capture).
    tied = MarketSession.objects.filter(future="TOTAL").order_by("captured_at")[5]
    with django_capture_on_commit_callbacks(execute=True):
        for row in _rows(random.Random(5), range(500, 501)):
            row.captured_at = tied.captured_at
            row.save()
    # A grade: a pending YM row of today's USA capture touched by its target.
    pending = MarketSessionFactory.create(capture_group=600, captured_at=NOW - timedelta(minutes=10), country="USA")
    was_pending = set(MarketSession.objects.filter(wndw="PENDING").values_list("id", flat=True))
    doomed = MarketSession.objects.filter(future="ES").order_by("id").first()
    assert doomed is not None
    with django_capture_on_commit_callbacks(execute=True):
        pending.save()
        graded = grade_quotes(
            [
                {
                    "symbol": "YM",
                    "bid": "47020",
                    "ask": "47021",
                    "last": "47020",
                    "ts_ingest": (NOW - timedelta(minutes=5)).isoformat(),
                }
            ],
            now=NOW,
        )
        expired = expire_overdue(now=NOW)
        doomed_id = doomed.pk
        doomed.delete()
    assert graded == 1 and expired > 0
    for params in (every, {}, {"country": "usa", "status": "worked"}, {"future": "YM", "start": "2025-11-18"}):
        assert _from_store(params) == _from_database(params)
    assert STORE.loads == 1  # no reload: only the rows the log named were read again
    expired_ids = was_pending & set(MarketSession.objects.filter(wndw="EXPIRED").values_list("id", flat=True))
    assert len(expired_ids) == expired
    captured = set(MarketSession.objects.filter(capture_group=500).values_list("id", flat=True))
    assert STORE.rows_reread == len(captured | {pending.pk, doomed_id} | expired_ids)


def test_a_gap_in_the_change_log_or_a_flushed_redis_reloads_every_row(
    history: None, live: LiveDataRedis, django_capture_on_commit_callbacks: Any
) -> None:
    _from_store({})
    row = MarketSession.objects.filter(future="TOTAL", wndw="PENDING").first()
    assert row is not None
    with django_capture_on_commit_callbacks(execute=True):
        MarketSession.objects.filter(pk=row.pk).update(wndw="WORKED", pnl_usd=Decimal("55.50"))
        cache.bump_analytics_version(ids=[row.pk])
    live.client.xtrim(cache.CHANGES_KEY, maxlen=0)  # the log trimmed before this process read it
    assert _from_store({}) == _from_database({})
    assert STORE.loads == 2
    with django_capture_on_commit_callbacks(execute=True):
        MarketSession.objects.filter(pk=row.pk).update(pnl_usd=Decimal("-12.25"))
    live.client.flushdb()  # Redis restarted empty: the store cannot know what it missed
    assert _from_store({}) == _from_database({})
    assert STORE.loads == 3
    with django_capture_on_commit_callbacks(execute=True):
        MarketSession.objects.filter(future="TOTAL").update(pnl_usd=Decimal(1))
        cache.bump_analytics_version()  # a writer that cannot name its rows
    assert _from_store({}) == _from_database({})
    assert STORE.loads == 4


def test_a_change_made_while_redis_was_away_makes_every_store_reload(
    history: None, live: LiveDataRedis, dead_redis_client: LiveDataRedis, django_capture_on_commit_callbacks: Any
) -> None:
    _from_store({})
    row = MarketSession.objects.filter(future="TOTAL", wndw="PENDING").first()
    assert row is not None
    set_live_data_redis(dead_redis_client)
    with django_capture_on_commit_callbacks(execute=True):
        MarketSession.objects.filter(pk=row.pk).update(wndw="DIDNT_WORK", pnl_usd=Decimal("-40"))
        cache.bump_analytics_version(ids=[row.pk])  # logged nowhere: Redis is away
    set_live_data_redis(live)
    assert _from_store({})["overall"]["didnt_work"] == _from_database({})["overall"]["didnt_work"] - 1  # stale…
    other = MarketSession.objects.filter(future="YM").first()
    assert other is not None
    with django_capture_on_commit_callbacks(execute=True):
        other.save()  # …until the next change, which is logged as "all"
    assert _from_store({}) == _from_database({})
    assert STORE.loads == 2


def test_without_redis_stats_are_computed_from_the_database(history: None, dead_redis: LiveDataRedis) -> None:
    assert STORE.session_stats(session_conditions({"future": "TOTAL"}), now=NOW) is None
    client = APIClient()
    client.force_authenticate(User.objects.create_user("trader"))
    response = client.get("/api/ThorTrading/market-opens/stats/")
    assert response.status_code == 200
    assert response.json()["overall"]["rows"] == MarketSession.objects.filter(future="TOTAL").count()


@pytest.fixture
def dead_redis_client() -> LiveDataRedis:
    """A client whose every call fails (without installing it, unlike ``dead_redis``)."""
    import socket

    import redis

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return LiveDataRedis(
        redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.2, socket_timeout=0.2, decode_responses=True)
    )


@pytest.mark.django_db(transaction=True)
def test_rows_load_in_the_background_while_the_database_answers(live: LiveDataRedis, settings: Any) -> None:
    from tests.conftest import wait_for

    MarketSession.objects.bulk_create(_rows(random.Random(3), range(1, 41)))
    settings.THOR_STATS_LOAD_IN_BACKGROUND = True
    conditions = session_conditions({"future": "TOTAL"})
    assert STORE.session_stats(conditions, now=NOW) is None  # loading: the caller reads the database
    wait_for(lambda: STORE.loads == 1, timeout=10)
    assert _gross(STORE.session_stats(conditions, now=NOW)) == _from_database({"future": "TOTAL"})
    # Reloading for age keeps answering from the rows it has, brought up to date from the log.
    settings.THOR_STATS_RELOAD_SECONDS = 0
    row = MarketSession.objects.filter(future="TOTAL", wndw="PENDING").first()
    assert row is not None
    MarketSession.objects.filter(pk=row.pk).update(wndw="WORKED", pnl_usd=Decimal("12.50"))
    cache.bump_analytics_version(ids=[row.pk])  # no transaction here: logged at once
    assert _gross(STORE.session_stats(conditions, now=NOW)) == _from_database({"future": "TOTAL"})
    wait_for(lambda: STORE.loads == 2, timeout=10)
    settings.THOR_STATS_RELOAD_SECONDS = 3600
    client = APIClient()
    client.force_authenticate(User.objects.create_user("trader"))
    overall = client.get("/api/ThorTrading/market-opens/stats/").json()["overall"]
    expected = _from_database({"future": "TOTAL"})["overall"]
    assert (overall["worked"], overall["total_pnl"]) == (expected["worked"], float(expected["total_pnl"]))
    assert STORE.loads == 2
