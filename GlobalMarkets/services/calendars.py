"""Materialising exchange calendars into ``TradingDay`` rows (SPEC §10).

exchange_calendars (and pandas) are imported only inside :func:`sync_market_calendars`, never on the
request path. Where a calendar has no data (XSHG and XBOM record holidays only through 2026), the
market falls back to weekdays at its configured hours and the gap is reported, not raised.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import transaction

from GlobalMarkets.models import Market, TradingDay
from GlobalMarkets.schedule import Day, fallback_day

logger = logging.getLogger(__name__)

DEFAULT_DAYS_AHEAD = 400
#: ``make run`` re-syncs when fewer than this many days are materialised ahead.
STALE_DAYS_AHEAD = 300


@dataclass
class SyncReport:
    """One market's sync: how many days were written, of which trading, holidays and fallback."""

    country: str
    calendar: str
    days: int = 0
    trading: int = 0
    holidays: int = 0
    fallback: int = 0
    overrides_kept: int = 0
    covered_until: date | None = None
    warning: str = ""

    def __str__(self) -> str:
        line = (
            f"{self.country:<15} {self.calendar}: {self.trading} trading days, {self.holidays} holidays"
            f", {self.fallback} fallback, {self.overrides_kept} overrides kept"
        )
        return f"{line} — {self.warning}" if self.warning else line


def _load_calendar(code: str, start: date, end: date) -> tuple[Any, date | None]:
    """(calendar, last covered date). A calendar that refuses ``end`` is retried up to the last
    year it has data for (its error names that year); (None, None) when it cannot be had at all."""
    import exchange_calendars as xc

    try:
        calendar = xc.get_calendar(code, start=start.isoformat(), end=end.isoformat())
        return calendar, end
    except ValueError as exc:
        match = re.search(r"to the year (\d{4})", str(exc))
        if not match:
            logger.warning("calendar %s unavailable: %s", code, exc)
            return None, None
        last = date(int(match.group(1)), 12, 31)
        if last < start:
            return None, None
        try:
            return xc.get_calendar(code, start=start.isoformat(), end=last.isoformat()), last
        except Exception as retry_exc:
            logger.warning("calendar %s unavailable: %s", code, retry_exc)
            return None, None
    except Exception as exc:  # an unknown code, a broken install: fall back, never crash
        logger.warning("calendar %s unavailable: %s", code, exc)
        return None, None


def _utc(value: Any) -> datetime | None:
    if value is None or str(value) == "NaT":
        return None
    return value.to_pydatetime().astimezone(UTC)


def _calendar_days(market: Market, calendar: Any, start: date, end: date) -> dict[date, TradingDay]:
    schedule = calendar.schedule.loc[start.isoformat() : end.isoformat()]  # type: ignore[misc]
    early = {ts.date() for ts in calendar.early_closes}
    days: dict[date, TradingDay] = {}
    for label, row in schedule.iterrows():
        on = label.date()
        if market.calendar_hours:
            open_at, close_at = _utc(row["open"]), _utc(row["close"])
            break_start, break_end = _utc(row.get("break_start")), _utc(row.get("break_end"))
        else:
            hours = fallback_day(on, market.tz, market.open_time, market.close_time) or Day(on, True)
            open_at, close_at, break_start, break_end = hours.open_at, hours.close_at, None, None
        days[on] = TradingDay(
            market=market,
            date=on,
            is_trading_day=True,
            open_at=open_at,
            close_at=close_at,
            break_start=break_start,
            break_end=break_end,
            early_close=market.calendar_hours and on in early,
            source=TradingDay.SOURCE_CALENDAR,
        )
    return days


def sync_market(market: Market, *, start: date, end: date) -> SyncReport:
    """Rewrite ``market``'s trading days from ``start`` to ``end`` (local dates), keeping overrides."""
    report, rows = _build_days(market, start=start, end=end)
    with transaction.atomic():
        TradingDay.objects.filter(market=market, date__range=(start, end)).exclude(
            source=TradingDay.SOURCE_OVERRIDE
        ).delete()
        TradingDay.objects.bulk_create(rows)
        Market.objects.filter(pk=market.pk).update(
            calendar_synced_until=end, calendar_covered_until=report.covered_until
        )
    if report.warning:
        logger.warning("calendar coverage: %s", report.warning)
    return report


def materialise_days(market: Market, *, start: date, end: date) -> int:
    """Add the trading days from ``start`` to ``end`` that ``market`` has no row for yet (a backtest
    over dates before the last sync), leaving every existing row and the market's sync range alone.
    Returns how many rows were added."""
    existing = set(TradingDay.objects.filter(market=market, date__range=(start, end)).values_list("date", flat=True))
    if len(existing) >= (end - start).days + 1:
        return 0
    # exchange_calendars wants start < end: ask for a little more and keep the range asked for.
    _, rows = _build_days(market, start=start - timedelta(days=3), end=end + timedelta(days=3))
    missing = [row for row in rows if start <= row.date <= end and row.date not in existing]
    TradingDay.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _build_days(market: Market, *, start: date, end: date) -> tuple[SyncReport, list[TradingDay]]:
    """The ``TradingDay`` rows exchange_calendars gives ``market`` from ``start`` to ``end`` (weekday
    fallback where it has no data), skipping admin overrides; not saved."""
    report = SyncReport(market.country, market.calendar_code)
    calendar, covered_until = _load_calendar(market.calendar_code, start, end)
    report.covered_until = covered_until
    sessions = _calendar_days(market, calendar, start, covered_until) if calendar is not None and covered_until else {}
    overrides = set(
        TradingDay.objects.filter(
            market=market, source=TradingDay.SOURCE_OVERRIDE, date__range=(start, end)
        ).values_list("date", flat=True)
    )
    report.overrides_kept = len(overrides)
    rows: list[TradingDay] = []
    on = start
    while on <= end:
        if on not in overrides:
            if covered_until is not None and on <= covered_until:
                if on in sessions:
                    rows.append(sessions[on])
                    report.trading += 1
                elif on.weekday() < 5:
                    rows.append(
                        TradingDay(
                            market=market,
                            date=on,
                            is_trading_day=False,
                            source=TradingDay.SOURCE_CALENDAR,
                            note="exchange holiday",
                        )
                    )
                    report.holidays += 1
            else:
                fallback = fallback_day(on, market.tz, market.open_time, market.close_time)
                staff = market.holidays_entered_until is not None and on <= market.holidays_entered_until
                if fallback is not None:
                    rows.append(
                        TradingDay(
                            market=market,
                            date=on,
                            is_trading_day=True,
                            open_at=fallback.open_at,
                            close_at=fallback.close_at,
                            source=TradingDay.SOURCE_STAFF if staff else TradingDay.SOURCE_FALLBACK,
                            note=(
                                "weekday at configured hours; staff entered the holidays to "
                                f"{market.holidays_entered_until}"
                                if staff
                                else "no calendar data: weekday at configured hours"
                            ),
                        )
                    )
                    report.fallback += 0 if staff else 1
        on += timedelta(days=1)
    report.days = len(rows)
    if report.fallback:
        first = known_until(covered_until, market.holidays_entered_until)
        first = first + timedelta(days=1) if first else start
        report.warning = (
            f"{market.calendar_code} has no data after {covered_until or 'its start'}; "
            f"{first}…{end} use weekdays at {market.open_time:%H:%M}–{market.close_time:%H:%M} local"
        )
    return report, rows


def sync_market_calendars(
    *,
    start: date,
    end: date,
    markets: Iterable[Market] | None = None,
    progress: Callable[[SyncReport], None] | None = None,
) -> list[SyncReport]:
    """Sync every active market (or ``markets``); calls ``progress`` after each market."""
    reports = []
    for market in markets if markets is not None else Market.objects.filter(is_active=True):
        report = sync_market(market, start=start, end=end)
        reports.append(report)
        if progress is not None:
            progress(report)
    return reports


def calendars_are_stale(today: date) -> bool:
    """True when some active market has fewer than ``STALE_DAYS_AHEAD`` days materialised, or no
    days for the week up to ``today`` (a few queries; no pandas)."""
    horizon = today + timedelta(days=STALE_DAYS_AHEAD)
    markets = Market.objects.filter(is_active=True)
    if (
        markets.filter(calendar_synced_until__isnull=True).exists()
        or markets.filter(calendar_synced_until__lt=horizon).exists()
    ):
        return True
    # A run on a simulated clock may start before the synced range: every market needs this week.
    synced_now = (
        TradingDay.objects.filter(market__in=markets, date__range=(today - timedelta(days=7), today))
        .values("market")
        .distinct()
        .count()
    )
    return synced_now < markets.count()


def known_until(calendar_until: date | None, staff_until: date | None) -> date | None:
    """The last date a market's sessions are known rather than guessed: the later of its exchange
    calendar's data and the span staff entered its holidays for (None when neither)."""
    known = [d for d in (calendar_until, staff_until) if d is not None]
    return max(known) if known else None


def coverage_warnings(today: date, *, days_ahead: int = DEFAULT_DAYS_AHEAD) -> list[str]:
    """Markets whose sessions are guessed (weekdays at configured hours) before ``today +
    days_ahead``: neither the exchange calendar nor holidays entered by staff reach that far (for
    the admin and health). Each names the market, its calendar code and the date the guessing starts."""
    horizon = today + timedelta(days=days_ahead)
    warnings = []
    for market in Market.objects.filter(is_active=True).only(
        "country",
        "calendar_code",
        "calendar_covered_until",
        "holidays_entered_until",
        "calendar_synced_until",
        "open_time",
        "close_time",
    ):
        known = known_until(market.calendar_covered_until, market.holidays_entered_until)
        if market.calendar_synced_until is None:
            warnings.append(f"{market.country}: calendar never synced (run manage.py sync_market_calendars)")
        elif known is None or known < horizon:
            staff = (
                f", holidays entered by staff to {market.holidays_entered_until}"
                if market.holidays_entered_until
                else ""
            )
            warnings.append(
                f"{market.country}: {market.calendar_code} has data only to {market.calendar_covered_until}{staff}; "
                f"weekdays after {known} are guessed at {market.open_time:%H:%M}–{market.close_time:%H:%M} local "
                "(add the holidays: admin › Trading days, or manage.py import_holidays)"
            )
    return warnings
