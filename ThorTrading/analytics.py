"""Market-open analytics: hit rate, Wilson interval, expected value, profit factor, drawdown (SPEC §8).

Pure: plain values in, plain values out. A *trade* is a row with an entry; its outcome (``wndw``) is
WORKED, DIDNT_WORK, EXPIRED (resolved) or PENDING; NEUTRAL rows are not trades. P&L in USD per
contract; hit rate and its interval in percent.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

WORKED = "WORKED"
DIDNT_WORK = "DIDNT_WORK"
NEUTRAL = "NEUTRAL"
PENDING = "PENDING"
EXPIRED = "EXPIRED"
RESOLVED = frozenset({WORKED, DIDNT_WORK, EXPIRED})
Z_95 = 1.96
EARLIEST = datetime.min.replace(tzinfo=UTC)
CENT = Decimal("0.01")


WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
SIGNAL_ORDER = ["STRONG_BUY", "BUY", "HOLD", "SELL", "STRONG_SELL", ""]


class Outcome(NamedTuple):
    """One row as analytics sees it: when it was captured, its outcome, its P&L (USD, None while
    open), when it resolved, and whether it had an entry (a trade). A named tuple: analytics makes
    one per row of five years of history, so it has to be cheap."""

    captured_at: datetime | None
    wndw: str
    pnl_usd: Decimal | None = None
    resolved_at: datetime | None = None
    has_entry: bool = True
    #: capture → resolution in seconds, when the caller has it already (else from the two times)
    resolution_seconds: float | None = None


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion, as (low, high) fractions; None without trials.

    (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n) — Wilson (1927), the interval that stays
    inside [0, 1] and behaves for small n."""
    if trials <= 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = p + z * z / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max(0.0, (centre - margin) / denominator), min(1.0, (centre + margin) / denominator)


def max_drawdown(pnls: Iterable[Decimal]) -> Decimal:
    """The largest fall of cumulative P&L from a previous peak (the start, 0, counts as a peak),
    in USD, as a positive number (0 when it never falls)."""
    cumulative = peak = worst = Decimal(0)
    for pnl in pnls:
        cumulative += pnl
        peak = max(peak, cumulative)
        worst = max(worst, peak - cumulative)
    return worst


def summarize(outcomes: Iterable[Outcome], *, ordered: bool = False) -> dict[str, Any]:
    """The figures of one grouping.

    Returns ``{rows, trades, worked, didnt_work, expired, pending, neutral, hit_rate, hit_rate_low,
    hit_rate_high, expected_value, profit_factor, total_pnl, max_drawdown, avg_resolution_seconds}``:
    hit rate = worked / (worked + didn't work) with its 95 % Wilson interval (percent);
    expected value = Σ P&L / (worked + didn't work + expired) per trade (USD); profit factor =
    Σ winning P&L / |Σ losing P&L| (None without losses); drawdown over trades in ``captured_at``
    order (pass ``ordered=True`` when they already are); average time from capture to resolution of
    worked/didn't-work trades (seconds).
    """
    ordered_outcomes = list(outcomes) if ordered else sorted(outcomes, key=lambda o: o.captured_at or EARLIEST)
    counts = {WORKED: 0, DIDNT_WORK: 0, EXPIRED: 0, PENDING: 0, NEUTRAL: 0}
    pnls: list[Decimal] = []
    wins = losses = Decimal(0)
    durations: list[float] = []
    trades = 0
    for o in ordered_outcomes:
        counts[o.wndw] = counts.get(o.wndw, 0) + 1
        if not o.has_entry or o.wndw == NEUTRAL:
            continue
        trades += 1
        if o.wndw in RESOLVED:
            pnl = o.pnl_usd or Decimal(0)
            pnls.append(pnl)
            if pnl > 0:
                wins += pnl
            elif pnl < 0:
                losses += pnl
        if o.wndw in (WORKED, DIDNT_WORK):
            if o.resolution_seconds is not None:
                durations.append(o.resolution_seconds)
            elif o.resolved_at is not None and o.captured_at is not None:
                durations.append((o.resolved_at - o.captured_at).total_seconds())
    decided = counts[WORKED] + counts[DIDNT_WORK]
    resolved = decided + counts[EXPIRED]
    interval = wilson_interval(counts[WORKED], decided)
    total = sum(pnls, Decimal(0))
    return {
        "rows": len(ordered_outcomes),
        "trades": trades,
        "worked": counts[WORKED],
        "didnt_work": counts[DIDNT_WORK],
        "expired": counts[EXPIRED],
        "pending": counts[PENDING],
        "neutral": counts[NEUTRAL],
        "hit_rate": round(100 * counts[WORKED] / decided, 2) if decided else None,
        "hit_rate_low": round(100 * interval[0], 2) if interval else None,
        "hit_rate_high": round(100 * interval[1], 2) if interval else None,
        "expected_value": (total / resolved).quantize(CENT) if resolved else None,
        "profit_factor": (wins / -losses).quantize(CENT) if losses else None,
        "total_pnl": total.quantize(CENT),
        "max_drawdown": max_drawdown(pnls).quantize(CENT),
        "avg_resolution_seconds": round(sum(durations) / len(durations), 1) if durations else None,
    }


def lift(hit_rate: float | None, base_rate: float | None) -> float | None:
    """Percentage points by which a cell's hit rate beats the base rate (None if either is missing)."""
    if hit_rate is None or base_rate is None:
        return None
    return round(hit_rate - base_rate, 2)


class StatRow(NamedTuple):
    """One captured row as the stats see it: market, future, signal, market-local weekday
    (Mon…Sun) and date (``YYYYMMDD`` as an int), whether it is in the last 7 days, outcome, P&L
    (USD), seconds from capture to resolution, and whether it had an entry."""

    country: str
    future: str
    bhs: str
    day: str
    local_day: int | None
    recent: bool
    wndw: str
    pnl_usd: Decimal | None
    resolution_seconds: float | None
    has_entry: bool


def _grouped(outcomes: list[Outcome], keys: list[Any], order: list[Any]) -> list[dict[str, Any]]:
    groups: dict[Any, list[Outcome]] = defaultdict(list)
    for key, outcome in zip(keys, outcomes, strict=True):
        groups[key].append(outcome)
    ordered = [k for k in order if k in groups] + sorted((k for k in groups if k not in order), key=str)
    return [{"key": k, **summarize(groups[k], ordered=True)} for k in ordered]


def session_stats(rows: list[StatRow], *, market_order: list[str], future_order: list[str]) -> dict[str, Any]:
    """Overall, by market, by weekday, by signal, by future, last 7 days and P&L by day (SPEC §8),
    each with the figures of :func:`summarize`, over ``rows`` in ``captured_at`` order. P&L by day:
    ``[{date, trades, pnl, cumulative_pnl}]`` (USD). The shape of ``GET market-opens/stats/``; the
    backtest reports its trades in it too."""
    outcomes = [Outcome(None, r.wndw, r.pnl_usd, None, bool(r.has_entry), r.resolution_seconds) for r in rows]
    trades_by_day: dict[int, int] = defaultdict(int)
    pnl_of_day: dict[int, Decimal] = defaultdict(Decimal)
    for row, outcome in zip(rows, outcomes, strict=True):
        if row.local_day is None or not outcome.has_entry or outcome.wndw == NEUTRAL:
            continue
        trades_by_day[row.local_day] += 1
        if outcome.wndw in RESOLVED:
            pnl_of_day[row.local_day] += outcome.pnl_usd or Decimal(0)
    cumulative = Decimal(0)
    pnl_by_day = []
    for day_key in sorted(trades_by_day):
        pnl = pnl_of_day[day_key]
        cumulative += pnl
        pnl_by_day.append({"date": date(day_key // 10000, day_key // 100 % 100, day_key % 100),
                           "trades": trades_by_day[day_key], "pnl": pnl.quantize(CENT),
                           "cumulative_pnl": cumulative.quantize(CENT)})
    return {
        "overall": summarize(outcomes, ordered=True),
        "by_market": _grouped(outcomes, [r.country for r in rows], market_order),
        "by_weekday": _grouped(outcomes, [r.day for r in rows], WEEKDAYS),
        "by_signal": _grouped(outcomes, [r.bhs for r in rows], SIGNAL_ORDER),
        "by_future": _grouped(outcomes, [r.future for r in rows], future_order),
        "last_7_days": summarize([o for o, r in zip(outcomes, rows, strict=True) if r.recent], ordered=True),
        "pnl_by_day": pnl_by_day,
    }
