"""Backtests over the tick archive (SPEC §13): which opens to test, the tape, the live configuration
with a variant's changes, and the result in one dict.

The opens come from the trading-days table (days not materialised yet are added from
exchange_calendars first); the strategy itself is :mod:`ThorTrading.backtest`, which runs the same
pure functions as the live capture and grader.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings

from GlobalMarkets.models import Market
from GlobalMarkets.reference import CONTROL_COUNTRIES
from LiveData.archive import TickArchive, get_tick_archive
from ThorTrading import backtest
from ThorTrading.backtest import MarketOpen, Tape, Variant
from ThorTrading.services.config import get_trading_config
from ThorTrading.services.grading import market_windows


class BacktestError(ValueError):
    """A backtest that cannot run as asked (unknown market, empty range, no ticks); the message says why."""


def backtest_markets(countries: list[str] | None) -> list[Market]:
    """The markets to test: ``countries`` (any control market, even with capture off), else every
    active market whose futures and open capture are on. Raises :class:`BacktestError` naming an
    unknown market."""
    if countries:
        markets = list(Market.objects.filter(country__in=countries))
        unknown = sorted(set(countries) - {m.country for m in markets})
        if unknown:
            known = ", ".join(Market.objects.values_list("country", flat=True))
            raise BacktestError(f"unknown market {', '.join(unknown)}; markets are: {known}")
        return markets
    return list(Market.objects.filter(is_active=True, enable_futures_capture=True, enable_open_capture=True))


def backtest_opens(*, start: date, end: date, markets: list[Market]) -> list[MarketOpen]:
    """Every open of ``markets`` on market-local dates ``start``…``end``, in time order, with each
    market's evaluation window (SPEC §7)."""
    from GlobalMarkets.services.calendars import materialise_days
    from GlobalMarkets.services.status import market_days

    for market in markets:
        materialise_days(market, start=start, end=end)
    windows = market_windows()
    days = market_days(markets, start, end)
    opens = []
    for market in markets:
        for day in days[market.pk]:
            if day.is_trading_day and day.open_at is not None:
                local = market.local_time(day.open_at)
                opens.append(MarketOpen(market.country, day.open_at, local.date(), local.strftime("%a"),
                                        windows.get(market.country)))
    return sorted(opens, key=lambda o: (o.open_at, o.country))


def run_backtest(
    *,
    start: date,
    end: date,
    countries: list[str] | None = None,
    variant: Variant | None = None,
    future: str = "TOTAL",
    archive: TickArchive | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run the market-open strategy over the archived ticks of ``start``…``end`` (market-local dates
    of the opens, inclusive). Returns ``{"params": {...}, "trades": [...], "stats": {...}}`` (trades
    as :func:`ThorTrading.backtest.run` gives them; stats in the shape of ``GET market-opens/stats/``
    over ``future``'s rows). Raises :class:`BacktestError` for an empty range, an unknown market or
    an archive without ticks for the range."""
    if end < start:
        raise BacktestError(f"--to {end} is before --from {start}")
    variant = variant or Variant()
    archive = archive or get_tick_archive()
    markets = backtest_markets(countries)
    opens = variant.with_window(backtest_opens(start=start, end=end, markets=markets))
    params: dict[str, Any] = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "markets": sorted(m.country for m in markets),
        "target_mode": variant.target_mode,
        "profit_target": variant.profit_target,
        "stop_loss": variant.stop_loss,
        "window_minutes": variant.window_minutes if variant.window_minutes is not None else settings.THOR_EVALUATION_WINDOW_MINUTES,
        "thresholds": {s: [t.strong_buy, t.buy, t.sell, t.strong_sell] for s, t in variant.thresholds.items()},
        "signal_weights": variant.signal_weights,
        "contract_weights": variant.contract_weights,
        "future": future,
        "opens": len(opens),
    }
    if not opens:
        return {"params": {**params, "ticks": 0}, "trades": [], "stats": backtest.stats([], future=future, market_order=CONTROL_COUNTRIES, now=_end_of(end))}
    longest = max((o.window for o in opens if o.window is not None), default=timedelta(days=1))
    # The snapshot needs each symbol's latest tick before the first open: read a day before it.
    table = archive.read(opens[0].open_at - timedelta(days=1), opens[-1].open_at + longest + timedelta(seconds=1))
    if table.num_rows == 0:
        raise BacktestError(
            f"the tick archive ({archive.root}) has no ticks from {start} to {end}: record some with make run, "
            "import a CSV with manage.py import_ticks, or make a synthetic tape with manage.py make_demo_ticks"
        )
    tape = Tape.from_table(table, covered_until=archive.last_tick_time())
    config = variant.apply(get_trading_config())
    trades = backtest.run(tape, opens, config, progress=progress)
    params["ticks"] = tape.rows
    return {
        "params": params,
        "trades": trades,
        "stats": backtest.stats(trades, future=future, market_order=CONTROL_COUNTRIES, now=_end_of(end)),
    }


def _end_of(day: date) -> datetime:
    from datetime import UTC

    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
