"""Holidays and early closes entered by staff (issue 25, point 7).

exchange_calendars holds some exchanges' sessions only a year ahead (XSHG and XBOM to 2026-12-31 in
4.13.2); past that Thor would guess plain weekdays. Staff fill the gap from the exchange's own notice:
in the admin (Trading days: each saved day is an override) or from a CSV with
:func:`parse_holiday_csv` and :func:`apply_holidays` (``manage.py import_holidays`` and the admin's
"Import holidays" page). An entered day is a ``TradingDay`` override: the monitor, the calendar sync
(which keeps overrides) and the backtest (which reads the same table) all use it, over the library's
data where both exist. ``covers_through`` records how far the entered list reaches, so weekdays up
to it count as known sessions and health stops naming the market for that span.

CSV columns (header required, names case-insensitive, order free):

- ``date`` — the market-local date, YYYY-MM-DD
- ``market`` — the market's country (``China``), a known alias (``Shanghai``) or its calendar code (``XSHG``)
- ``closed`` — true/false (yes/no, 1/0): closed all day, or open at the times given
- ``open``, ``close`` — local HH:MM when not closed; blank means the market's configured time
  (an early close is a ``close`` before the configured one)
- ``source`` — where the entry comes from (e.g. "SSE notice 2026-12-20")
- ``note`` — optional
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction

from GlobalMarkets.models import Market, TradingDay
from GlobalMarkets.reference import normalize_country

REQUIRED = ("date", "market", "closed", "source")
TRUE = frozenset({"true", "yes", "1", "y", "closed"})
FALSE = frozenset({"false", "no", "0", "n", "open", ""})


@dataclass(frozen=True)
class Holiday:
    """One entered day: ``market`` closed all day (``closed``) or trading from ``open_time`` to
    ``close_time`` (local times; None = the market's configured time). ``line`` is the CSV line."""

    market: Market
    on: date
    closed: bool
    open_time: time | None
    close_time: time | None
    source: str
    note: str = ""
    line: int = 0


@dataclass
class HolidayImport:
    """What a CSV gave: the good rows and, for each bad one, ``"line N: reason"``."""

    holidays: list[Holiday]
    errors: list[str]


def _market_lookup() -> dict[str, Market]:
    markets = list(Market.objects.all())
    found: dict[str, Market] = {}
    for market in markets:
        found[market.country.upper()] = market
        found[market.display_name.upper()] = market
        found[market.calendar_code.upper()] = market
    return found


def _market(raw: str, markets: dict[str, Market]) -> Market:
    key = raw.strip().upper()
    market = markets.get(key)
    if market is None:
        country = normalize_country(raw)
        market = markets.get(country.upper()) if country else None
    if market is None:
        raise ValueError(f"market {raw!r} is not a market's country, name or calendar code")
    return market


def _time(raw: str, column: str) -> time | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{column} {raw!r} is not a local time HH:MM") from None


def parse_holiday_csv(text: str) -> HolidayImport:
    """Parse a holidays CSV (module docstring). Never raises for a bad row: each is reported as
    ``"line N: reason"`` and left out, the good ones kept. A missing column is one error for the file."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = {name.strip().lower(): name for name in reader.fieldnames or []}
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return HolidayImport([], [f"line 1: missing column(s) {', '.join(missing)} (need {', '.join(REQUIRED)})"])
    markets = _market_lookup()
    holidays: list[Holiday] = []
    errors: list[str] = []
    for number, raw in enumerate(reader, start=2):
        row = {key: (raw.get(original) or "").strip() for key, original in header.items()}
        try:
            on = date.fromisoformat(row["date"])
        except ValueError:
            errors.append(f"line {number}: date {row['date']!r} is not YYYY-MM-DD")
            continue
        try:
            market = _market(row["market"], markets)
            closed_text = row["closed"].lower()
            if closed_text not in TRUE | FALSE:
                raise ValueError(f"closed {row['closed']!r} is not true or false")
            closed = closed_text in TRUE
            open_time, close_time = _time(row.get("open", ""), "open"), _time(row.get("close", ""), "close")
            if closed and (open_time or close_time):
                raise ValueError("a closed day has no open or close time")
            if not closed and open_time is None and close_time is None:
                raise ValueError("an open day needs an open or a close time (else it is an ordinary day)")
            if not row["source"]:
                raise ValueError("source is empty: say where the entry comes from")
        except ValueError as exc:
            errors.append(f"line {number}: {exc}")
            continue
        holidays.append(Holiday(market, on, closed, open_time, close_time, row["source"], row.get("note", ""), number))
    return HolidayImport(holidays, errors)


def _override(holiday: Holiday) -> dict[str, object]:
    """The ``TradingDay`` fields of one entered day (times to UTC in the market's zone)."""
    market = holiday.market
    note = f"{holiday.source}: {holiday.note}" if holiday.note else holiday.source
    if holiday.closed:
        return {"is_trading_day": False, "open_at": None, "close_at": None, "early_close": False, "note": note}
    open_local = datetime.combine(holiday.on, holiday.open_time or market.open_time, tzinfo=market.tz)
    close_local = datetime.combine(holiday.on, holiday.close_time or market.close_time, tzinfo=market.tz)
    if close_local <= open_local:
        close_local += timedelta(days=1)
    early = holiday.close_time is not None and holiday.close_time < market.close_time
    return {
        "is_trading_day": True,
        "open_at": open_local.astimezone(UTC),
        "close_at": close_local.astimezone(UTC),
        "early_close": early,
        "note": note,
    }


def apply_holidays(holidays: Iterable[Holiday], *, covers_through: date | None = None) -> dict[str, int]:
    """Write ``holidays`` as ``TradingDay`` overrides (one transaction; a day entered again is
    replaced) and, with ``covers_through``, record that their markets' holidays are entered to that
    date: ``Market.holidays_entered_until`` (never moved back) and their guessed weekdays up to it
    become known ones. Returns ``{country: days written}``."""
    written: dict[str, int] = {}
    holidays = list(holidays)
    with transaction.atomic():
        for holiday in holidays:
            TradingDay.objects.update_or_create(
                market=holiday.market,
                date=holiday.on,
                defaults={**_override(holiday), "source": TradingDay.SOURCE_OVERRIDE},
            )
            written[holiday.market.country] = written.get(holiday.market.country, 0) + 1
        if covers_through is not None:
            for market in {h.market.pk: h.market for h in holidays}.values():
                mark_entered(market, covers_through)
    return written


def mark_entered(market: Market, covers_through: date) -> None:
    """Record that staff entered ``market``'s holidays to ``covers_through``: the guessed weekdays
    up to it (``weekday_fallback``) become known (``staff_calendar``), so the monitor, the backtest
    and health read them as sessions."""
    until = max(covers_through, market.holidays_entered_until or covers_through)
    Market.objects.filter(pk=market.pk).update(holidays_entered_until=until)
    market.holidays_entered_until = until
    TradingDay.objects.filter(market=market, source=TradingDay.SOURCE_FALLBACK, date__lte=until).update(
        source=TradingDay.SOURCE_STAFF,
        note=f"weekday at configured hours; staff entered the holidays to {until}",
    )
