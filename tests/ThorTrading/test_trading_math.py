"""The pure trading core: signals, composite, targets, grading decisions and P&L (SPEC §4, §5, §7)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ThorTrading import grading, signals, targets
from ThorTrading.composite import CompositeInput, composite_signal, compute_composite
from ThorTrading.reference import INSTRUMENTS

YM = signals.Thresholds.symmetric("60", "10")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("60.01", "STRONG_BUY"),
        ("60", "BUY"),
        ("10.01", "BUY"),
        ("10", "HOLD"),
        ("0", "HOLD"),
        ("-10", "HOLD"),
        ("-10.01", "SELL"),
        ("-59.99", "SELL"),
        ("-60", "STRONG_SELL"),
        ("-61", "STRONG_SELL"),
    ],
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
    [
        (10, ("STRONG_BUY", 2)),
        (9, ("BUY", 1)),
        (4, ("BUY", 1)),
        (3, ("HOLD", 0)),
        (-3, ("HOLD", 0)),
        (-4, ("SELL", -1)),
        (-9, ("SELL", -1)),
        (-10, ("STRONG_SELL", -2)),
    ],
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
EXPECTED_DISTANCE = {
    "YM": "20",
    "ES": "2.00",
    "NQ": "5.00",
    "RTY": "2.0",
    "CL": "0.10",
    "SI": "0.020",
    "HG": "0.0040",
    "GC": "1.0",
    "VX": "0.10",
    "DX": "0.100",
    "ZB": "0.09375",
}


@pytest.mark.parametrize("spec", INSTRUMENTS, ids=lambda s: str(s["symbol"]))
def test_hundred_dollar_targets_are_whole_ticks(spec: dict[str, object]) -> None:
    tick_size, tick_value = Decimal(str(spec["tick_size"])), Decimal(str(spec["tick_value"]))
    entry = tick_size * 1000
    high, low = targets.compute_targets(  # type: ignore[misc]
        signal="BUY",
        entry=entry,
        mode=targets.USD,
        profit_target=Decimal(100),
        stop_loss=Decimal(100),
        tick_size=tick_size,
        tick_value=tick_value,
    )
    distance = Decimal(EXPECTED_DISTANCE[str(spec["symbol"])])
    assert (high - entry, entry - low) == (distance, distance)
    assert (high / tick_size) == (high / tick_size).to_integral_value()


def test_zb_hundred_dollars_rounds_to_three_ticks() -> None:
    assert targets.usd_to_ticks(Decimal(100), Decimal("31.25")) == 3
    assert targets.usd_to_ticks(Decimal(1), Decimal("31.25")) == 1  # at least one tick


def test_short_targets_put_the_profit_below_the_entry() -> None:
    high, low = targets.compute_targets(  # type: ignore[misc]
        signal="SELL",
        entry=Decimal(6000),
        mode=targets.POINTS,
        profit_target=Decimal(4),
        stop_loss=Decimal(2),
        tick_size=Decimal("0.25"),
        tick_value=Decimal("12.5"),
    )
    assert (high, low) == (Decimal(6002), Decimal(5996))


def test_off_grid_targets_snap_to_the_tick() -> None:
    high, low = targets.compute_targets(  # type: ignore[misc]
        signal="BUY",
        entry=Decimal("99.741"),
        mode=targets.USD,
        profit_target=Decimal(100),
        stop_loss=Decimal(100),
        tick_size=Decimal("0.005"),
        tick_value=Decimal(5),
    )
    assert (high, low) == (Decimal("99.840"), Decimal("99.640"))


def test_no_trade_means_no_targets() -> None:
    kwargs = {
        "mode": targets.USD,
        "profit_target": Decimal(100),
        "stop_loss": Decimal(100),
        "tick_size": Decimal(1),
        "tick_value": Decimal(5),
    }
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
        signal=signal,
        target_high=Decimal(120),
        target_low=Decimal(80),
        bid=Decimal(bid) if bid else None,
        ask=Decimal(ask) if ask else None,
        last=Decimal(last) if last else None,
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


@given(
    st.decimals(min_value=50, max_value=150, places=2), st.sampled_from(["BUY", "STRONG_BUY", "SELL", "STRONG_SELL"])
)
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


def _tape(*ticks: tuple[int, float, float]) -> dict[str, np.ndarray]:
    """Ticks as (seconds, bid, ask) → the arrays first_touch_in_window searches (last = NaN)."""
    return {
        "ts": np.array([s * 1_000_000_000 for s, _, _ in ticks], dtype=np.int64),
        "bid": np.array([b for _, b, _ in ticks]),
        "ask": np.array([a for _, _, a in ticks]),
        "last": np.full(len(ticks), np.nan),
    }


def test_the_window_starts_at_the_capture_and_ends_before_its_last_instant() -> None:
    # A long from 100 with target 101 and stop 99, captured at t=10 s with a 60 s window: the tick
    # at 5 s touches the stop before the capture (ignored), the one at 70 s is past the window
    # (ignored), the one at 10 s exactly is in it and does not touch, the one at 69 s touches.
    tape = _tape((5, 98.0, 98.5), (10, 100.0, 100.25), (69, 101.0, 101.25), (70, 98.0, 98.25))
    touch = grading.first_touch_in_window(
        signal="BUY", target_high=101.0, target_low=99.0, start_ns=10 * NS, end_ns=70 * NS, **tape
    )
    assert touch == grading.Touch(2, "WORKED", "TARGET", Decimal("101.0"))
    assert (
        grading.first_touch_in_window(
            signal="BUY", target_high=101.0, target_low=99.0, start_ns=10 * NS, end_ns=69 * NS, **tape
        )
        is None
    )
    short = grading.first_touch_in_window(
        signal="SELL", target_high=101.0, target_low=99.0, start_ns=10 * NS, end_ns=None, **tape
    )
    assert short == grading.Touch(2, "DIDNT_WORK", "STOP", Decimal("101.25"))  # a short's stop is watched on the ask


NS = 1_000_000_000


@given(
    st.lists(st.tuples(st.integers(0, 100), st.integers(95, 105)), max_size=40),
    st.integers(0, 100),
    st.one_of(st.none(), st.integers(0, 60)),
    st.sampled_from(["BUY", "STRONG_SELL", "HOLD"]),
)
def test_binary_search_on_a_sorted_tape_finds_the_touch_the_mask_finds(
    ticks: list[tuple[int, int]],
    start: int,
    window: int | None,
    signal: str,
) -> None:
    ticks = sorted(ticks)
    tape = _tape(*((s, float(p), float(p) + 0.25) for s, p in ticks))
    end = (start + window) * NS if window is not None else None
    found = [
        grading.first_touch_in_window(
            signal=signal, target_high=102.0, target_low=98.0, start_ns=start * NS, end_ns=end, ordered=ordered, **tape
        )
        for ordered in (False, True)
    ]
    assert found[0] == found[1]
    in_window = [i for i, (s, _) in enumerate(ticks) if s >= start and (window is None or s < start + window)]
    expected = next(
        (i for i in in_window if signal != "HOLD" and not 98 < ticks[i][1] + (0.25 if "SELL" in signal else 0) < 102),
        None,
    )
    assert (found[0].index if found[0] else None) == expected
