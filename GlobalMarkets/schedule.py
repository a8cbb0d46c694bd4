"""Market status from trading days and the clock (SPEC §10). Pure: no Django, no pandas.

A trading day gives four instants: PREOPEN 60 minutes before the open, OPEN at the open, PRECLOSE 15
minutes before the close, CLOSED at the close. A weekday that does not trade is HOLIDAY from local
midnight to local midnight. Lunch breaks do not close a market. Anything else is CLOSED.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from GlobalMarkets.choices import MarketStatus

CLOSED: str = MarketStatus.CLOSED
PREOPEN: str = MarketStatus.PREOPEN
OPEN: str = MarketStatus.OPEN
PRECLOSE: str = MarketStatus.PRECLOSE
HOLIDAY: str = MarketStatus.HOLIDAY
TRADING = frozenset({OPEN, PRECLOSE})

PREOPEN_LEAD = timedelta(minutes=60)
PRECLOSE_LEAD = timedelta(minutes=15)


@dataclass(frozen=True)
class Day:
    """One market-local date: trading with ``open_at``/``close_at`` (aware UTC), or a holiday."""

    date: date
    is_trading_day: bool
    open_at: datetime | None = None
    close_at: datetime | None = None
    early_close: bool = False


@dataclass(frozen=True, order=True)
class Event:
    """The status a market takes at instant ``at`` (UTC)."""

    at: datetime
    rank: int
    status: str


_RANK = {HOLIDAY: 0, CLOSED: 1, PREOPEN: 2, OPEN: 3, PRECLOSE: 4}


def day_events(day: Day, tz: ZoneInfo) -> list[Event]:
    """The status changes one day brings, in time order."""
    if not day.is_trading_day:
        start = datetime.combine(day.date, time(0), tzinfo=tz)
        end = datetime.combine(day.date + timedelta(days=1), time(0), tzinfo=tz)
        return [Event(start, _RANK[HOLIDAY], HOLIDAY), Event(end, _RANK[CLOSED], CLOSED)]
    assert day.open_at is not None and day.close_at is not None
    preclose = max(day.close_at - PRECLOSE_LEAD, day.open_at)
    return sorted(
        [
            Event(day.open_at - PREOPEN_LEAD, _RANK[PREOPEN], PREOPEN),
            Event(day.open_at, _RANK[OPEN], OPEN),
            Event(preclose, _RANK[PRECLOSE], PRECLOSE),
            Event(day.close_at, _RANK[CLOSED], CLOSED),
        ]
    )


def events_between(days: Iterable[Day], tz: ZoneInfo, start: datetime, end: datetime) -> list[Event]:
    """Every status change with ``start < at <= end``, in time order."""
    found = [e for day in days for e in day_events(day, tz) if start < e.at <= end]
    return sorted(found)


def status_at(days: Iterable[Day], tz: ZoneInfo, now: datetime) -> str:
    """The status at ``now``: that of the latest change at or before it (CLOSED if none)."""
    latest: Event | None = None
    for day in days:
        for event in day_events(day, tz):
            if event.at <= now and (latest is None or event > latest):
                latest = event
    return latest.status if latest is not None else CLOSED


def fallback_day(on: date, tz: ZoneInfo, open_time: time, close_time: time) -> Day | None:
    """A weekday at the market's configured local hours (None on a weekend): what a market uses
    where its exchange calendar has no data."""
    if on.weekday() >= 5:
        return None
    open_at = datetime.combine(on, open_time, tzinfo=tz)
    close_at = datetime.combine(on, close_time, tzinfo=tz)
    if close_at <= open_at:
        close_at += timedelta(days=1)
    return Day(on, True, open_at.astimezone(ZoneInfo("UTC")), close_at.astimezone(ZoneInfo("UTC")))
