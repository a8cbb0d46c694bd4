"""Backtesting the market-open strategy over a tick tape (SPEC §13). Pure: no Django, no Redis.

At each capturing market's open the snapshot is each symbol's latest tick at or before the open;
:func:`ThorTrading.strategy.snapshot` and :func:`~ThorTrading.strategy.capture_rows` turn it into the
12 rows a live capture would write, and :func:`ThorTrading.grading.first_touch` finds each trade's
first touch among its symbol's ticks from the open until the evaluation window ends (long on the bid,
short on the ask, ``last`` when a side is missing). A trade untouched when its window ends is EXPIRED
with pnl 0; one whose window reaches past the end of the tape stays PENDING; HOLD (no entry) is
NEUTRAL. The live path runs the very same functions, so live and backtest agree row by row.

The tape keeps each symbol's ticks as numpy arrays (float64 points, NaN where missing, ``ts`` in UTC
nanoseconds), so the first-touch search is one vectorised pass per trade, not a loop per tick.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from LiveData.ticks import NS, PRICE_FIELDS, SIZE_FIELDS, Quote, from_ns, quote_from_tick, to_ns
from ThorTrading import analytics, grading, strategy
from ThorTrading.config import TradingConfig
from ThorTrading.signals import Thresholds

_ARRAYS = (*PRICE_FIELDS, *SIZE_FIELDS)
#: The fields the first-touch search reads for every tick; the rest only at a snapshot.
SEARCHED = ("bid", "ask", "last")


@dataclass(frozen=True)
class MarketOpen:
    """One capturing market's open: ``country``, the instant (aware UTC), the market-local date and
    weekday (Mon…Sun), and the evaluation window (None = never expires)."""

    country: str
    open_at: datetime
    local_date: date
    weekday: str
    window: timedelta | None


@dataclass
class SymbolTape:
    """One symbol's ticks in time order: ``ts`` (int64 UTC ns) and the float64 ``arrays`` the
    first-touch search reads (``bid``, ``ask``, ``last``; NaN where the tick had none); ``rows``:
    each tick's row in ``table``, where its other fields are read when a snapshot needs them."""

    ts: np.ndarray
    arrays: dict[str, np.ndarray]
    rows: np.ndarray
    table: pa.Table

    def tick(self, index: int) -> dict[str, Any]:
        """Tick ``index`` as an archive row (``LiveData.ticks`` shape; floats, None where missing)."""
        row = int(self.rows[index])
        tick: dict[str, Any] = {name: self.table.column(name)[row].as_py() for name in (*_ARRAYS, "source")}
        tick["ts"] = from_ns(int(self.ts[index]))
        tick["symbol"] = ""
        return tick


@dataclass
class Tape:
    """Ticks by symbol; ``rows`` in all; ``end_ns``: the last tick's time (what the tape covers)."""

    symbols: dict[str, SymbolTape]
    rows: int
    end_ns: int

    @classmethod
    def from_table(cls, table: pa.Table, *, covered_until: datetime | None = None) -> Tape:
        """A tape from archive rows (``LiveData.archive.SCHEMA``) in time order. ``covered_until``:
        how far the source is known to reach (default: the last tick of ``table``); a window ending
        after it leaves its trade PENDING rather than EXPIRED."""
        # One pass over the symbol column (dictionary codes), then numpy per symbol: far cheaper than
        # an Arrow filter per symbol over millions of rows.
        symbols_column = pc.dictionary_encode(table.column("symbol")).combine_chunks()
        codes = symbols_column.indices.to_numpy(zero_copy_only=False)
        names = symbols_column.dictionary.to_pylist()
        ts_all = table.column("ts").cast(pa.int64()).to_numpy()
        searched = {name: table.column(name).cast(pa.float64()).fill_null(np.nan).to_numpy() for name in SEARCHED}
        symbols: dict[str, SymbolTape] = {}
        for code, symbol in enumerate(names):
            index = np.flatnonzero(codes == code)
            if len(index):
                symbols[symbol] = SymbolTape(ts_all[index], {k: v[index] for k, v in searched.items()}, index, table)
        end = max((int(s.ts[-1]) for s in symbols.values() if len(s.ts)), default=0)
        if covered_until is not None:
            end = max(end, to_ns(covered_until))
        return cls(symbols, table.num_rows, end)

    def quote_at(self, symbol: str, at: datetime) -> Quote | None:
        """The latest quote of ``symbol`` at or before ``at`` (the stream's JSON shape, prices as
        Decimals, stamped with the tick's time), or None when the tape has none."""
        series = self.symbols.get(symbol)
        if series is None:
            return None
        index = int(np.searchsorted(series.ts, to_ns(at), side="right")) - 1
        if index < 0:
            return None
        tick = series.tick(index)
        tick["symbol"] = symbol
        quote = quote_from_tick(tick)
        quote["ts_ingest"] = quote["ts_event"]
        return quote


@dataclass(frozen=True)
class Variant:
    """What a backtest changes from the live configuration (None/empty = as configured).

    ``target_mode`` (USD, TICKS, POINTS) with ``profit_target`` and ``stop_loss`` in that unit for
    every instrument; ``window_minutes`` for every market (0 = no window); ``thresholds`` per symbol
    (points); ``signal_weights`` per signal; ``contract_weights`` per symbol."""

    target_mode: str | None = None
    profit_target: Decimal | None = None
    stop_loss: Decimal | None = None
    window_minutes: int | None = None
    thresholds: dict[str, Thresholds] = field(default_factory=dict)
    signal_weights: dict[str, int] = field(default_factory=dict)
    contract_weights: dict[str, Decimal] = field(default_factory=dict)

    def apply(self, config: TradingConfig) -> TradingConfig:
        """``config`` with this variant's changes (a new object; ``config`` is left alone)."""
        instruments = []
        for inst in config.instruments:
            changes: dict[str, Any] = {}
            if self.target_mode is not None:
                changes.update(target_mode=self.target_mode, profit_target=self.profit_target, stop_loss=self.stop_loss)
            if inst.symbol in self.thresholds:
                changes["thresholds"] = self.thresholds[inst.symbol]
            if inst.symbol in self.contract_weights:
                changes["contract_weight"] = self.contract_weights[inst.symbol]
            instruments.append(dataclasses.replace(inst, **changes) if changes else inst)
        return TradingConfig(instruments=instruments, signal_weights={**config.signal_weights, **self.signal_weights})

    def with_window(self, opens: Iterable[MarketOpen]) -> list[MarketOpen]:
        """``opens`` with this variant's window (when it sets one)."""
        if self.window_minutes is None:
            return list(opens)
        window = timedelta(minutes=self.window_minutes) if self.window_minutes > 0 else None
        return [dataclasses.replace(o, window=window) for o in opens]


def _resolve(
    trade: dict[str, Any],
    series: SymbolTape | None,
    market_open: MarketOpen,
    tape: Tape,
    config: TradingConfig,
    symbol: str,
) -> None:
    """Grade one PENDING trade on its symbol's ticks from the open to the end of the window."""
    start_ns = to_ns(market_open.open_at)
    end_ns = start_ns + int(market_open.window.total_seconds() * NS) if market_open.window else None
    touch = None
    if series is not None:
        touch = grading.first_touch_in_window(
            signal=trade["bhs"],
            target_high=float(trade["target_high"]),
            target_low=float(trade["target_low"]),
            ts=series.ts,
            bid=series.arrays["bid"],
            ask=series.arrays["ask"],
            last=series.arrays["last"],
            start_ns=start_ns,
            end_ns=end_ns,
            ordered=True,
        )
    if touch is not None and series is not None:
        instrument = config.by_symbol[symbol]
        trade.update(
            wndw=touch.outcome,
            target_hit_at=from_ns(int(series.ts[touch.index])),
            target_hit_price=touch.price,
            target_hit_type=touch.hit_type,
            pnl_usd=grading.pnl_usd(
                signal=trade["bhs"],
                entry=trade["entry_price"],
                exit=touch.price,
                tick_size=instrument.tick_size,
                tick_value=instrument.tick_value,
            ),
        )
    elif end_ns is not None and end_ns <= tape.end_ns:
        trade.update(wndw=grading.EXPIRED, pnl_usd=Decimal(0))


def run(
    tape: Tape,
    opens: Iterable[MarketOpen],
    config: TradingConfig,
    *,
    stale_seconds: float = 15.0,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """The trades the strategy would have made at ``opens`` (in the given order) on ``tape``.

    Returns one dict per captured row (12 per open: the 11 futures and TOTAL): ``country``, ``date``
    (market-local YYYY-MM-DD), ``weekday``, ``captured_at`` (the open, UTC), ``future``, ``bhs``,
    ``entry_price``, ``target_high``, ``target_low`` (points), ``wndw``, ``target_hit_at``,
    ``target_hit_price``, ``target_hit_type`` and ``pnl_usd`` (USD per contract, cents).
    ``progress(done, total)`` is called after each open."""
    opens = list(opens)
    trades: list[dict[str, Any]] = []
    symbols = [inst.symbol for inst in config.instruments]
    for done, market_open in enumerate(opens, start=1):
        quotes = {s: q for s in symbols if (q := tape.quote_at(s, market_open.open_at)) is not None}
        rows, total = strategy.snapshot(config, quotes, now=market_open.open_at, stale_seconds=stale_seconds)
        for fields in strategy.capture_rows(rows, total, config):
            trade: dict[str, Any] = {
                "country": market_open.country,
                "date": market_open.local_date.isoformat(),
                "weekday": market_open.weekday,
                "captured_at": market_open.open_at,
                "future": fields["future"],
                "bhs": fields["bhs"],
                "entry_price": fields.get("entry_price"),
                "target_high": fields.get("target_high"),
                "target_low": fields.get("target_low"),
                "wndw": fields["wndw"],
                "target_hit_at": None,
                "target_hit_price": None,
                "target_hit_type": None,
                "pnl_usd": None,
            }
            if trade["wndw"] == grading.PENDING:
                symbol = strategy.traded_symbol(trade["future"])
                _resolve(trade, tape.symbols.get(symbol), market_open, tape, config, symbol)
            trades.append(trade)
        if progress is not None:
            progress(done, len(opens))
    return trades


def stats(
    trades: list[dict[str, Any]], *, future: str = strategy.TOTAL, market_order: list[str], now: datetime
) -> dict[str, Any]:
    """:func:`ThorTrading.analytics.session_stats` over the backtest's trades of ``future`` (TOTAL by
    default, as ``GET market-opens/stats/``; "all" for every row), last 7 days counted back from
    ``now``."""
    since = now - timedelta(days=7)
    rows = []
    for t in trades:
        if future != "all" and t["future"] != future:
            continue
        hit = t["target_hit_at"]
        rows.append(
            analytics.StatRow(
                country=t["country"],
                future=t["future"],
                bhs=t["bhs"],
                day=t["weekday"],
                local_day=int(t["date"].replace("-", "")),
                recent=t["captured_at"] >= since,
                wndw=t["wndw"],
                pnl_usd=t["pnl_usd"],
                resolution_seconds=(hit - t["captured_at"]).total_seconds() if hit else None,
                has_entry=t["entry_price"] is not None,
            )
        )
    return analytics.session_stats(
        rows,
        market_order=market_order,
        future_order=[strategy.TOTAL, *sorted({t["future"] for t in trades} - {strategy.TOTAL})],
    )
