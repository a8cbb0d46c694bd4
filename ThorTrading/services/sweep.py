"""Sweeps of targets, stops and windows over the archive, with costs, walk-forward and PBO (issue 26).

:func:`run_sweep` reads the archive once (as :func:`ThorTrading.services.backtest.run_backtest` does),
runs :func:`ThorTrading.backtest.sweep` and reports, per variant, the statistics in the shape of
``GET market-opens/stats/`` (gross) beside the same figures net of costs, a table per market and
weekday, the walk-forward choice of a variant per market (in-sample vs out-of-sample expected
value) and the probability of backtest overfitting over the variants' daily net P&L. Costs are
passed in (``ThorTrading`` sits below the paper desk that keeps the commission table).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import numpy as np
from django.db import connections, transaction

from core import clock
from GlobalMarkets.reference import CONTROL_COUNTRIES
from LiveData.archive import TickArchive, get_tick_archive
from ThorTrading import analytics, backtest, research
from ThorTrading.backtest import SweepCell
from ThorTrading.models import Backtest, BacktestKind, BacktestStatus
from ThorTrading.services.backtest import (
    BacktestError,
    backtest_markets,
    backtest_opens,
    data_params,
    end_of_day,
    market_data,
    submit_job,
    to_jsonable,
)
from ThorTrading.services.config import get_trading_config
from ThorTrading.services.costs import trading_costs

logger = logging.getLogger(__name__)

#: A walk-forward choice needs at least this many decided trades in its training span.
MIN_TRAIN_TRADES = 3


def net_cents(
    arrays: backtest.SweepArrays, costs: dict[str, research.Costs], tick_values: dict[str, Decimal]
) -> np.ndarray:
    """Every cell's P&L (cents) less each resolved trade's costs: the round trip commission, and the
    slippage of its exit (a stop's or a target's ticks × the tick value); cells × rows."""
    round_trip = np.zeros(len(arrays.rows), dtype=np.int64)
    stop_slip = np.zeros(len(arrays.rows), dtype=np.int64)
    target_slip = np.zeros(len(arrays.rows), dtype=np.int64)
    for r, trade in enumerate(arrays.rows):
        symbol = "YM" if trade["future"] == "TOTAL" else trade["future"]
        cost = costs.get(symbol)
        if cost is not None and arrays.entry[r]:
            round_trip[r] = int(2 * cost.commission * 100)
            stop_slip[r] = int(cost.stop_slippage_ticks * tick_values.get(symbol, Decimal(0)) * 100)
            target_slip[r] = int(cost.target_slippage_ticks * tick_values.get(symbol, Decimal(0)) * 100)
    resolved = np.isin(arrays.codes, [analytics.outcome_code(w) for w in ("WORKED", "DIDNT_WORK", "EXPIRED")])
    worked = arrays.codes == analytics.outcome_code("WORKED")
    taken = round_trip + np.where(arrays.stopped, stop_slip, np.where(worked, target_slip, 0))
    return np.where(resolved & arrays.entry, arrays.cents - taken, arrays.cents)


def _selected(arrays: backtest.SweepArrays, future: str, market: str | None = None) -> np.ndarray:
    """The rows of ``future`` (and ``market``): indices."""
    return np.array(
        [
            i
            for i, t in enumerate(arrays.rows)
            if (future == "all" or t["future"] == future) and (market is None or t["country"] == market)
        ],
        dtype=np.intp,
    )


def _table(arrays: backtest.SweepArrays, cell: int, cents: np.ndarray, future: str, now: Any) -> list[dict[str, Any]]:
    """One row per market × weekday of ``future``'s trades of ``cell``: n, hit rate with its Wilson
    interval, EV, profit factor, drawdown (of ``cents``: pass net P&L for net figures), ambiguous bars."""
    index = _selected(arrays, future)
    if len(index) == 0:
        return []
    pairs = analytics.KeyColumn.of([(arrays.rows[i]["country"], arrays.rows[i]["weekday"]) for i in index])
    table = analytics.OutcomeTable(
        arrays.codes[cell][index], cents[index], arrays.entry[index], arrays.seconds[cell][index]
    )
    figures = table.summaries(None, pairs.codes.astype(np.intp), len(pairs.labels))
    rank = {c: i for i, c in enumerate(CONTROL_COUNTRIES)}
    rows = []
    for code, ((country, weekday), overall) in enumerate(zip(pairs.labels, figures, strict=True)):
        members = index[pairs.codes == code]
        rows.append(
            {
                "country": country,
                "weekday": weekday,
                "n": overall["worked"] + overall["didnt_work"] + overall["expired"],
                "hit_rate": overall["hit_rate"],
                "hit_rate_low": overall["hit_rate_low"],
                "hit_rate_high": overall["hit_rate_high"],
                "expected_value": overall["expected_value"],
                "profit_factor": overall["profit_factor"],
                "max_drawdown": overall["max_drawdown"],
                "ambiguous": int(arrays.ambiguous[cell][members].sum()),
            }
        )
    rows.sort(
        key=lambda row: (
            rank.get(row["country"], 99),
            analytics.WEEKDAYS.index(row["weekday"]) if row["weekday"] in analytics.WEEKDAYS else 9,
        )
    )
    return rows


def daily(
    arrays: backtest.SweepArrays, cents: np.ndarray, future: str, days: list[str], market: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per cell and day of ``days`` (market-local dates): P&L (USD, of ``cents``) and resolved trades,
    of ``future``'s rows (of ``market``, or all); two cells × days arrays."""
    index = _selected(arrays, future, market)
    position = {d: i for i, d in enumerate(days)}
    day_of = np.array([position[arrays.rows[i]["date"]] for i in index], dtype=np.intp)
    resolved = np.isin(arrays.codes[:, index], [analytics.outcome_code(w) for w in ("WORKED", "DIDNT_WORK", "EXPIRED")])
    resolved &= arrays.entry[index]
    pnl = np.zeros((len(arrays.cells), len(days)))
    count = np.zeros((len(arrays.cells), len(days)), dtype=np.int64)
    for c in range(len(arrays.cells)):
        np.add.at(pnl[c], day_of[resolved[c]], cents[c, index][resolved[c]] / 100)
        np.add.at(count[c], day_of[resolved[c]], 1)
    return pnl, count


def trading_days(arrays: backtest.SweepArrays) -> list[str]:
    """The market-local dates of the sweep's opens, in order."""
    return sorted({t["date"] for t in arrays.rows})


def walk_forward(
    arrays: backtest.SweepArrays, cents: np.ndarray, future: str, *, train_days: int, test_days: int, markets: list[str]
) -> dict[str, Any]:
    """Per market, roll through the trading days: choose the variant with the best P&L (of ``cents``:
    net) over ``train_days`` (at least :data:`MIN_TRAIN_TRADES` trades), then measure it on the next
    ``test_days``. Returns ``{"train_days", "test_days", "folds": [{market, train_from, train_to,
    test_from, test_to, variant, in_sample_ev, in_sample_n, out_of_sample_ev, out_of_sample_n}],
    "in_sample_ev", "out_of_sample_ev"}`` (EV = P&L per trade, USD; the totals weigh folds by trades)."""
    days = trading_days(arrays)
    folds = research.walk_forward_folds(len(days), train=train_days, test=test_days)
    found = []
    totals = {"is": [0.0, 0], "oos": [0.0, 0]}
    for market in markets:
        pnl, count = daily(arrays, cents, future, days, market)
        for fold in folds:
            train = slice(fold.train.start, fold.train.stop)
            test = slice(fold.test.start, fold.test.stop)
            best = research.choose_best(pnl[:, train].tolist(), count[:, train].tolist(), min_trades=MIN_TRAIN_TRADES)
            if best is None:
                continue
            is_pnl, is_n = float(pnl[best, train].sum()), int(count[best, train].sum())
            oos_pnl, oos_n = float(pnl[best, test].sum()), int(count[best, test].sum())
            totals["is"][0] += is_pnl
            totals["is"][1] += is_n
            totals["oos"][0] += oos_pnl
            totals["oos"][1] += oos_n
            found.append(
                {
                    "market": market,
                    "train_from": days[fold.train.start],
                    "train_to": days[fold.train.stop - 1],
                    "test_from": days[fold.test.start],
                    "test_to": days[fold.test.stop - 1],
                    "variant": best,
                    "in_sample_ev": round(is_pnl / is_n, 2) if is_n else None,
                    "in_sample_n": is_n,
                    "out_of_sample_ev": round(oos_pnl / oos_n, 2) if oos_n else None,
                    "out_of_sample_n": oos_n,
                }
            )
    return {
        "train_days": train_days,
        "test_days": test_days,
        "folds": found,
        "in_sample_ev": round(totals["is"][0] / totals["is"][1], 2) if totals["is"][1] else None,
        "out_of_sample_ev": round(totals["oos"][0] / totals["oos"][1], 2) if totals["oos"][1] else None,
    }


def overfitting(arrays: backtest.SweepArrays, cents: np.ndarray, future: str, *, groups: int = 8) -> dict[str, Any]:
    """:func:`ThorTrading.research.probability_of_backtest_overfitting` over the variants' daily P&L
    (of ``cents``: net; all markets); fewer groups (even, at least 2) when there are fewer days."""
    days = trading_days(arrays)
    usable = min(groups, len(days) - len(days) % 2)
    if usable < 2:
        return {"pbo": None, "combinations": 0, "logits": [], "groups": 0, "periods": len(days),
                "variants": len(arrays.cells)}  # fmt: skip
    pnl, _ = daily(arrays, cents, future, days)
    return research.probability_of_backtest_overfitting(pnl.T, groups=usable)


def run_sweep(
    *,
    start: date,
    end: date,
    cells: list[SweepCell],
    countries: list[str] | None = None,
    future: str = "TOTAL",
    costs: dict[str, research.Costs] | None = None,
    walk_forward_days: tuple[int, int] | None = None,
    archive: TickArchive | None = None,
    progress: Callable[[int, int], None] | None = None,
    roll: str = "volume",
) -> dict[str, Any]:
    """Sweep ``cells`` over ``start``…``end`` (market-local dates of the opens). Returns ``{"params",
    "variants": [{"target_mode", "profit_target", "stop_loss", "window_minutes", "stats" (gross, the
    shape of GET market-opens/stats/), "net" (overall, by_market, by_weekday net of costs), "table"
    (per market × weekday, net)}], "walk_forward", "pbo"}``. Raises :class:`BacktestError` as the
    backtest does, or for no cells."""
    if not cells:
        raise BacktestError("give at least one target, stop and window to sweep")
    if end < start:
        raise BacktestError(f"--to {end} is before --from {start}")
    archive = archive or get_tick_archive()
    markets = backtest_markets(countries)
    opens = backtest_opens(start=start, end=end, markets=markets)
    params: dict[str, Any] = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "markets": sorted(m.country for m in markets),
        "future": future,
        "opens": len(opens),
        "variants": len(cells),
        "costs": {
            s: {
                "commission": c.commission,
                "stop_slippage_ticks": c.stop_slippage_ticks,
                "target_slippage_ticks": c.target_slippage_ticks,
            }
            for s, c in (costs or {}).items()
        },
    }
    if not opens:
        raise BacktestError(f"no opens of {', '.join(params['markets'])} from {start} to {end}")
    windows = [o.window for o in opens if o.window is not None] + [
        timedelta(minutes=c.window_minutes) for c in cells if c.window_minutes
    ]
    longest = max(windows, default=timedelta(days=1))
    market = market_data(
        archive, opens[0].open_at - timedelta(days=1), opens[-1].open_at + longest + timedelta(seconds=1), roll=roll
    )
    if market.ticks.rows == 0 and not any(t.rows for t in market.bars.values()):
        raise BacktestError(
            f"the archive ({archive.root}) has no ticks or bars from {start} to {end}: import history with "
            "manage.py import_history, or record some with make run"
        )
    config = get_trading_config()
    arrays = backtest.sweep_arrays(market, opens, config, cells, progress=progress)
    params.update(data_params(arrays.rows, market, future=future))
    tick_values = {i.symbol: i.tick_value for i in config.instruments}
    net = net_cents(arrays, costs or {}, tick_values)
    now = end_of_day(end)
    variants = []
    for c, cell in enumerate(cells):
        net_stats = backtest.sweep_stats(
            arrays, c, future=future, market_order=CONTROL_COUNTRIES, now=now, cents=net[c]
        )
        variants.append(
            {
                "target_mode": cell.target_mode,
                "profit_target": cell.profit_target,
                "stop_loss": cell.stop_loss,
                "window_minutes": cell.window_minutes,
                "stats": backtest.sweep_stats(arrays, c, future=future, market_order=CONTROL_COUNTRIES, now=now),
                "net": {k: net_stats[k] for k in ("overall", "by_market", "by_weekday", "pnl_by_day")},
                "table": _table(arrays, c, net[c], future, now),
            }
        )
    result: dict[str, Any] = {"params": params, "variants": variants, "pbo": overfitting(arrays, net, future)}
    result["walk_forward"] = (
        walk_forward(
            arrays,
            net,
            future,
            train_days=walk_forward_days[0],
            test_days=walk_forward_days[1],
            markets=params["markets"],
        )
        if walk_forward_days is not None
        else None
    )
    return result


class SweepCancelled(Exception):
    """Its owner cancelled the sweep while it ran."""


def sweep_submit(
    *,
    owner: Any,
    start: date,
    end: date,
    cells: list[SweepCell],
    countries: list[str] | None,
    future: str,
    walk_forward_days: tuple[int, int] | None,
    stop_slippage_ticks: int = 1,
    target_slippage_ticks: int = 0,
    roll: str = "volume",
    run_async: bool = True,
) -> Backtest:
    """Record a sweep for ``owner`` (a ``Backtest`` of kind ``sweep``) and run it in the backtest worker
    thread after the transaction commits (``run_async=False``: before returning). Raises
    :class:`BacktestError` for an unknown market or no cells before anything is stored."""
    backtest_markets(countries)
    if not cells:
        raise BacktestError("give at least one target, stop and window to sweep")
    params = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "markets": countries or [],
        "future": future,
        "cells": [
            {
                "target_mode": c.target_mode,
                "profit_target": c.profit_target,
                "stop_loss": c.stop_loss,
                "window_minutes": c.window_minutes,
            }
            for c in cells
        ],
        "walk_forward": list(walk_forward_days) if walk_forward_days else None,
        "stop_slippage_ticks": stop_slippage_ticks,
        "target_slippage_ticks": target_slippage_ticks,
        "roll": roll,
    }
    row = Backtest.objects.create(
        owner=owner, created_at=clock.now(), params=to_jsonable(params), kind=BacktestKind.SWEEP
    )
    job = partial(
        sweep_execute,
        sweep_id=row.pk,
        start=start,
        end=end,
        cells=cells,
        countries=countries,
        future=future,
        walk_forward_days=walk_forward_days,
        costs=trading_costs(stop_slippage_ticks=stop_slippage_ticks, target_slippage_ticks=target_slippage_ticks),
        roll=roll,
    )
    if run_async:
        transaction.on_commit(lambda: submit_job(job))
    else:
        job()
        row.refresh_from_db()
    return row


def sweep_execute(
    *,
    sweep_id: int,
    start: date,
    end: date,
    cells: list[SweepCell],
    countries: list[str] | None,
    future: str,
    walk_forward_days: tuple[int, int] | None,
    costs: dict[str, research.Costs],
    roll: str = "volume",
) -> None:
    """Run a recorded sweep and store its result (without the rows: each variant's figures, the
    walk-forward and PBO), why it failed, or that it was cancelled (checked with each progress note,
    every half second)."""
    Backtest.objects.filter(pk=sweep_id).update(
        status=BacktestStatus.RUNNING, started_at=clock.now(), updated_at=clock.now()
    )
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if done == total or time.monotonic() - last[0] >= 0.5:
            last[0] = time.monotonic()
            Backtest.objects.filter(pk=sweep_id).update(opens_done=done, opens_total=total, updated_at=clock.now())
            if Backtest.objects.filter(pk=sweep_id, cancel_requested=True).exists():
                raise SweepCancelled

    try:
        result = run_sweep(
            start=start,
            end=end,
            cells=cells,
            countries=countries,
            future=future,
            costs=costs,
            walk_forward_days=walk_forward_days,
            progress=progress,
            roll=roll,
        )
        Backtest.objects.filter(pk=sweep_id).update(
            status=BacktestStatus.DONE,
            result=to_jsonable(result),
            finished_at=clock.now(),
            opens_total=result["params"]["opens"],
            opens_done=result["params"]["opens"],
        )
    except SweepCancelled:
        Backtest.objects.filter(pk=sweep_id).update(
            status=BacktestStatus.CANCELLED, error="cancelled by its owner", finished_at=clock.now()
        )
    except BacktestError as exc:
        Backtest.objects.filter(pk=sweep_id).update(
            status=BacktestStatus.FAILED, error=str(exc), finished_at=clock.now()
        )
    except Exception as exc:  # a sweep never takes the worker thread down with it
        logger.exception("sweep %s failed", sweep_id)
        Backtest.objects.filter(pk=sweep_id).update(
            status=BacktestStatus.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=clock.now()
        )
    finally:
        connections.close_all()
