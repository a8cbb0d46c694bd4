"""Research (issue 26): the sweep's binary-search resolution equals the first-touch rules the live
grader and the single-variant backtest use, on ticks and on bars (ambiguous bars included);
excursions, costs, walk-forward and the probability of backtest overfitting."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ThorTrading import grading, research
from ThorTrading.grading import BarSide

NS = 1_000_000_000
START = 1_764_600_000 * NS  # a Monday, 14:40 UTC


def tick_path(
    side: int, entry: float, ts: np.ndarray, bid: np.ndarray, ask: np.ndarray, last: np.ndarray
) -> research.Path:
    """The path ``backtest.trade_path`` builds from a tick series (the watched side, else last)."""
    watched = bid if side > 0 else ask
    price = np.where(np.isnan(watched), last, watched)
    return research.Path(research.TICK, side, entry, ts, price, price, price, 0, int(ts[-1]) if len(ts) else 0)


prices = st.one_of(st.just(math.nan), st.integers(min_value=-12, max_value=12).map(lambda k: 100 + k * 0.25))


@settings(max_examples=300, deadline=None)
@given(
    side=st.sampled_from([1, -1]),
    ticks=st.lists(st.tuples(prices, prices, prices, st.integers(min_value=0, max_value=3)), min_size=1, max_size=40),
    distances=st.tuples(st.integers(1, 10), st.integers(1, 10)),
    window_steps=st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
)
def test_resolving_by_binary_search_equals_first_touch_on_ticks(
    side: int, ticks: list[tuple[float, float, float, int]], distances: tuple[int, int], window_steps: int | None
) -> None:
    gaps = np.array([t[3] for t in ticks], dtype=np.int64)
    ts = START + np.cumsum(gaps) * NS  # sorted, ties allowed
    bid, ask, last = (np.array([t[i] for t in ticks], dtype=np.float64) for i in range(3))
    entry = 100.0
    high = entry + distances[0] * 0.25 if side > 0 else entry + distances[1] * 0.25
    low = entry - distances[1] * 0.25 if side > 0 else entry - distances[0] * 0.25
    end_ns = None if window_steps is None else START + window_steps * NS
    signal = "BUY" if side > 0 else "SELL"
    expected = grading.first_touch_in_window(
        signal=signal, target_high=high, target_low=low, ts=ts, bid=bid, ask=ask, last=last,
        start_ns=START, end_ns=end_ns, ordered=True,
    )  # fmt: skip
    found = research.resolve(tick_path(side, entry, ts, bid, ask, last), high, low, end_ns)
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert (found.index, found.outcome, found.hit_type, found.at_ns) == (
        expected.index, expected.outcome, expected.hit_type, int(ts[expected.index])
    )  # fmt: skip
    assert Decimal(repr(found.price)) == expected.price


def bar_path(side: int, entry: float, start: np.ndarray, bid: BarSide, ask: BarSide, trades: BarSide) -> research.Path:
    """The path ``backtest.trade_path`` builds from bars (the watched side, else the trade bar)."""
    book = grading.bar_side(bid if side > 0 else ask, trades, slice(0, len(start)))
    return research.Path("1m", side, entry, start, book.high, book.low, book.open, 60 * NS, int(start[-1]) + 60 * NS)


def bar_sides(draw: st.DrawFn, n: int) -> BarSide:
    opens, highs, lows = [], [], []
    for _ in range(n):
        if draw(st.integers(0, 6)) == 0:
            opens.append(math.nan), highs.append(math.nan), lows.append(math.nan)
            continue
        o = 100 + draw(st.integers(-12, 12)) * 0.25
        h = o + draw(st.integers(0, 8)) * 0.25
        lo = o - draw(st.integers(0, 8)) * 0.25
        opens.append(o), highs.append(h), lows.append(lo)
    return BarSide(np.array(opens), np.array(highs), np.array(lows))


@st.composite
def bar_cases(draw: st.DrawFn) -> tuple[int, np.ndarray, BarSide, BarSide, BarSide, int, int, int | None]:
    n = draw(st.integers(1, 30))
    start = START + np.arange(n, dtype=np.int64) * 60 * NS
    side = draw(st.sampled_from([1, -1]))
    window = draw(st.one_of(st.none(), st.integers(0, 40)))
    return (side, start, bar_sides(draw, n), bar_sides(draw, n), bar_sides(draw, n), draw(st.integers(1, 10)),
            draw(st.integers(1, 10)), window)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(case=bar_cases())
def test_resolving_by_binary_search_equals_first_touch_on_bars_ambiguous_and_gapped_included(
    case: tuple[int, np.ndarray, BarSide, BarSide, BarSide, int, int, int | None],
) -> None:
    side, start, bid, ask, trades, profit, stop, window = case
    entry = 100.0
    high = entry + (profit if side > 0 else stop) * 0.25
    low = entry - (stop if side > 0 else profit) * 0.25
    end_ns = None if window is None else START + window * 60 * NS
    expected = grading.first_touch_on_bars(
        signal="BUY" if side > 0 else "SELL", target_high=Decimal(repr(high)), target_low=Decimal(repr(low)),
        start=start, length_ns=60 * NS, bid=bid, ask=ask, trades=trades, start_ns=START, end_ns=end_ns,
    )  # fmt: skip
    found = research.resolve(bar_path(side, entry, start, bid, ask, trades), high, low, end_ns)
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert (found.index, found.outcome, found.hit_type, found.ambiguous) == (
        expected.index, expected.outcome, expected.hit_type, expected.ambiguous
    )  # fmt: skip
    assert Decimal(repr(found.price)) == expected.price


def test_excursions_of_three_trades_worked_by_hand() -> None:
    ts = START + np.arange(6, dtype=np.int64) * NS
    # A long from 100: the bid goes 100.25, 99.50, 101.00, 100.75, 98.00, 102.00.
    long = tick_path(
        1, 100.0, ts, np.array([100.25, 99.5, 101.0, 100.75, 98.0, 102.0]), np.full(6, np.nan), np.full(6, np.nan)
    )
    # Through its exit at step 3 (say the target hit there): best +1.00 at step 2, worst −0.50 at step 1.
    assert research.excursions(long, through=3) == research.Excursion(1.0, 0.5, int(ts[2]), int(ts[1]))
    # Over the whole path: +2.00 at step 5 and −2.00 at step 4.
    assert research.excursions(long, through=None) == research.Excursion(2.0, 2.0, int(ts[5]), int(ts[4]))
    # A short from 50 on the ask: 49.90, 49.80, 50.30 → MFE 0.20 at step 1, MAE 0.30 at step 2.
    short = tick_path(-1, 50.0, ts[:3], np.full(3, np.nan), np.array([49.9, 49.8, 50.3]), np.full(3, np.nan))
    mfe_mae = research.excursions(short, through=None)
    assert (round(mfe_mae.mfe, 10), round(mfe_mae.mae, 10), mfe_mae.mfe_at_ns, mfe_mae.mae_at_ns) == (
        0.2,
        0.3,
        int(ts[1]),
        int(ts[2]),
    )
    # A trade that never moves against itself has no adverse excursion and no time for one.
    calm = tick_path(1, 10.0, ts[:2], np.array([10.5, 11.0]), np.full(2, np.nan), np.full(2, np.nan))
    assert research.excursions(calm, through=None) == research.Excursion(1.0, 0.0, int(ts[1]), None)
    # In USD: ES's 1.00 point = 4 ticks × $12.50.
    assert research.usd(1.0, tick_size=Decimal("0.25"), tick_value=Decimal("12.50")) == Decimal("50.00")


def test_net_pnl_takes_both_commissions_and_a_stops_slippage() -> None:
    costs = research.Costs(commission=Decimal("2.25"))
    # ES target +$100: less $4.50 commission, no slippage on a resting limit.
    assert costs.net(Decimal("100.00"), "TARGET", tick_value=Decimal("12.50")) == Decimal("95.50")
    # ES stop −$100: less $4.50 and one tick ($12.50) of slippage.
    assert costs.net(Decimal("-100.00"), "STOP", tick_value=Decimal("12.50")) == Decimal("-117.00")
    # EXPIRED ($0): the commission only. Open: nothing yet.
    assert costs.net(Decimal("0"), None, tick_value=Decimal("12.50")) == Decimal("-4.50")
    assert costs.net(None, None, tick_value=Decimal("12.50")) is None


def test_walk_forward_folds_roll_by_the_test_span() -> None:
    folds = research.walk_forward_folds(10, train=4, test=2)
    assert [(f.train, f.test) for f in folds] == [
        (range(0, 4), range(4, 6)),
        (range(2, 6), range(6, 8)),
        (range(4, 8), range(8, 10)),
    ]


def test_pbo_is_low_for_a_real_edge_and_high_for_noise() -> None:
    rng = np.random.default_rng(7)
    noise = rng.normal(0, 1, size=(240, 20))
    luck = research.probability_of_backtest_overfitting(noise, groups=8)
    edge = noise.copy()
    edge[:, 3] += 0.8  # one variant truly better in every period
    real = research.probability_of_backtest_overfitting(edge, groups=8)
    assert luck["combinations"] == real["combinations"] == 70  # C(8, 4)
    assert real["pbo"] == 0.0
    assert luck["pbo"] is not None and luck["pbo"] > 0.3
