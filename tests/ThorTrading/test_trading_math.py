"""The pure trading core: signals, composite, targets, grading decisions and P&L (SPEC §4, §5, §7)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ThorTrading import grading, signals, targets
from ThorTrading.composite import CompositeInput, composite_signal, compute_composite
from ThorTrading.reference import INSTRUMENTS

YM = signals.Thresholds.symmetric("60", "10")


@pytest.mark.parametrize(
    ("change", "expected"),
    [("60.01", "STRONG_BUY"), ("60", "BUY"), ("10.01", "BUY"), ("10", "HOLD"), ("0", "HOLD"), ("-10", "HOLD"),
     ("-10.01", "SELL"), ("-59.99", "SELL"), ("-60", "STRONG_SELL"), ("-61", "STRONG_SELL")],
)
def test_signal_ladder_boundaries_follow_spec(change: str, expected: str) -> None:
    assert signals.classify(Decimal(change), YM) == expected


def test_no_change_or_no_thresholds_means_no_signal() -> None:
    assert signals.classify(None, YM) is None
    assert signals.classify(Decimal(5), None) is None


@given(st.decimals(min_value=-1000, max_value=1000, places=2))
def test_signal_is_monotonic_in_the_net_change(change: Decimal) -> None:
    order = [signals.STRONG_SELL, signals.SELL, signals.HOLD, signals.BUY, signals.STRONG_BUY]
    lower = signals.classify(change, YM)
    higher = signals.classify(change + Decimal("0.01"), YM)
    assert lower is not None and higher is not None
    assert order.index(higher) >= order.index(lower)


def test_inverse_instruments_flip_only_the_weight() -> None:
    assert signals.signal_weight("BUY", inverse=True) == -1
    assert signals.signal_weight("STRONG_SELL", inverse=True) == 2
    assert signals.trade_side("BUY") == 1  # a VX BUY is still a long


@pytest.mark.parametrize(
    ("s", "expected"),
    [(10, ("STRONG_BUY", 2)), (9, ("BUY", 1)), (4, ("BUY", 1)), (3, ("HOLD", 0)), (-3, ("HOLD", 0)),
     (-4, ("SELL", -1)), (-9, ("SELL", -1)), (-10, ("STRONG_SELL", -2))],
)
def test_composite_signal_thresholds(s: int, expected: tuple[str, int]) -> None:
    assert composite_signal(s) == expected


def test_composite_sums_every_row_with_a_signal() -> None:
    items = [
        CompositeInput("STRONG_BUY", Decimal(60), Decimal(1), 2),
        CompositeInput("BUY", Decimal(1), Decimal(2), 1),
        CompositeInput("SELL", Decimal("-2.5"), Decimal(1), -1),
        CompositeInput(None, None, Decimal(1), 0),  # no quote: not counted
    ]
    total = compute_composite(items, as_of=None)
    assert total["count"] == 3
    assert total["signal_weight_sum"] == 2
    assert total["sum_weighted"] == Decimal("59.5")
    assert total["avg_weighted"] == Decimal("14.875")
    assert total["composite_signal"] == "HOLD"


# --- targets: $100 per contract on the tick grid (SPEC §5) --------------------------------------
EXPECTED_DISTANCE = {"YM": "20", "ES": "2.00", "NQ": "5.00", "RTY": "2.0", "CL": "0.10", "SI": "0.020",
                     "HG": "0.0040", "GC": "1.0", "VX": "0.10", "DX": "0.100", "ZB": "0.09375"}


@pytest.mark.parametrize("spec", INSTRUMENTS, ids=lambda s: str(s["symbol"]))
def test_hundred_dollar_targets_are_whole_ticks(spec: dict[str, object]) -> None:
    tick_size, tick_value = Decimal(str(spec["tick_size"])), Decimal(str(spec["tick_value"]))
    entry = tick_size * 1000
    high, low = targets.compute_targets(  # type: ignore[misc]
        signal="BUY", entry=entry, mode=targets.USD, profit_target=Decimal(100), stop_loss=Decimal(100),
        tick_size=tick_size, tick_value=tick_value,
    )
    distance = Decimal(EXPECTED_DISTANCE[str(spec["symbol"])])
    assert (high - entry, entry - low) == (distance, distance)
    assert (high / tick_size) == (high / tick_size).to_integral_value()


def test_zb_hundred_dollars_rounds_to_three_ticks() -> None:
    assert targets.usd_to_ticks(Decimal(100), Decimal("31.25")) == 3
    assert targets.usd_to_ticks(Decimal(1), Decimal("31.25")) == 1  # at least one tick


def test_short_targets_put_the_profit_below_the_entry() -> None:
    high, low = targets.compute_targets(  # type: ignore[misc]
        signal="SELL", entry=Decimal(6000), mode=targets.POINTS, profit_target=Decimal(4), stop_loss=Decimal(2),
        tick_size=Decimal("0.25"), tick_value=Decimal("12.5"),
    )
    assert (high, low) == (Decimal(6002), Decimal(5996))


def test_off_grid_targets_snap_to_the_tick() -> None:
    high, low = targets.compute_targets(  # type: ignore[misc]
        signal="BUY", entry=Decimal("99.741"), mode=targets.USD, profit_target=Decimal(100), stop_loss=Decimal(100),
        tick_size=Decimal("0.005"), tick_value=Decimal(5),
    )
    assert (high, low) == (Decimal("99.840"), Decimal("99.640"))


def test_no_trade_means_no_targets() -> None:
    kwargs = {"mode": targets.USD, "profit_target": Decimal(100), "stop_loss": Decimal(100),
              "tick_size": Decimal(1), "tick_value": Decimal(5)}
    assert targets.compute_targets(signal="HOLD", entry=Decimal(1), **kwargs) is None  # type: ignore[arg-type]
    assert targets.compute_targets(signal="BUY", entry=None, **kwargs) is None  # type: ignore[arg-type]
    assert targets.compute_targets(signal="BUY", entry=Decimal(1), **{**kwargs, "mode": targets.DISABLED}) is None  # type: ignore[arg-type]


def test_entry_is_ask_for_longs_bid_for_shorts_and_last_without_a_book() -> None:
    book = {"bid": Decimal(10), "ask": Decimal(11), "last": Decimal("10.5")}
    assert targets.entry_price("BUY", **book) == Decimal(11)
    assert targets.entry_price("STRONG_SELL", **book) == Decimal(10)
    assert targets.entry_price("HOLD", **book) is None
    assert targets.entry_price("SELL", bid=None, ask=None, last=Decimal("99.7")) == Decimal("99.7")


# --- grading -------------------------------------------------------------------------------------
def decide(signal: str, bid: str | None, ask: str | None, last: str | None = None) -> grading.Resolution | None:
    return grading.decide(
        signal=signal, target_high=Decimal(120), target_low=Decimal(80),
        bid=Decimal(bid) if bid else None, ask=Decimal(ask) if ask else None, last=Decimal(last) if last else None,
    )


def test_long_watches_the_bid() -> None:
    assert decide("BUY", "120", "121") == grading.Resolution("WORKED", "TARGET", Decimal(120))
    assert decide("BUY", "119", "125") is None  # the ask above the target does not count
    assert decide("STRONG_BUY", "80", "81") == grading.Resolution("DIDNT_WORK", "STOP", Decimal(80))


def test_short_watches_the_ask() -> None:
    assert decide("SELL", "79", "80") == grading.Resolution("WORKED", "TARGET", Decimal(80))
    assert decide("SELL", "75", "81") is None
    assert decide("STRONG_SELL", "119", "120") == grading.Resolution("DIDNT_WORK", "STOP", Decimal(120))


def test_quote_without_a_book_falls_back_to_last() -> None:
    assert decide("SELL", None, None, "79") == grading.Resolution("WORKED", "TARGET", Decimal(79))


@given(st.decimals(min_value=50, max_value=150, places=2), st.sampled_from(["BUY", "STRONG_BUY", "SELL", "STRONG_SELL"]))
def test_a_resolution_is_always_at_or_beyond_the_touched_level(price: Decimal, signal: str) -> None:
    result = decide(signal, str(price), str(price))
    if result is None:
        assert Decimal(80) < price < Decimal(120)
    else:
        assert result.price == price
        assert price >= Decimal(120) or price <= Decimal(80)


def test_pnl_is_ticks_times_tick_value_signed_by_side() -> None:
    ym = {"tick_size": Decimal(1), "tick_value": Decimal(5)}
    assert grading.pnl_usd(signal="BUY", entry=Decimal(47669), exit=Decimal(47689), **ym) == Decimal("100.00")
    assert grading.pnl_usd(signal="SELL", entry=Decimal(47669), exit=Decimal(47689), **ym) == Decimal("-100.00")
    zb = {"tick_size": Decimal("0.03125"), "tick_value": Decimal("31.25")}
    assert grading.pnl_usd(signal="BUY", entry=Decimal("117.8125"), exit=Decimal("117.90625"), **zb) == Decimal("93.75")
