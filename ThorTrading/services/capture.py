"""Market-open capture: one snapshot + paper trade per future, and TOTAL (SPEC §6).

:func:`capture_market_open` writes the 12 ``MarketSession`` rows of one capture event in one
transaction. At most one capture per (country, market-local date) — the database enforces it — so
duplicate signals, restarts and the catch-up scan never write twice; ``force=True`` makes a new event
on purpose. A failed capture is retried (3 tries, 2 s apart by default); when every try fails a
``MissedCapture`` row records the market, the expected open and the error.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, Max
from redis.exceptions import RedisError

from core import clock
from core.events import send_on_commit, send_robust
from core.retry import retrying
from GlobalMarkets import schedule
from GlobalMarkets.models import Market
from GlobalMarkets.services.status import market_days
from LiveData.redis_client import LiveDataRedis
from ThorTrading import grading, signals, strategy
from ThorTrading.choices import CaptureStatus
from ThorTrading.events import capture_missed, market_captured
from ThorTrading.models import MarketSession, MissedCapture
from ThorTrading.numbers import pct
from ThorTrading.selectors.cache import bump_analytics_version
from ThorTrading.services.config import get_trading_config
from ThorTrading.services.quotes import get_enriched_quotes_with_composite

logger = logging.getLogger(__name__)

CAPTURED: str = CaptureStatus.CAPTURED
ALREADY_CAPTURED: str = CaptureStatus.ALREADY_CAPTURED
DISABLED: str = CaptureStatus.DISABLED
FAILED: str = CaptureStatus.FAILED

BACKTEST_SIGNALS = {
    signals.STRONG_BUY: "strong_buy",
    signals.BUY: "buy",
    signals.SELL: "sell",
    signals.STRONG_SELL: "strong_sell",
}


@dataclass
class CaptureResult:
    """What a capture did. ``status``: captured, already_captured, disabled or failed."""

    status: str
    country: str
    message: str
    capture_group: int | None = None
    rows: int = 0
    local_date: str = ""


def _session_close(market: Market, now: datetime) -> datetime | None:
    """The scheduled close of the market's session trading at ``now`` (None when it is not
    trading then: a manual capture outside hours tracks no session metrics)."""
    local_date = market.local_date(now)
    for day in market_days([market], local_date - timedelta(days=1), local_date)[market.pk]:
        if day.is_trading_day and day.open_at and day.close_at and day.open_at <= now < day.close_at:
            return day.close_at
    return None


def _existing_group(market: Market, local: datetime) -> int | None:
    row = (
        MarketSession.objects.filter(
            country=market.country, year=local.year, month=local.month, date=local.day, forced=False
        )
        .values_list("capture_group", flat=True)
        .first()
    )
    return row


def backtest_stats(*, country: str, as_of: datetime) -> dict[str, dict[str, Any]]:
    """Per future: worked/didn't-work counts and percentages for each trading signal, and the HOLD
    count, over the country's captures before ``as_of`` (SPEC §8). One query.

    Returns ``{future: {"buy_worked": n, "buy_worked_percentage": pct, …, "hold": n}}``.
    """
    counts = (
        MarketSession.objects.filter(country=country, captured_at__lt=as_of)
        .values("future", "bhs", "wndw")
        .annotate(n=Count("id"))
    )
    tally: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for item in counts:
        tally[item["future"]][(item["bhs"], item["wndw"])] = item["n"]
    stats: dict[str, dict[str, Any]] = {}
    for future, cells in tally.items():
        values: dict[str, Any] = {}
        for signal, prefix in BACKTEST_SIGNALS.items():
            worked = cells.get((signal, grading.WORKED), 0)
            didnt = cells.get((signal, grading.DIDNT_WORK), 0)
            trades = worked + didnt
            values[f"{prefix}_worked"] = worked
            values[f"{prefix}_didnt_work"] = didnt
            values[f"{prefix}_worked_percentage"] = pct(Decimal(worked), Decimal(trades)) or Decimal(0)
            values[f"{prefix}_didnt_work_percentage"] = pct(Decimal(didnt), Decimal(trades)) or Decimal(0)
        values["hold"] = sum(n for (bhs, _), n in cells.items() if bhs == signals.HOLD)
        stats[future] = values
    return stats


class _AttemptFailed(Exception):
    """One capture attempt failed (Redis or the database); the message is the error recorded."""


class _Clash(_AttemptFailed):
    """Another process took the same row or capture_group: tried again at once, without a pause."""


def _capture_attempt(
    *,
    market: Market,
    now: datetime,
    local: datetime,
    force: bool,
    late: bool,
    live: LiveDataRedis | None,
    attempt: int,
    tries: int,
) -> CaptureResult:
    """One try of :func:`capture_market_open`: the capture, or the capture another process made
    meanwhile; raises :class:`_AttemptFailed` (or :class:`_Clash`) for the retry policy."""
    try:
        return _write_capture(market=market, now=now, force=force, late=late, live=live)
    except IntegrityError as exc:
        # Another process captured this market first, or took the same capture_group.
        existing = None if force else _existing_group(market, local)
        if existing is not None:
            return _already(market, local, existing)
        logger.warning("capture %s attempt %d/%d clashed (%s); retrying", market.country, attempt, tries, exc)
        raise _Clash(f"IntegrityError: {exc}") from exc
    except (RedisError, DatabaseError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        logger.warning("capture %s attempt %d/%d failed: %s", market.country, attempt, tries, error)
    if not force:
        # A concurrent capture (another process) may have succeeded while this one failed.
        try:
            existing = _existing_group(market, local)
        except DatabaseError:
            existing = None
        if existing is not None:
            return _already(market, local, existing)
    raise _AttemptFailed(error)


def _write_capture(
    *, market: Market, now: datetime, force: bool, late: bool, live: LiveDataRedis | None
) -> CaptureResult:
    config = get_trading_config()
    rows, total = get_enriched_quotes_with_composite(live=live, config=config, now=now)
    local = market.local_time(now)
    with transaction.atomic():
        # Lock the market row so two captures of one market cannot interleave (PostgreSQL).
        Market.objects.select_for_update().filter(pk=market.pk).first()
        if not force:
            existing = _existing_group(market, local)
            if existing is not None:
                return _already(market, local, existing)
        capture_group = (MarketSession.objects.aggregate(m=Max("capture_group"))["m"] or 0) + 1
        session_number = (
            MarketSession.objects.filter(country=market.country).aggregate(m=Max("session_number"))["m"] or 0
        ) + 1
        ordinals = dict(
            MarketSession.objects.filter(country=market.country)
            .values_list("future")
            .annotate(n=Count("capture_group", distinct=True))
        )
        stats = backtest_stats(country=market.country, as_of=now)
        common = {
            "session_close_at": _session_close(market, now),
            "capture_group": capture_group,
            "session_number": session_number,
            "year": local.year,
            "month": local.month,
            "date": local.day,
            "day": local.strftime("%a"),
            "session_date": local.date(),
            "captured_at": now,
            "country": market.country,
            "late": late,
            "forced": force,
            # Demo quotes, and a tape re-lived by the replay feed, are not real-time history:
            # analytics can leave them out (SPEC §13).
            "is_demo": bool({"demo", "replay"} & set(total["sources"])),
        }
        sessions = [
            MarketSession(**common, **stats.get(fields["future"], {}), **fields)
            for fields in strategy.capture_rows(rows, total, config)
        ]
        for session in sessions:
            session.country_future = ordinals.get(session.future, 0) + 1
            session.country_future_wndw_total = session.country_future
        MarketSession.objects.bulk_create(sessions)
        bump_analytics_version(ids=[s.pk for s in sessions])
        send_on_commit(market_captured, MarketSession, capture_group=capture_group, country=market.country)
    stale = total["stale_symbols"]
    message = (
        f"{market.country}: captured {len(sessions)} rows for {local.date().isoformat()} "
        f"(capture_group {capture_group}, TOTAL {total['composite_signal'] or 'no signal'})"
    )
    if stale:
        message += f"; stale quotes: {', '.join(stale)}"
    return CaptureResult(CAPTURED, market.country, message, capture_group, len(sessions), local.date().isoformat())


def _already(market: Market, local: datetime, group: int) -> CaptureResult:
    return CaptureResult(
        ALREADY_CAPTURED,
        market.country,
        f"{market.country} was already captured for {local.date().isoformat()} (capture_group {group}); "
        "nothing written. Use --force to capture again.",
        group,
        0,
        local.date().isoformat(),
    )


def capture_market_open(
    *,
    market: Market,
    now: datetime | None = None,
    force: bool = False,
    late: bool = False,
    live: LiveDataRedis | None = None,
    tries: int = 3,
    retry_delay: float = 2.0,
) -> CaptureResult:
    """Capture ``market``'s open at ``now`` (default: the clock's now).

    Returns a :class:`CaptureResult`; never raises for Redis or database failures — those are
    retried ``tries`` times ``retry_delay`` seconds apart and then recorded as a ``MissedCapture``.
    Without ``force`` a market whose futures or open capture is switched off is not captured.
    """
    now = now or clock.now()
    if not force and not (market.enable_futures_capture and market.enable_open_capture):
        return CaptureResult(
            DISABLED,
            market.country,
            f"{market.country} has futures/open capture switched off (admin: Global markets › Markets); "
            "nothing written. Use --force to capture anyway.",
        )
    local = market.local_time(now)
    if not force:
        existing = _existing_group(market, local)
        if existing is not None:
            return _already(market, local, existing)
    error = ""
    try:
        for attempt in retrying(tries=tries, pause_seconds=retry_delay, on=(_AttemptFailed,), no_pause_on=(_Clash,)):
            with attempt:
                return _capture_attempt(
                    market=market,
                    now=now,
                    local=local,
                    force=force,
                    late=late,
                    live=live,
                    attempt=attempt.retry_state.attempt_number,
                    tries=tries,
                )
    except _AttemptFailed as exc:
        error = str(exc)
    try:
        missed = MissedCapture.objects.create(
            country=market.country,
            expected_open=market.open_at(local.date()),
            attempted_at=now,
            attempts=tries,
            error=error,
        )
        send_robust(capture_missed, MarketSession, missed=missed)
    except DatabaseError:
        logger.exception("could not record the missed capture of %s", market.country)
    logger.error("capture %s failed after %d tries: %s", market.country, tries, error)
    return CaptureResult(FAILED, market.country, f"{market.country}: capture failed after {tries} tries: {error}")


def _record_missed_open(market: Market, open_at: datetime, now: datetime, window: timedelta) -> None:
    """Record (once) that ``market``'s open at ``open_at`` passed uncaptured beyond the catch-up window
    (Thor was down), and tell the listeners (notifications)."""
    if MissedCapture.objects.filter(country=market.country, expected_open=open_at).exists():
        return
    minutes = int(window.total_seconds() // 60)
    missed = MissedCapture.objects.create(
        country=market.country,
        expected_open=open_at,
        attempted_at=now,
        attempts=0,
        error=f"Thor was not running at the open nor within the {minutes}-minute catch-up window",
    )
    logger.error("%s opened at %s and was not captured: %s", market.country, open_at.isoformat(), missed.error)
    send_robust(capture_missed, MarketSession, missed=missed)


def catch_up_captures(*, now: datetime) -> list[CaptureResult]:
    """Capture, late, every market that opened within ``THOR_CAPTURE_CATCHUP_MINUTES`` before
    ``now``, is trading, has capture on and has no capture for its local date yet (SPEC §6); a
    market trading past that window with no capture of its open gets a ``MissedCapture`` (once).

    Run at start-up and every half minute, so an open missed while Thor was down or while a capture
    kept failing is still recorded (marked ``late``), or, when it is too late, reported as missed."""
    window = timedelta(minutes=settings.THOR_CAPTURE_CATCHUP_MINUTES)
    markets = list(
        Market.objects.filter(
            is_active=True, enable_futures_capture=True, enable_open_capture=True, status__in=schedule.TRADING
        )
    )
    results = []
    for market in markets:
        local_date = market.local_date(now)
        days = market_days([market], local_date, local_date)[market.pk]
        day = days[0] if days else None
        if day is None or not day.is_trading_day or day.open_at is None or now < day.open_at:
            continue
        if _existing_group(market, market.local_time(now)) is not None:
            continue
        if now > day.open_at + window:
            _record_missed_open(market, day.open_at, now, window)
            continue
        logger.warning("%s opened at %s without a capture; capturing late", market.country, day.open_at.isoformat())
        results.append(
            capture_market_open(market=market, now=now, late=True, retry_delay=settings.THOR_CAPTURE_RETRY_SECONDS)
        )
    return results
