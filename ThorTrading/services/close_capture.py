"""Close capture: the close and range metrics of a market's latest capture (SPEC §8, §6).

Used by the ``market_closed`` hook, ``POST /api/ThorTrading/market-close/capture`` and
``manage.py capture_market_close``. TOTAL uses YM's quote, as it trades YM.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Max
from redis.exceptions import RedisError

from core import clock
from LiveData.redis_client import LiveDataRedis
from ThorTrading.choices import CloseCaptureStatus
from ThorTrading.models import MarketSession, traded_symbol
from ThorTrading.numbers import pct
from ThorTrading.selectors.cache import bump_sessions_version
from ThorTrading.services.quotes import get_enriched_quotes_with_composite

logger = logging.getLogger(__name__)

OK: str = CloseCaptureStatus.OK
ALREADY_CLOSED: str = CloseCaptureStatus.ALREADY_CLOSED
NO_SESSIONS: str = CloseCaptureStatus.NO_SESSIONS
ERROR: str = CloseCaptureStatus.ERROR


@dataclass
class CloseResult:
    """``{country, capture_group, status (ok | already_closed | no_sessions | error), message,
    close_rows_updated, range_rows_updated}``."""

    country: str
    status: str
    message: str
    capture_group: int | None = None
    close_rows_updated: int = 0
    range_rows_updated: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def close_metrics(session: MarketSession, last: Decimal) -> dict[str, Any]:
    """The close fields for one row given the closing ``last`` (points); the definitions are in
    ``MarketSession``'s docstring. The session high/low (kept by the intraday recorder) include the
    close."""
    high = max(v for v in (session.market_high_open, last) if v is not None)
    low = min(v for v in (session.market_low_open, last) if v is not None)
    open_ = session.market_open
    fields: dict[str, Any] = {
        "market_close": last,
        "market_high_open": high,
        "market_low_open": low,
        "market_high_pct_close": pct(max(high - last, Decimal(0)), high),
        "market_low_pct_close": pct(max(last - low, Decimal(0)), low),
        "market_close_vs_open_pct": pct(last - open_, open_) if open_ is not None else None,
        "market_range": high - low,
        "market_range_pct": pct(high - low, open_),
    }
    return fields


def capture_market_close(*, country: str, force: bool = False, live: LiveDataRedis | None = None) -> CloseResult:
    """Fill the close and range metrics of ``country``'s latest capture group from the latest
    quotes. Never raises: Redis or database failures come back as status ``error``."""
    group = MarketSession.objects.filter(country=country).aggregate(g=Max("capture_group"))["g"]
    if group is None:
        return CloseResult(country, NO_SESSIONS, f"No sessions found for country '{country}'")
    sessions = list(MarketSession.objects.filter(capture_group=group))
    if not force and any(s.market_close is not None for s in sessions):
        return CloseResult(country, ALREADY_CLOSED, "Close metrics already populated; use force to recompute.", group)
    try:
        rows, _ = get_enriched_quotes_with_composite(live=live, now=clock.now())
    except RedisError as exc:
        return CloseResult(country, ERROR, f"Quote fetch failed: {exc}", group)
    by_symbol = {r["symbol"]: r for r in rows}
    closed = ranged = 0
    try:
        with transaction.atomic():
            for session in sessions:
                row = by_symbol.get(traded_symbol(session.future))
                if row is None or row["last"] is None:
                    continue
                fields = close_metrics(session, row["last"])
                MarketSession.objects.filter(pk=session.pk).update(**fields)
                closed += 1
                ranged += int(fields["market_range"] is not None)
            bump_sessions_version()
    except DatabaseError as exc:
        logger.exception("close capture %s failed", country)
        return CloseResult(country, ERROR, f"Database error: {exc}", group)
    return CloseResult(country, OK, f"{country}: closed capture_group {group} ({closed} rows)", group, closed, ranged)
