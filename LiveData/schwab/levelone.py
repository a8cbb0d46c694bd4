"""Schwab's LEVELONE_FUTURES stream as Thor quotes (issue 24). Pure: no network, no Django.

Schwab's streamer sends only the fields that changed since its last message ("delivery type:
change"), so :class:`LevelOneBook` keeps each symbol's full state and merges every message into it.
Messages arrive as schwab-py hands them to a handler (``StreamClient.add_level_one_futures_handler``):
``{"service": "LEVELONE_FUTURES", "timestamp": ms, "content": [{"key": "/ESZ25", "BID_PRICE": …}, …]}``
with schwab-py's field names (``LevelOneFuturesFields``). Fields used:

- ``BID_PRICE``, ``ASK_PRICE``, ``LAST_PRICE`` (points); ``BID_SIZE``, ``ASK_SIZE`` (contracts);
  ``TOTAL_VOLUME`` (the day's cumulative volume); ``OPEN_PRICE``; ``CLOSE_PRICE`` (the previous
  day's close, Thor's ``close``); ``NET_CHANGE``; ``DESCRIPTION``;
- ``QUOTE_TIME_MILLIS`` and ``TRADE_TIME_MILLIS`` (epoch ms): the quote's ``ts_event``.

``HIGH_PRICE``/``LOW_PRICE`` are Schwab's per-session extremes, not 24 hours: Thor's ``high_24h`` and
``low_24h`` come from its own record of last prices over the past 24 hours (:class:`Rolling24h`,
seeded from the tick archive when the feed starts). A symbol with no bid, ask or last yet is not a
quote and is never published (SPEC §3.1); a value that is not a finite number is left out (the field
keeps its previous value) and reported.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from LiveData.choices import QuoteSource
from LiveData.ticks import Quote
from LiveData.tos.parser import normalize_symbol

SERVICE = "LEVELONE_FUTURES"
PRICES = {
    "BID_PRICE": "bid",
    "ASK_PRICE": "ask",
    "LAST_PRICE": "last",
    "OPEN_PRICE": "open",
    "CLOSE_PRICE": "close",
    "NET_CHANGE": "change",
}
SIZES = {"BID_SIZE": "bid_size", "ASK_SIZE": "ask_size", "TOTAL_VOLUME": "volume"}
TIMES = ("QUOTE_TIME_MILLIS", "TRADE_TIME_MILLIS")
#: The fields Thor subscribes to (schwab-py's ``LevelOneFuturesFields`` names).
FIELDS = ("SYMBOL", *PRICES, *SIZES, *TIMES, "DESCRIPTION")
WINDOW = timedelta(hours=24)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _instant(ms: Any) -> datetime | None:
    number = _decimal(ms)
    return datetime.fromtimestamp(float(number) / 1000, tz=UTC) if number is not None and number > 0 else None


@dataclass
class Rolling24h:
    """The highest and lowest last price of the past 24 hours, from the prices Thor saw (monotonic
    deques: O(1) amortised per price)."""

    highs: deque[tuple[datetime, Decimal]] = field(default_factory=deque)
    lows: deque[tuple[datetime, Decimal]] = field(default_factory=deque)

    def add(self, at: datetime, price: Decimal) -> None:
        """Record ``price`` seen at ``at`` (instants in order)."""
        while self.highs and self.highs[-1][1] <= price:
            self.highs.pop()
        self.highs.append((at, price))
        while self.lows and self.lows[-1][1] >= price:
            self.lows.pop()
        self.lows.append((at, price))

    def extremes(self, now: datetime) -> tuple[Decimal | None, Decimal | None]:
        """``(high, low)`` over ``(now − 24 h, now]``, None before any price."""
        for queue in (self.highs, self.lows):
            while queue and queue[0][0] <= now - WINDOW:
                queue.popleft()
        return (self.highs[0][1] if self.highs else None, self.lows[0][1] if self.lows else None)


@dataclass
class LevelOneBook:
    """Every subscribed symbol's full quote, merged from Schwab's change-only messages.

    ``symbols``: Schwab symbol (``/ES``, ``/ESZ25``) → Thor's root (``ES``); unknown keys are
    normalised like the workbook's (``/ESZ25`` → ``ES``)."""

    symbols: dict[str, str] = field(default_factory=dict)
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    ranges: dict[str, Rolling24h] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def seed(self, symbol: str, prices: Iterable[tuple[datetime, Decimal]]) -> None:
        """Prime ``symbol``'s 24-hour range with last prices Thor recorded before (the tick archive)."""
        rolling = self.ranges.setdefault(symbol, Rolling24h())
        for at, price in prices:
            rolling.add(at, price)

    def apply(self, message: dict[str, Any], *, now: datetime) -> list[Quote]:
        """Merge one LEVELONE_FUTURES message; returns the full quotes of the symbols it changed
        that are quotes (bid, ask or last known), stamped ``ts_ingest`` = ``now``. Other services,
        heartbeats and malformed items return nothing (malformed ones add a warning)."""
        if message.get("service") != SERVICE:
            return []
        changed: list[Quote] = []
        for item in message.get("content") or []:
            if not isinstance(item, dict) or not isinstance(item.get("key"), str):
                self.warnings.append(f"LEVELONE_FUTURES item without a symbol key: {item!r}")
                continue
            quote = self._merge(item, now=now)
            if quote is not None:
                changed.append(quote)
        return changed

    def quotes(self, *, now: datetime) -> list[Quote]:
        """Every symbol's full quote as the book holds it, stamped ``ts_ingest`` = ``now``: while the
        stream is alive an unchanged field is still the market's value (Schwab sends changes only),
        so a quiet contract is current, not stale (issue 25's stale guards read ``ts_ingest``)."""
        found = []
        for state in self.state.values():
            if state.get("bid") is None and state.get("ask") is None and state.get("last") is None:
                continue
            found.append(self._quote(state, state["symbol"], now=now))
        return found

    def _merge(self, item: dict[str, Any], *, now: datetime) -> Quote | None:
        key = item["key"]
        symbol = self.symbols.get(key) or normalize_symbol(key)
        state = self.state.setdefault(key, {"symbol": symbol, "feed_symbol": key})
        self._merge_prices(key, item, state)
        for name, target in SIZES.items():
            if name in item:
                value = _decimal(item[name])
                state[target] = int(value) if value is not None and value >= 0 else state.get(target)
        if isinstance(item.get("DESCRIPTION"), str):
            state["description"] = item["DESCRIPTION"]
        for name in TIMES:
            at = _instant(item.get(name))
            if at is not None and (state.get("_at") is None or at > state["_at"]):
                state["_at"] = at
        if "LAST_PRICE" in item and state.get("last") is not None:
            self.ranges.setdefault(symbol, Rolling24h()).add(state.get("_at") or now, state["last"])
        if state.get("bid") is None and state.get("ask") is None and state.get("last") is None:
            return None  # not a quote yet (SPEC §3.1)
        return self._quote(state, symbol, now=now)

    def _merge_prices(self, key: str, item: dict[str, Any], state: dict[str, Any]) -> None:
        for name, target in PRICES.items():
            if name in item:
                value = _decimal(item[name])
                if value is None and item[name] is not None:
                    self.warnings.append(f"{key}: {name} {item[name]!r} is not a number; kept {state.get(target)}")
                    continue
                state[target] = value

    def _quote(self, state: dict[str, Any], symbol: str, *, now: datetime) -> Quote:
        high, low = self.ranges[symbol].extremes(now) if symbol in self.ranges else (None, None)
        at: datetime | None = state.get("_at")
        return {
            "symbol": symbol,
            "feed_symbol": state["feed_symbol"],
            "type": "Futures",
            "description": state.get("description"),
            "last": state.get("last"),
            "bid": state.get("bid"),
            "ask": state.get("ask"),
            "bid_size": state.get("bid_size"),
            "ask_size": state.get("ask_size"),
            "open": state.get("open"),
            "close": state.get("close"),
            "change": state.get("change"),
            "high_24h": high,
            "low_24h": low,
            "high_52w": None,
            "low_52w": None,
            "volume": state.get("volume"),
            "ts_event": at.isoformat() if at is not None else None,
            "ts_ingest": now.isoformat(),
            "source": QuoteSource.SCHWAB,
        }
