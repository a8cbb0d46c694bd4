"""Market time (SPEC §10): calendars, statuses, signals once and in order, and what ThorTrading does on them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.clock import ManualClock
from GlobalMarkets.models import Market, TradingDay
from GlobalMarkets.services.calendars import coverage_warnings, sync_market_calendars
from GlobalMarkets.signals import market_closed, market_opened, market_status_changed
from GlobalMarkets.workers.monitor import MarketMonitor
from LiveData.redis_client import LiveDataRedis
from LiveData.tos.poller import TosPoller
from LiveData.tos.workbook import FileWorkbookReader
from tests.conftest import TOS_DATA
from thor_project import stack
from ThorTrading.models import MarketSession

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_services]

CAPTURING = {"Japan", "China", "India", "United Kingdom", "Pre_USA", "USA"}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def calendars(seeded: None) -> None:
    sync_market_calendars(start=date(2025, 10, 20), end=date(2025, 12, 31))


@pytest.fixture
def events() -> Iterator[list[tuple[str, str, datetime]]]:
    """Every signal sent, as (signal, country, at), in the order sent."""
    seen: list[tuple[str, str, datetime]] = []

    def opened(sender: Any, market: Market, at: datetime, **kw: Any) -> None:
        seen.append(("opened", market.country, at))

    def closed(sender: Any, market: Market, at: datetime, **kw: Any) -> None:
        seen.append(("closed", market.country, at))

    def changed(sender: Any, market: Market, new: str, at: datetime, **kw: Any) -> None:
        seen.append((new, market.country, at))

    market_opened.connect(opened)
    market_closed.connect(closed)
    market_status_changed.connect(changed)
    yield seen
    market_opened.disconnect(opened)
    market_closed.disconnect(closed)
    market_status_changed.disconnect(changed)


@pytest.fixture
def fresh_stack(live: LiveDataRedis) -> Iterator[None]:
    stack.reset_stack()
    yield
    stack.reset_stack()


def walk(
    monitor: MarketMonitor,
    clock: ManualClock,
    until: datetime,
    step: timedelta,
    poller: TosPoller | None = None,
    probe: dict[datetime, bool] | None = None,
) -> None:
    while clock.now() < until:
        clock.advance(seconds=step.total_seconds())
        if poller is not None:
            poller.poll_once()
        monitor.step()
        if probe is not None:
            probe[clock.now()] = stack.session_active()


def test_trading_days_come_from_the_real_calendars(calendars: None) -> None:
    usa = Market.objects.get(country="USA")
    thanksgiving = TradingDay.objects.get(market=usa, date=date(2025, 11, 27))
    assert thanksgiving.is_trading_day is False
    friday = TradingDay.objects.get(market=usa, date=date(2025, 11, 28))
    assert friday.early_close and friday.close_at == utc(2025, 11, 28, 18, 0)  # 13:00 New York
    # DST ended on 2 Nov 2025: the 09:30 New York open moves from 13:30 to 14:30 UTC.
    assert TradingDay.objects.get(market=usa, date=date(2025, 10, 31)).open_at == utc(2025, 10, 31, 13, 30)
    assert TradingDay.objects.get(market=usa, date=date(2025, 11, 3)).open_at == utc(2025, 11, 3, 14, 30)
    pre = TradingDay.objects.get(market__country="Pre_USA", date=date(2025, 11, 28))
    assert (pre.open_at, pre.close_at) == (utc(2025, 11, 28, 13, 30), utc(2025, 11, 28, 14, 30))  # its own hours
    shanghai = TradingDay.objects.get(market__country="China", date=date(2025, 12, 1))
    assert shanghai.break_start == utc(2025, 12, 1, 3, 30) and shanghai.break_end == utc(2025, 12, 1, 5, 0)


def test_admin_overrides_survive_a_sync(calendars: None) -> None:
    usa = Market.objects.get(country="USA")
    TradingDay.objects.filter(market=usa, date=date(2025, 12, 1)).update(
        is_trading_day=False, open_at=None, close_at=None, source=TradingDay.SOURCE_OVERRIDE
    )
    sync_market_calendars(start=date(2025, 11, 20), end=date(2025, 12, 31), markets=[usa])
    assert TradingDay.objects.get(market=usa, date=date(2025, 12, 1)).is_trading_day is False


def test_coverage_warning_for_xshg_and_xbom_without_breaking(
    seeded: None, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.set(utc(2026, 11, 21, 12))
    call_command("sync_market_calendars", "--days", "400")
    out = capsys.readouterr().out
    assert "XSHG has no data after 2026-12-31" in out and "XBOM has no data after 2026-12-31" in out
    warnings = coverage_warnings(date(2026, 11, 21))
    assert [w.split(":")[0] for w in warnings] == ["China", "India"]
    china = Market.objects.get(country="China")
    fallback = TradingDay.objects.get(market=china, date=date(2027, 3, 1))
    assert fallback.source == TradingDay.SOURCE_FALLBACK and fallback.open_at == utc(2027, 3, 1, 1, 30)
    from rest_framework.test import APIClient

    assert len(APIClient().get("/api/health/").json()["calendars"]["warnings"]) == 2


def test_a_shanghai_holiday_entered_for_2027_stops_the_capture_and_the_backtest_and_ends_the_guessing(
    seeded: None,
    live: LiveDataRedis,
    clock: ManualClock,
    fresh_stack: None,
    tmp_path: Any,
    capsys: pytest.CaptureFixture[str],
    settings: Any,
) -> None:
    from ThorTrading.services.backtest import backtest_opens

    settings.THOR_CAPTURE_RETRY_SECONDS = 0
    clock.set(utc(2026, 11, 21, 12))
    call_command("sync_market_calendars", "--days", "400")  # XSHG's data ends 2026-12-31: 2027 is guessed
    assert [w.split(":")[0] for w in coverage_warnings(date(2026, 11, 21))] == ["China", "India"]
    china = Market.objects.get(country="China")
    guessed = TradingDay.objects.get(market=china, date=date(2027, 2, 8))
    assert (guessed.source, guessed.is_trading_day) == (TradingDay.SOURCE_FALLBACK, True)
    holidays = tmp_path / "sse-2027.csv"
    holidays.write_text(
        "Date,Market,Closed,Open,Close,Source,Note\n"
        "2027-02-08,XSHG,true,,,SSE notice,Spring Festival\n"
        "2027-02-10,Shanghai,false,,11:30,SSE notice,half day (made up)\n"
        "2027-02-31,China,true,,,SSE notice,\n"
        "2027-02-12,Atlantis,true,,,SSE notice,\n"
    )
    with pytest.raises(CommandError, match="2 bad row"):
        call_command("import_holidays", str(holidays), "--covers-through", "2027-12-31")
    err = capsys.readouterr().err
    assert "line 4: date '2027-02-31' is not YYYY-MM-DD" in err
    assert "line 5: market 'Atlantis' is not a market's country, name or calendar code" in err
    closed = TradingDay.objects.get(market=china, date=date(2027, 2, 8))
    assert (closed.source, closed.is_trading_day, closed.note) == ("override", False, "SSE notice: Spring Festival")
    half = TradingDay.objects.get(market=china, date=date(2027, 2, 10))
    assert (half.early_close, half.open_at, half.close_at) == (True, utc(2027, 2, 10, 1, 30), utc(2027, 2, 10, 3, 30))
    # Health and the admin stop naming China for the span the list covers; India is still guessed.
    assert [w.split(":")[0] for w in coverage_warnings(date(2026, 11, 21))] == ["India"]
    known = TradingDay.objects.get(market=china, date=date(2027, 3, 1))
    assert known.source == TradingDay.SOURCE_STAFF and known.open_at == utc(2027, 3, 1, 1, 30)
    # A later sync keeps both the entered days and the span.
    call_command("sync_market_calendars", "--days", "400")
    assert not TradingDay.objects.get(market=china, date=date(2027, 2, 8)).is_trading_day
    assert TradingDay.objects.get(market=china, date=date(2027, 3, 1)).source == TradingDay.SOURCE_STAFF
    # The backtest's opens skip the holiday…
    opens = backtest_opens(start=date(2027, 2, 8), end=date(2027, 2, 9), markets=[china])
    assert [o.local_date for o in opens] == [date(2027, 2, 9)]
    # …and so does the monitor: Tokyo captures on Monday 8 February 2027, Shanghai does not.
    clock.set(utc(2027, 2, 7, 23, 50))
    TosPoller(FileWorkbookReader(TOS_DATA / "rtd_2025-11-26.xlsm"), live, clock=clock.now).poll_once()
    monitor = MarketMonitor(now=clock.now)
    monitor.step()
    walk(monitor, clock, utc(2027, 2, 8, 2, 0), timedelta(minutes=5))
    assert MarketSession.objects.filter(country="Japan").count() == 12
    assert not MarketSession.objects.filter(country="China").exists()
    assert Market.objects.get(country="China").status == "HOLIDAY"


def test_monday_1_december_2025_captures_and_closes_every_capturing_market_once(
    calendars: None,
    live: LiveDataRedis,
    clock: ManualClock,
    events: list[tuple[str, str, datetime]],
    fresh_stack: None,
    settings: Any,
) -> None:
    settings.THOR_CAPTURE_RETRY_SECONDS = 0
    clock.set(utc(2025, 11, 30, 20, 0))
    poller = TosPoller(FileWorkbookReader(TOS_DATA / "rtd_2025-11-29.xlsm"), live, clock=clock.now)
    poller.poll_once()
    monitor = MarketMonitor(now=clock.now)
    monitor.step()
    assert not stack.session_active()
    probe: dict[datetime, bool] = {}
    walk(monitor, clock, utc(2025, 12, 1, 23, 50), timedelta(minutes=10), poller, probe)

    groups = {
        c: set(MarketSession.objects.filter(country=c).values_list("capture_group", flat=True)) for c in CAPTURING
    }
    assert all(len(g) == 1 for g in groups.values()), groups
    assert set(MarketSession.objects.values_list("country", flat=True)) == CAPTURING
    assert MarketSession.objects.count() == 12 * 6
    assert MarketSession.objects.filter(market_close__isnull=True).count() == 0
    assert MarketSession.objects.filter(market_range__isnull=True).count() == 0
    closes = {country: at for kind, country, at in events if kind == "closed"}
    assert closes["Japan"] == utc(2025, 12, 1, 6, 30)  # 15:30 Tokyo
    assert closes["China"] == utc(2025, 12, 1, 7, 0)
    assert closes["India"] == utc(2025, 12, 1, 10, 0)
    assert closes["United Kingdom"] == utc(2025, 12, 1, 16, 30)
    assert closes["Pre_USA"] == utc(2025, 12, 1, 14, 30)
    assert closes["USA"] == utc(2025, 12, 1, 21, 0)
    opens = [(country, at) for kind, country, at in events if kind == "opened"]
    assert len(opens) == 10 and opens[0] == (
        "Japan",
        utc(2025, 12, 1, 0, 0),
    )  # all ten control markets open; six capture
    # signals were sent in time order, each transition once
    times = [at for _, _, at in events]
    assert times == sorted(times)
    assert len([e for e in events if e[0] == "OPEN"]) == 10
    # session workers: on from the first open (Tokyo, 00:00Z) to after the last close (21:00Z)
    assert probe[utc(2025, 11, 30, 23, 50)] is False
    assert all(active for at, active in probe.items() if utc(2025, 12, 1, 0, 0) <= at < utc(2025, 12, 1, 21, 0))
    assert probe[utc(2025, 12, 1, 21, 0)] is False


def test_thanksgiving_gives_no_usa_or_pre_usa_capture(
    calendars: None, live: LiveDataRedis, clock: ManualClock, fresh_stack: None, events: list[Any]
) -> None:
    clock.set(utc(2025, 11, 26, 22, 0))
    TosPoller(FileWorkbookReader(TOS_DATA / "rtd_2025-11-27.xlsm"), live, clock=clock.now).poll_once()
    monitor = MarketMonitor(now=clock.now)
    monitor.step()
    walk(monitor, clock, utc(2025, 11, 28, 0, 0), timedelta(minutes=15))
    assert not MarketSession.objects.filter(country__in=["USA", "Pre_USA"]).exists()
    assert {c for kind, c, _ in events if kind == "HOLIDAY"} >= {"USA", "Pre_USA"}
    assert MarketSession.objects.filter(country="United Kingdom").count() == 12


def test_london_early_close_closes_at_half_past_twelve(
    calendars: None, live: LiveDataRedis, clock: ManualClock, fresh_stack: None, events: list[Any]
) -> None:
    clock.set(utc(2025, 12, 24, 6, 0))
    monitor = MarketMonitor(now=clock.now)
    monitor.step()
    walk(monitor, clock, utc(2025, 12, 24, 14, 0), timedelta(minutes=5))
    assert ("closed", "United Kingdom", utc(2025, 12, 24, 12, 30)) in events
    assert ("PRECLOSE", "United Kingdom", utc(2025, 12, 24, 12, 15)) in events


def test_amsterdam_opens_and_closes_on_the_xams_calendar_early_on_christmas_eve(
    calendars: None, live: LiveDataRedis, clock: ManualClock, fresh_stack: None, events: list[Any]
) -> None:
    """Euronext Amsterdam (the market-open plan's region) is a control market on XAMS: 24 Dec 2025
    opens at 09:00 and closes early at 14:05 Amsterdam time; its capture is off by default, so the
    open captures nothing."""
    day = TradingDay.objects.get(market__country="Netherlands", date=date(2025, 12, 24))
    assert day.early_close and day.close_at == utc(2025, 12, 24, 13, 5)  # 14:05 CET
    clock.set(utc(2025, 12, 24, 7, 0))
    monitor = MarketMonitor(now=clock.now)
    monitor.step()
    walk(monitor, clock, utc(2025, 12, 24, 14, 0), timedelta(minutes=5))
    assert ("opened", "Netherlands", utc(2025, 12, 24, 8, 0)) in events  # 09:00 CET
    assert ("closed", "Netherlands", utc(2025, 12, 24, 13, 5)) in events
    assert not MarketSession.objects.filter(country="Netherlands").exists()
    assert not TradingDay.objects.get(market__country="Netherlands", date=date(2025, 12, 25)).is_trading_day


def test_many_concurrent_open_signals_give_one_capture(
    calendars: None, live: LiveDataRedis, clock: ManualClock, fresh_stack: None, settings: Any
) -> None:
    settings.THOR_CAPTURE_RETRY_SECONDS = 0.01
    clock.set(utc(2025, 12, 1, 14, 30))
    TosPoller(FileWorkbookReader(TOS_DATA / "rtd_2025-12-02.xlsm"), live, clock=clock.now).poll_once()
    usa = Market.objects.get(country="USA")
    start = threading.Barrier(50)

    def fire() -> None:
        from django.db import connection

        try:
            start.wait()
            market_opened.send(sender=Market, market=usa, at=clock.now())
        finally:
            connection.close()

    threads = [threading.Thread(target=fire) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert MarketSession.objects.filter(country="USA").count() == 12
    assert MarketSession.objects.values("capture_group").distinct().count() == 1


def test_restart_mid_session_neither_repeats_the_capture_nor_loses_grading(
    calendars: None, live: LiveDataRedis, clock: ManualClock, fresh_stack: None, events: list[Any]
) -> None:
    from decimal import Decimal

    from ThorTrading.workers.grader import Grader

    clock.set(utc(2025, 12, 1, 14, 0))
    # The feed keeps polling (a capture refuses to trade on a quote the feed stopped updating).
    poller = TosPoller(FileWorkbookReader(TOS_DATA / "rtd_2025-12-02.xlsm"), live, clock=clock.now)
    poller.poll_once()
    first = MarketMonitor(now=clock.now)
    first.step()
    walk(first, clock, utc(2025, 12, 1, 14, 40), timedelta(minutes=5), poller)
    assert MarketSession.objects.filter(country="USA").count() == 12
    Grader(live, block_ms=10).step()  # the grader of the first process has read everything so far
    # The process stops. While it is down, a tick touches a USA target.
    row = MarketSession.objects.filter(country="USA", wndw="PENDING").exclude(future="TOTAL").first()
    assert row is not None
    quote = live.get_latest_quote(row.future)
    assert quote is not None
    touch = row.target_high if row.side > 0 else row.target_low
    quote.update(bid=touch, ask=touch, last=touch, ts_ingest=clock.advance(minutes=1).isoformat())
    live.publish_quote(quote)
    # A new process starts: its monitor bootstraps, its grader resumes from the stream.
    opened_before = len([e for e in events if e[0] == "opened"])
    second = MarketMonitor(now=clock.now)
    second.step()
    Grader(live, block_ms=10).step()
    assert len([e for e in events if e[0] == "opened"]) == opened_before  # no second open
    assert MarketSession.objects.filter(country="USA").count() == 12
    assert MarketSession.objects.get(pk=row.pk).wndw == "WORKED"
    assert MarketSession.objects.get(pk=row.pk).target_hit_price == Decimal(touch)
    assert stack.session_active()


def test_a_missed_open_inside_the_catch_up_window_is_captured_late(
    calendars: None, live: LiveDataRedis, clock: ManualClock, fresh_stack: None
) -> None:
    # Thor was down at the 08:00Z London open and starts at 08:20Z: bootstrap captures it, late.
    clock.set(utc(2025, 12, 1, 8, 20))
    TosPoller(FileWorkbookReader(TOS_DATA / "rtd_2025-12-02.xlsm"), live, clock=clock.now).poll_once()
    MarketMonitor(now=clock.now).step()
    uk = MarketSession.objects.filter(country="United Kingdom")
    assert uk.count() == 12 and all(r.late for r in uk)


def test_an_open_long_past_the_catch_up_window_is_not_captured(
    calendars: None, live: LiveDataRedis, clock: ManualClock, fresh_stack: None
) -> None:
    from rest_framework.test import APIClient

    from ThorTrading.models import MissedCapture
    from ThorTrading.services.capture import catch_up_captures

    clock.set(utc(2025, 12, 1, 10, 0))  # London opened two hours ago
    MarketMonitor(now=clock.now).step()
    assert not MarketSession.objects.filter(country="United Kingdom").exists()
    assert Market.objects.get(country="United Kingdom").status == "OPEN"
    # …but it is not forgotten: the catch-up scan records each trading market's uncaptured open, once.
    for _ in range(2):
        assert catch_up_captures(now=clock.now()) == []
    missed = {m.country: m for m in MissedCapture.objects.all()}
    assert set(missed) == {"United Kingdom"}  # Bombay (03:45–10:00Z) has just closed: not trading now
    assert missed["United Kingdom"].expected_open == utc(2025, 12, 1, 8, 0)
    assert missed["United Kingdom"].error == "Thor was not running at the open nor within the 30-minute catch-up window"
    shown = APIClient().get("/api/health/").json()["captures"]["missed"]
    assert [(m["country"], m["expected_open"]) for m in shown] == [("United Kingdom", "2025-12-01T08:00:00+00:00")]


def test_a_failed_open_capture_is_retried_by_the_catch_up_scan(
    calendars: None,
    live: LiveDataRedis,
    clock: ManualClock,
    fresh_stack: None,
    redis_server: Any,
    settings: Any,
) -> None:
    from ThorTrading.models import MissedCapture
    from ThorTrading.services.capture import catch_up_captures

    if redis_server is None:
        pytest.skip("needs fakeredis to cut Redis off")
    settings.THOR_CAPTURE_RETRY_SECONDS = 0
    clock.set(utc(2025, 12, 1, 7, 55))
    TosPoller(FileWorkbookReader(TOS_DATA / "rtd_2025-12-02.xlsm"), live, clock=clock.now).poll_once()
    monitor = MarketMonitor(now=clock.now)
    monitor.step()
    redis_server.connected = False
    walk(monitor, clock, utc(2025, 12, 1, 8, 5), timedelta(minutes=5))
    assert MissedCapture.objects.filter(country="United Kingdom").exists()
    redis_server.connected = True
    clock.advance(minutes=5)
    assert [r.status for r in catch_up_captures(now=clock.now())] == ["captured"]
    assert MarketSession.objects.filter(country="United Kingdom", late=True).count() == 12


def test_staff_import_holidays_in_the_admin_and_bad_rows_are_named(calendars: None) -> None:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client()
    client.force_login(User.objects.create_superuser("boss", password="x"))
    page = client.get("/admin/GlobalMarkets/tradingday/")
    assert b"Import holidays (CSV)" in page.content
    upload = SimpleUploadedFile(
        "holidays.csv",
        b"date,market,closed,open,close,source\n2025-12-15,USA,true,,,desk memo\n2025-12-16,USA,maybe,,,desk memo\n",
        content_type="text/csv",
    )
    response = client.post("/admin/GlobalMarkets/tradingday/import/", {"file": upload}, follow=True)
    notes = [str(m) for m in response.context["messages"]]
    assert "Imported 1 day(s) (USA: 1)." in notes
    assert "Not imported: line 3: closed 'maybe' is not true or false" in notes
    day = TradingDay.objects.get(market__country="USA", date=date(2025, 12, 15))
    assert (day.is_trading_day, day.source, day.note) == (False, "override", "desk memo")
    trader = Client()
    trader.force_login(User.objects.create_user("trader", password="x"))
    assert trader.get("/admin/GlobalMarkets/tradingday/import/").status_code == 302  # not staff: to the login
