"""Quotes as ticks: when a quote happened, which CME trading day it belongs to, and the flat row the
tick archive stores (SPEC §13). Pure: no Django, no Redis, no pyarrow.

A tick row (:data:`TICK_FIELDS`): ``ts`` (aware UTC datetime), ``symbol`` (canonical), ``bid``,
``ask``, ``last``, ``close`` (previous settlement), ``change`` (net change), ``high_24h``,
``low_24h`` (points, float or None), ``bid_size``, ``ask_size``, ``volume`` (cumulative contracts,
int or None), ``source`` (``tos_excel``, ``demo``, ``replay``, an import's name) and ``stream_id``
(the quote stream entry it came from; None for imported ticks); ``contract`` (``ESZ13``, or None
for a continuous symbol), ``trade_size`` (a vendor trade's size) and ``seq`` (see
:data:`CONTRACT_FIELDS`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, NotRequired, Required, TypedDict, cast
from zoneinfo import ZoneInfo

from LiveData.contracts import normalize_contract

CHICAGO = ZoneInfo("America/Chicago")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NS = 1_000_000_000
CME_DAY_START = time(17, 0)


class Quote(TypedDict, total=False):
    """One instrument's quote as it crosses Thor (SPEC §3.2): from the feed (the workbook, the demo
    walk, a replay, Schwab) through Redis — the latest-quotes hash, the pub/sub channel and the
    stream, as JSON — to the grader, the intraday and tick recorders, the order filler and the push.

    ``symbol``: the canonical root (``ES``); ``feed_symbol``: as the feed wrote it (``/ES``).
    Prices in points, ``Decimal`` (JSON numbers on the wire, read back as ``Decimal``) or None:
    ``last``, ``bid``, ``ask``, ``open``, ``close`` (the previous settlement), ``change`` (net change),
    ``high_24h``, ``low_24h``, ``high_52w``, ``low_52w``. Sizes in contracts (int or None):
    ``bid_size``, ``ask_size``, ``volume`` (cumulative). Times ISO-8601 UTC: ``ts_event`` (the
    source's time, None when it gives none) and ``ts_ingest`` (when Thor read it). ``source``:
    ``tos_excel``, ``demo``, ``replay`` or an import's name. ``type`` and ``description``: the
    feed's text columns."""

    symbol: Required[str]
    feed_symbol: str
    type: str | None
    description: str | None
    last: Decimal | None
    bid: Decimal | None
    ask: Decimal | None
    bid_size: int | None
    ask_size: int | None
    open: Decimal | None
    close: Decimal | None
    change: Decimal | None
    high_24h: Decimal | None
    low_24h: Decimal | None
    high_52w: Decimal | None
    low_52w: Decimal | None
    volume: int | None
    ts_event: NotRequired[str | None]
    ts_ingest: NotRequired[str | None]
    source: NotRequired[str]


PRICE_FIELDS = ("bid", "ask", "last", "close", "change", "high_24h", "low_24h")
SIZE_FIELDS = ("bid_size", "ask_size", "volume")
#: Columns of the archive after ``stream_id`` (SPEC §15): the dated contract (``ESZ13``; None for a
#: continuous feed symbol like TOS's ``/ES``), a vendor trade's own size (contracts) and the ordinal of
#: a vendor record among those of its contract at the same instant (so repeats are told from records).
CONTRACT_FIELDS = ("contract", "trade_size", "seq")
TICK_FIELDS = ("ts", "symbol", *PRICE_FIELDS, *SIZE_FIELDS, "source", "stream_id", *CONTRACT_FIELDS)


def cme_trading_day(at: datetime) -> date:
    """The CME Globex trading day of instant ``at``: it starts at 17:00 America/Chicago the evening
    before, so Sunday 17:00 CT begins Monday's trading day (CME Group trading hours)."""
    local = at.astimezone(CHICAGO)
    return local.date() + timedelta(days=1) if local.time() >= CME_DAY_START else local.date()


def cme_day_end(day: date) -> datetime:
    """The instant CME trading day ``day`` ends: 17:00 America/Chicago on that date (aware)."""
    return datetime.combine(day, CME_DAY_START, tzinfo=CHICAGO)


def to_ns(at: datetime) -> int:
    """An aware instant → UTC nanoseconds since the epoch (exact to the microsecond), the archive's
    ``ts`` unit."""
    delta = at.astimezone(UTC) - EPOCH
    return (delta.days * 86_400 + delta.seconds) * NS + delta.microseconds * 1000


def from_ns(ns: int) -> datetime:
    """UTC nanoseconds since the epoch → an aware UTC datetime (to the microsecond)."""
    return EPOCH + timedelta(microseconds=int(ns) // 1000)


def parse_instant(value: Any) -> datetime | None:
    """An ISO-8601 string (or datetime) → aware datetime, or None when absent, malformed or naive."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else None
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def quote_time(quote: Quote, *, default: datetime) -> datetime:
    """When a quote happened: its source time (``ts_event``), else when Thor ingested it
    (``ts_ingest``), else ``default``."""
    return parse_instant(quote.get("ts_event")) or parse_instant(quote.get("ts_ingest")) or default


def _float(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return float(number) if number.is_finite() else None


def _int(value: Any) -> int | None:
    number = _float(value)
    return int(number) if number is not None else None


def tick_from_quote(quote: Quote, *, default_ts: datetime, stream_id: str | None = None) -> dict[str, Any]:
    """The archive row of one stream quote (see the module docstring). Prices become floats: feed
    prices are short decimals, so ``Decimal(repr(x))`` gives them back exactly."""
    tick: dict[str, Any] = {"ts": quote_time(quote, default=default_ts), "symbol": str(quote.get("symbol") or "")}
    for name in PRICE_FIELDS:
        tick[name] = _float(quote.get(name))
    for name in SIZE_FIELDS:
        tick[name] = _int(quote.get(name))
    tick["source"] = str(quote.get("source") or "")
    tick["stream_id"] = stream_id
    tick["contract"] = feed_contract(str(quote.get("feed_symbol") or ""), at=tick["ts"])
    tick["trade_size"] = None
    tick["seq"] = None
    return tick


def feed_contract(feed_symbol: str, *, at: datetime) -> str | None:
    """The dated contract a feed symbol names (TOS's ``/ESZ25`` → ``ESZ25``), None for a continuous
    one (``/ES``, ``$DXY``): the live feed keeps what TOS sends (SPEC §15)."""
    return normalize_contract(feed_symbol, near=at.date()) if feed_symbol else None


def quote_from_tick(tick: dict[str, Any], *, source: str | None = None) -> Quote:
    """A quote dict (the stream's JSON shape, SPEC §3.2) rebuilt from an archive row: prices as exact
    Decimals, ``ts_event`` = the tick's time; ``source`` replaces the tick's own when given."""
    values: dict[str, Any] = {"symbol": tick["symbol"], "feed_symbol": tick["symbol"]}
    for name in PRICE_FIELDS:
        value = tick.get(name)
        values[name] = None if value is None or value != value else Decimal(repr(float(value)))
    for name in SIZE_FIELDS:
        value = tick.get(name)
        values[name] = None if value is None or value != value else int(value)
    ts = tick["ts"]
    values["ts_event"] = ts.isoformat() if isinstance(ts, datetime) else ts
    values["source"] = source or tick.get("source") or ""
    return cast(Quote, values)
