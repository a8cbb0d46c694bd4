"""Research over many variants at once (issue 26): a trade's path, its excursions, its resolution
for any target and stop by binary search, costs, walk-forward and the probability of backtest
overfitting. Pure (numpy only): the backtest's sweep, its tests and the bench call these.

A trade's entry and direction depend only on the signals, so a sweep computes each trade's **path**
once — the prices its exit side trades at, from the open to the end of the longest window — and
answers every target/stop/window from it. The running maximum of the highs and the running minimum
of the lows are monotone, so the first step that reaches any level is one ``searchsorted``
(:func:`resolve`); the test suite checks it against the first-touch rules the live grader and the
single-variant backtest use (``ThorTrading.grading.first_touch_in_window`` on ticks,
``first_touch_on_bars`` on bars), ambiguous bars included.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from ThorTrading.grading import DIDNT_WORK, STOP, TARGET, WORKED

TICK = "tick"


@dataclass
class Path:
    """The exit side of one trade, step by step from its open (SPEC §7 / §15).

    ``kind``: ``tick`` (each step one tick: ``high`` = ``low`` = ``open`` = the watched price, bid for
    a long, ask for a short, else last) or a bar resolution (``1s``, ``1m``: the bar's high, low and
    open on the watched side, else on its trade bar). ``start``: each step's time (int64 UTC ns, a
    bar's start); ``length_ns``: a bar's length (0 for ticks). ``side``: +1 long, −1 short;
    ``entry`` in points; ``covered_ns``: how far the data reaches (a window ending after it leaves the
    trade PENDING, not EXPIRED). NaN marks a step without a price."""

    kind: str
    side: int
    entry: float
    start: np.ndarray
    high: np.ndarray
    low: np.ndarray
    open: np.ndarray
    length_ns: int
    covered_ns: int
    _up: np.ndarray | None = field(default=None, repr=False)
    _down: np.ndarray | None = field(default=None, repr=False)

    @property
    def up(self) -> np.ndarray:
        """Running maximum of the highs (NaN steps count as −∞): non-decreasing."""
        if self._up is None:
            self._up = np.maximum.accumulate(np.where(np.isnan(self.high), -np.inf, self.high))
        return self._up

    @property
    def down(self) -> np.ndarray:
        """Running maximum of the negated lows (NaN steps count as −∞): non-decreasing."""
        if self._down is None:
            self._down = np.maximum.accumulate(np.where(np.isnan(self.low), -np.inf, -self.low))
        return self._down

    def steps_before(self, end_ns: int | None) -> int:
        """How many steps lie inside a window ending at ``end_ns`` (None = all): ticks stamped before
        it, bars that end by it."""
        if end_ns is None:
            return len(self.start)
        limit = end_ns - self.length_ns
        if self.kind == TICK:
            return int(np.searchsorted(self.start, limit, side="left"))
        return int(np.searchsorted(self.start, limit, side="right"))


@dataclass(frozen=True)
class Exit:
    """Where a trade left: step ``index``, ``outcome`` (WORKED/DIDNT_WORK), ``hit_type``
    (TARGET/STOP), exit ``price`` (points), ``at_ns`` and ``ambiguous`` (a bar reached both levels:
    booked as the stop)."""

    index: int
    outcome: str
    hit_type: str
    price: float
    at_ns: int
    ambiguous: bool


def _first(running: np.ndarray, level: float, steps: int) -> int:
    """The first step < ``steps`` whose running value reaches ``level`` (``steps`` when none)."""
    return min(int(np.searchsorted(running, level, side="left")), steps)


def resolve(path: Path, target_high: float, target_low: float, end_ns: int | None) -> Exit | None:
    """The first touch of ``target_high`` / ``target_low`` (points) inside the window ending at
    ``end_ns`` (None = no window), by binary search on the running extremes — the same answer as
    the first-touch rules (module docstring). A long reaches its target when a high ≥ target_high
    and its stop when a low ≤ target_low; a short the other way round. On ticks a tick that reaches
    the target is the target; on bars a bar that reaches both is the stop (``ambiguous``), and a bar
    that opened beyond a level exits at its open (a gap). None when neither is reached."""
    steps = path.steps_before(end_ns)
    if steps == 0:
        return None
    reach_high = _first(path.up, target_high, steps)
    reach_low = _first(path.down, -target_low, steps)
    target_at, stop_at = (reach_high, reach_low) if path.side > 0 else (reach_low, reach_high)
    if target_at >= steps and stop_at >= steps:
        return None
    if path.kind == TICK:
        hit_target = target_at <= stop_at
        index = target_at if hit_target else stop_at
        price = float(path.high[index])
        return Exit(index, WORKED if hit_target else DIDNT_WORK, TARGET if hit_target else STOP, price,
                    int(path.start[index]), False)  # fmt: skip
    hit_target = target_at < stop_at
    index = target_at if hit_target else stop_at
    opened = float(path.open[index])
    if hit_target:
        level = target_high if path.side > 0 else target_low
        gapped = not math.isnan(opened) and (opened > level if path.side > 0 else opened < level)
        return Exit(index, WORKED, TARGET, opened if gapped else level, int(path.start[index]), False)
    level = target_low if path.side > 0 else target_high
    gapped = not math.isnan(opened) and (opened < level if path.side > 0 else opened > level)
    return Exit(index, DIDNT_WORK, STOP, opened if gapped else level, int(path.start[index]), target_at == stop_at)


@dataclass(frozen=True)
class Excursion:
    """Maximum favourable and adverse excursion of a trade (MFE/MAE) up to its exit or its window's
    end: ``mfe``/``mae`` in points (≥ 0: how far price went for and against the trade) and the
    time of each (int64 UTC ns, None when there was no step)."""

    mfe: float
    mae: float
    mfe_at_ns: int | None
    mae_at_ns: int | None


def excursions(path: Path, *, through: int | None) -> Excursion:
    """MFE/MAE over the steps ``0 … through`` (inclusive; None = every step of the path): a long's
    favourable excursion is its highs above the entry, its adverse the lows below; a short the
    other way round. Both are 0 when price never went that way."""
    stop = len(path.start) if through is None else min(through + 1, len(path.start))
    if stop <= 0:
        return Excursion(0.0, 0.0, None, None)
    high, low = path.high[:stop], path.low[:stop]
    favourable = (high - path.entry) if path.side > 0 else (path.entry - low)
    adverse = (path.entry - low) if path.side > 0 else (high - path.entry)
    favourable = np.where(np.isnan(favourable), -np.inf, favourable)
    adverse = np.where(np.isnan(adverse), -np.inf, adverse)
    best, worst = int(np.argmax(favourable)), int(np.argmax(adverse))
    mfe, mae = float(favourable[best]), float(adverse[worst])
    return Excursion(
        max(mfe, 0.0),
        max(mae, 0.0),
        int(path.start[best]) if mfe > 0 else None,
        int(path.start[worst]) if mae > 0 else None,
    )


@dataclass(frozen=True)
class Costs:
    """What a round trip costs (issue 26): ``commission`` USD per contract per side (the contract
    table's, as the paper desk charges), and slippage in ticks on a stop's exit (default 1: a stop
    fills at market beyond its level) and on a target's (default 0: a resting limit). Entries are
    at the touched side of the book already (the ask to buy), so they carry no extra slippage."""

    commission: Decimal = Decimal(0)
    stop_slippage_ticks: int = 1
    target_slippage_ticks: int = 0

    def net(self, gross: Decimal | None, hit_type: str | None, *, tick_value: Decimal) -> Decimal | None:
        """Net P&L of one contract (USD): gross less the round trip's commission and the exit's
        slippage; None while the trade is open. An EXPIRED trade (gross 0, closed at the window's
        end by the book) pays the commission only."""
        if gross is None:
            return None
        slippage = {STOP: self.stop_slippage_ticks, TARGET: self.target_slippage_ticks}.get(hit_type or "", 0)
        return (gross - 2 * self.commission - slippage * tick_value).quantize(Decimal("0.01"))


def usd(points: float, *, tick_size: Decimal, tick_value: Decimal) -> Decimal:
    """Points → USD per contract (cents)."""
    return (Decimal(repr(points)) / tick_size * tick_value).quantize(Decimal("0.01"))


# --- choosing among variants honestly --------------------------------------------------------------
def probability_of_backtest_overfitting(performance: np.ndarray, *, groups: int = 8) -> dict[str, Any]:
    """The probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey,
    Borwein, López de Prado and Zhu, 2015, "The Probability of Backtest Overfitting", §2):
    ``performance`` is a T × N matrix (T periods in time order, e.g. days; N variants; a period's
    net P&L). The rows are cut into ``groups`` (S, even) blocks; for every choice of S/2 blocks as
    the in-sample set (the rest out of sample), the variant with the best in-sample mean is ranked
    among all out of sample: ω = rank / (N + 1), λ = ln(ω / (1 − ω)). PBO = the share of choices
    with λ ≤ 0 — the best in sample lands at or below the median out of sample.

    Returns ``{"pbo", "combinations", "logits", "groups", "periods", "variants"}`` (``pbo`` None with
    fewer than two variants or fewer periods than groups). Raises ValueError for an odd ``groups``."""
    if groups % 2:
        raise ValueError(f"groups must be even (got {groups})")
    periods, variants = performance.shape
    if variants < 2 or periods < groups:
        return {"pbo": None, "combinations": 0, "logits": [], "groups": groups, "periods": periods,
                "variants": variants}  # fmt: skip
    blocks = np.array_split(np.arange(periods), groups)
    logits: list[float] = []
    for chosen in itertools.combinations(range(groups), groups // 2):
        inside = np.concatenate([blocks[i] for i in chosen])
        outside = np.concatenate([blocks[i] for i in range(groups) if i not in chosen])
        best = int(np.argmax(performance[inside].mean(axis=0)))
        oos = performance[outside].mean(axis=0)
        # Rank 1 = worst … N = best out of sample (ties share the average rank).
        rank = float((oos < oos[best]).sum() + ((oos == oos[best]).sum() + 1) / 2)
        omega = rank / (variants + 1)
        logits.append(math.log(omega / (1 - omega)))
    pbo = sum(1 for value in logits if value <= 0) / len(logits)
    return {"pbo": round(pbo, 4), "combinations": len(logits), "logits": [round(v, 4) for v in logits],
            "groups": groups, "periods": periods, "variants": variants}  # fmt: skip


@dataclass(frozen=True)
class Fold:
    """One walk-forward step: train on the periods ``train`` (indices), test on ``test``."""

    train: range
    test: range


def walk_forward_folds(periods: int, *, train: int, test: int) -> list[Fold]:
    """Rolling folds over ``periods`` (in time order): train on ``train`` periods, test on the next
    ``test``, then move on by ``test``. Raises ValueError for spans below 1."""
    if train < 1 or test < 1:
        raise ValueError(f"train and test spans must be at least 1 (got {train} and {test})")
    folds = []
    begin = 0
    while begin + train + test <= periods:
        folds.append(Fold(range(begin, begin + train), range(begin + train, begin + train + test)))
        begin += test
    return folds


def choose_best(values: Sequence[Sequence[float]], counts: Sequence[Sequence[int]], *, min_trades: int) -> int | None:
    """The variant with the highest total over a span (``values[v]`` per period), among those with
    at least ``min_trades`` trades in it (``counts[v]`` per period); None when none has enough."""
    best, best_value = None, -math.inf
    for index, (series, numbers) in enumerate(zip(values, counts, strict=True)):
        if sum(numbers) < min_trades:
            continue
        total = float(sum(series))
        if total > best_value:
            best, best_value = index, total
    return best
