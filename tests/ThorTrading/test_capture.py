"""Market-open capture (SPEC §6): 12 rows, entry sides, $100 targets, TOTAL trades YM, once a day."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from core.clock import ManualClock
from GlobalMarkets.models import Market
from LiveData.redis_client import LiveDataRedis
from tests.conftest import TOS_DATA
from ThorTrading.models import MarketSession, MissedCapture
from ThorTrading.services.capture import ALREADY_CAPTURED, CAPTURED, DISABLED, FAILED, capture_market_open

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.real_services]


@pytest.fixture
def quotes(seeded: None, live: LiveDataRedis, clock: ManualClock, settings: Any) -> None:
    """The quotes of 2025-11-26 in Redis (YM STRONG_BUY, ES STRONG_SELL, DX STRONG_SELL, ZB BUY…)."""
    settings.THOR_WORKBOOK = str(TOS_DATA / "rtd_2025-11-26.xlsm")
    call_command("poll_tos_excel", "--once")


def rows() -> dict[str, MarketSession]:
    return {r.future: r for r in MarketSession.objects.all()}


def test_capture_writes_twelve_rows_as_spec_says(quotes: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("capture_market_open", "--market", "USA")
    assert "captured 12 rows for 2025-11-26" in capsys.readouterr().out
    by_future = rows()
    assert set(by_future) == {"YM", "ES", "NQ", "RTY", "CL", "SI", "HG", "GC", "VX", "DX", "ZB", "TOTAL"}
    assert {r.capture_group for r in by_future.values()} == {1}
    ym, es, dx, zb = by_future["YM"], by_future["ES"], by_future["DX"], by_future["ZB"]
    # market-local date of the capture: 09:30 in New York on Wednesday 2025-11-26
    assert (ym.year, ym.month, ym.date, ym.day, ym.country) == (2025, 11, 26, "Wed", "USA")
    # long enters at the ask; targets ±$100 = ±20 YM points
    assert (ym.bhs, ym.entry_price, ym.target_high, ym.target_low, ym.wndw) == (
        "STRONG_BUY",
        Decimal(46663),
        Decimal(46683),
        Decimal(46643),
        "PENDING",
    )
    # short enters at the bid; ±$100 = ±2.00 ES points
    assert (es.bhs, es.entry_price, es.target_high, es.target_low) == (
        "STRONG_SELL",
        Decimal("6708.25"),
        Decimal("6710.25"),
        Decimal("6706.25"),
    )
    # the dollar index has no bid/ask: a short enters at last
    assert (dx.bhs, dx.entry_price) == ("STRONG_SELL", Decimal("99.741"))
    # ZB: ask 117'26 = 117.8125, $100 = 3 ticks of 1/32
    assert (zb.bhs, zb.entry_price, zb.target_high, zb.target_low) == (
        "BUY",
        Decimal("117.8125"),
        Decimal("117.90625"),
        Decimal("117.71875"),
    )
    assert (ym.last_price, ym.bid_price, ym.ask_price, ym.spread, ym.volume) == (
        Decimal(46669),
        Decimal(46661),
        Decimal(46663),
        Decimal(2),
        47202,
    )
    assert ym.market_open == Decimal(46669)
    assert ym.weight == 2 and by_future["GC"].weight == -2  # GC's weight is inverted


def test_total_carries_the_composite_and_trades_ym(quotes: None, live: LiveDataRedis, clock: ManualClock) -> None:
    # 11-26 sums to S = -1; turning ES and NQ from STRONG_SELL to STRONG_BUY makes S = 7: BUY.
    for symbol, change in {"ES": 10, "NQ": 20}.items():
        quote = live.get_latest_quote(symbol)
        assert quote is not None
        quote["change"] = Decimal(change)
        live.publish_quote(quote)
    result = capture_market_open(market=Market.objects.get(country="USA"))
    assert result.status == CAPTURED
    total, ym = rows()["TOTAL"], rows()["YM"]
    assert total.bhs == "BUY" and total.weight == 7 and total.instrument_count == 11
    assert total.weighted_average is not None
    assert (total.entry_price, total.target_high, total.target_low) == (ym.ask_price, Decimal(46683), Decimal(46643))
    assert total.last_price == ym.last_price
    assert total.wndw == "PENDING"


def test_hold_rows_are_neutral_without_entry(quotes: None) -> None:
    capture_market_open(market=Market.objects.get(country="USA"))
    total = rows()["TOTAL"]  # 11-26's composite is HOLD (S = -1)
    assert (total.bhs, total.entry_price, total.target_high, total.wndw) == ("HOLD", None, None, "NEUTRAL")


def test_running_it_again_writes_nothing_and_says_so(quotes: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("capture_market_open", "--market", "USA")
    capsys.readouterr()
    call_command("capture_market_open", "--market", "usa")
    assert "already captured for 2025-11-26" in capsys.readouterr().out
    assert MarketSession.objects.count() == 12


def test_force_makes_a_new_event(quotes: None, clock: ManualClock) -> None:
    usa = Market.objects.get(country="USA")
    capture_market_open(market=usa)
    result = capture_market_open(market=usa, force=True)
    assert result.status == CAPTURED and result.capture_group == 2
    assert MarketSession.objects.filter(capture_group=2, session_number=2, forced=True).count() == 12


def test_the_database_refuses_a_second_capture_on_the_same_local_day(quotes: None) -> None:
    capture_market_open(market=Market.objects.get(country="USA"))
    ym = MarketSession.objects.get(future="YM")
    ym.pk = None
    ym.capture_group = 99
    with pytest.raises(IntegrityError), transaction.atomic():
        ym.save()


def test_market_local_date_decides_the_day(quotes: None, clock: ManualClock) -> None:
    # 2025-11-26 23:30 UTC is already Thursday 27 in Tokyo: a new local day for Japan.
    japan = Market.objects.get(country="Japan")
    clock.set(clock.now().replace(hour=0, minute=5))  # 09:05 Tokyo, Wed 26
    assert capture_market_open(market=japan).status == CAPTURED
    clock.set(clock.now().replace(hour=23, minute=30))  # 08:30 Tokyo, Thu 27
    second = capture_market_open(market=japan)
    assert second.status == CAPTURED and second.local_date == "2025-11-27"
    assert capture_market_open(market=japan).status == ALREADY_CAPTURED


def test_switched_off_markets_are_not_captured(quotes: None) -> None:
    germany = Market.objects.get(country="Germany")
    assert capture_market_open(market=germany).status == DISABLED
    assert MarketSession.objects.count() == 0
    with pytest.raises(CommandError, match="switched off"):
        call_command("capture_market_open", "--market", "Germany")


def test_unknown_market_is_a_clear_error(quotes: None) -> None:
    with pytest.raises(CommandError, match="unknown market 'Atlantis'"):
        call_command("capture_market_open", "--market", "Atlantis")


def test_stale_quotes_are_marked(quotes: None, clock: ManualClock, settings: Any) -> None:
    clock.advance(seconds=settings.THOR_QUOTE_STALE_SECONDS + 5)
    result = capture_market_open(market=Market.objects.get(country="USA"))
    assert "stale quotes: YM" in result.message
    assert MarketSession.objects.filter(stale=True).count() == 12
    assert rows()["TOTAL"].stale_symbols.startswith("YM,ES,NQ")


def test_a_capture_with_a_stale_ym_does_not_trade_ym_nor_total(
    quotes: None, live: LiveDataRedis, clock: ManualClock, settings: Any
) -> None:
    # Every quote but YM's is refreshed after the clock moves past the staleness threshold: the YM
    # price the YM row and TOTAL would fill at is one the feed stopped updating.
    for symbol, change in {"ES": 10, "NQ": 20}.items():  # make the composite BUY (see above)
        quote = live.get_latest_quote(symbol)
        assert quote is not None
        live.publish_quote({**quote, "change": Decimal(change)})
    clock.advance(seconds=settings.THOR_QUOTE_STALE_SECONDS + 5)
    fresh = [q for s, q in live.get_latest_quotes().items() if s != "YM"]
    live.publish_quotes([{**q, "ts_ingest": clock.now()} for q in fresh], changed=set())
    result = capture_market_open(market=Market.objects.get(country="USA"))
    assert result.status == CAPTURED and result.message.endswith("stale quotes: YM")
    by_future = rows()
    ym, total, es = by_future["YM"], by_future["TOTAL"], by_future["ES"]
    assert (ym.stale, ym.bhs, ym.wndw, ym.reason, ym.entry_price, ym.target_high) == (
        True,
        "STRONG_BUY",
        "NEUTRAL",
        "stale quote",
        None,
        None,
    )
    # TOTAL's composite is still computed (and shown); its trade, on YM, is not made.
    assert (total.bhs, total.wndw, total.reason, total.entry_price) == ("BUY", "NEUTRAL", "stale quote", None)
    # A future with a fresh quote trades as usual.
    assert (es.stale, es.wndw, es.reason) == (False, "PENDING", "")
    assert es.entry_price is not None


def test_a_capture_that_keeps_failing_is_recorded_as_missed(
    seeded: None, dead_redis: LiveDataRedis, clock: ManualClock
) -> None:
    result = capture_market_open(market=Market.objects.get(country="USA"), retry_delay=0)
    assert result.status == FAILED
    missed = MissedCapture.objects.get()
    assert missed.country == "USA" and missed.attempts == 3 and "Error" in missed.error
    assert missed.expected_open == datetime(2025, 11, 26, 14, 30, tzinfo=UTC)  # 09:30 New York
    assert MarketSession.objects.count() == 0


def test_backtest_stats_count_earlier_outcomes(quotes: None, clock: ManualClock) -> None:
    usa = Market.objects.get(country="USA")
    capture_market_open(market=usa)
    MarketSession.objects.filter(future="YM").update(wndw="WORKED")
    clock.advance(days=1)
    capture_market_open(market=usa)
    ym = MarketSession.objects.get(future="YM", capture_group=2)
    assert (ym.strong_buy_worked, ym.strong_buy_worked_percentage, ym.strong_buy_didnt_work) == (1, 100, 0)
    assert ym.country_future == 2 and ym.session_number == 2


def test_capture_rows_keep_change_change_percent_vwap_and_totals_sum(quotes: None, live: LiveDataRedis) -> None:
    """Issue 14 (the API summary's fields): each row keeps the net change, its percent and VWAP as
    the quote showed them at capture; TOTAL keeps the composite's weighted sum."""
    from ThorTrading.services.quotes import get_enriched_quotes_with_composite

    shown, total = get_enriched_quotes_with_composite()
    call_command("capture_market_open", "--market", "USA")
    by_future = rows()
    for row in shown:
        captured = by_future[row["symbol"]]
        assert (captured.change, captured.change_percent, captured.vwap) == (
            row["change"],
            row["change_percent"],
            row["vwap"],
        ), row["symbol"]
    assert by_future["YM"].change == Decimal(str(live.get_latest_quote("YM")["change"]))
    assert by_future["TOTAL"].sum_weighted == total["sum_weighted"]
    assert by_future["ES"].sum_weighted is None
