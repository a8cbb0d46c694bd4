"""Market-open analytics: hit rate, Wilson interval, expected value, profit factor, drawdown (SPEC §8).

Pure: plain values in, plain values out. A *trade* is a row with an entry; its outcome (``wndw``) is
WORKED, DIDNT_WORK, EXPIRED (resolved) or PENDING; NEUTRAL rows are not trades. P&L in USD per
contract; hit rate and its interval in percent.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np

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
    in USD, as a positive number (0 when it never falls). P&L in whole cents."""
    cents_ = np.array([cents(p) or 0 for p in pnls], dtype=np.int64)
    return (Decimal(_drawdown_cents(cents_)) / 100).quantize(CENT)


def _drawdown_cents(pnl: np.ndarray) -> int:
    """:func:`max_drawdown` over P&L in cents (int64), in cents."""
    if not len(pnl):
        return 0
    cumulative = np.cumsum(pnl)
    peak = np.maximum.accumulate(np.maximum(cumulative, 0))
    return max(int((peak - cumulative).max()), 0)


def summarize(outcomes: Iterable[Outcome], *, ordered: bool = False) -> dict[str, Any]:
    """The figures of one grouping.

    Returns ``{rows, trades, worked, didnt_work, expired, pending, neutral, hit_rate, hit_rate_low,
    hit_rate_high, expected_value, profit_factor, total_pnl, max_drawdown, avg_resolution_seconds}``:
    hit rate = worked / (worked + didn't work) with its 95 % Wilson interval (percent);
    expected value = Σ P&L / (worked + didn't work + expired) per trade (USD); profit factor =
    Σ winning P&L / |Σ losing P&L| (None without losses); drawdown over trades in ``captured_at``
    order (pass ``ordered=True`` when they already are); average time from capture to resolution of
    worked/didn't-work trades (seconds). P&L is counted in whole cents (grading rounds it so).
    """
    ordered_outcomes = list(outcomes) if ordered else sorted(outcomes, key=lambda o: o.captured_at or EARLIEST)
    seconds: list[float | None] = []
    for o in ordered_outcomes:
        if o.resolution_seconds is not None:
            seconds.append(o.resolution_seconds)
        elif o.resolved_at is not None and o.captured_at is not None:
            seconds.append((o.resolved_at - o.captured_at).total_seconds())
        else:
            seconds.append(None)
    table = _Table.of([o.wndw for o in ordered_outcomes], [cents(o.pnl_usd) for o in ordered_outcomes],
                      [o.has_entry for o in ordered_outcomes], seconds)
    return table.summary(np.arange(len(ordered_outcomes)))


def cents(usd: Decimal | None) -> int | None:
    """USD → whole cents (half-even, as Decimal quantizes); None stays None."""
    return None if usd is None else int((usd * 100).to_integral_value())


_CODES = {WORKED: 0, DIDNT_WORK: 1, EXPIRED: 2, PENDING: 3, NEUTRAL: 4}
_OTHER = len(_CODES)


class _Table:
    """Rows as columns for the figures, in ``captured_at`` order: outcome codes, P&L in cents
    (0 while open), entry flags and seconds to resolution (NaN when unknown). The figures of any
    subset of rows are vector operations over these — fast enough for years of history."""

    def __init__(self, codes: np.ndarray, cents: np.ndarray, entry: np.ndarray, seconds: np.ndarray) -> None:
        self.codes, self.cents, self.entry, self.seconds = codes, cents, entry, seconds
        self.trade = entry & (codes != _CODES[NEUTRAL])
        self.resolved_trade = self.trade & (codes <= _CODES[EXPIRED])
        self.decided_trade = self.trade & (codes <= _CODES[DIDNT_WORK]) & ~np.isnan(seconds)

    @classmethod
    def of(cls, wndws: Sequence[str], pnl_cents: Sequence[int | None], entries: Sequence[bool | int],
           seconds: Sequence[float | None]) -> _Table:
        """From equal-length columns: outcomes, P&L in cents (None while open), entry flags, seconds."""
        codes = np.array([_CODES.get(w, _OTHER) for w in wndws], dtype=np.int8)
        money = np.array([0 if c is None else c for c in pnl_cents], dtype=np.int64)
        entry = np.array(entries, dtype=bool)
        secs = np.array(seconds, dtype=np.float64) if len(seconds) else np.zeros(0)  # None → NaN
        return cls(codes, money, entry, secs)

    def summary(self, rows: np.ndarray) -> dict[str, Any]:
        """The figures of :func:`summarize` over the rows at indices ``rows`` (ascending)."""
        counts = np.bincount(self.codes[rows], minlength=_OTHER + 1)
        worked, didnt, expired = int(counts[0]), int(counts[1]), int(counts[2])
        resolved_rows = rows[self.resolved_trade[rows]]
        pnl = self.cents[resolved_rows]
        total, wins, losses = int(pnl.sum()), int(pnl[pnl > 0].sum()), int(pnl[pnl < 0].sum())
        drawdown = _drawdown_cents(pnl)
        durations = self.seconds[rows[self.decided_trade[rows]]].tolist()
        decided = worked + didnt
        resolved = decided + expired
        interval = wilson_interval(worked, decided)
        usd = Decimal(total) / 100
        return {
            "rows": len(rows),
            "trades": int(self.trade[rows].sum()),
            "worked": worked,
            "didnt_work": didnt,
            "expired": expired,
            "pending": int(counts[3]),
            "neutral": int(counts[4]),
            "hit_rate": round(100 * worked / decided, 2) if decided else None,
            "hit_rate_low": round(100 * interval[0], 2) if interval else None,
            "hit_rate_high": round(100 * interval[1], 2) if interval else None,
            "expected_value": (usd / resolved).quantize(CENT) if resolved else None,
            "profit_factor": ((Decimal(wins) / 100) / (-Decimal(losses) / 100)).quantize(CENT) if losses else None,
            "total_pnl": usd.quantize(CENT),
            "max_drawdown": (Decimal(drawdown) / 100).quantize(CENT),
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


class StatColumns(NamedTuple):
    """:class:`StatRow`'s fields as equal-length columns (what a database cursor gives, transposed),
    with P&L in whole cents (None while open) — the form :func:`session_stats` computes on."""

    country: Sequence[str]
    future: Sequence[str]
    bhs: Sequence[str]
    day: Sequence[str]
    local_day: Sequence[int | None]
    recent: Sequence[bool | int]
    wndw: Sequence[str]
    pnl_cents: Sequence[int | None]
    resolution_seconds: Sequence[float | None]
    has_entry: Sequence[bool | int]

    @classmethod
    def of_rows(cls, rows: Sequence[StatRow]) -> StatColumns:
        """The columns of ``rows`` (P&L from USD to cents)."""
        if not rows:
            return cls(*([] for _ in StatRow._fields))
        columns: list[Any] = list(zip(*rows, strict=True))
        columns[7] = [cents(p) for p in columns[7]]
        return cls(*columns)


def _grouped(table: _Table, keys: Sequence[Any], order: list[Any]) -> list[dict[str, Any]]:
    """:meth:`_Table.summary` per distinct key (market, weekday, signal, future), in ``order`` and
    then the others alphabetically."""
    position: dict[Any, int] = {}
    inverse = np.array([position.setdefault(k, len(position)) for k in keys], dtype=np.int64)
    ordered = [k for k in order if k in position] + sorted((k for k in position if k not in order), key=str)
    return [{"key": k, **table.summary(np.flatnonzero(inverse == position[k]))} for k in ordered]


def session_stats(rows: Sequence[StatRow] | StatColumns, *, market_order: list[str],
                  future_order: list[str]) -> dict[str, Any]:
    """Overall, by market, by weekday, by signal, by future, last 7 days and P&L by day (SPEC §8),
    each with the figures of :func:`summarize`, over ``rows`` (or their :class:`StatColumns`) in
    ``captured_at`` order. P&L by day: ``[{date, trades, pnl, cumulative_pnl}]`` (USD). The shape
    of ``GET market-opens/stats/``; the backtest reports its trades in it too."""
    columns = rows if isinstance(rows, StatColumns) else StatColumns.of_rows(rows)
    n = len(columns.wndw)
    table = _Table.of(columns.wndw, columns.pnl_cents, columns.has_entry, columns.resolution_seconds)
    days = np.array([-1 if d is None else d for d in columns.local_day], dtype=np.int64)
    traded = table.trade & (days >= 0)
    trade_days, trades_per_day = np.unique(days[traded], return_counts=True)
    pnl_per_day = np.zeros(len(trade_days), dtype=np.int64)
    resolved = traded & table.resolved_trade
    np.add.at(pnl_per_day, np.searchsorted(trade_days, days[resolved]), table.cents[resolved])
    # Decimal(cents).scaleb(-2) is the exact amount with two places (what quantize(CENT) gives).
    pnl_by_day = [{"date": date(k // 10000, k // 100 % 100, k % 100), "trades": count,
                   "pnl": Decimal(c).scaleb(-2), "cumulative_pnl": Decimal(cum).scaleb(-2)}
                  for k, count, c, cum in zip(trade_days.tolist(), trades_per_day.tolist(), pnl_per_day.tolist(),
                                              np.cumsum(pnl_per_day).tolist(), strict=True)]
    everything = np.arange(n)
    recent = np.array(columns.recent, dtype=bool)
    return {
        "overall": table.summary(everything),
        "by_market": _grouped(table, columns.country, market_order),
        "by_weekday": _grouped(table, columns.day, WEEKDAYS),
        "by_signal": _grouped(table, columns.bhs, SIGNAL_ORDER),
        "by_future": _grouped(table, columns.future, future_order),
        "last_7_days": table.summary(everything[recent]),
        "pnl_by_day": pnl_by_day,
    }
