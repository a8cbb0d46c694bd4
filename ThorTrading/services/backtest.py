"""Backtests over the tick archive (SPEC §13): which opens to test, the tape, the live configuration
with a variant's changes, and the result in one dict.

The opens come from the trading-days table (days not materialised yet are added from
exchange_calendars first); the strategy itself is :mod:`ThorTrading.backtest`, which runs the same
pure functions as the live capture and grader.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connections, transaction

from core import clock
from core.platforms import after_fork_in_child
from GlobalMarkets.models import Market
from GlobalMarkets.reference import CONTROL_COUNTRIES
from GlobalMarkets.services.calendars import materialise_days
from GlobalMarkets.services.status import market_days
from LiveData.archive import TickArchive, get_tick_archive
from LiveData.history.store import INTERVALS, RESOLUTIONS, HistoryArchive
from LiveData.ticks import cme_trading_day
from ThorTrading import backtest
from ThorTrading.backtest import BarTape, MarketData, MarketOpen, PreviousClose, Tape, Variant
from ThorTrading.models import Backtest, BacktestStatus
from ThorTrading.services.config import get_trading_config
from ThorTrading.services.costs import net_trades, trading_costs
from ThorTrading.services.grading import market_windows

logger = logging.getLogger(__name__)


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
    for market in markets:
        materialise_days(market, start=start, end=end)
    windows = market_windows()
    days = market_days(markets, start, end)
    opens = []
    for market in markets:
        for day in days[market.pk]:
            if day.is_trading_day and day.open_at is not None:
                local = market.local_time(day.open_at)
                opens.append(
                    MarketOpen(
                        market.country, day.open_at, local.date(), local.strftime("%a"), windows.get(market.country)
                    )
                )
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
    roll: str = "volume",
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
        "window_minutes": variant.window_minutes
        if variant.window_minutes is not None
        else settings.THOR_EVALUATION_WINDOW_MINUTES,
        "thresholds": {s: [t.strong_buy, t.buy, t.sell, t.strong_sell] for s, t in variant.thresholds.items()},
        "signal_weights": variant.signal_weights,
        "contract_weights": variant.contract_weights,
        "future": future,
        "opens": len(opens),
    }
    if not opens:
        return {
            "params": {**params, "ticks": 0, "bars": 0, "resolution": [], "roll": roll, "opens_with_data": 0},
            "trades": [],
            "stats": backtest.stats([], future=future, market_order=CONTROL_COUNTRIES, now=end_of_day(end)),
        }
    longest = max((o.window for o in opens if o.window is not None), default=timedelta(days=1))
    # The snapshot needs each symbol's latest data before the first open: read a day before it.
    start_at, end_at = opens[0].open_at - timedelta(days=1), opens[-1].open_at + longest + timedelta(seconds=1)
    market = market_data(archive, start_at, end_at, roll=roll)
    if market.ticks.rows == 0 and not any(t.rows for t in market.bars.values()):
        raise BacktestError(
            f"the archive ({archive.root}) has no ticks from {start} to {end}: record some with make run, "
            "import vendor history (ticks or bars) with manage.py import_history, a CSV with manage.py import_ticks, "
            "or make a synthetic tape with manage.py make_demo_ticks"
        )
    config = variant.apply(get_trading_config())
    trades = backtest.run(market, opens, config, progress=progress)
    params.update(data_params(trades, market, future=future))
    # Net of the paper desk's commissions and a tick of slippage on stops (issue 26), beside the gross.
    ticks = {i.symbol: i.tick_value for i in config.instruments}
    net = backtest.stats(
        net_trades(trades, trading_costs(), ticks), future=future, market_order=CONTROL_COUNTRIES, now=end_of_day(end)
    )
    return {
        "params": params,
        "trades": trades,
        "stats": backtest.stats(trades, future=future, market_order=CONTROL_COUNTRIES, now=end_of_day(end)),
        "net": {k: net[k] for k in ("overall", "by_market", "by_weekday")},
    }


def market_data(archive: TickArchive, start: datetime, end: datetime, *, roll: str = "volume") -> MarketData:
    """What the backtest reads from ``start`` to ``end``: the archive's ticks, its bars of every
    length, the front months by ``roll`` and the previous closes (settlements, else last trades) from
    the history beside it (SPEC §15)."""
    history = HistoryArchive(archive.root)
    ticks = Tape.from_table(archive.read(start, end), covered_until=archive.last_tick_time())
    bars = {}
    for name, seconds in INTERVALS.items():
        days = history.read_bar_days(name, start, end)
        if days:
            bars[name] = BarTape.from_days(days, length_seconds=seconds)
    rolls = history.rolls(roll)

    def fronts(root: str, day: date) -> tuple[str, str] | None:
        front = rolls.front(root, day)
        return (front.contract, front.basis) if front is not None else None

    return MarketData(ticks=ticks, bars=bars, fronts=fronts, closes=previous_closes(history), roll=roll)


def previous_closes(history: HistoryArchive) -> dict[tuple[str, date], PreviousClose]:
    """``(contract, CME day)`` → the day's close: the vendor's settlement when imported, else the
    contract's last trade that day (the latest any resolution or source saw)."""
    closes: dict[tuple[str, date], PreviousClose] = {}
    latest: dict[tuple[str, date], Any] = {}
    for row in history.daily().select(["day", "contract", "last_trade", "last_trade_ts"]).to_pylist():
        key = (row["contract"], row["day"])
        if row["contract"] is None or row["last_trade"] is None:
            continue
        if key not in latest or row["last_trade_ts"] > latest[key]:
            latest[key] = row["last_trade_ts"]
            closes[key] = PreviousClose(Decimal(repr(float(row["last_trade"]))), "last trade")
    for row in history.statistics().to_pylist():
        if row["stat"] == "settlement" and row["contract"] and row["value"] is not None:
            closes[(row["contract"], row["day"])] = PreviousClose(Decimal(repr(float(row["value"]))), "settlement")
    return closes


def data_params(trades: list[dict[str, Any]], market: MarketData, *, future: str = "TOTAL") -> dict[str, Any]:
    """What data the backtest ran on (SPEC §15): ``resolution`` (the resolutions used, finest
    first), ``roll``, ``close_source`` (counts by source), ``contracts``, ``sources``, ``ticks`` and
    ``bars`` read, ``opens_with_data`` / ``opens_without_data``, ``ambiguous`` trades and the CME
    ``days`` with data — of ``future``'s rows when it is one future (every row's for TOTAL, whose
    composite reads them all, and for "all")."""
    if future not in ("TOTAL", "all"):
        trades = [t for t in trades if t["future"] == future]
    used = {t["resolution"] for t in trades if t["resolution"]}
    by_open: dict[Any, bool] = {}
    for t in trades:
        key = (t["country"], t["captured_at"])
        by_open[key] = by_open.get(key, False) or bool(t["resolution"])
    sources: set[str] = set()
    for series, resolution in {(t["series"], t["resolution"]) for t in trades if t["resolution"]}:
        tape = market.ticks if resolution == "tick" else market.bars[resolution]
        sources.update(tape.sources(series) if isinstance(tape, Tape) else tape.sources.get(series, []))
    return {
        "resolution": [r for r in RESOLUTIONS if r in used],
        "roll": market.roll,
        "close_source": dict(
            Counter(t["close_source"] for t in trades if t["close_source"] and t["future"] != "TOTAL")
        ),
        "contracts": sorted({t["contract"] for t in trades if t["contract"]}),
        "sources": sorted(sources),
        "ticks": market.ticks.rows,
        "bars": sum(t.rows for t in market.bars.values()),
        "opens_with_data": sum(1 for v in by_open.values() if v),
        "opens_without_data": sum(1 for v in by_open.values() if not v),
        "ambiguous": sum(1 for t in trades if t["ambiguous"]),
        "days": sorted({str(cme_trading_day(t["captured_at"])) for t in trades if t["resolution"]}),
    }


def end_of_day(day: date) -> datetime:
    """The end of ``day`` (UTC midnight after it): where the backtest's "last 7 days" count back from."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


def to_jsonable(value: Any) -> Any:
    """Backtest output → JSON values: Decimal → number, datetime/date → ISO-8601, recursively."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="thor-backtest")


def _new_executor_after_fork() -> None:
    # A forked process (a test's daphne child, a pre-forking server) inherits the executor but not its
    # thread: jobs would queue forever. It gets an executor of its own.
    global _executor
    _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="thor-backtest")


after_fork_in_child(_new_executor_after_fork)


def submit_job(job: Callable[[], None]) -> None:
    """Run ``job`` in the process's backtest worker thread (one backtest or sweep at a time, in order)."""
    _executor.submit(job)


#: A queued or running backtest whose row has not moved for this long was interrupted (a restart).
STALE_AFTER = {BacktestStatus.QUEUED: timedelta(minutes=30), BacktestStatus.RUNNING: timedelta(minutes=5)}


def backtest_submit(
    *,
    owner: Any,
    start: date,
    end: date,
    countries: list[str] | None,
    variant: Variant,
    future: str,
    run_async: bool = True,
    roll: str = "volume",
) -> Backtest:
    """Record a backtest for ``owner`` and run it in the process's backtest worker thread (one at a
    time, in order); ``run_async=False`` runs it before returning. Returns the row (QUEUED, or the
    finished one). Raises :class:`BacktestError` for an unknown market before anything is stored."""
    backtest_markets(countries)
    params = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "markets": countries or [],
        "future": future,
        "target_mode": variant.target_mode,
        "profit_target": variant.profit_target,
        "stop_loss": variant.stop_loss,
        "window_minutes": variant.window_minutes,
        "roll": roll,
    }
    backtest = Backtest.objects.create(owner=owner, created_at=clock.now(), params=to_jsonable(params))
    job = partial(
        backtest_execute,
        backtest_id=backtest.pk,
        start=start,
        end=end,
        countries=countries,
        variant=variant,
        future=future,
        roll=roll,
    )
    if run_async:
        transaction.on_commit(lambda: submit_job(job))
    else:
        job()
        backtest.refresh_from_db()
    return backtest


def backtest_execute(
    *,
    backtest_id: int,
    start: date,
    end: date,
    countries: list[str] | None,
    variant: Variant,
    future: str,
    roll: str = "volume",
) -> None:
    """Run a recorded backtest and store its result (or why it failed); progress every half second."""
    Backtest.objects.filter(pk=backtest_id).update(
        status=BacktestStatus.RUNNING, started_at=clock.now(), updated_at=clock.now()
    )
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if done == total or time.monotonic() - last[0] >= 0.5:
            last[0] = time.monotonic()
            Backtest.objects.filter(pk=backtest_id).update(opens_done=done, opens_total=total, updated_at=clock.now())

    try:
        result = run_backtest(
            start=start, end=end, countries=countries, variant=variant, future=future, progress=progress, roll=roll
        )
        Backtest.objects.filter(pk=backtest_id).update(
            status=BacktestStatus.DONE,
            result=to_jsonable(result),
            finished_at=clock.now(),
            updated_at=clock.now(),
            opens_total=result["params"]["opens"],
            opens_done=result["params"]["opens"],
        )
    except BacktestError as exc:
        Backtest.objects.filter(pk=backtest_id).update(
            status=BacktestStatus.FAILED, error=str(exc), finished_at=clock.now(), updated_at=clock.now()
        )
    except Exception as exc:  # a backtest never takes the worker thread down with it
        logger.exception("backtest %s failed", backtest_id)
        Backtest.objects.filter(pk=backtest_id).update(
            status=BacktestStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=clock.now(),
            updated_at=clock.now(),
        )
    finally:
        connections.close_all()


def backtest_state(backtest: Backtest, *, now: datetime) -> tuple[str, str]:
    """``(status, error)`` as a reader should see them: a QUEUED or RUNNING row that stopped moving
    (the server restarted mid-run) reads as FAILED with a message saying so. Writes nothing."""
    limit = STALE_AFTER.get(BacktestStatus(backtest.status))
    if limit is not None and backtest.updated_at is not None and now - backtest.updated_at > limit:
        return (
            BacktestStatus.FAILED,
            "interrupted: no progress since "
            + backtest.updated_at.isoformat()
            + " (Thor restarted while it ran?); run it again",
        )
    return backtest.status, backtest.error
