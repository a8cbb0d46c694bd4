"""Recording intraday metrics from the quote stream (SPEC §8), once a minute.

:class:`IntradayRecorder` applies quotes to an :class:`~ThorTrading.intraday.IntradayBook` and, when
bars close, writes in one transaction: the bars, their VWAP minutes, the CME-day rows, the session
metrics of open captures, and the 52-week extremes — a handful of bulk queries per minute, whatever
the number of ticks. A small summary (session VWAP, 52-week high/low) goes to Redis for
``quotes/latest``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from redis.exceptions import RedisError

from LiveData.redis_client import LiveDataRedis
from LiveData.ticks import Quote, feed_contract, quote_time
from ThorTrading import intraday
from ThorTrading.intraday import Bar, Day, IntradayBook, floor_minute
from ThorTrading.models import (
    FutureTrading24Hour,
    MarketIntraday,
    MarketSession,
    Rolling52WeekStats,
    VwapMinute,
    traded_symbol,
)
from ThorTrading.numbers import pct, to_decimal
from ThorTrading.selectors.cache import bump_sessions_version
from ThorTrading.services.close_capture import close_metrics
from ThorTrading.services.quotes import INTRADAY_SUMMARY_KEY

logger = logging.getLogger(__name__)

SUMMARY_KEY = INTRADAY_SUMMARY_KEY
PRICE = Decimal("0.000001")


@dataclass
class FlushReport:
    """Rows written by one flush (for logs, tests and the write-count figures)."""

    bars: int = 0
    vwap_minutes: int = 0
    days: int = 0
    sessions: int = 0
    late: int = 0
    extremes: int = 0
    queries: int = 0


def _day_from_row(row: FutureTrading24Hour) -> Day:
    return Day(
        row.symbol, row.trading_day, row.open, row.high, row.low, row.last, row.volume, row.price_volume, row.prev_close
    )


class IntradayRecorder:
    """Holds the book and writes what it closes. Build one with :meth:`load` (after a restart it
    continues from the stored bars and days)."""

    def __init__(self, book: IntradayBook, symbols: list[str]) -> None:
        self.book = book
        self.symbols = symbols
        self.extremes: dict[str, Rolling52WeekStats] = {}
        self.writes = FlushReport()

    @classmethod
    def load(cls, symbols: list[str]) -> IntradayRecorder:
        """Rebuild the state from the database: each symbol's last bar (volume baseline, last
        closed minute) and its unfinished CME day."""
        book = IntradayBook()
        for symbol in symbols:
            last_bar = MarketIntraday.objects.filter(symbol=symbol).order_by("-minute").first()
            if last_bar is not None:
                book.last_closed[symbol] = last_bar.minute
                if last_bar.cumulative_volume is not None:
                    book.baselines[symbol] = last_bar.cumulative_volume
            day_row = (
                FutureTrading24Hour.objects.filter(symbol=symbol, finalized=False).order_by("-trading_day").first()
            )
            if day_row is not None:
                book.days[symbol] = _day_from_row(day_row)
        recorder = cls(book, symbols)
        return recorder

    # --- applying quotes ------------------------------------------------------------------------
    def apply_quote(self, quote: Quote, *, now: datetime, recovering: bool = False) -> list[Bar]:
        """Apply one stream quote; returns bars it closed. While ``recovering`` (re-reading entries
        left unacknowledged), a quote for a minute already stored is skipped: it is in the database."""
        symbol = str(quote.get("symbol") or "")
        if not symbol:
            return []
        at = quote_time(quote, default=now)
        closed_until = self.book.last_closed.get(symbol)
        if recovering and closed_until is not None and floor_minute(at) <= closed_until:
            return []
        volume = quote.get("volume")
        return self.book.apply(
            symbol=symbol,
            at=at,
            last=to_decimal(quote.get("last")),
            bid=to_decimal(quote.get("bid")),
            ask=to_decimal(quote.get("ask")),
            volume=int(volume) if isinstance(volume, int | Decimal) else None,
            prev_close=to_decimal(quote.get("close")),
            contract=feed_contract(str(quote.get("feed_symbol") or ""), at=at),
        )

    def is_stored(self, symbol: str, at: datetime) -> bool:
        """Whether a quote of ``symbol`` at ``at`` is already reflected in the stored bars."""
        open_bar = self.book.bars.get(symbol)
        return open_bar is None or floor_minute(at) < open_bar.minute

    # --- writing --------------------------------------------------------------------------------
    def flush(self, closed: list[Bar], *, now: datetime, live: LiveDataRedis | None = None) -> FlushReport:
        """Write the closed bars and everything derived from them, in one transaction."""
        report = FlushReport()
        late, self.book.late = self.book.late, []
        finished, self.book.finished_days = self.book.finished_days, []
        if not closed and not late and not finished:
            return report
        with transaction.atomic():
            if closed:
                report.bars = self._write_bars(closed)
                report.queries += 2
            for tick in late:
                self._apply_late(tick)
                report.late += 1
                report.queries += 4
            touched = {b.symbol for b in closed} | {t.symbol for t in late}
            report.days = self._write_days(touched, finished)
            report.queries += 1
            report.sessions = self._update_sessions(closed)
            report.queries += 2
            report.extremes = self._update_extremes(touched, bool(finished), now)
            report.queries += 1
        report.vwap_minutes = report.bars
        for name in ("bars", "vwap_minutes", "days", "sessions", "late", "extremes", "queries"):
            setattr(self.writes, name, getattr(self.writes, name) + getattr(report, name))
        if live is not None:
            self.publish_summary(live)
        return report

    def _write_bars(self, closed: list[Bar]) -> int:
        bars, vwaps = [], []
        for bar in closed:
            bars.append(
                MarketIntraday(
                    symbol=bar.symbol,
                    minute=bar.minute,
                    open=bar.open,
                    high=bar.high,
                    low=bar.low,
                    close=bar.close,
                    volume=bar.volume,
                    bid=bar.bid,
                    ask=bar.ask,
                    spread=bar.spread,
                    cumulative_volume=bar.cumulative_volume,
                    ticks=bar.ticks,
                )
            )
            day = self.book.days.get(bar.symbol)
            vwaps.append(
                VwapMinute(
                    symbol=bar.symbol,
                    minute=bar.minute,
                    price_volume=bar.price_volume,
                    volume=bar.volume,
                    vwap=bar.vwap.quantize(PRICE) if bar.vwap is not None else None,
                    session_vwap=bar.session_vwap.quantize(PRICE)
                    if bar.session_vwap is not None
                    else (day.vwap.quantize(PRICE) if day is not None and day.vwap is not None else None),
                )
            )
        MarketIntraday.objects.bulk_create(
            bars,
            update_conflicts=True,
            unique_fields=["symbol", "minute"],
            update_fields=[
                "open",
                "high",
                "low",
                "close",
                "volume",
                "bid",
                "ask",
                "spread",
                "cumulative_volume",
                "ticks",
            ],
        )
        VwapMinute.objects.bulk_create(
            vwaps,
            update_conflicts=True,
            unique_fields=["symbol", "minute"],
            update_fields=["price_volume", "volume", "vwap", "session_vwap"],
        )
        return len(bars)

    def _apply_late(self, tick: intraday.LateTick) -> None:
        bar = MarketIntraday.objects.filter(symbol=tick.symbol, minute=tick.minute).first()
        if bar is None:
            return
        bar.high, bar.low, bar.close = max(bar.high, tick.last), min(bar.low, tick.last), tick.last
        bar.volume += tick.volume
        bar.save(update_fields=["high", "low", "close", "volume"])
        vwap = VwapMinute.objects.filter(symbol=tick.symbol, minute=tick.minute).first()
        if vwap is not None:
            vwap.price_volume += tick.last * tick.volume
            vwap.volume += tick.volume
            vwap.vwap = (vwap.price_volume / vwap.volume).quantize(PRICE) if vwap.volume else None
            vwap.save(update_fields=["price_volume", "volume", "vwap"])

    def _write_days(self, touched: set[str], finished: list[Day]) -> int:
        rows = [self._day_row(day, finalized=True) for day in finished]
        rows += [self._day_row(self.book.days[s], finalized=False) for s in touched if s in self.book.days]
        if not rows:
            return 0
        FutureTrading24Hour.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["symbol", "trading_day"],
            update_fields=[
                "open",
                "prev_close",
                "high",
                "low",
                "last",
                "range",
                "range_pct",
                "volume",
                "price_volume",
                "vwap",
                "close",
                "finalized",
            ],
        )
        return len(rows)

    @staticmethod
    def _day_row(day: Day, *, finalized: bool) -> FutureTrading24Hour:
        return FutureTrading24Hour(
            symbol=day.symbol,
            trading_day=day.trading_day,
            open=day.open,
            prev_close=day.prev_close,
            high=day.high,
            low=day.low,
            last=day.close,
            range=day.high - day.low,
            range_pct=pct(day.high - day.low, day.prev_close or day.open),
            volume=day.volume,
            price_volume=day.price_volume,
            vwap=day.vwap.quantize(PRICE) if day.vwap is not None else None,
            close=day.close if finalized else None,
            finalized=finalized,
        )

    def _update_sessions(self, closed: list[Bar]) -> int:
        """Fold the closed bars into the session metrics of every capture whose session they fall in."""
        if not closed:
            return 0
        first = min(b.minute for b in closed)
        last_end = max(b.minute for b in closed) + intraday.MINUTE
        by_symbol: dict[str, list[Bar]] = {}
        for bar in closed:
            by_symbol.setdefault(bar.symbol, []).append(bar)
        sessions = list(
            MarketSession.objects.filter(
                session_close_at__gt=first, captured_at__lt=last_end, market_open__isnull=False
            )
        )
        changed = []
        for session in sessions:
            symbol = traded_symbol(session.future)
            start = floor_minute(session.captured_at)
            assert session.session_close_at is not None
            bars = [b for b in by_symbol.get(symbol, []) if start <= b.minute < session.session_close_at]
            if not bars:
                continue
            high = max([b.high for b in bars] + [v for v in [session.market_high_open] if v is not None])
            low = min([b.low for b in bars] + [v for v in [session.market_low_open] if v is not None])
            open_ = session.market_open
            session.market_high_open, session.market_low_open = high, low
            session.market_high_pct_open = pct(high - open_, open_) if open_ is not None else None
            session.market_low_pct_open = pct(low - open_, open_) if open_ is not None else None
            session.session_volume = (session.session_volume or 0) + sum(b.volume for b in bars)
            if session.market_close is not None:
                # A bar flushed after the close capture: keep the close-derived fields consistent.
                for name, value in close_metrics(session, session.market_close).items():
                    setattr(session, name, value)
            changed.append(session)
        if changed:
            MarketSession.objects.bulk_update(
                changed,
                [
                    "market_high_open",
                    "market_low_open",
                    "market_high_pct_open",
                    "market_low_pct_open",
                    "session_volume",
                    "market_high_pct_close",
                    "market_low_pct_close",
                    "market_close_vs_open_pct",
                    "market_range",
                    "market_range_pct",
                ],
            )
            bump_sessions_version()
        return len(changed)

    def _update_extremes(self, touched: set[str], new_day: bool, now: datetime) -> int:
        if new_day or not self.extremes:
            return self.refresh_extremes(today=intraday.cme_trading_day(now))
        changed = []
        for symbol in touched:
            stats, day = self.extremes.get(symbol), self.book.days.get(symbol)
            if stats is None or day is None:
                continue
            updated = False
            if stats.high_52w is None or day.high > stats.high_52w:
                stats.high_52w, stats.high_52w_date, updated = day.high, day.trading_day, True
            if stats.low_52w is None or day.low < stats.low_52w:
                stats.low_52w, stats.low_52w_date, updated = day.low, day.trading_day, True
            if updated:
                changed.append(stats)
        if changed:
            Rolling52WeekStats.objects.bulk_update(changed, ["high_52w", "high_52w_date", "low_52w", "low_52w_date"])
        return len(changed)

    def refresh_extremes(self, *, today: date) -> int:
        """Recompute every symbol's 52-week high and low from the daily rows of the last 52 weeks
        (creating the rows that are missing); returns how many rows were written."""
        start = today - timedelta(weeks=52)
        daily: dict[str, list[tuple[date, Decimal, Decimal]]] = {s: [] for s in self.symbols}
        for symbol, trading_day, high, low in FutureTrading24Hour.objects.filter(
            symbol__in=self.symbols, trading_day__gt=start, trading_day__lte=today
        ).values_list("symbol", "trading_day", "high", "low"):
            daily[symbol].append((trading_day, high, low))
        for symbol, day in self.book.days.items():
            if symbol in daily and day.trading_day <= today:
                daily[symbol] = [row for row in daily[symbol] if row[0] != day.trading_day] + [
                    (day.trading_day, day.high, day.low)
                ]
        existing = {s.symbol: s for s in Rolling52WeekStats.objects.filter(symbol__in=self.symbols)}
        rows = []
        for symbol in self.symbols:
            top, bottom = intraday.rolling_extremes(daily[symbol], today=today)
            stats = existing.get(symbol) or Rolling52WeekStats(symbol=symbol)
            stats.high_52w, stats.high_52w_date = top if top else (None, None)
            stats.low_52w, stats.low_52w_date = bottom if bottom else (None, None)
            stats.history_days = len(daily[symbol])
            rows.append(stats)
        Rolling52WeekStats.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["symbol"],
            update_fields=["high_52w", "high_52w_date", "low_52w", "low_52w_date", "history_days"],
        )
        self.extremes = {s.symbol: s for s in Rolling52WeekStats.objects.filter(symbol__in=self.symbols)}
        return len(rows)

    def publish_summary(self, live: LiveDataRedis) -> None:
        """Session VWAP and 52-week extremes per symbol to ``thor:intraday:summary`` (best effort)."""
        summary = {}
        for symbol in self.symbols:
            day, stats = self.book.days.get(symbol), self.extremes.get(symbol)
            summary[symbol] = json.dumps(
                {
                    "vwap": str(day.vwap.quantize(PRICE)) if day is not None and day.vwap is not None else None,
                    "trading_day": day.trading_day.isoformat() if day is not None else None,
                    "high_52w": str(stats.high_52w) if stats is not None and stats.high_52w is not None else None,
                    "low_52w": str(stats.low_52w) if stats is not None and stats.low_52w is not None else None,
                }
            )
        try:
            live.client.hset(SUMMARY_KEY, mapping=summary)
        except RedisError:
            logger.warning("intraday summary not published: Redis unavailable")
