"""Market-open analytics: hit rate, Wilson interval, expected value, profit factor, drawdown (SPEC §8).

Pure: plain values in, plain values out. A *trade* is a row with an entry; its outcome (``wndw``) is
WORKED, DIDNT_WORK, EXPIRED (resolved) or PENDING; NEUTRAL rows are not trades. P&L in USD per
contract; hit rate and its interval in percent.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np

from ThorTrading import choices

WORKED: str = choices.Outcome.WORKED
DIDNT_WORK: str = choices.Outcome.DIDNT_WORK
NEUTRAL: str = choices.Outcome.NEUTRAL
PENDING: str = choices.Outcome.PENDING
EXPIRED: str = choices.Outcome.EXPIRED
RESOLVED = frozenset({WORKED, DIDNT_WORK, EXPIRED})
Z_95 = 1.96
EARLIEST = datetime.min.replace(tzinfo=UTC)
CENT = Decimal("0.01")


WEEKDAYS = list(choices.WEEKDAYS)
SIGNAL_ORDER = [*choices.Signal.values(), ""]


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
    hit_rate_high, expected_value, expected_value_low, expected_value_high, profit_factor, total_pnl,
    max_drawdown, avg_resolution_seconds}``:
    hit rate = worked / (worked + didn't work) with its 95 % Wilson interval (percent);
    expected value = Σ P&L / (worked + didn't work + expired) per trade (USD), with its 95 %
    confidence interval (:func:`_expected_value_interval`); profit factor =
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
    table = OutcomeTable.of(
        [o.wndw for o in ordered_outcomes],
        [cents(o.pnl_usd) for o in ordered_outcomes],
        [o.has_entry for o in ordered_outcomes],
        seconds,
    )
    return table.summary(np.arange(len(ordered_outcomes)))


def cents(usd: Decimal | None) -> int | None:
    """USD → whole cents (half-even, as Decimal quantizes); None stays None."""
    return None if usd is None else int((usd * 100).to_integral_value())


_CODES = {WORKED: 0, DIDNT_WORK: 1, EXPIRED: 2, PENDING: 3, NEUTRAL: 4}
_OTHER = len(_CODES)


def outcome_code(wndw: str) -> int:
    """The code :class:`OutcomeTable` keeps for an outcome (one past the known ones for any other)."""
    return _CODES.get(wndw, _OTHER)


class OutcomeTable:
    """Rows as columns for the figures, in ``captured_at`` order: outcome codes, P&L in cents
    (0 while open), entry flags and seconds to resolution (NaN when unknown). The figures of any
    subset of rows are vector operations over these — fast enough for years of history."""

    def __init__(self, codes: np.ndarray, cents: np.ndarray, entry: np.ndarray, seconds: np.ndarray) -> None:
        self.codes, self.cents, self.entry, self.seconds = codes, cents, entry, seconds
        self.trade = entry & (codes != _CODES[NEUTRAL])
        self.resolved_trade = self.trade & (codes <= _CODES[EXPIRED])
        self.decided_trade = self.trade & (codes <= _CODES[DIDNT_WORK]) & ~np.isnan(seconds)

    @classmethod
    def of(
        cls,
        wndws: Sequence[str],
        pnl_cents: Sequence[int | None],
        entries: Sequence[bool | int],
        seconds: Sequence[float | None],
    ) -> OutcomeTable:
        """From equal-length columns: outcomes, P&L in cents (None while open), entry flags, seconds."""
        codes = np.array([outcome_code(w) for w in wndws], dtype=np.int8)
        money = np.array([0 if c is None else c for c in pnl_cents], dtype=np.int64)
        entry = np.array(entries, dtype=bool)
        secs = np.array(seconds, dtype=np.float64) if len(seconds) else np.zeros(0)  # None → NaN
        return cls(codes, money, entry, secs)

    def take(self, rows: np.ndarray) -> OutcomeTable:
        """The table of the rows at indices ``rows`` only (in that order)."""
        return OutcomeTable(self.codes[rows], self.cents[rows], self.entry[rows], self.seconds[rows])

    def summary(self, rows: np.ndarray) -> dict[str, Any]:
        """The figures of :func:`summarize` over the rows at indices ``rows`` (ascending)."""
        return self.summaries(rows, np.zeros(len(rows), dtype=np.intp), 1)[0]

    def summaries(self, rows: np.ndarray | None, groups: np.ndarray, n: int) -> list[dict[str, Any]]:
        """The figures of :func:`summarize` for each of ``n`` groups of the rows at indices ``rows``
        (ascending; None for every row): ``groups[i]`` (0…n−1) is the group of ``rows[i]``. Vector
        operations over all groups at once (the statistics' groupings have up to a dozen keys)."""
        if rows is not None:
            return self.take(rows).summaries(None, groups, n)
        width = _OTHER + 1
        counts = np.bincount(groups * width + self.codes, minlength=n * width).reshape(n, width).tolist()
        sizes = np.bincount(groups, minlength=n).tolist()
        trades = np.bincount(groups[self.trade], minlength=n).tolist()
        resolved = self.resolved_trade
        in_group, pnl = groups[resolved], self.cents[resolved]
        # Sums of whole cents as float64 are exact below 2**53 cents (90 trillion USD).
        total = np.bincount(in_group, weights=pnl, minlength=n).tolist()
        wins = np.bincount(in_group, weights=np.where(pnl > 0, pnl, 0), minlength=n).tolist()
        losses = np.bincount(in_group, weights=np.where(pnl < 0, pnl, 0), minlength=n).tolist()
        squares = np.bincount(in_group, weights=pnl.astype(np.float64) ** 2, minlength=n).tolist()
        drawdown = _grouped_drawdown_cents(pnl, in_group, n).tolist()
        timed = groups[self.decided_trade]
        seconds = np.bincount(timed, weights=self.seconds[self.decided_trade], minlength=n).tolist()
        timed_n = np.bincount(timed, minlength=n).tolist()
        return [
            _figures(
                sizes[g],
                trades[g],
                counts[g],
                round(total[g]),
                round(wins[g]),
                round(losses[g]),
                squares[g],
                drawdown[g],
                seconds[g] / timed_n[g] if timed_n[g] else None,
            )
            for g in range(n)
        ]


def _figures(
    rows: int,
    trades: int,
    counts: list[int],
    total: int,
    wins: int,
    losses: int,
    squares: float,
    drawdown: int,
    avg_seconds: float | None,
) -> dict[str, Any]:
    """One grouping's figures (:func:`summarize`'s shape) from its counts per outcome code and its
    sums in cents (``squares``: Σ P&L², cents²)."""
    worked, didnt, expired = counts[0], counts[1], counts[2]
    decided = worked + didnt
    resolved = decided + expired
    interval = wilson_interval(worked, decided)
    usd = Decimal(total) / 100
    return {
        "rows": rows,
        "trades": trades,
        "worked": worked,
        "didnt_work": didnt,
        "expired": expired,
        "pending": counts[3],
        "neutral": counts[4],
        "hit_rate": round(100 * worked / decided, 2) if decided else None,
        "hit_rate_low": round(100 * interval[0], 2) if interval else None,
        "hit_rate_high": round(100 * interval[1], 2) if interval else None,
        "expected_value": (usd / resolved).quantize(CENT) if resolved else None,
        **_expected_value_interval(total, squares, resolved),
        "profit_factor": ((Decimal(wins) / 100) / (-Decimal(losses) / 100)).quantize(CENT) if losses else None,
        "total_pnl": usd.quantize(CENT),
        "max_drawdown": (Decimal(drawdown) / 100).quantize(CENT),
        "avg_resolution_seconds": round(avg_seconds, 1) if avg_seconds is not None else None,
    }


def _expected_value_interval(total: int, squares: float, n: int) -> dict[str, Decimal | None]:
    """The 95 % confidence interval of the expected value (USD per trade): mean ± 1.96 × s / √n, with
    s the sample standard deviation of the n resolved trades' P&L (the normal approximation of the
    mean; Student's t would be wider below ~30 trades, which is why ``n`` is shown beside it). None
    for both below two trades. A best market picked by the interval's low end, not the mean, cannot
    be a lucky handful of trades."""
    if n < 2:
        return {"expected_value_low": None, "expected_value_high": None}
    mean = total / n
    variance = max(0.0, (squares - n * mean * mean) / (n - 1))
    half = 1.96 * math.sqrt(variance / n)
    return {
        "expected_value_low": (Decimal(mean - half) / 100).quantize(CENT),
        "expected_value_high": (Decimal(mean + half) / 100).quantize(CENT),
    }


def _grouped_drawdown_cents(pnl: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """:func:`_drawdown_cents` of each group's P&L (cents, in order) at once: the trades are put
    group after group (a stable sort keeps each group's order), each group's running peak is
    lifted above every earlier group's so one running maximum serves them all."""
    result = np.zeros(n, dtype=np.int64)
    if not len(pnl):
        return result
    if n == 1:
        money, group = pnl, groups
    else:
        # A stable sort of small integers is a radix sort when they are bytes.
        order = np.argsort(groups.astype(np.uint8) if n < 256 else groups, kind="stable")
        money, group = pnl[order], groups[order]
    sizes = np.bincount(group, minlength=n)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    present = np.flatnonzero(sizes)
    cumulative = np.cumsum(money)
    base = np.zeros(n, dtype=np.int64)
    base[present] = (cumulative - money)[starts[present]]
    local = cumulative - base[group]
    lift_by = (int(np.abs(money).sum()) + 1) * group  # above any earlier group's peak
    peak = np.maximum.accumulate(np.maximum(local, 0) + lift_by) - lift_by
    result[present] = np.maximum.reduceat(peak - local, starts[present])
    return result


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


class KeyColumn(NamedTuple):
    """A grouping key (market, weekday, signal, future) as integer codes, one per row, and the
    label of each code."""

    codes: np.ndarray
    labels: Sequence[Any]

    @classmethod
    def of(cls, values: Sequence[Any]) -> KeyColumn:
        """Codes in order of first appearance."""
        position: dict[Any, int] = {}
        codes = np.array([position.setdefault(v, len(position)) for v in values], dtype=np.int32)
        return cls(codes, list(position))


def _grouped(table: OutcomeTable, codes: np.ndarray, labels: Sequence[Any], order: list[Any]) -> list[dict[str, Any]]:
    """:meth:`OutcomeTable.summaries` per distinct key of every row of ``table`` (``codes``, one per
    row, name ``labels``), in ``order`` and then the others alphabetically."""
    present = {labels[c]: c for c in np.unique(codes).tolist()}
    ordered = [k for k in order if k in present] + sorted((k for k in present if k not in order), key=str)
    position = np.zeros(len(labels), dtype=np.intp)
    position[[present[k] for k in ordered]] = np.arange(len(ordered))
    figures = table.summaries(None, position[codes], len(ordered))
    return [{"key": k, **f} for k, f in zip(ordered, figures, strict=True)]


def session_stats(
    rows: Sequence[StatRow] | StatColumns, *, market_order: list[str], future_order: list[str]
) -> dict[str, Any]:
    """Overall, by market, by weekday, by signal, by future, last 7 days and P&L by day (SPEC §8),
    each with the figures of :func:`summarize`, over ``rows`` (or their :class:`StatColumns`) in
    ``captured_at`` order. P&L by day: ``[{date, trades, pnl, cumulative_pnl}]`` (USD). The shape
    of ``GET market-opens/stats/``; the backtest reports its trades in it too."""
    columns = rows if isinstance(rows, StatColumns) else StatColumns.of_rows(rows)
    table = OutcomeTable.of(columns.wndw, columns.pnl_cents, columns.has_entry, columns.resolution_seconds)
    days = np.array([-1 if d is None else d for d in columns.local_day], dtype=np.int64)
    keys = {
        "country": KeyColumn.of(columns.country),
        "day": KeyColumn.of(columns.day),
        "bhs": KeyColumn.of(columns.bhs),
        "future": KeyColumn.of(columns.future),
    }
    return stats_over(
        table,
        np.arange(len(columns.wndw)),
        keys=keys,
        local_day=days,
        recent=np.array(columns.recent, dtype=bool),
        market_order=market_order,
        future_order=future_order,
    )


def stats_over(
    table: OutcomeTable,
    rows: np.ndarray,
    *,
    keys: dict[str, KeyColumn],
    local_day: np.ndarray,
    recent: np.ndarray,
    market_order: list[str],
    future_order: list[str],
) -> dict[str, Any]:
    """:func:`session_stats` over the rows at indices ``rows`` (ascending, in ``captured_at``
    order) of columns already encoded: ``table`` (outcomes), ``keys`` (``country``, ``day``,
    ``bhs``, ``future``), ``local_day`` (``YYYYMMDD``, −1 when unknown) and ``recent`` (captured in
    the last 7 days), each with one entry per row of the whole table. The statistics store answers
    ``GET market-opens/stats/`` through this over every captured row, narrowed by ``rows``."""
    days = local_day[rows]
    table = table.take(rows)
    traded = table.trade & (days >= 0)
    trade_days, trades_per_day = np.unique(days[traded], return_counts=True)
    pnl_per_day = np.zeros(len(trade_days), dtype=np.int64)
    resolved = traded & table.resolved_trade
    np.add.at(pnl_per_day, np.searchsorted(trade_days, days[resolved]), table.cents[resolved])
    # Decimal(cents).scaleb(-2) is the exact amount with two places (what quantize(CENT) gives).
    pnl_by_day = [
        {"date": _date_of(k), "trades": count, "pnl": Decimal(c).scaleb(-2), "cumulative_pnl": Decimal(cum).scaleb(-2)}
        for k, count, c, cum in zip(
            trade_days.tolist(),
            trades_per_day.tolist(),
            pnl_per_day.tolist(),
            np.cumsum(pnl_per_day).tolist(),
            strict=True,
        )
    ]
    everyone = np.zeros(len(rows), dtype=np.intp)
    return {
        "overall": table.summaries(None, everyone, 1)[0],
        "by_market": _grouped(table, keys["country"].codes[rows], keys["country"].labels, market_order),
        "by_weekday": _grouped(table, keys["day"].codes[rows], keys["day"].labels, WEEKDAYS),
        "by_signal": _grouped(table, keys["bhs"].codes[rows], keys["bhs"].labels, SIGNAL_ORDER),
        "by_future": _grouped(table, keys["future"].codes[rows], keys["future"].labels, future_order),
        "last_7_days": table.summary(np.flatnonzero(recent[rows])),
        "pnl_by_day": pnl_by_day,
    }


@functools.lru_cache(maxsize=16384)
def _date_of(yyyymmdd: int) -> date:
    """``YYYYMMDD`` → the date (remembered: P&L by day makes one per trading day per request)."""
    return date(yyyymmdd // 10000, yyyymmdd // 100 % 100, yyyymmdd % 100)


def net_of_costs(
    table: OutcomeTable,
    futures: KeyColumn,
    stopped: np.ndarray,
    costs: dict[str, tuple[int, int]],
) -> OutcomeTable:
    """``table`` with each resolved trade's P&L less what it cost (issue 26): ``costs`` gives, per traded
    symbol (TOTAL trades YM), ``(round trip commission, stop slippage)`` in cents; ``stopped`` marks
    the trades that left at their stop. A symbol without costs is free."""
    labels = ["YM" if label == choices.TOTAL else label for label in futures.labels]
    round_trip = np.array([costs.get(label, (0, 0))[0] for label in labels] + [0], dtype=np.int64)
    slippage = np.array([costs.get(label, (0, 0))[1] for label in labels] + [0], dtype=np.int64)
    codes = np.where(futures.codes < 0, len(labels), futures.codes)
    cost = round_trip[codes] + np.where(stopped, slippage[codes], 0)
    cents = np.where(table.resolved_trade, table.cents - cost, table.cents)
    return OutcomeTable(table.codes, cents, table.entry, table.seconds)
