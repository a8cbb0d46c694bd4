"""Grading captured trades from quotes on the stream (SPEC §7).

:func:`grade_quotes` takes a batch of quotes in stream order and resolves every PENDING row they
touch — first touch wins, each row once (the UPDATE only matches rows still PENDING). TOTAL rows
are graded on YM. A quote older than a row's capture never grades it, so replaying the stream is
safe. :func:`expire_overdue` turns rows past their market's evaluation window into EXPIRED.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from core.events import send_on_commit
from core.push import EVENTS_GROUP, push_on_commit
from GlobalMarkets.models import Market
from LiveData.ticks import NS, Quote, from_ns, quote_time, to_ns
from ThorTrading import grading, research, signals
from ThorTrading.events import trade_resolved
from ThorTrading.models import TOTAL, MarketSession, traded_symbol
from ThorTrading.numbers import to_decimal
from ThorTrading.selectors.cache import bump_analytics_version
from ThorTrading.services.config import get_trading_config

logger = logging.getLogger(__name__)


@dataclass
class _Pending:
    id: int
    future: str
    bhs: str
    entry: Decimal
    target_high: Decimal
    target_low: Decimal
    captured_at: datetime
    country: str
    capture_group: int
    mfe: Decimal | None = None
    mae: Decimal | None = None


#: One quote as the grader reads it: its time, then bid, ask and last (points; None where missing).
_Tick = tuple[datetime, Decimal | None, Decimal | None, Decimal | None]
#: A resolved row: the row, how it resolved, and when.
_Resolved = tuple[_Pending, grading.Touch, datetime]


def grade_quotes(quotes: Iterable[Quote], *, now: datetime, max_ahead: timedelta = timedelta(minutes=1)) -> int:
    """Resolve the PENDING rows that these quotes (in stream order) touch — first touch in the
    row's window by :func:`ThorTrading.grading.first_touch_in_window`, the backtest's own rule — and
    return how many rows were resolved. A quote's time is its ``ts_event``, else ``ts_ingest``, else
    ``now``; a quote stamped more than ``max_ahead`` after ``now`` (another run's clock) grades
    nothing; a row is graded only by quotes from its capture until its evaluation window ends (SPEC §7)."""
    batch = [q for q in quotes if q and q.get("symbol")]
    by_symbol = _pending_by_symbol({str(q["symbol"]) for q in batch}) if batch else {}
    ticks = _ticks_by_symbol(batch, symbols=set(by_symbol), now=now, max_ahead=max_ahead)
    if not ticks:
        return 0
    windows = market_windows()
    resolved: list[_Resolved] = []
    excursions: dict[int, research.Excursion] = {}
    for symbol, series in ticks.items():
        found, moved = _touches(series, by_symbol[symbol], windows)
        resolved += found
        excursions.update(moved)
    count = _record(resolved, excursions)
    _record_excursions({row_id: e for row_id, e in excursions.items() if row_id not in {r.id for r, _, _ in resolved}})
    for row, resolution, at in resolved:
        logger.info(
            "graded %s row %d: %s (%s at %s, %s)",
            row.future,
            row.id,
            resolution.outcome,
            resolution.hit_type,
            resolution.price,
            at.isoformat(),
        )
    return count


def _pending_by_symbol(symbols: set[str]) -> dict[str, list[_Pending]]:
    """The PENDING rows with an entry and levels that quotes of ``symbols`` grade, by traded symbol
    (TOTAL rows trade YM). One query."""
    futures = symbols | ({TOTAL} if "YM" in symbols else set())
    by_symbol: dict[str, list[_Pending]] = defaultdict(list)
    for values in MarketSession.objects.filter(wndw=grading.PENDING, future__in=futures).values(
        "id",
        "future",
        "bhs",
        "entry_price",
        "target_high",
        "target_low",
        "captured_at",
        "country",
        "capture_group",
        "mfe_points",
        "mae_points",
    ):
        if values["entry_price"] is None or values["target_high"] is None or values["target_low"] is None:
            continue
        by_symbol[traded_symbol(values["future"])].append(
            _Pending(
                values["id"],
                values["future"],
                values["bhs"],
                values["entry_price"],
                values["target_high"],
                values["target_low"],
                values["captured_at"],
                values["country"],
                values["capture_group"],
                values["mfe_points"],
                values["mae_points"],
            )
        )
    return by_symbol


def _ticks_by_symbol(
    batch: list[Quote], *, symbols: set[str], now: datetime, max_ahead: timedelta
) -> dict[str, list[_Tick]]:
    """The quotes of ``symbols`` as ticks in stream order, leaving out those stamped after ``now + max_ahead``."""
    ticks: dict[str, list[_Tick]] = defaultdict(list)
    for quote in batch:
        symbol = str(quote["symbol"])
        if symbol not in symbols:
            continue
        at = quote_time(quote, default=now)
        if at <= now + max_ahead:
            ticks[symbol].append(
                (at, to_decimal(quote.get("bid")), to_decimal(quote.get("ask")), to_decimal(quote.get("last")))
            )
    return ticks


def _touches(
    series: list[_Tick], rows: list[_Pending], windows: dict[str, timedelta | None]
) -> tuple[list[_Resolved], dict[int, research.Excursion]]:
    """The rows among ``rows`` that one symbol's ticks resolve, each at its first touch in its window;
    and each row's excursions over these ticks (up to its touch), where they go beyond the stored ones
    (issue 26: MFE/MAE written as the trade runs, final at resolution)."""
    times = np.array([to_ns(t[0]) for t in series], dtype=np.int64)
    bid, ask, last = (
        np.array([np.nan if v is None else float(v) for v in column]) for column in list(zip(*series, strict=True))[1:]
    )
    resolved: list[_Resolved] = []
    moved: dict[int, research.Excursion] = {}
    for row in rows:
        window = windows.get(row.country)
        start_ns = to_ns(row.captured_at)
        end_ns = start_ns + int(window.total_seconds() * NS) if window is not None else None
        touch = grading.first_touch_in_window(
            signal=row.bhs,
            target_high=float(row.target_high),
            target_low=float(row.target_low),
            ts=times,
            bid=bid,
            ask=ask,
            last=last,
            start_ns=start_ns,
            end_ns=end_ns,
        )
        if touch is not None:
            resolved.append((row, touch, series[touch.index][0]))
        excursion = _excursion(row, times, bid, ask, last, start_ns, end_ns, touch.index if touch else None)
        if excursion is not None:
            moved[row.id] = excursion
    return resolved, moved


def _excursion(
    row: _Pending,
    times: np.ndarray,
    bid: np.ndarray,
    ask: np.ndarray,
    last: np.ndarray,
    start_ns: int,
    end_ns: int | None,
    touched: int | None,
) -> research.Excursion | None:
    """The row's MFE/MAE over the ticks of its window up to its touch (``research.excursions`` on the
    watched side), when either goes beyond what is stored; else None."""
    side = signals.trade_side(row.bhs)
    inside = times >= start_ns
    if end_ns is not None:
        inside &= times < end_ns
    if touched is not None:
        inside &= np.arange(len(times)) <= touched
    picked = np.flatnonzero(inside)
    if side == 0 or len(picked) == 0:
        return None
    watched = (bid if side > 0 else ask)[picked]
    price = np.where(np.isnan(watched), last[picked], watched)
    path = research.Path(research.TICK, side, float(row.entry), times[picked], price, price, price, 0, 0)
    found = research.excursions(path, through=None)
    grew = Decimal(repr(found.mfe)) > (row.mfe or Decimal(0)) or Decimal(repr(found.mae)) > (row.mae or Decimal(0))
    if row.mfe is None or row.mae is None or grew:
        best = research.Excursion(
            max(found.mfe, float(row.mfe or 0)),
            max(found.mae, float(row.mae or 0)),
            found.mfe_at_ns if found.mfe > float(row.mfe or 0) else None,
            found.mae_at_ns if found.mae > float(row.mae or 0) else None,
        )
        return best
    return None


def _excursion_fields(row_future: str, excursion: research.Excursion, config: Any) -> dict[str, Any]:
    """The MarketSession columns of ``excursion`` (points, USD per contract, times); a time left None
    keeps the stored one."""
    instrument = config.by_symbol.get(traded_symbol(row_future))
    fields: dict[str, Any] = {
        "mfe_points": Decimal(repr(excursion.mfe)),
        "mae_points": Decimal(repr(excursion.mae)),
    }
    if instrument is not None:
        fields["mfe_usd"] = research.usd(
            excursion.mfe, tick_size=instrument.tick_size, tick_value=instrument.tick_value
        )
        fields["mae_usd"] = research.usd(
            excursion.mae, tick_size=instrument.tick_size, tick_value=instrument.tick_value
        )
    if excursion.mfe_at_ns is not None:
        fields["mfe_at"] = from_ns(excursion.mfe_at_ns)
    if excursion.mae_at_ns is not None:
        fields["mae_at"] = from_ns(excursion.mae_at_ns)
    return fields


def _record_excursions(excursions: dict[int, research.Excursion]) -> None:
    """Write the excursions that grew on rows still PENDING (one update per such row)."""
    if not excursions:
        return
    config = get_trading_config()
    futures = dict(MarketSession.objects.filter(pk__in=excursions).values_list("id", "future"))
    for row_id, excursion in excursions.items():
        if row_id in futures:
            MarketSession.objects.filter(pk=row_id, wndw=grading.PENDING).update(
                **_excursion_fields(futures[row_id], excursion, config)
            )


def _record(resolved: list[_Resolved], excursions: dict[int, research.Excursion] | None = None) -> int:
    """Write the resolutions (each row only while still PENDING) with their P&L, log the changed ids
    for the statistics and push a grade event per row on commit; returns the rows updated."""
    if not resolved:
        return 0
    config = get_trading_config()
    count = 0
    pnls: list[Decimal | None] = []
    with transaction.atomic():
        for row, resolution, at in resolved:
            instrument = config.by_symbol.get(traded_symbol(row.future))
            pnl = None
            if instrument is not None:
                pnl = grading.pnl_usd(
                    signal=row.bhs,
                    entry=row.entry,
                    exit=resolution.price,
                    tick_size=instrument.tick_size,
                    tick_value=instrument.tick_value,
                )
            pnls.append(pnl)
            count += MarketSession.objects.filter(pk=row.id, wndw=grading.PENDING).update(
                wndw=resolution.outcome,
                target_hit_at=at,
                target_hit_price=resolution.price,
                target_hit_type=resolution.hit_type,
                pnl_usd=pnl,
                resolved_at=at,
                **(
                    _excursion_fields(row.future, excursions[row.id], config)
                    if excursions and row.id in excursions
                    else {}
                ),
            )
        bump_analytics_version(ids=[row.id for row, _, _ in resolved])
        send_on_commit(trade_resolved, MarketSession, ids=[row.id for row, _, _ in resolved])
        for (row, resolution, at), pnl in zip(resolved, pnls, strict=True):
            push_on_commit(
                EVENTS_GROUP,
                {
                    "type": "grade",
                    "id": row.id,
                    "capture_group": row.capture_group,
                    "country": row.country,
                    "future": row.future,
                    "outcome": resolution.outcome,
                    "hit_type": resolution.hit_type,
                    "hit_price": resolution.price,
                    "pnl_usd": pnl,
                    "at": at,
                },
            )
    return count


def market_windows() -> dict[str, timedelta | None]:
    """Each market's evaluation window by country (None = never expires): its admin override, else
    ``THOR_EVALUATION_WINDOW_MINUTES`` (SPEC §7). One query."""
    default = settings.THOR_EVALUATION_WINDOW_MINUTES
    return {
        country: grading.evaluation_window(market_minutes=minutes, default_minutes=default)
        for country, minutes in Market.objects.values_list("country", "evaluation_window_minutes")
    }


EVALUATION_WINDOWS_KEY = "thor:evaluation-window-minutes"


def evaluation_window_minutes() -> dict[str, Any]:
    """What ``GET market-opens/stats/`` shows of the evaluation windows: ``{"default": minutes or
    None, "markets": {country: minutes or None}}`` (None = never expires). Kept in this process's
    cache for up to a minute, and forgotten at once when a market is saved here (a receiver):
    reading the markets on every request cost ~1 ms. Grading and expiry read
    :func:`market_windows` itself."""
    shown = cache.get(EVALUATION_WINDOWS_KEY)
    if shown is None:
        shown = {
            "default": settings.THOR_EVALUATION_WINDOW_MINUTES or None,
            "markets": {c: (int(w.total_seconds() // 60) if w else None) for c, w in market_windows().items()},
        }
        cache.set(EVALUATION_WINDOWS_KEY, shown, 60)
    return shown


def expire_overdue(*, now: datetime) -> int:
    """Mark EXPIRED (pnl 0) every PENDING row older than its market's evaluation window; returns
    how many. Rows of a market without a window (override 0, or a global window of 0) never expire.
    ``resolved_at`` is the window's end (capture + window, UTC) and ``reason`` says which window ran
    out, so an EXPIRED row tells when and why without the settings at hand (issue 25)."""
    expired = 0
    groups: set[int] = set()
    ids: list[int] = []
    for country, window in market_windows().items():
        if window is None:
            continue
        overdue = MarketSession.objects.filter(country=country, wndw=grading.PENDING, captured_at__lte=now - window)
        for row_id, group in overdue.values_list("id", "capture_group"):
            ids.append(row_id)
            groups.add(group)
        minutes = int(window.total_seconds() // 60)
        expired += overdue.update(
            wndw=grading.EXPIRED,
            pnl_usd=Decimal(0),
            resolved_at=F("captured_at") + window,
            reason=f"{country}'s {minutes}-minute evaluation window ended before the target or the stop was touched",
        )
    if expired:
        bump_analytics_version(ids=ids)
        send_on_commit(trade_resolved, MarketSession, ids=ids)
        push_on_commit(EVENTS_GROUP, {"type": "expiry", "rows": expired, "capture_groups": sorted(groups), "at": now})
    return expired
