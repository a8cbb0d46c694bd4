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
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from LiveData.contracts import parse_contract, previous_weekday
from LiveData.ticks import NS, PRICE_FIELDS, SIZE_FIELDS, Quote, cme_trading_day, from_ns, quote_from_tick, to_ns
from ThorTrading import analytics, grading, research, strategy
from ThorTrading.config import TradingConfig
from ThorTrading.signals import Thresholds, trade_side
from ThorTrading.targets import compute_targets, distance_points

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
        keyed = series_keys(table)
        symbols_column = pc.dictionary_encode(keyed).combine_chunks()
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

    def sources(self, key: str) -> list[str]:
        """The sources (``tos_excel``, ``databento mbp-1``…) of series ``key``'s ticks."""
        series = self.symbols.get(key)
        if series is None:
            return []
        return sorted(
            str(v) for v in pc.unique(series.table.column("source").take(pa.array(series.rows))).to_pylist() if v
        )

    def has_data(self, key: str, start_ns: int, end_ns: int) -> bool:
        """Whether series ``key`` has a tick in [``start_ns``, ``end_ns``)."""
        series = self.symbols.get(key)
        if series is None:
            return False
        return bool(np.searchsorted(series.ts, end_ns, side="left") > np.searchsorted(series.ts, start_ns, side="left"))

    def quote_at(self, symbol: str, at: datetime) -> Quote | None:
        """The latest quote of series ``symbol`` (a root, or a contract) at or before ``at`` (the
        stream's JSON shape, prices as Decimals, stamped with the tick's time), or None when the tape
        has none. A side the latest tick lacks is taken from the latest tick of the day before ``at``
        that has it (a vendor's book update carries no last, its trade no book)."""
        series = self.symbols.get(symbol)
        if series is None:
            return None
        index = int(np.searchsorted(series.ts, to_ns(at), side="right")) - 1
        if index < 0:
            return None
        tick = series.tick(index)
        # A vendor's book update has no last, and its trade no book: each of bid, ask and last is the
        # latest tick that has it (SPEC §15), as for bars. A feed's tick has all three (DX: no bid/ask).
        day_ago = int(np.searchsorted(series.ts, to_ns(at) - 86_400 * NS, side="left"))
        for name, size in (("bid", "bid_size"), ("ask", "ask_size"), ("last", None)):
            if tick[name] is None:
                earlier = _last_present(series.arrays[name], index + 1, floor=day_ago)
                if earlier is not None:
                    other = series.tick(earlier)
                    tick[name] = other[name]
                    if size is not None:
                        tick[size] = other[size]
        tick["symbol"] = symbol
        quote = quote_from_tick(tick)
        quote["ts_ingest"] = quote["ts_event"]
        return quote


def series_keys(table: pa.Table) -> pa.ChunkedArray:
    """Each row's series: its contract (``ESZ13``), or its root when it has none (a continuous feed)."""
    if "contract" not in table.column_names:
        return table.column("symbol")
    return pc.coalesce(table.column("contract"), table.column("symbol"))


_BAR_PRICES = tuple(f"{side}{part}" for side in ("", "bid_", "ask_") for part in ("open", "high", "low", "close"))
#: The columns a bar tape keeps per series: prices for the search and the snapshot, sizes for the snapshot.
_BAR_COLUMNS = (*_BAR_PRICES, "bid_size", "ask_size")


@dataclass
class BarSeries:
    """One contract's bars in time order: ``start`` (int64 UTC ns) and float64 arrays (NaN where
    missing) of trade, bid and ask open/high/low/close, plus ``bid_size``/``ask_size``/``volume``."""

    start: np.ndarray
    arrays: dict[str, np.ndarray]

    def side(self, prefix: str) -> grading.BarSide:
        """The bid (``bid_``), ask (``ask_``) or trade (``""``) bars as a :class:`~ThorTrading.grading.BarSide`."""
        return grading.BarSide(
            open=self.arrays[f"{prefix}open"], high=self.arrays[f"{prefix}high"], low=self.arrays[f"{prefix}low"]
        )


@dataclass
class BarTape:
    """Bars of one length (``length_ns``) by series (contract, or root); ``end_ns``: where the last
    bar ends (what the tape covers)."""

    length_ns: int
    series: dict[str, BarSeries]
    rows: int
    end_ns: int
    #: The sources of each series' bars (``algoseek``, ``databento``…).
    sources: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_table(cls, table: pa.Table, *, length_seconds: int) -> BarTape:
        """A tape from bar rows (``LiveData.history.store.BAR_SCHEMA``) in time order."""
        return cls.from_days([table], length_seconds=length_seconds)

    @classmethod
    def from_days(cls, days: Iterable[pa.Table], *, length_seconds: int) -> BarTape:
        """A tape from bar tables in time order, each covering its own span (one CME day each, as the
        archive stores them). Each day is sorted by series, and every series' arrays are the
        concatenation of its contiguous runs: one copy of each column, no gather over the year."""
        parts: dict[str, dict[str, list[np.ndarray]]] = {}
        sources: dict[str, set[str]] = {}
        rows = 0
        for table in days:
            if table.num_rows == 0:
                continue
            rows += table.num_rows
            keys = series_keys(table)
            table = table.append_column("_key", keys).sort_by([("_key", "ascending"), ("ts", "ascending")])
            encoded = pc.dictionary_encode(table.column("_key")).combine_chunks()
            codes = encoded.indices.to_numpy(zero_copy_only=False)
            names = encoded.dictionary.to_pylist()
            bounds = np.flatnonzero(np.diff(codes)) + 1
            starts, ends = np.concatenate(([0], bounds)), np.concatenate((bounds, [len(codes)]))
            # Arrow gives NaN for a null float64: no fill pass.
            columns = {"start": table.column("ts").cast(pa.int64()).to_numpy()}
            columns.update({n: table.column(n).cast(pa.float64()).to_numpy() for n in _BAR_COLUMNS})
            for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
                key = names[codes[lo]]
                target = parts.setdefault(key, {n: [] for n in columns})
                for name, values in columns.items():
                    target[name].append(values[lo:hi])
            for pair in table.group_by(["_key", "source"]).aggregate([]).to_pylist():
                if pair["source"]:
                    sources.setdefault(pair["_key"], set()).add(pair["source"])
        series = {
            key: BarSeries(
                np.concatenate(chunks["start"]), {n: np.concatenate(chunks[n]) for n in chunks if n != "start"}
            )
            for key, chunks in parts.items()
        }
        length = length_seconds * NS
        end = max((int(s.start[-1]) + length for s in series.values()), default=0)
        return cls(length, series, rows, end, {k: sorted(v) for k, v in sources.items()})

    def has_data(self, key: str, start_ns: int, end_ns: int) -> bool:
        """Whether series ``key`` has a bar starting in [``start_ns``, ``end_ns``)."""
        bars = self.series.get(key)
        if bars is None:
            return False
        return bool(
            np.searchsorted(bars.start, end_ns, side="left") > np.searchsorted(bars.start, start_ns, side="left")
        )

    def quote_at(self, key: str, at: datetime, *, symbol: str) -> Quote | None:
        """The snapshot at ``at`` (SPEC §15): for each of bid, ask and last, the close of the latest
        bar of series ``key`` that ended at or before ``at`` and has that field, within the day before
        ``at``; sizes from the bar that gave the price. Stamped with the latest of those bars' ends.
        None when no bar ended yet."""
        bars = self.series.get(key)
        if bars is None:
            return None
        ended = int(np.searchsorted(bars.start, to_ns(at) - self.length_ns, side="right"))
        if ended == 0:
            return None
        day_ago = int(np.searchsorted(bars.start, to_ns(at) - 86_400 * NS, side="left"))
        values: dict[str, Any] = {"symbol": symbol, "feed_symbol": key}
        latest = None
        for field_name, column, size in (
            ("bid", "bid_close", "bid_size"),
            ("ask", "ask_close", "ask_size"),
            ("last", "close", None),
        ):
            index = _last_present(bars.arrays[column], ended, floor=day_ago)
            if index is None:
                values[field_name] = None
                continue
            values[field_name] = Decimal(repr(float(bars.arrays[column][index])))
            if size is not None:
                amount = bars.arrays[size][index]
                values[size] = None if np.isnan(amount) else int(amount)
            latest = max(latest or 0, int(bars.start[index]) + self.length_ns)
        if latest is None:
            return None
        stamp = from_ns(latest).isoformat()
        values.update(ts_event=stamp, ts_ingest=stamp)
        return cast(Quote, values)


def _last_present(prices: np.ndarray, end: int, *, floor: int = 0, step: int = 1440) -> int | None:
    """The index of the last non-NaN price in ``prices[floor:end]``, searching back ``step`` rows at
    a time (a year of bars is never scanned whole for one snapshot), or None."""
    while end > floor:
        start = max(floor, end - step)
        present = np.flatnonzero(~np.isnan(prices[start:end]))
        if len(present):
            return start + int(present[-1])
        end, step = start, step * 4
    return None


@dataclass
class PreviousClose:
    """The previous close a symbol's signal is measured from: ``price`` (points) and ``source`` —
    ``settlement`` (the vendor's, for the previous CME trading day), ``last trade`` (the contract's
    last trade of that day) or ``feed`` (the quote's own ``close``, as TOS sends it)."""

    price: Decimal
    source: str


@dataclass
class MarketData:
    """What a backtest reads (SPEC §15): ``ticks`` (a :class:`Tape`, possibly empty), ``bars`` by
    length (``1s``, ``1m``: :class:`BarTape`), ``fronts(root, CME day)`` → the front contract and the
    basis of that choice (or None), and ``closes[(contract, CME day)]`` → that day's settlement or
    last trade (:class:`PreviousClose`). ``roll``: the roll rule's name, for the params."""

    ticks: Tape
    bars: dict[str, BarTape] = field(default_factory=dict)
    fronts: Callable[[str, date], tuple[str, str] | None] = lambda root, day: None
    closes: dict[tuple[str, date], PreviousClose] = field(default_factory=dict)
    roll: str = "volume"

    def series_for(self, root: str, day: date, open_ns: int) -> tuple[str, str | None]:
        """``(series key, basis)``: the front contract of ``root`` on CME day ``day`` when the roll
        rule names one, else the root's own series (a continuous feed), else the contract with the
        most ticks or bars in the day before ``open_ns``."""
        front = self.fronts(root, day)
        if front is not None:
            return front
        if root in self.ticks.symbols or any(root in tape.series for tape in self.bars.values()):
            return root, None
        day_ago = open_ns - 86_400 * NS
        counts: dict[str, int] = {}
        for key, series in self.ticks.symbols.items():
            if _root_of(key) == root:
                counts[key] = int(np.count_nonzero((series.ts >= day_ago) & (series.ts <= open_ns)))
        for tape in self.bars.values():
            for key, bars in tape.series.items():
                if _root_of(key) == root:
                    counts[key] = counts.get(key, 0) + int(
                        np.count_nonzero((bars.start >= day_ago) & (bars.start <= open_ns))
                    )
        best = max(counts, key=lambda k: (counts[k], k), default=None)
        return (best, "most data") if best is not None and counts[best] else (root, None)

    def resolution_for(self, key: str, open_ns: int, end_ns: int | None) -> str | None:
        """The resolution a trade on series ``key`` is read at: the finest (``tick``, ``1s``, ``1m``)
        with data in the day before the open (for the snapshot) and inside the window (for the first
        touch); else the finest with data before the open; None when there is none."""
        day_ago = open_ns - 86_400 * NS
        until = end_ns if end_ns is not None else open_ns + 86_400 * NS
        tapes: list[tuple[str, Tape | BarTape]] = [("tick", self.ticks)]
        tapes += [(name, self.bars[name]) for name in ("1s", "1m") if name in self.bars]
        before = [name for name, tape in tapes if tape.has_data(key, day_ago, open_ns + 1)]
        both = [name for name, tape in tapes if name in before and tape.has_data(key, open_ns, until)]
        chosen = both or before
        return chosen[0] if chosen else None


def _root_of(key: str) -> str:
    parsed = parse_contract(key, near=date(2000, 1, 1))
    return parsed.root if parsed is not None else key


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


@dataclass
class SymbolData:
    """How one symbol was read at one open: the series (``contract``, or the root for a continuous
    feed), the ``resolution`` (``tick``, ``1s``, ``1m``; None without data), the previous close's
    ``close_source``, the front month's ``front_basis`` and, when the symbol has no signal, the
    ``reason`` (``no data``, ``no previous close``, ``no last trade before the open``)."""

    key: str
    resolution: str | None
    close_source: str | None = None
    front_basis: str | None = None
    reason: str | None = None


def _snapshot_quote(
    market: MarketData, symbol: str, market_open: MarketOpen, end_ns: int | None
) -> tuple[Quote | None, SymbolData]:
    """``symbol``'s quote at the open (SPEC §15): on its front contract, at the finest resolution
    with data, with the previous close and net change measured on that same contract."""
    open_ns = to_ns(market_open.open_at)
    day = cme_trading_day(market_open.open_at)
    key, basis = market.series_for(symbol, day, open_ns)
    resolution = market.resolution_for(key, open_ns, end_ns)
    info = SymbolData(key=key, resolution=resolution, front_basis=basis)
    if resolution is None:
        info.reason = "no data"
        return None, info
    if resolution == "tick":
        quote = market.ticks.quote_at(key, market_open.open_at)
    else:
        quote = market.bars[resolution].quote_at(key, market_open.open_at, symbol=symbol)
    if quote is None:
        info.reason = "no data"
        return None, info
    quote["symbol"] = symbol
    settled = market.closes.get((key, previous_weekday(day)))
    if settled is not None:
        quote["close"] = settled.price
        last = quote.get("last")
        quote["change"] = last - settled.price if last is not None else None
        info.close_source = settled.source
    elif quote.get("close") is not None:
        info.close_source = "feed"  # a feed (TOS) sends its own close and net change; vendors' ticks do not
    else:
        quote["close"] = quote["change"] = None
    if quote.get("close") is None:
        info.reason = "no previous close"
    elif quote.get("change") is None:
        info.reason = "no last trade before the open"
    return quote, info


def _resolve(
    trade: dict[str, Any],
    market: MarketData,
    info: SymbolData,
    market_open: MarketOpen,
    config: TradingConfig,
    symbol: str,
) -> None:
    """Grade one PENDING trade on its own contract from the open to the end of the window: tick by
    tick (SPEC §7) or bar by bar (SPEC §15) at the resolution its snapshot came from."""
    start_ns = to_ns(market_open.open_at)
    end_ns = start_ns + int(market_open.window.total_seconds() * NS) if market_open.window else None
    instrument = config.by_symbol[symbol]
    touched_at, price, outcome, hit_type, covered = None, None, None, None, 0
    if info.resolution == "tick":
        series = market.ticks.symbols.get(info.key)
        covered = market.ticks.end_ns
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
            touched_at, price, outcome, hit_type = (
                int(series.ts[touch.index]),
                touch.price,
                touch.outcome,
                touch.hit_type,
            )
    elif info.resolution is not None:
        tape = market.bars[info.resolution]
        bars = tape.series.get(info.key)
        covered = tape.end_ns
        bar_touch = None
        if bars is not None:
            bar_touch = grading.first_touch_on_bars(
                signal=trade["bhs"],
                target_high=trade["target_high"],
                target_low=trade["target_low"],
                start=bars.start,
                length_ns=tape.length_ns,
                bid=bars.side("bid_"),
                ask=bars.side("ask_"),
                trades=bars.side(""),
                start_ns=start_ns,
                end_ns=end_ns,
            )
        if bar_touch is not None and bars is not None:
            touched_at, price = int(bars.start[bar_touch.index]), bar_touch.price
            outcome, hit_type, trade["ambiguous"] = bar_touch.outcome, bar_touch.hit_type, bar_touch.ambiguous
    if touched_at is not None and price is not None:
        trade.update(
            wndw=outcome,
            target_hit_at=from_ns(touched_at),
            target_hit_price=price,
            target_hit_type=hit_type,
            pnl_usd=grading.pnl_usd(
                signal=trade["bhs"],
                entry=trade["entry_price"],
                exit=price,
                tick_size=instrument.tick_size,
                tick_value=instrument.tick_value,
            ),
        )
    elif end_ns is not None and end_ns <= covered:
        trade.update(wndw=grading.EXPIRED, pnl_usd=Decimal(0))


def trade_path(
    market: MarketData, info: SymbolData, *, signal: str, entry: Decimal, start_ns: int, end_ns: int | None
) -> research.Path | None:
    """The exit side of one trade on its own series, from its open (``start_ns``) to ``end_ns`` (the
    longest window a sweep asks; None = the data's end), at the resolution its snapshot came from:
    the watched tick price (bid for a long, ask for a short, else last) or the bars' high, low and
    open on the watched side (else on the trade bar) — what :func:`_resolve` grades on. None without
    a trade or data (issue 26)."""
    side = trade_side(signal)
    if side == 0 or info.resolution is None:
        return None
    if info.resolution == "tick":
        series = market.ticks.symbols.get(info.key)
        if series is None:
            return None
        lo = int(np.searchsorted(series.ts, start_ns, side="left"))
        hi = len(series.ts) if end_ns is None else int(np.searchsorted(series.ts, end_ns, side="left"))
        window = slice(lo, max(lo, hi))
        watched = series.arrays["bid" if side > 0 else "ask"][window]
        price = np.where(np.isnan(watched), series.arrays["last"][window], watched)
        return research.Path(research.TICK, side, float(entry), series.ts[window], price, price, price, 0,
                             market.ticks.end_ns)  # fmt: skip
    tape = market.bars[info.resolution]
    bars = tape.series.get(info.key)
    if bars is None:
        return None
    lo = int(np.searchsorted(bars.start, start_ns, side="left"))
    hi = len(bars.start) if end_ns is None else int(np.searchsorted(bars.start, end_ns - tape.length_ns, side="right"))
    window = slice(lo, max(lo, hi))
    book = grading.bar_side(bars.side("bid_" if side > 0 else "ask_"), bars.side(""), window)
    return research.Path(info.resolution, side, float(entry), bars.start[window], book.high, book.low, book.open,
                         tape.length_ns, tape.end_ns)  # fmt: skip


def _incomplete(rows: list[dict[str, Any]], config: TradingConfig, infos: dict[str, SymbolData]) -> str | None:
    """Why TOTAL cannot be traded (SPEC §15: only when every weighted instrument has a signal), or None."""
    weighted = [inst.symbol for inst in config.instruments if inst.contract_weight]
    signals = {r["symbol"]: r["extended_data"]["signal"] for r in rows}
    missing = [s for s in weighted if signals.get(s) is None]
    if not missing:
        return None
    no_data = [s for s in missing if infos[s].reason == "no data"]
    what = "have no data" if len(no_data) == len(missing) else "have no signal (no data or no previous close)"
    return f"composite incomplete: {len(missing)} of {len(weighted)} instruments {what}"


def run(
    data: Tape | MarketData,
    opens: Iterable[MarketOpen],
    config: TradingConfig,
    *,
    stale_seconds: float = 15.0,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """The trades the strategy would have made at ``opens`` (in the given order) on ``data`` (a
    tick :class:`Tape`, or :class:`MarketData` with bars, front months and closes).

    Returns one dict per captured row (12 per open: the 11 futures and TOTAL): ``country``, ``date``
    (market-local YYYY-MM-DD), ``weekday``, ``captured_at`` (the open, UTC), ``future``, ``bhs``,
    ``entry_price``, ``target_high``, ``target_low`` (points), ``wndw``, ``target_hit_at``,
    ``target_hit_price``, ``target_hit_type``, ``pnl_usd`` (USD per contract, cents), and how the row
    was read (SPEC §15): ``contract``, ``resolution``, ``ambiguous``, ``reason`` (why a row has no
    trade: ``no data``, ``no previous close``, ``composite incomplete: …``), ``close_source``,
    ``front_basis``, ``bid``, ``ask``, ``last`` and ``previous_close`` at the snapshot. ``contract``
    is None for a continuous feed symbol (TOS's ``/ES``).
    ``progress(done, total)`` is called after each open."""
    market = data if isinstance(data, MarketData) else MarketData(ticks=data)
    opens = list(opens)
    trades: list[dict[str, Any]] = []
    symbols = [inst.symbol for inst in config.instruments]
    for done, market_open in enumerate(opens, start=1):
        start_ns = to_ns(market_open.open_at)
        end_ns = start_ns + int(market_open.window.total_seconds() * NS) if market_open.window else None
        quotes: dict[str, Quote] = {}
        infos: dict[str, SymbolData] = {}
        for symbol in symbols:
            quote, infos[symbol] = _snapshot_quote(market, symbol, market_open, end_ns)
            if quote is not None:
                quotes[symbol] = quote
        rows, total = strategy.snapshot(config, quotes, now=market_open.open_at, stale_seconds=stale_seconds)
        incomplete = _incomplete(rows, config, infos)
        for fields in strategy.capture_rows(rows, total, config, trade_stale=True):
            symbol = strategy.traded_symbol(fields["future"])
            info = infos.get(symbol) or SymbolData(key=symbol, resolution=None, reason="no data")
            snapped: dict[str, Any] = dict(quotes.get(symbol) or {})
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
                "contract": info.key if info.resolution is not None and info.key != symbol else None,
                "series": info.key if info.resolution is not None else None,
                "resolution": info.resolution,
                "ambiguous": False,
                "reason": info.reason,
                "close_source": info.close_source,
                "front_basis": info.front_basis,
                "bid": snapped.get("bid"),
                "ask": snapped.get("ask"),
                "last": snapped.get("last"),
                "previous_close": snapped.get("close"),
            }
            if fields["future"] == strategy.TOTAL and incomplete is not None:
                trade.update(
                    bhs="", entry_price=None, target_high=None, target_low=None, wndw=grading.NEUTRAL, reason=incomplete
                )
            if trade["wndw"] == grading.PENDING:
                trade["reason"] = None
                _resolve(trade, market, info, market_open, config, symbol)
            trades.append(trade)
        if progress is not None:
            progress(done, len(opens))
    return trades


@dataclass(frozen=True)
class SweepCell:
    """One variant of a sweep (issue 26): ``target_mode`` (USD, TICKS, POINTS) with ``profit_target``
    and ``stop_loss`` in that unit for every instrument, and ``window_minutes`` (None = each market's
    own window, 0 = none)."""

    target_mode: str
    profit_target: Decimal
    stop_loss: Decimal
    window_minutes: int | None = None

    @property
    def variant(self) -> Variant:
        """The single-variant backtest's :class:`Variant` this cell stands for."""
        return Variant(
            target_mode=self.target_mode,
            profit_target=self.profit_target,
            stop_loss=self.stop_loss,
            window_minutes=self.window_minutes,
        )

    def window_end(self, market_open: MarketOpen) -> int | None:
        """The window's end for a trade opened at ``market_open`` (int64 UTC ns; None = no window)."""
        if self.window_minutes is None:
            window = market_open.window
        else:
            window = timedelta(minutes=self.window_minutes) if self.window_minutes > 0 else None
        return None if window is None else to_ns(market_open.open_at) + int(window.total_seconds() * NS)


def sweep(
    data: Tape | MarketData,
    opens: Iterable[MarketOpen],
    config: TradingConfig,
    cells: list[SweepCell],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[list[dict[str, Any]]]:
    """The trades of every cell at once (issue 26): for each cell the list :func:`run` with
    ``cell.variant`` would give (same rows, same outcomes, exit times and P&L), plus each traded row's
    excursions (``mfe_points``, ``mae_points``, ``mfe_usd``, ``mae_usd``, ``mfe_at``, ``mae_at``).

    Entries and directions depend only on the signals, so the snapshot runs once; each trade's exit
    path is cut once, over the longest window any cell asks; every cell's target, stop and window is
    then a binary search on it (:func:`ThorTrading.research.resolve`). Raises ValueError without cells."""
    if not cells:
        raise ValueError("a sweep needs at least one variant")
    market = data if isinstance(data, MarketData) else MarketData(ticks=data)
    opens = list(opens)
    base = run(market, opens, cells[0].variant.apply(config), progress=progress)
    by_open = {(o.country, o.open_at): o for o in opens}
    longest: dict[tuple[str, datetime], int | None] = {}
    for key, market_open in by_open.items():
        ends = [cell.window_end(market_open) for cell in cells]
        longest[key] = None if any(end is None for end in ends) else max(e for e in ends if e is not None)
    paths: list[research.Path | None] = []
    for trade in base:
        path = None
        if trade["entry_price"] is not None and trade_side(trade["bhs"] or None) != 0 and trade["resolution"]:
            key = (trade["country"], trade["captured_at"])
            info = SymbolData(key=trade["series"], resolution=trade["resolution"])
            path = trade_path(
                market, info, signal=trade["bhs"], entry=trade["entry_price"], start_ns=to_ns(trade["captured_at"]),
                end_ns=longest[key],
            )  # fmt: skip
        paths.append(path)
    results = []
    for cell in cells:
        cell_config = cell.variant.apply(config)
        rows = []
        for trade, path in zip(base, paths, strict=True):
            rows.append(_swept(trade, path, cell, cell_config, by_open[(trade["country"], trade["captured_at"])]))
        results.append(rows)
    return results


@dataclass
class SweepArrays:
    """Every cell's outcome of every row at once (issue 26), for statistics without a row per cell:
    ``rows`` (the snapshot's rows, cell-independent fields), ``cells``; then per cell × row: outcome
    ``codes`` (``analytics.outcome_code``), gross P&L ``cents`` (0 while open or without a trade),
    ``seconds`` from capture to resolution (NaN), ``stopped`` (left at its stop), ``ambiguous``;
    ``entry`` per row (the row has a trade)."""

    rows: list[dict[str, Any]]
    cells: list[SweepCell]
    codes: np.ndarray
    cents: np.ndarray
    seconds: np.ndarray
    stopped: np.ndarray
    ambiguous: np.ndarray
    entry: np.ndarray
    #: columns the statistics share across cells, by (future, now)
    memo: dict[Any, Any] = field(default_factory=dict)


def _tick_distances(
    cells: list[SweepCell], tick_size: Decimal, tick_value: Decimal
) -> tuple[np.ndarray, np.ndarray] | None:
    """Each cell's profit and stop distance in whole ticks (:func:`ThorTrading.targets.distance_points`
    in ticks), or None when one is not a whole number of ticks (points off the grid, percent)."""
    profits: list[int] = []
    stops: list[int] = []
    for cell in cells:
        for amount, found in ((cell.profit_target, profits), (cell.stop_loss, stops)):
            points = distance_points(mode=cell.target_mode, amount=amount, entry=Decimal(0), tick_size=tick_size,
                                     tick_value=tick_value) if cell.target_mode != "PERCENT" else None  # fmt: skip
            if points is None or (points / tick_size) != (points / tick_size).to_integral_value():
                return None
            found.append(int(points / tick_size))
    return np.array(profits, dtype=np.int64), np.array(stops, dtype=np.int64)


def sweep_arrays(
    data: Tape | MarketData,
    opens: Iterable[MarketOpen],
    config: TradingConfig,
    cells: list[SweepCell],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SweepArrays:
    """:func:`sweep` as arrays, every cell of a trade at once: the levels are whole ticks from an entry
    on the tick grid, so each cell's levels are integer arithmetic, their first touches two vectorised
    ``searchsorted`` calls on the path's running extremes, and the P&L whole ticks × the tick value.
    A trade off the grid (an index's last, say) goes through :func:`_swept` cell by cell. The test
    suite checks every cell's statistics against :func:`sweep`'s rows and the single-variant backtest."""
    if not cells:
        raise ValueError("a sweep needs at least one variant")
    market = data if isinstance(data, MarketData) else MarketData(ticks=data)
    opens = list(opens)
    base = run(market, opens, cells[0].variant.apply(config), progress=progress)
    by_open = {(o.country, o.open_at): o for o in opens}
    n_cells, n_rows = len(cells), len(base)
    arrays = SweepArrays(
        base,
        cells,
        np.tile(np.array([analytics.outcome_code(t["wndw"]) for t in base], dtype=np.int8), (n_cells, 1)),
        np.zeros((n_cells, n_rows), dtype=np.int64),
        np.full((n_cells, n_rows), np.nan),
        np.zeros((n_cells, n_rows), dtype=bool),
        np.zeros((n_cells, n_rows), dtype=bool),
        np.array([t["entry_price"] is not None for t in base], dtype=bool),
    )
    distances: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}
    window_ends: dict[tuple[str, datetime], np.ndarray] = {}
    cell_configs = [cell.variant.apply(config) for cell in cells]
    for r, trade in enumerate(base):
        if trade["entry_price"] is None or trade_side(trade["bhs"] or None) == 0 or not trade["resolution"]:
            continue
        key = (trade["country"], trade["captured_at"])
        market_open = by_open[key]
        if key not in window_ends:  # each cell's window end (−1: none), once per open
            window_ends[key] = np.array(
                [-1 if (e := c.window_end(market_open)) is None else e for c in cells], dtype=np.int64
            )
        ends = window_ends[key]
        path = trade_path(
            market, SymbolData(key=trade["series"], resolution=trade["resolution"]), signal=trade["bhs"],
            entry=trade["entry_price"], start_ns=to_ns(trade["captured_at"]),
            end_ns=None if (ends < 0).any() else int(ends.max()),
        )  # fmt: skip
        if path is None:
            continue
        instrument = config.by_symbol[strategy.traded_symbol(trade["future"])]
        if instrument.symbol not in distances:
            distances[instrument.symbol] = _tick_distances(cells, instrument.tick_size, instrument.tick_value)
        if not _vector_cells(arrays, r, trade, path, ends, instrument, distances[instrument.symbol]):
            for c, cell in enumerate(cells):  # off the tick grid: the exact Decimal way, cell by cell
                _set_cell(arrays, c, r, _swept(trade, path, cell, cell_configs[c], market_open))
    return arrays


def _set_cell(arrays: SweepArrays, c: int, r: int, row: dict[str, Any]) -> None:
    """Store one graded row (:func:`_swept`) in the arrays."""
    arrays.codes[c, r] = analytics.outcome_code(row["wndw"])
    arrays.cents[c, r] = analytics.cents(row["pnl_usd"]) or 0
    if row["target_hit_at"] is not None:
        arrays.seconds[c, r] = (row["target_hit_at"] - row["captured_at"]).total_seconds()
    arrays.stopped[c, r] = row["target_hit_type"] == grading.STOP
    arrays.ambiguous[c, r] = bool(row["ambiguous"])


_CODES = {w: analytics.outcome_code(w) for w in (grading.WORKED, grading.DIDNT_WORK, grading.EXPIRED, grading.PENDING)}


def _vector_cells(
    arrays: SweepArrays,
    r: int,
    trade: dict[str, Any],
    path: research.Path,
    ends: np.ndarray,
    instrument: Any,
    distances: tuple[np.ndarray, np.ndarray] | None,
) -> bool:
    """Grade row ``r`` for every cell at once (whole ticks); False — nothing stored — when its entry,
    a level or an exit is off the tick grid (the caller then grades it cell by cell)."""
    per_tick = 1 / instrument.tick_size
    entry_ticks = trade["entry_price"] * per_tick
    on_grid = per_tick == per_tick.to_integral_value() and entry_ticks == entry_ticks.to_integral_value()
    if distances is None or not on_grid:
        return False
    side, n, e = path.side, int(per_tick), int(entry_ticks)
    profit, stop = distances
    high_ticks = e + (profit if side > 0 else stop)
    low_ticks = e - (stop if side > 0 else profit)
    limits, inverse = np.unique(ends, return_inverse=True)
    steps = np.array([path.steps_before(None if end < 0 else int(end)) for end in limits], dtype=np.int64)[inverse]
    reach_high = np.minimum(np.searchsorted(path.up, high_ticks / n, side="left"), steps)
    reach_low = np.minimum(np.searchsorted(path.down, -(low_ticks / n), side="left"), steps)
    target_at, stop_at = (reach_high, reach_low) if side > 0 else (reach_low, reach_high)
    touched = (target_at < steps) | (stop_at < steps)
    hit_target = touched & ((target_at <= stop_at) if path.kind == research.TICK else (target_at < stop_at))
    safe = np.minimum(np.where(hit_target, target_at, stop_at), max(len(path.start) - 1, 0))
    if path.kind == research.TICK:
        exit_f = path.high[safe] * n
    else:
        target_level, stop_level = (high_ticks, low_ticks) if side > 0 else (low_ticks, high_ticks)
        level = np.where(hit_target, target_level, stop_level)
        opened = path.open[safe] * n
        # A bar that opened beyond the level exits at its open (a gap): above for a long's target or a
        # short's stop, below for a long's stop or a short's target.
        beyond = np.where(hit_target == (side > 0), opened > level, opened < level)
        exit_f = np.where(beyond & ~np.isnan(opened), opened, level)
    exit_ticks = np.rint(exit_f)
    if touched.any() and np.abs(exit_f[touched] - exit_ticks[touched]).max() > 1e-6:
        return False
    covered = (ends >= 0) & (ends <= path.covered_ns)
    waiting = np.where(covered, _CODES[grading.EXPIRED], _CODES[grading.PENDING])
    arrays.codes[:, r] = np.where(
        touched, np.where(hit_target, _CODES[grading.WORKED], _CODES[grading.DIDNT_WORK]), waiting
    )
    arrays.cents[:, r] = np.where(
        touched, side * (exit_ticks.astype(np.int64) - e) * int(instrument.tick_value * 100), 0
    )
    arrays.seconds[:, r] = np.where(touched, (path.start[safe] - to_ns(trade["captured_at"])) / NS, np.nan)
    arrays.stopped[:, r] = touched & ~hit_target
    if path.kind != research.TICK:
        arrays.ambiguous[:, r] = touched & ~hit_target & (target_at == stop_at)
    return True


def _stat_columns(arrays: SweepArrays, future: str, now: datetime) -> dict[str, Any]:
    """The statistics' row columns of ``future``'s rows (the same for every cell): built once per
    sweep and kept on it."""
    key = (future, now)
    found = arrays.memo.get(key)
    if found is None:
        picked = [i for i, t in enumerate(arrays.rows) if future == "all" or t["future"] == future]
        rows = [arrays.rows[i] for i in picked]
        since = now - timedelta(days=7)
        found = {
            "index": np.array(picked, dtype=np.intp),
            "keys": {
                "country": analytics.KeyColumn.of([t["country"] for t in rows]),
                "day": analytics.KeyColumn.of([t["weekday"] for t in rows]),
                "bhs": analytics.KeyColumn.of([t["bhs"] for t in rows]),
                "future": analytics.KeyColumn.of([t["future"] for t in rows]),
            },
            "local_day": np.array([int(t["date"].replace("-", "")) for t in rows], dtype=np.int64),
            "recent": np.array([t["captured_at"] >= since for t in rows], dtype=bool),
            "future_order": [strategy.TOTAL, *sorted({t["future"] for t in arrays.rows} - {strategy.TOTAL})],
        }
        arrays.memo[key] = found
    return found


def sweep_stats(
    arrays: SweepArrays,
    cell: int,
    *,
    future: str,
    market_order: list[str],
    now: datetime,
    cents: np.ndarray | None = None,
) -> dict[str, Any]:
    """:func:`stats` of one cell from the arrays (the same answer as over :func:`sweep`'s rows);
    ``cents``: other P&L for the cell (net of costs)."""
    columns = _stat_columns(arrays, future, now)
    index = columns["index"]
    table = analytics.OutcomeTable(
        arrays.codes[cell][index],
        (arrays.cents[cell] if cents is None else cents)[index],
        arrays.entry[index],
        arrays.seconds[cell][index],
    )
    result = analytics.stats_over(
        table,
        np.arange(len(index)),
        keys=columns["keys"],
        local_day=columns["local_day"],
        recent=columns["recent"],
        market_order=market_order,
        future_order=columns["future_order"],
    )
    result["ambiguous"] = int(arrays.ambiguous[cell][index].sum())
    return result


_UNRESOLVED = {
    "wndw": grading.PENDING,
    "target_hit_at": None,
    "target_hit_price": None,
    "target_hit_type": None,
    "pnl_usd": None,
    "ambiguous": False,
}


def _swept(
    trade: dict[str, Any], path: research.Path | None, cell: SweepCell, config: TradingConfig, market_open: MarketOpen
) -> dict[str, Any]:
    """``trade`` (the snapshot's row) as ``cell`` grades it, with its excursions."""
    if path is None:
        return dict(trade)
    instrument = config.by_symbol[strategy.traded_symbol(trade["future"])]
    levels = compute_targets(
        signal=trade["bhs"],
        entry=trade["entry_price"],
        mode=instrument.target_mode,
        profit_target=instrument.profit_target,
        stop_loss=instrument.stop_loss,
        tick_size=instrument.tick_size,
        tick_value=instrument.tick_value,
    )
    if levels is None:
        return {**trade, **_UNRESOLVED, "target_high": None, "target_low": None, "wndw": grading.NEUTRAL}
    row = {**trade, **_UNRESOLVED, "target_high": levels[0], "target_low": levels[1]}
    end_ns = cell.window_end(market_open)
    exit_ = research.resolve(path, float(levels[0]), float(levels[1]), end_ns)
    if exit_ is not None:
        price = Decimal(repr(exit_.price))
        row.update(
            wndw=exit_.outcome,
            target_hit_at=from_ns(exit_.at_ns),
            target_hit_price=price,
            target_hit_type=exit_.hit_type,
            ambiguous=exit_.ambiguous,
            pnl_usd=grading.pnl_usd(
                signal=trade["bhs"],
                entry=trade["entry_price"],
                exit=price,
                tick_size=instrument.tick_size,
                tick_value=instrument.tick_value,
            ),
        )
        through: int | None = exit_.index
    else:
        through = path.steps_before(end_ns) - 1
        if end_ns is not None and end_ns <= path.covered_ns:
            row.update(wndw=grading.EXPIRED, pnl_usd=Decimal(0))
    excursion = research.excursions(path, through=through)
    row.update(
        mfe_points=Decimal(repr(excursion.mfe)),
        mae_points=Decimal(repr(excursion.mae)),
        mfe_usd=research.usd(excursion.mfe, tick_size=instrument.tick_size, tick_value=instrument.tick_value),
        mae_usd=research.usd(excursion.mae, tick_size=instrument.tick_size, tick_value=instrument.tick_value),
        mfe_at=from_ns(excursion.mfe_at_ns) if excursion.mfe_at_ns is not None else None,
        mae_at=from_ns(excursion.mae_at_ns) if excursion.mae_at_ns is not None else None,
    )
    return row


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
    result = analytics.session_stats(
        rows,
        market_order=market_order,
        future_order=[strategy.TOTAL, *sorted({t["future"] for t in trades} - {strategy.TOTAL})],
    )
    # SPEC §15: a bar that reached both levels was booked as the stop; say how many of these rows were.
    result["ambiguous"] = sum(1 for t in trades if t.get("ambiguous") and (future == "all" or t["future"] == future))
    return result
