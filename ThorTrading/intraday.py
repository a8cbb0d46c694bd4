"""Intraday state from the quote stream: 1-minute OHLCV bars, VWAP, CME-day metrics (SPEC §8). Pure.

Volume: the feed's volume is cumulative. A tick's volume is the increase over the previous tick of
the same symbol; the first tick ever seen only sets the baseline (its total happened before Thor
looked); a fall (the feed reset its counter) counts the new total as volume since the reset; a
missing volume counts nothing. So a poller restart that re-sends the same total adds 0, and a reset
never makes negative volume.

Prices are Decimal points; instants aware UTC; a bar's ``minute`` is the UTC minute it starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from LiveData.ticks import cme_trading_day

MINUTE = timedelta(minutes=1)


def floor_minute(at: datetime) -> datetime:
    """The start of the UTC minute containing ``at``."""
    return at.replace(second=0, microsecond=0)


def volume_delta(previous: int | None, current: int | None) -> int:
    """The volume one tick adds, from two cumulative readings (see the module docstring)."""
    if current is None or previous is None:
        return 0
    if current >= previous:
        return current - previous
    return current


@dataclass
class Bar:
    """One symbol's 1-minute OHLCV bar. ``price_volume`` = Σ last × Δvolume (for VWAP);
    ``cumulative_volume`` = the feed's cumulative volume at the bar's last tick."""

    symbol: str
    minute: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: int = 0
    price_volume: Decimal = Decimal(0)
    bid: Decimal | None = None
    ask: Decimal | None = None
    cumulative_volume: int | None = None
    ticks: int = 0
    session_vwap: Decimal | None = None

    @property
    def vwap(self) -> Decimal | None:
        """This minute's VWAP, or None without volume."""
        return self.price_volume / self.volume if self.volume else None

    @property
    def spread(self) -> Decimal | None:
        """Ask − bid at the minute's last tick (points), or None without both."""
        return self.ask - self.bid if self.ask is not None and self.bid is not None else None


@dataclass
class Day:
    """One symbol's CME trading day so far: open, high, low, last, volume, Σ price × volume."""

    symbol: str
    trading_day: date
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: int = 0
    price_volume: Decimal = Decimal(0)
    prev_close: Decimal | None = None

    @property
    def vwap(self) -> Decimal | None:
        """The session (CME day) VWAP: Σ price × Δvolume / Σ Δvolume."""
        return self.price_volume / self.volume if self.volume else None


@dataclass
class LateTick:
    """A tick for a minute whose bar was already closed (it arrived after the grace period)."""

    symbol: str
    minute: datetime
    last: Decimal
    volume: int


@dataclass
class IntradayBook:
    """Applies ticks in stream order; bars close when a later minute starts or the clock says so.

    Day (CME trading day) figures are folded in from closed bars only, so they always match the
    stored bars. ``baselines``: the last cumulative volume per symbol (after a restart, from the
    last stored bar). ``days``: the current CME day per symbol (reloaded after a restart).
    ``finished_days``: days that ended since the caller last took them. ``late``: ticks for minutes
    already closed, for the caller to fold into the stored bars.
    """

    baselines: dict[str, int] = field(default_factory=dict)
    days: dict[str, Day] = field(default_factory=dict)
    bars: dict[str, Bar] = field(default_factory=dict)
    last_closed: dict[str, datetime] = field(default_factory=dict)
    prev_closes: dict[str, Decimal] = field(default_factory=dict)
    finished_days: list[Day] = field(default_factory=list)
    late: list[LateTick] = field(default_factory=list)
    #: The dated contract each symbol's feed last named (``ESZ25``), when it names one.
    contracts: dict[str, str] = field(default_factory=dict)
    #: The minute of each symbol's last roll, whose bar belongs to the old contract.
    roll_minutes: dict[str, datetime] = field(default_factory=dict)

    def apply(
        self,
        *,
        symbol: str,
        at: datetime,
        last: Decimal | None,
        bid: Decimal | None = None,
        ask: Decimal | None = None,
        volume: int | None = None,
        prev_close: Decimal | None = None,
        contract: str | None = None,
    ) -> list[Bar]:
        """Apply one tick; returns the bars it closed (the open bar, when it starts a new minute or
        the feed rolled to another contract; else []).

        ``contract``: the dated contract the feed names (``ESZ25``; None for a continuous symbol such
        as TOS's ``/ES``). When it changes, the symbol rolled (SPEC §15: never a mix of months): the
        open bar closes, the volume baseline restarts (the new contract's cumulative volume is not
        the old one's), and the CME day's open, high, low, volume and VWAP restart from the new
        contract's first bar."""
        rolled = self._roll(symbol, contract, volume)
        delta = volume_delta(self.baselines.get(symbol), volume)
        if volume is not None:
            self.baselines[symbol] = volume
        if prev_close is not None:
            self.prev_closes[symbol] = prev_close
        minute = floor_minute(at)
        closed_until = self.last_closed.get(symbol)
        if closed_until is not None and minute <= closed_until:
            roll_minute = self.roll_minutes.get(symbol)
            if roll_minute is None or minute > roll_minute:
                self._late(symbol, minute, closed_until, last, delta)
            return rolled
        closed: list[Bar] = rolled
        bar = self.bars.get(symbol)
        if bar is not None and minute > bar.minute:
            closed.append(self._close(symbol))
            bar = None
        if last is None:
            if bar is not None:
                bar.bid = bid if bid is not None else bar.bid
                bar.ask = ask if ask is not None else bar.ask
            return closed
        if bar is None:
            bar = self.bars[symbol] = Bar(symbol, minute, last, last, last, last)
        bar.high, bar.low, bar.close = max(bar.high, last), min(bar.low, last), last
        bar.volume += delta
        bar.price_volume += last * delta
        bar.bid = bid if bid is not None else bar.bid
        bar.ask = ask if ask is not None else bar.ask
        bar.cumulative_volume = volume if volume is not None else bar.cumulative_volume
        bar.ticks += 1
        return closed

    def _roll(self, symbol: str, contract: str | None, volume: int | None) -> list[Bar]:
        """Start ``symbol``'s series afresh when its feed moved to another dated contract."""
        previous = self.contracts.get(symbol)
        if contract is None:
            return []
        self.contracts[symbol] = contract
        if previous is None or previous == contract:
            return []
        closed = [self._close(symbol)] if symbol in self.bars else []
        if closed:
            # That minute is stored as the old contract's: the new one's ticks in it join no bar.
            self.roll_minutes[symbol] = closed[0].minute
        self.baselines.pop(symbol, None)  # the new contract's first reading is its baseline
        self.days.pop(symbol, None)  # the CME day restarts with the new contract's first bar
        return closed

    def _late(self, symbol: str, minute: datetime, closed_until: datetime, last: Decimal | None, delta: int) -> None:
        """A tick for a minute already closed: kept for the bar's rewrite, and counted in its CME
        day's high, low, volume and (for the last closed minute, with no bar open) close."""
        if last is None:
            return
        self.late.append(LateTick(symbol, minute, last, delta))
        day = self.days.get(symbol)
        if day is not None and day.trading_day == cme_trading_day(minute):
            day.high, day.low = max(day.high, last), min(day.low, last)
            day.volume += delta
            day.price_volume += last * delta
            if minute == closed_until and symbol not in self.bars:
                day.close = last

    def close_due(self, now: datetime) -> list[Bar]:
        """Close every bar whose minute ended by ``now`` (the clock closes bars, not the next tick)."""
        return [self._close(s) for s in [s for s, bar in self.bars.items() if bar.minute + MINUTE <= now]]

    def _close(self, symbol: str) -> Bar:
        bar = self.bars.pop(symbol)
        self.last_closed[symbol] = bar.minute
        trading_day = cme_trading_day(bar.minute)
        day = self.days.get(symbol)
        previous_close = self.prev_closes.get(symbol)
        if day is not None and day.trading_day != trading_day:
            self.finished_days.append(day)
            previous_close = day.close
            day = None
        if day is None:
            day = self.days[symbol] = Day(
                symbol, trading_day, bar.open, bar.high, bar.low, bar.close, prev_close=previous_close
            )
        else:
            day.high, day.low = max(day.high, bar.high), min(day.low, bar.low)
        day.close = bar.close
        day.volume += bar.volume
        day.price_volume += bar.price_volume
        bar.session_vwap = day.vwap
        return bar


def rolling_extremes(
    daily: list[tuple[date, Decimal, Decimal]], *, today: date, weeks: int = 52
) -> tuple[tuple[Decimal, date] | None, tuple[Decimal, date] | None]:
    """((high, its date), (low, its date)) over the daily ``(day, high, low)`` rows of the last
    ``weeks`` weeks up to ``today`` (an older extreme rolls off). The latest date wins a tie."""
    start = today - timedelta(weeks=weeks)
    window = [(d, h, lo) for d, h, lo in daily if start < d <= today]
    if not window:
        return None, None
    high = max(window, key=lambda row: (row[1], row[0]))
    low = min(window, key=lambda row: (row[2], -row[0].toordinal()))
    return (high[1], high[0]), (low[2], low[0])
