"""First touch on bars, contracts and partial data (SPEC §15), on hand-made bars whose outcomes are
worked out by hand below. Seeded configuration: $100 targets and stops.

USA opens Monday 1 December 2025 at 14:30 UTC; the window is 30 minutes (bars starting 14:30 … 14:59
are inside it). Previous CME trading day: Friday 28 November, whose last trades give the closes.

- ES (tick 0.25 = $12.50, so $100 = 2.00 points): close 6700.00, last 6800.00 → long; ask 6800.00 →
  entry 6800.00, target 6802.00, stop 6798.00. The 14:30 bar's bid runs 6797.75 … 6802.25: both
  levels in one bar → the stop (worst case), ambiguous: DIDN'T WORK at 6798.00, −$100.00, at 14:30.
- NQ (0.25 = $5, $100 = 5.00): close 25000, last 25500 → long, entry 25500.00, stop 25495.00.
  14:30 bid 25498 … 25501 (no touch); 14:31 opens at 25490.00, below the stop (a gap): exit at the
  open, (25490 − 25500) / 0.25 × $5 = −$200.00.
- CL (0.01 = $10, $100 = 0.10): close 60.00, last 58.00 → short; bid 57.99 → entry 57.99, target
  57.89, stop 58.09. 14:30: the trade low 57.80 and the bid low 57.85 pass the target but a short
  exits on the ask, whose low is 57.95; 14:31 ask low 57.89 → WORKED at 57.89, +$100.00, at 14:31.
- DX (no bid or ask; 0.005 = $5, $100 = 0.100): close 99.000, last 100.000 → long on last, entry
  100.000, target 100.100. 14:35 trade high 100.100 → WORKED at 100.100, +$100.00.
- GC: no bar before the open on any contract → NEUTRAL, reason "no data".
- YM: bars on 1 December only (no 28 November) → no previous close → NEUTRAL, reason.
- RTY, SI, HG, VX and ZB have no data at all, so TOTAL (11 weighted instruments) is NEUTRAL: "composite
  incomplete: 7 of 11 instruments have no signal (no data or no previous close)".

The roll: GC on Tuesday 2 December 2025 at 22:45 UTC with a 30-minute window that crosses the CME
day's end (17:00 Chicago = 23:00 UTC). GCZ25 is the front month on 3 December's eve by Monday's
volume; GCG26 has the most volume on 2 December, so it is the front from 3 December. The trade
enters on GCZ25 (close 4000.0, last 4100.0 → long at the ask 4100.0, target 4101.0, stop 4099.0) and
is graded on GCZ25 only: its bid stays within 4099.5 … 4100.5 → EXPIRED, although GCG26's bars in the
window are at 4150 (they would be a target if the months were mixed).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest

from LiveData.archive import SCHEMA as TICK_SCHEMA
from LiveData.history.store import BAR_SCHEMA, conform
from LiveData.ticks import cme_trading_day
from ThorTrading import backtest
from ThorTrading.backtest import BarTape, MarketData, MarketOpen, PreviousClose, Tape
from ThorTrading.services.config import get_trading_config

pytestmark = pytest.mark.django_db

OPEN = datetime(2025, 12, 1, 14, 30, tzinfo=UTC)
FRIDAY = date(2025, 11, 28)


def bar(at: datetime, key: str, **prices: float | None) -> dict[str, Any]:
    root = key[:2]
    return {"ts": at, "symbol": root, "contract": key if len(key) > 2 else None, **prices}


def minute(n: int) -> datetime:
    return OPEN + timedelta(minutes=n)


def flat(at: datetime, key: str, price: float, *, spread: float, volume: int = 10) -> dict[str, Any]:
    """A quiet bar at ``price``: bid a spread below, ask at it."""
    bid, ask = price - spread, price
    return bar(
        at, key, open=price, high=price, low=price, close=price, volume=volume,
        bid_open=bid, bid_high=bid, bid_low=bid, bid_close=bid,
        ask_open=ask, ask_high=ask, ask_low=ask, ask_close=ask,
    )  # fmt: skip


def golden_bars() -> list[dict[str, Any]]:
    rows = [
        flat(minute(-1), "ESZ25", 6800.00, spread=0.25),
        bar(
            minute(0),
            "ESZ25",
            open=6800.0,
            high=6802.5,
            low=6797.5,
            close=6800.0,
            bid_open=6799.75,
            bid_high=6802.25,
            bid_low=6797.75,
            bid_close=6799.75,
            ask_open=6800.0,
            ask_high=6802.5,
            ask_low=6798.0,
            ask_close=6800.0,
        ),
        flat(minute(-1), "NQZ25", 25500.00, spread=0.25),
        bar(
            minute(0),
            "NQZ25",
            open=25500.0,
            high=25501.0,
            low=25498.0,
            close=25500.0,
            bid_open=25499.75,
            bid_high=25501.0,
            bid_low=25498.0,
            bid_close=25499.0,
            ask_open=25500.0,
            ask_high=25501.25,
            ask_low=25498.25,
            ask_close=25499.25,
        ),
        bar(
            minute(1),
            "NQZ25",
            open=25490.0,
            high=25491.0,
            low=25489.0,
            close=25490.0,
            bid_open=25490.0,
            bid_high=25491.0,
            bid_low=25489.0,
            bid_close=25490.0,
            ask_open=25490.25,
            ask_high=25491.25,
            ask_low=25489.25,
            ask_close=25490.25,
        ),
        flat(minute(-1), "CLF26", 58.00, spread=0.01),
        bar(
            minute(0),
            "CLF26",
            open=57.99,
            high=58.0,
            low=57.80,
            close=57.95,
            bid_open=57.98,
            bid_high=57.99,
            bid_low=57.85,
            bid_close=57.94,
            ask_open=57.99,
            ask_high=58.00,
            ask_low=57.95,
            ask_close=57.96,
        ),
        bar(
            minute(1),
            "CLF26",
            open=57.95,
            high=57.96,
            low=57.88,
            close=57.90,
            bid_open=57.94,
            bid_high=57.95,
            bid_low=57.87,
            bid_close=57.89,
            ask_open=57.95,
            ask_high=57.96,
            ask_low=57.89,
            ask_close=57.90,
        ),
        bar(minute(-1), "DXZ25", open=100.0, high=100.0, low=100.0, close=100.0, volume=5),
        bar(minute(5), "DXZ25", open=100.05, high=100.1, low=100.0, close=100.1, volume=5),
        flat(minute(-1), "YMZ25", 47000.0, spread=1.0),
        flat(minute(0), "GCZ25", 4100.0, spread=0.1),  # starts at the open: no bar ended before it
    ]
    # Friday's last trades, for the closes, and enough volume to make each contract the front.
    rows += [
        flat(datetime(2025, 11, 28, 18, 0, tzinfo=UTC), key, price, spread=0.25, volume=1000)
        for key, price in (("ESZ25", 6700.0), ("NQZ25", 25000.0), ("CLF26", 60.0))
    ]
    rows.append(bar(datetime(2025, 11, 28, 18, 0, tzinfo=UTC), "DXZ25", open=99.0, high=99.0, low=99.0, close=99.0))
    return rows


def market(rows: list[dict[str, Any]], fronts: dict[tuple[str, date], str]) -> MarketData:
    table = conform(pa.Table.from_pylist(rows), BAR_SCHEMA).sort_by("ts")
    closes: dict[tuple[str, date], PreviousClose] = {}
    for row in sorted(rows, key=lambda r: r["ts"]):
        if row.get("close") is not None and row["contract"]:
            closes[(row["contract"], cme_trading_day(row["ts"]))] = PreviousClose(
                Decimal(repr(row["close"])), "last trade"
            )
    return MarketData(
        ticks=Tape.from_table(TICK_SCHEMA.empty_table()),
        bars={"1m": BarTape.from_table(table, length_seconds=60)},
        fronts=lambda root, day: (fronts[(root, day)], "previous day") if (root, day) in fronts else None,
        closes=closes,
    )  # fmt: skip


def by_future(trades: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {t["future"]: t for t in trades}


def test_bars_give_exactly_the_outcomes_worked_out_by_hand(seeded: None) -> None:
    monday = date(2025, 12, 1)
    fronts = {(root, monday): contract for root, contract in (("ES", "ESZ25"), ("NQ", "NQZ25"), ("CL", "CLF26"), ("DX", "DXZ25"), ("YM", "YMZ25"), ("GC", "GCZ25"))}  # fmt: skip
    data = market(golden_bars(), fronts)
    usa = MarketOpen("USA", OPEN, monday, "Mon", timedelta(minutes=30))
    rows = backtest.run(data, [usa], get_trading_config())
    trades = by_future(rows)
    stats = backtest.stats(rows, future="all", market_order=["USA"], now=OPEN + timedelta(days=1))
    assert stats["ambiguous"] == 1 and stats["overall"]["trades"] == 4  # ES, NQ, CL, DX

    def outcome(future: str) -> tuple[Any, ...]:
        t = trades[future]
        return (
            t["bhs"][-3:] if t["bhs"] else "",
            t["wndw"],
            t["target_hit_at"],
            t["target_hit_price"],
            t["pnl_usd"],
            t["ambiguous"],
        )

    assert outcome("ES") == ("BUY", "DIDNT_WORK", minute(0), Decimal("6798.00"), Decimal("-100.00"), True)
    assert trades["ES"]["entry_price"] == Decimal("6800.0") and trades["ES"]["contract"] == "ESZ25"
    assert outcome("NQ") == ("BUY", "DIDNT_WORK", minute(1), Decimal("25490.0"), Decimal("-200.00"), False)
    assert outcome("CL") == ("ELL", "WORKED", minute(1), Decimal("57.89"), Decimal("100.00"), False)
    assert outcome("DX") == ("BUY", "WORKED", minute(5), Decimal("100.100"), Decimal("100.00"), False)
    assert {f: trades[f]["resolution"] for f in ("ES", "NQ", "CL", "DX")} == dict.fromkeys(
        ("ES", "NQ", "CL", "DX"), "1m"
    )
    assert trades["ES"]["close_source"] == "last trade" and trades["ES"]["previous_close"] == Decimal("6700.0")
    assert (trades["GC"]["wndw"], trades["GC"]["reason"]) == ("NEUTRAL", "no data")
    assert (trades["YM"]["wndw"], trades["YM"]["reason"], trades["YM"]["bhs"]) == ("NEUTRAL", "no previous close", "")
    assert (trades["ZB"]["wndw"], trades["ZB"]["reason"]) == ("NEUTRAL", "no data")
    total = trades["TOTAL"]
    assert (total["wndw"], total["bhs"], total["entry_price"]) == ("NEUTRAL", "", None)
    assert total["reason"] == "composite incomplete: 7 of 11 instruments have no signal (no data or no previous close)"


def test_total_with_two_instruments_names_the_nine_without_data(seeded: None) -> None:
    monday = date(2025, 12, 1)
    rows = [r for r in golden_bars() if r["symbol"] in ("ES", "NQ")]
    data = market(rows, {("ES", monday): "ESZ25", ("NQ", monday): "NQZ25"})
    usa = MarketOpen("USA", OPEN, monday, "Mon", timedelta(minutes=30))
    trades = by_future(backtest.run(data, [usa], get_trading_config()))
    assert trades["TOTAL"]["reason"] == "composite incomplete: 9 of 11 instruments have no data"
    assert trades["TOTAL"]["wndw"] == "NEUTRAL"
    # Each future's own row still trades on its own signal.
    assert trades["ES"]["wndw"] == "DIDNT_WORK" and trades["NQ"]["wndw"] == "DIDNT_WORK"


def test_a_roll_inside_the_window_is_never_a_touch(seeded: None) -> None:
    tuesday, wednesday = date(2025, 12, 2), date(2025, 12, 3)
    start = datetime(2025, 12, 2, 22, 45, tzinfo=UTC)
    rows = [
        flat(datetime(2025, 12, 1, 18, 0, tzinfo=UTC), "GCZ25", 4000.0, spread=0.1, volume=5000),
        flat(start - timedelta(minutes=1), "GCZ25", 4100.0, spread=0.1),
        flat(start - timedelta(minutes=1), "GCG26", 4150.0, spread=0.1),
    ]
    for n in range(0, 30):
        at = start + timedelta(minutes=n)
        rows.append(bar(at, "GCZ25", open=4100.0, high=4100.5, low=4099.5, close=4100.0, bid_open=4100.0,
                        bid_high=4100.5, bid_low=4099.5, bid_close=4100.0, ask_open=4100.1, ask_high=4100.6,
                        ask_low=4099.6, ask_close=4100.1))  # fmt: skip
        rows.append(flat(at, "GCG26", 4150.0, spread=0.1, volume=9000))
    rows.append(flat(start + timedelta(minutes=31), "GCZ25", 4100.0, spread=0.1))  # the tape covers the window
    data = market(rows, {("GC", tuesday): "GCZ25", ("GC", wednesday): "GCG26"})
    tokyo_like = MarketOpen("USA", start, tuesday, "Tue", timedelta(minutes=30))
    gc = by_future(backtest.run(data, [tokyo_like], get_trading_config()))["GC"]
    assert (gc["contract"], gc["bhs"][-3:], gc["entry_price"]) == ("GCZ25", "BUY", Decimal("4100.0"))
    assert (gc["wndw"], gc["pnl_usd"], gc["target_hit_at"]) == ("EXPIRED", Decimal(0), None)
