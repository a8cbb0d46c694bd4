"""Intraday metrics from a generated tick tape equal an independent computation (SPEC §8).

The tape: four hours (19:30–23:30 UTC on Monday 1 December 2025) of all eleven symbols, ticking at
irregular times, with quiet stretches, a cumulative-volume reset for one symbol mid-session and for
all at the CME day boundary (23:00 UTC = 17:00 Chicago), and the worker "crashing" mid-minute. The
expected figures below are computed from the tape in plain Python, without the code under test.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.clock import ManualClock
from GlobalMarkets.models import Market
from GlobalMarkets.services.calendars import sync_market_calendars
from LiveData.redis_client import LiveDataRedis
from ThorTrading.models import FutureTrading24Hour, MarketIntraday, MarketSession, Rolling52WeekStats, VwapMinute
from ThorTrading.services.capture import capture_market_open
from ThorTrading.services.close_capture import capture_market_close
from ThorTrading.workers.intraday import IntradayWorker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_services]

SYMBOLS = ["YM", "ES", "NQ", "RTY", "CL", "SI", "HG", "GC", "VX", "DX", "ZB"]
START = datetime(2025, 12, 1, 19, 30, tzinfo=UTC)
END = datetime(2025, 12, 1, 23, 30, tzinfo=UTC)
CAPTURE_AT = datetime(2025, 12, 1, 19, 30, 0, tzinfo=UTC)
CLOSE_AT = datetime(2025, 12, 1, 21, 0, tzinfo=UTC)
CME_BOUNDARY = datetime(2025, 12, 1, 23, 0, tzinfo=UTC)
CRASH_MINUTE = datetime(2025, 12, 1, 21, 40, tzinfo=UTC)
TICK = {
    "YM": "1",
    "ES": "0.25",
    "NQ": "0.25",
    "RTY": "0.1",
    "CL": "0.01",
    "SI": "0.005",
    "HG": "0.0005",
    "GC": "0.1",
    "VX": "0.05",
    "DX": "0.005",
    "ZB": "0.03125",
}
BASE = {
    "YM": "47500",
    "ES": "6850",
    "NQ": "25400",
    "RTY": "2500",
    "CL": "58.5",
    "SI": "57.2",
    "HG": "5.27",
    "GC": "4255",
    "VX": "18.2",
    "DX": "99.5",
    "ZB": "117.40625",
}


@dataclass
class Tick:
    at: datetime
    symbol: str
    last: Decimal | None
    bid: Decimal | None
    ask: Decimal | None
    volume: int | None


def make_tape(seed: int = 20251201) -> list[Tick]:
    rng = random.Random(seed)
    tape: list[Tick] = []
    for symbol in SYMBOLS:
        tick, price = Decimal(TICK[symbol]), Decimal(BASE[symbol])
        volume = rng.randint(1000, 50000) if symbol != "DX" else None
        at = START - timedelta(seconds=rng.randint(1, 50))  # a first tick before the capture
        quiet_from = START + timedelta(minutes=rng.randint(20, 200))
        quiet_to = quiet_from + timedelta(minutes=rng.randint(3, 12))  # minutes without any tick
        reset_at = START + timedelta(minutes=100) if symbol == "CL" else None
        while at < END:
            if not quiet_from <= at < quiet_to:
                price = max(tick, price + tick * rng.randint(-4, 4))
                if volume is not None:
                    if reset_at is not None and at >= reset_at:
                        volume, reset_at = rng.randint(0, 30), None  # the feed restarted its counter
                    elif at >= CME_BOUNDARY and volume > 100_000_000:
                        pass
                    else:
                        volume += rng.randint(0, 40)
                last = None if rng.random() < 0.03 else price  # now and then a tick without a last
                bid = price - tick if symbol != "DX" else None
                ask = price + tick if symbol != "DX" else None
                tape.append(Tick(at, symbol, last, bid, ask, volume))
            at += timedelta(
                seconds=rng.choice([1, 2, 3, 5, 8, 13, 21, 34, 55, 89]), microseconds=rng.randint(0, 999_999)
            )
    # The CME day boundary resets every cumulative volume: model it as a jump down at 23:00.
    for t in tape:
        if t.at >= CME_BOUNDARY and t.volume is not None:
            t.volume = t.volume % 997
    tape.sort(key=lambda t: (t.at, SYMBOLS.index(t.symbol)))
    return tape


# --- the independent computation ------------------------------------------------------------------
def minute_of(at: datetime) -> datetime:
    return datetime(at.year, at.month, at.day, at.hour, at.minute, tzinfo=UTC)


def deltas(tape: list[Tick]) -> list[int]:
    previous: dict[str, int | None] = {}
    out = []
    for t in tape:
        before = previous.get(t.symbol)
        if t.volume is None or before is None:
            out.append(0)
        elif t.volume >= before:
            out.append(t.volume - before)
        else:
            out.append(t.volume)
        if t.volume is not None:
            previous[t.symbol] = t.volume
    return out


def expected_bars(tape: list[Tick]) -> dict[tuple[str, datetime], dict[str, Any]]:
    bars: dict[tuple[str, datetime], dict[str, Any]] = {}
    for t, d in zip(tape, deltas(tape), strict=True):
        if t.last is None:
            continue
        key = (t.symbol, minute_of(t.at))
        bar = bars.setdefault(
            key, {"open": t.last, "high": t.last, "low": t.last, "close": t.last, "volume": 0, "pv": Decimal(0)}
        )
        bar["high"], bar["low"], bar["close"] = max(bar["high"], t.last), min(bar["low"], t.last), t.last
        bar["volume"] += d
        bar["pv"] += t.last * d
    return bars


def cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- the run ------------------------------------------------------------------------------------
def publish(live: LiveDataRedis, tick: Tick) -> None:
    live.publish_quote(
        {
            "symbol": tick.symbol,
            "last": tick.last,
            "bid": tick.bid,
            "ask": tick.ask,
            "volume": tick.volume,
            "close": Decimal(BASE[tick.symbol]),
            "ts_ingest": tick.at.isoformat(),
            "source": "replay",
        }
    )


@pytest.mark.slow
def test_tape_gives_bars_vwap_days_session_metrics_and_extremes_equal_to_an_independent_computation(
    seeded: None, live: LiveDataRedis, clock: ManualClock, settings: Any
) -> None:
    settings.THOR_CAPTURE_RETRY_SECONDS = 0
    sync_market_calendars(start=date(2025, 11, 28), end=date(2025, 12, 3), markets=Market.objects.filter(country="USA"))
    tape = make_tape()
    by_minute: dict[datetime, list[Tick]] = defaultdict(list)
    for t in tape:
        by_minute[minute_of(t.at)].append(t)
    worker = IntradayWorker(live, symbols=SYMBOLS, block_ms=1, grace_seconds=0)
    minute = minute_of(tape[0].at)
    captured = closed = crashed = False
    steps = 0
    with CaptureQueriesContext(connection) as queries:
        while minute <= minute_of(END):
            ticks = by_minute.get(minute, [])
            if not captured and minute == CAPTURE_AT:
                clock.set(CAPTURE_AT)
                assert capture_market_open(market=Market.objects.get(country="USA")).status == "captured"
                captured = True
            if not closed and minute == CLOSE_AT:
                clock.set(CLOSE_AT)
                while worker.step() == 0.0 and steps < 10_000:  # drain, so 20:59 is stored before the close
                    steps += 1
                assert capture_market_close(country="USA").status == "ok"
                closed = True
            half = len(ticks) // 2 if minute == CRASH_MINUTE else len(ticks)
            for t in ticks[:half]:
                clock.set(t.at)
                publish(live, t)
            if minute == CRASH_MINUTE:
                worker.step()  # reads and applies half of the minute, acknowledges none of it …
                worker = IntradayWorker(live, symbols=SYMBOLS, block_ms=1, grace_seconds=0)  # … and dies
                crashed = True
                for t in ticks[half:]:
                    clock.set(t.at)
                    publish(live, t)
            minute += timedelta(minutes=1)
            clock.set(minute)
            while worker.step() == 0.0:
                steps += 1
            if minute == CAPTURE_AT + timedelta(minutes=30):  # mid-session: filled, not final
                ym = MarketSession.objects.get(country="USA", future="YM")
                assert ym.session_volume and ym.market_high_open is not None and ym.market_high_open >= ym.market_open
                assert ym.market_close is None and ym.market_range is None
    assert captured and closed and crashed

    # 1-minute bars, exactly; no bar without a tick; bid/ask of the minute's last tick
    want = expected_bars(tape)
    got = {(b.symbol, b.minute): b for b in MarketIntraday.objects.all()}
    assert set(got) == set(want)
    for key, bar in want.items():
        row = got[key]
        assert (row.open, row.high, row.low, row.close, row.volume) == (
            bar["open"],
            bar["high"],
            bar["low"],
            bar["close"],
            bar["volume"],
        ), key
    # VWAP per minute, to the cent
    vwaps = {(v.symbol, v.minute): v for v in VwapMinute.objects.all()}
    for key, bar in want.items():
        expected_vwap = bar["pv"] / bar["volume"] if bar["volume"] else None
        assert cents(vwaps[key].vwap) == cents(expected_vwap), key

    # CME days: Monday 1 Dec ends at 23:00 UTC, Tuesday's day starts there
    for symbol in SYMBOLS:
        for trading_day, (lo, hi) in {
            date(2025, 12, 1): (START - timedelta(hours=1), CME_BOUNDARY),
            date(2025, 12, 2): (CME_BOUNDARY, END + timedelta(hours=1)),
        }.items():
            bars = sorted((k[1], v) for k, v in want.items() if k[0] == symbol and lo <= k[1] < hi)
            row = FutureTrading24Hour.objects.get(symbol=symbol, trading_day=trading_day)
            volume = sum(v["volume"] for _, v in bars)
            pv = sum((v["pv"] for _, v in bars), Decimal(0))
            assert (row.open, row.high, row.low, row.last, row.volume) == (
                bars[0][1]["open"],
                max(v["high"] for _, v in bars),
                min(v["low"] for _, v in bars),
                bars[-1][1]["close"],
                volume,
            ), (symbol, trading_day)
            assert cents(row.vwap) == cents(pv / volume if volume else None)
            assert row.finalized is (trading_day == date(2025, 12, 1))
        monday = FutureTrading24Hour.objects.get(symbol=symbol, trading_day=date(2025, 12, 1))
        assert FutureTrading24Hour.objects.get(symbol=symbol, trading_day=date(2025, 12, 2)).prev_close == monday.close

    # session metrics of the USA capture: bars from 19:30 up to the 21:00 close; TOTAL follows YM
    for session in MarketSession.objects.filter(country="USA"):
        symbol = "YM" if session.future == "TOTAL" else session.future
        before = [t for t in tape if t.symbol == symbol and t.at <= CAPTURE_AT and t.last is not None]
        open_ = before[-1].last
        window = [v for (s, m), v in want.items() if s == symbol and CAPTURE_AT <= m < CLOSE_AT]
        close_ = [t for t in tape if t.symbol == symbol and t.at < CLOSE_AT and t.last is not None][-1].last
        high = max([open_, close_] + [v["high"] for v in window])
        low = min([open_, close_] + [v["low"] for v in window])
        assert session.market_open == open_, symbol
        assert (session.market_high_open, session.market_low_open, session.market_close) == (high, low, close_), symbol
        assert session.session_volume == sum(v["volume"] for v in window), symbol
        assert session.market_range == high - low
        assert cents(session.market_high_pct_open) == cents((high - open_) / open_ * 100)
        assert cents(session.market_low_pct_open) == cents((low - open_) / open_ * 100)
        assert cents(session.market_close_vs_open_pct) == cents((close_ - open_) / open_ * 100)
        assert cents(session.market_range_pct) == cents((high - low) / open_ * 100)
        assert cents(session.market_high_pct_close) == cents((high - close_) / high * 100)

    # 52-week extremes: the two days seen
    for symbol in SYMBOLS:
        stats = Rolling52WeekStats.objects.get(symbol=symbol)
        prices = [t.last for t in tape if t.symbol == symbol and t.last is not None]
        assert (stats.high_52w, stats.low_52w, stats.history_days) == (max(prices), min(prices), 2)

    # nothing written per tick: writes scale with minutes, not ticks
    writes = [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    minutes = int((END - START).total_seconds() // 60) + 2
    print(f"\ntape: {len(tape)} ticks, {len(want)} bars, {minutes} minutes, {len(writes)} INSERT/UPDATE statements")
    assert len(writes) <= 8 * minutes < len(tape) / 2


def test_an_extreme_set_53_weeks_ago_rolls_off_and_one_set_51_weeks_ago_stays(seeded: None) -> None:
    from ThorTrading.intraday import IntradayBook
    from ThorTrading.services.intraday import IntradayRecorder

    today = date(2025, 12, 1)
    rows = [
        ("ES", today - timedelta(weeks=53), Decimal(7000), Decimal(5000)),  # older than 52 weeks
        ("ES", today - timedelta(weeks=51), Decimal(6900), Decimal(5100)),
        ("ES", today - timedelta(days=1), Decimal(6850), Decimal(6800)),
    ]
    for symbol, day, high, low in rows:
        FutureTrading24Hour.objects.create(
            symbol=symbol, trading_day=day, open=high, high=high, low=low, last=low, range=high - low, finalized=True
        )
    recorder = IntradayRecorder(IntradayBook(), SYMBOLS)
    assert recorder.refresh_extremes(today=today) == 11  # a row for every instrument
    es = Rolling52WeekStats.objects.get(symbol="ES")
    assert (es.high_52w, es.high_52w_date) == (Decimal(6900), today - timedelta(weeks=51))
    assert (es.low_52w, es.low_52w_date) == (Decimal(5100), today - timedelta(weeks=51))
    assert es.history_days == 2
    assert Rolling52WeekStats.objects.get(symbol="YM").high_52w is None  # created, no history yet
    # two weeks on, the 51-week extreme has rolled off too
    recorder.refresh_extremes(today=today + timedelta(weeks=2))
    assert Rolling52WeekStats.objects.get(symbol="ES").high_52w == Decimal(6850)


def test_intraday_api_and_quotes_latest_show_vwap_and_52_week_extremes(
    seeded: None, live: LiveDataRedis, clock: ManualClock
) -> None:
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    tape = [t for t in make_tape() if t.at < START + timedelta(minutes=10)]
    worker = IntradayWorker(live, symbols=SYMBOLS, block_ms=1, grace_seconds=0)
    for t in tape:
        clock.set(t.at)
        publish(live, t)
    clock.set(START + timedelta(minutes=10))
    while worker.step() == 0.0:
        pass
    api = APIClient()
    api.force_authenticate(User.objects.create_user("trader"))
    bars = api.get(
        "/api/ThorTrading/intraday/bars?symbol=ym&start=2025-12-01T19:30:00Z&end=2025-12-01T19:35:00Z"
    ).json()
    assert bars["symbol"] == "YM" and len(bars["bars"]) == 6
    assert bars["bars"][0]["minute"] == "2025-12-01T19:30:00Z"
    # the chart's VWAP line: each bar carries the session VWAP recorded for its minute
    recorded = {m.minute: m.session_vwap for m in VwapMinute.objects.filter(symbol="YM")}
    assert [b["session_vwap"] for b in bars["bars"]] == [
        float(recorded[datetime.fromisoformat(b["minute"])]) for b in bars["bars"]
    ]
    assert all(b["session_vwap"] is not None for b in bars["bars"])
    assert api.get("/api/ThorTrading/intraday/bars?symbol=XX").status_code == 400
    assert api.get("/api/ThorTrading/intraday/bars?symbol=YM&start=yesterday").status_code == 400
    # an offset no time zone has (schemathesis found it answering 503 on PostgreSQL) is read in UTC:
    # 23:07 at -20:23 is 19:30 UTC
    odd = api.get(
        "/api/ThorTrading/intraday/bars?symbol=YM&start=2025-11-30T23:07:00-20:23&end=2025-12-01T19:31:00%2B00:00"
    )
    assert odd.status_code == 200 and [b["minute"] for b in odd.json()["bars"]] == [
        "2025-12-01T19:30:00Z",
        "2025-12-01T19:31:00Z",
    ]
    assert api.get("/api/ThorTrading/intraday/bars?symbol=YM&start=0001-01-01T00:00:00%2B23:59").status_code == 400
    vwap = api.get("/api/ThorTrading/vwap?symbol=ES").json()
    day = FutureTrading24Hour.objects.get(symbol="ES")
    assert vwap["session"]["vwap"] == float(day.vwap) and len(vwap["minutes"]) >= 10
    extremes = {r["symbol"]: r for r in api.get("/api/ThorTrading/52w/").json()}
    assert set(extremes) == set(SYMBOLS)
    row = next(r for r in api.get("/api/ThorTrading/quotes/latest").json()["rows"] if r["symbol"] == "ES")
    assert row["vwap"] == float(day.vwap)
    assert row["extended_data"]["high_52w"] == extremes["ES"]["high_52w"] == float(day.high)


def test_stream_entries_stamped_far_from_the_clock_are_left_out(
    seeded: None, live: LiveDataRedis, clock: ManualClock
) -> None:
    clock.set(START)
    worker = IntradayWorker(live, symbols=SYMBOLS, block_ms=1, grace_seconds=0)
    old = Tick(START + timedelta(days=300), "YM", Decimal(47000), None, None, 10)  # another run's clock
    publish(live, old)
    tick = Tick(START + timedelta(seconds=5), "YM", Decimal(47500), None, None, 20)
    publish(live, tick)
    clock.set(START + timedelta(minutes=1))
    while worker.step() == 0.0:
        pass
    assert worker.skipped == 1
    assert list(MarketIntraday.objects.values_list("minute", "close")) == [(START, Decimal(47500))]


def test_a_feed_rolling_to_another_contract_never_mixes_months_in_a_bar_or_a_day() -> None:
    """SPEC §15: the workbook moved from /ESZ25 to /ESH26 at 14:00:50. The 14:00 bar is ESZ25's alone
    (6800 → 6801, 10 contracts); ESH26's cumulative 200 is its baseline, not 200 contracts traded; the rest
    of that minute joins no bar; the CME day restarts at ESH26's first bar (6851, 25 contracts)."""
    from ThorTrading.intraday import IntradayBook

    book = IntradayBook()
    t0 = datetime(2025, 12, 12, 14, 0, tzinfo=UTC)

    def tick(seconds: int, last: str, volume: int, contract: str | None) -> list[Any]:
        at = t0 + timedelta(seconds=seconds)
        return book.apply(symbol="ES", at=at, last=Decimal(last), volume=volume, contract=contract)

    assert tick(10, "6800", 1000, "ESZ25") == [] and tick(40, "6801", 1010, "ESZ25") == []
    rolled = tick(50, "6850", 200, "ESH26")
    assert [(b.minute, b.open, b.close, b.volume) for b in rolled] == [(t0, Decimal(6800), Decimal(6801), 10)]
    assert tick(55, "6852", 205, "ESH26") == []  # the rest of the roll's minute joins no bar
    assert tick(70, "6851", 230, "ESH26") == []
    (bar,) = book.close_due(t0 + timedelta(minutes=2))
    assert (bar.minute, bar.open, bar.high, bar.low, bar.volume) == (
        t0 + timedelta(minutes=1),
        Decimal(6851),
        Decimal(6851),
        Decimal(6851),
        25,
    )
    day = book.days["ES"]
    assert (day.open, day.high, day.low, day.volume, day.vwap) == (
        Decimal(6851),
        Decimal(6851),
        Decimal(6851),
        25,
        Decimal(6851),
    )
    assert book.late == []
    # A continuous symbol (TOS's /ES) names no contract and never rolls.
    assert book.apply(symbol="NQ", at=t0, last=Decimal(25000), volume=1, contract=None) == []
    assert "NQ" not in book.contracts


def test_the_cme_sunday_reopen_is_recorded_as_it_happens(seeded: None, live: LiveDataRedis, clock: ManualClock) -> None:
    """Issue 25: the CME reopens on Sunday at 17:00 Chicago (22:00 UTC in June) while no control
    market trades; the intraday recorder runs whenever Thor runs, so the reopen's first 1-minute bar
    is written within a minute of its ticks, not rebuilt at Tokyo's open from the capped stream."""
    from tests.conftest import wait_for
    from thor_project import stack

    reopen = datetime(2025, 6, 1, 22, 0, tzinfo=UTC)  # Sunday, CDT
    clock.set(reopen)
    stack.reset_stack()
    supervisor = stack.start_stack()
    try:
        wait_for(lambda: supervisor.status()["workers"]["thor-intraday"]["running"], timeout=5.0)
        assert not stack.session_active()  # no control market trades on a Sunday evening
        for seconds, last, volume in ((5, "6000.25", 100), (30, "6001.00", 140), (50, "5999.75", 150)):
            publish(live, Tick(reopen + timedelta(seconds=seconds), "ES", Decimal(last), None, None, volume))
        clock.set(reopen + timedelta(seconds=62))  # the minute is over (and the worker's grace)
        publish(live, Tick(reopen + timedelta(seconds=61), "ES", Decimal("5999.50"), None, None, 151))
        bar = wait_for(lambda: MarketIntraday.objects.filter(symbol="ES", minute=reopen).first(), timeout=10.0)
        assert bar is not None
        assert (bar.open, bar.high, bar.low, bar.close) == (
            Decimal("6000.25"),
            Decimal("6001.00"),
            Decimal("5999.75"),
            Decimal("5999.75"),
        )
        assert bar.volume == 50  # 150 − 100: the reopen's first tick only sets the volume baseline
    finally:
        stack.reset_stack()
