"""The grader worker against the quote stream (SPEC §7): first touch, once, and resumable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from core.clock import ManualClock
from core.workers import Worker
from GlobalMarkets.models import Market
from LiveData.redis_client import LiveDataRedis
from tests.conftest import TOS_DATA, wait_for
from ThorTrading.models import MarketSession
from ThorTrading.services.capture import capture_market_open
from ThorTrading.services.grading import expire_overdue, grade_quotes
from ThorTrading.workers.grader import Grader

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_services]


@pytest.fixture
def captured(seeded: None, live: LiveDataRedis, clock: ManualClock, settings: Any) -> None:
    """USA captured at 2025-11-26 14:30Z from that day's quotes: YM long from 46663 (target 46683,
    stop 46643), ES short from 6708.25 (target 6706.25, stop 6710.25), NQ short from 24744.75."""
    settings.THOR_WORKBOOK = str(TOS_DATA / "rtd_2025-11-26.xlsm")
    call_command("poll_tos_excel", "--once")
    assert capture_market_open(market=Market.objects.get(country="USA")).status == "captured"


@pytest.fixture
def grader(live: LiveDataRedis) -> Iterator[Worker]:
    worker = Worker("test-grader", Grader(live, block_ms=50).step)
    worker.start()
    yield worker
    worker.stop()


def tick(live: LiveDataRedis, clock: ManualClock, symbol: str, **prices: str) -> str:
    """Publish ``symbol``'s latest quote with new prices, stamped one second later; returns the stamp."""
    quote = live.get_latest_quote(symbol)
    assert quote is not None
    quote.update({k: Decimal(v) for k, v in prices.items()})
    quote["ts_ingest"] = clock.advance(seconds=1).isoformat()
    live.publish_quote(quote)
    return str(quote["ts_ingest"])


def row(future: str, group: int = 1) -> MarketSession:
    return MarketSession.objects.get(future=future, capture_group=group)


def test_long_is_worked_when_bid_touches_target_even_if_it_falls_back_at_once(
    captured: None, grader: Worker, live: LiveDataRedis, clock: ManualClock
) -> None:
    touched = tick(live, clock, "YM", bid="46683", ask="46685", last="46684")
    tick(live, clock, "YM", bid="46670", ask="46672", last="46671")
    wait_for(lambda: row("YM").wndw == "WORKED", timeout=1.0)
    ym = row("YM")
    assert (ym.target_hit_price, ym.target_hit_type, ym.pnl_usd) == (Decimal(46683), "TARGET", Decimal("100.00"))
    assert ym.target_hit_at is not None and ym.target_hit_at.isoformat() == touched
    assert ym.resolved_at == ym.target_hit_at  # a touch resolves the trade when it happens


def test_short_is_didnt_work_when_ask_touches_stop(
    captured: None, grader: Worker, live: LiveDataRedis, clock: ManualClock
) -> None:
    tick(live, clock, "ES", bid="6710.00", ask="6710.25", last="6710.25")
    wait_for(lambda: row("ES").wndw == "DIDNT_WORK", timeout=1.0)
    es = row("ES")
    assert (es.target_hit_price, es.target_hit_type, es.pnl_usd) == (Decimal("6710.25"), "STOP", Decimal("-100.00"))


def test_the_ask_above_a_long_target_does_not_grade_it(
    captured: None, grader: Worker, live: LiveDataRedis, clock: ManualClock
) -> None:
    tick(live, clock, "YM", bid="46682", ask="46690", last="46690")
    tick(live, clock, "ES", bid="6706.00", ask="6706.25", last="6706.25")  # a marker that grading ran
    wait_for(lambda: row("ES").wndw == "WORKED", timeout=1.0)
    assert row("YM").wndw == "PENDING"


def test_each_row_resolves_once(captured: None, grader: Worker, live: LiveDataRedis, clock: ManualClock) -> None:
    tick(live, clock, "YM", bid="46683", ask="46684", last="46683")
    wait_for(lambda: row("YM").wndw == "WORKED", timeout=1.0)
    first = row("YM")
    tick(live, clock, "YM", bid="46600", ask="46601", last="46600")  # through the stop afterwards
    tick(live, clock, "ES", bid="6706.00", ask="6706.25", last="6706.25")
    wait_for(lambda: row("ES").wndw == "WORKED", timeout=1.0)
    after = row("YM")
    assert (after.wndw, after.target_hit_at, after.target_hit_price) == (
        "WORKED",
        first.target_hit_at,
        first.target_hit_price,
    )


def test_a_restarted_grader_grades_ticks_that_arrived_while_it_was_stopped(
    captured: None, live: LiveDataRedis, clock: ManualClock
) -> None:
    first = Worker("grader-1", Grader(live, block_ms=50).step)
    first.start()
    tick(live, clock, "ES", bid="6706.00", ask="6706.25", last="6706.25")
    wait_for(lambda: row("ES").wndw == "WORKED", timeout=1.0)
    first.stop()
    tick(live, clock, "NQ", bid="24739.50", ask="24739.75", last="24739.75")  # NQ short target, grader down
    assert row("NQ").wndw == "PENDING"
    second = Worker("grader-2", Grader(live, block_ms=50).step)
    second.start()
    try:
        wait_for(lambda: row("NQ").wndw == "WORKED", timeout=1.0)
    finally:
        second.stop()
    assert row("ES").wndw == "WORKED"


def test_unacknowledged_entries_are_graded_after_a_crash(
    captured: None, live: LiveDataRedis, clock: ManualClock
) -> None:
    from ThorTrading.workers.grader import CONSUMER, GROUP

    live.ensure_group(GROUP)
    tick(live, clock, "ES", bid="6706.00", ask="6706.25", last="6706.25")
    # A grader read the entry and died before grading it: the entry stays pending, unacknowledged.
    entries = live.read_stream(group=GROUP, consumer=CONSUMER, block_ms=10)
    assert entries[-1][1]["symbol"] == "ES"  # type: ignore[index]
    Grader(live, block_ms=10).step()
    assert row("ES").wndw == "WORKED"
    assert live.client.xpending("live_data:stream:quotes", GROUP)["pending"] == 0


def test_total_is_graded_on_ym(seeded: None, live: LiveDataRedis, clock: ManualClock, settings: Any) -> None:
    settings.THOR_WORKBOOK = str(TOS_DATA / "rtd_2025-11-26.xlsm")
    call_command("poll_tos_excel", "--once")
    for symbol, change in {"ES": "10", "NQ": "20"}.items():  # composite becomes BUY
        tick(live, clock, symbol, change=change)
    capture_market_open(market=Market.objects.get(country="USA"))
    assert row("TOTAL").bhs == "BUY"
    Grader(live, block_ms=10).step()  # consume the setup ticks (they predate the capture)
    tick(live, clock, "YM", bid="46643", ask="46644", last="46643")
    Grader(live, block_ms=10).step()
    total = row("TOTAL")
    assert (total.wndw, total.target_hit_type, total.pnl_usd) == ("DIDNT_WORK", "STOP", Decimal("-100.00"))


def test_excursions_grow_as_the_trade_runs_and_are_final_at_its_resolution(
    captured: None, live: LiveDataRedis, clock: ManualClock
) -> None:
    """Issue 26: YM long from 46,663 (target 46,683, stop 46,643), graded on the bid. The bid dips to
    46,650 (13 points against: MAE $65) and rises to 46,670 (7 for: MFE $35) without a touch; the
    row, still PENDING, says so. Then 46,683 reaches the target: MFE 20 points ($100), MAE stays 13."""
    quote = live.get_latest_quote("YM")
    assert quote is not None
    stamps = []
    for bid in ("46650", "46670"):
        stamps.append(clock.advance(seconds=30))
        grade_quotes([{**quote, "bid": Decimal(bid), "ts_ingest": stamps[-1].isoformat()}], now=clock.now())
    ym = row("YM")
    assert ym.wndw == "PENDING"
    assert (ym.mfe_points, ym.mae_points, ym.mfe_usd, ym.mae_usd) == (
        Decimal(7),
        Decimal(13),
        Decimal("35.00"),
        Decimal("65.00"),
    )
    assert (ym.mae_at, ym.mfe_at) == (stamps[0], stamps[1])
    grade_quotes(
        [{**quote, "bid": Decimal("46660"), "ts_ingest": clock.advance(seconds=30).isoformat()}], now=clock.now()
    )
    assert row("YM").mfe_at == stamps[1]  # nothing beyond: nothing written
    touched = clock.advance(seconds=30)
    assert grade_quotes([{**quote, "bid": Decimal("46683"), "ts_ingest": touched.isoformat()}], now=clock.now()) >= 1
    ym = row("YM")
    assert (ym.wndw, ym.mfe_points, ym.mae_points, ym.mfe_usd, ym.mfe_at, ym.mae_at) == (
        "WORKED", Decimal(20), Decimal(13), Decimal("100.00"), touched, stamps[0]
    )  # fmt: skip


def test_quotes_older_than_the_capture_never_grade_it(captured: None, live: LiveDataRedis, clock: ManualClock) -> None:
    quote = live.get_latest_quote("YM")
    assert quote is not None
    quote.update(bid=Decimal(46700), ts_ingest=(clock.now() - timedelta(minutes=1)).isoformat())
    assert grade_quotes([quote], now=clock.now()) == 0
    assert row("YM").wndw == "PENDING"


def test_rows_past_the_evaluation_window_expire(captured: None, clock: ManualClock) -> None:
    Market.objects.filter(country="USA").update(evaluation_window_minutes=60)
    clock.advance(minutes=59)
    assert expire_overdue(now=clock.now()) == 0
    clock.advance(minutes=2)
    pending = MarketSession.objects.filter(wndw="PENDING").count()
    assert pending > 0
    assert expire_overdue(now=clock.now()) == pending
    assert set(MarketSession.objects.filter(wndw="EXPIRED").values_list("pnl_usd", flat=True)) == {Decimal(0)}
    # An EXPIRED row says when (the window's end, not when the expiry ran) and why.
    expired = MarketSession.objects.filter(wndw="EXPIRED").first()
    assert expired is not None
    assert expired.resolved_at == expired.captured_at + timedelta(minutes=60)
    assert expired.reason == "USA's 60-minute evaluation window ended before the target or the stop was touched"


def test_quotes_stamped_ahead_of_the_clock_never_grade(captured: None, live: LiveDataRedis, clock: ManualClock) -> None:
    quote = live.get_latest_quote("YM")
    assert quote is not None
    quote.update(bid=Decimal(46700), ts_ingest=(clock.now() + timedelta(days=300)).isoformat())
    assert grade_quotes([quote], now=clock.now()) == 0
    assert row("YM").wndw == "PENDING"


def test_the_global_window_expires_rows_unless_the_market_overrides_it(
    captured: None, clock: ManualClock, settings: Any
) -> None:
    # THOR_EVALUATION_WINDOW_MINUTES (30 by default, the market-open plan's window); a market may say 0 = never.
    assert expire_overdue(now=clock.now() + timedelta(minutes=29)) == 0
    Market.objects.filter(country="USA").update(evaluation_window_minutes=0)
    assert expire_overdue(now=clock.now() + timedelta(hours=5)) == 0
    Market.objects.filter(country="USA").update(evaluation_window_minutes=None)
    settings.THOR_EVALUATION_WINDOW_MINUTES = 0
    assert expire_overdue(now=clock.now() + timedelta(hours=5)) == 0
    settings.THOR_EVALUATION_WINDOW_MINUTES = 30
    expired = expire_overdue(now=clock.now() + timedelta(minutes=30))
    assert expired == MarketSession.objects.filter(wndw="EXPIRED").count() > 0
    assert set(MarketSession.objects.filter(wndw="EXPIRED").values_list("pnl_usd", flat=True)) == {Decimal(0)}


def test_a_capture_made_by_hand_on_a_weekend_is_graded_by_the_next_touching_tick(
    seeded: None, live: LiveDataRedis, clock: ManualClock, settings: Any
) -> None:
    from thor_project import stack

    clock.set(datetime(2025, 11, 30, 12, 0, tzinfo=UTC))  # Sunday: no control market trades
    settings.THOR_WORKBOOK = str(TOS_DATA / "rtd_2025-11-26.xlsm")
    call_command("poll_tos_excel", "--once")
    call_command("capture_market_open", "--market", "USA", stdout=StringIO())
    stack.reset_stack()
    supervisor = stack.start_stack()
    try:
        wait_for(lambda: supervisor.status()["workers"]["thor-grader"]["running"], timeout=5.0)
        assert not stack.session_active()  # the markets are shut, the grader runs all the same
        tick(live, clock, "YM", bid="46683", ask="46685", last="46684")
        wait_for(lambda: row("YM").wndw == "WORKED", timeout=5.0)
    finally:
        stack.reset_stack()


def test_a_grader_stopped_while_the_stream_was_trimmed_grades_the_missed_span_from_the_archive(
    captured: None, live: LiveDataRedis, clock: ManualClock, tmp_path: Path
) -> None:
    from LiveData.archive import TickArchive
    from LiveData.recorder import TickRecorder
    from LiveData.redis_client import QUOTE_STREAM_KEY
    from ThorTrading.workers.grader import STATUS_KEY

    archive = TickArchive(tmp_path)
    recorder = TickRecorder(live, archive, block_ms=10, flush_seconds=0)
    Grader(live, block_ms=10, archive=archive).step()  # the grader has read everything so far, then stops
    touched = tick(live, clock, "YM", bid="46683", ask="46685", last="46684")  # YM's target, grader down
    tick(live, clock, "ES", bid="6708.00", ask="6708.25", last="6708.00")
    recorder.step()
    live.client.xtrim(QUOTE_STREAM_KEY, maxlen=0, approximate=False)  # the capped stream moved on
    tick(live, clock, "CL", bid="59.00", ask="59.01", last="59.00")
    assert row("YM").wndw == "PENDING"
    Grader(live, block_ms=10, archive=archive).step()
    ym = row("YM")
    assert (ym.wndw, ym.target_hit_price, ym.pnl_usd) == ("WORKED", Decimal(46683), Decimal("100.00"))
    assert ym.target_hit_at is not None and ym.target_hit_at.isoformat() == touched
    assert row("ES").wndw == "PENDING"
    status = live.client.hgetall(STATUS_KEY)["archive_catch_up"]
    assert "trimmed past the grader's position" in status and "graded 2 archived ticks" in status
    from rest_framework.test import APIClient

    assert "graded 2 archived ticks" in APIClient().get("/api/health/").json()["grader"]["archive_catch_up"]


def test_a_grader_behind_the_stream_never_expires_a_window_before_reading_its_ticks(
    captured: None, live: LiveDataRedis, clock: ManualClock
) -> None:
    # A fast replay: the clock runs 40 minutes past the capture while the touching tick, stamped 10
    # minutes after it, still waits on the stream behind a full batch of others.
    grader = Grader(live, block_ms=10, batch=5)
    while not grader.caught_up:  # the capture's own quotes
        grader.step()
    for _ in range(6):
        tick(live, clock, "CL", bid="59.00", ask="59.01", last="59.00")
    clock.advance(minutes=10)
    tick(live, clock, "YM", bid="46683", ask="46685", last="46684")
    clock.advance(minutes=30)
    grader._last_sweep = 0.0
    grader.step()  # reads 5 of 7 entries: not caught up, the watermark is minutes after the capture
    assert not grader.caught_up and MarketSession.objects.filter(wndw="EXPIRED").count() == 0
    grader._last_sweep = 0.0
    grader.step()  # the rest, including YM's touch at +10 minutes, inside the 30-minute window
    assert row("YM").wndw == "WORKED"
    grader._last_sweep = 0.0
    grader.step()  # caught up: what is still pending 40 minutes on has expired
    assert row("ES").wndw == "EXPIRED" and row("YM").wndw == "WORKED"
