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
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

import numpy as np
from django.db import connections, transaction

from core import clock
from GlobalMarkets.reference import CONTROL_COUNTRIES
from LiveData.archive import TickArchive, get_tick_archive
from ThorTrading import backtest, research
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
from ThorTrading.services.costs import net_trades, trading_costs

logger = logging.getLogger(__name__)

#: A walk-forward choice needs at least this many decided trades in its training span.
MIN_TRAIN_TRADES = 3


def _table(trades: list[dict[str, Any]], future: str, now: Any) -> list[dict[str, Any]]:
    """One row per market × weekday of ``future``'s trades: n, hit rate with its Wilson interval, EV,
    profit factor, drawdown (the trades' own P&L: pass net trades for net figures) and ambiguous bars."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for trade in trades:
        if future == "all" or trade["future"] == future:
            groups[(trade["country"], trade["weekday"])].append(trade)
    rows = []
    for (country, weekday), members in sorted(
        groups.items(),
        key=lambda item: (CONTROL_COUNTRIES.index(item[0][0]) if item[0][0] in CONTROL_COUNTRIES else 99, item[0][1]),
    ):
        overall = backtest.stats(members, future=future, market_order=CONTROL_COUNTRIES, now=now)["overall"]
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
                "ambiguous": sum(1 for t in members if t.get("ambiguous")),
            }
        )
    return rows


def _daily(
    trades: list[dict[str, Any]], future: str, days: list[str], market: str | None = None
) -> tuple[list[float], list[int]]:
    """Net P&L (USD) and resolved trades per day of ``days`` (market-local dates), of ``market`` or all."""
    pnl = dict.fromkeys(days, 0.0)
    count = dict.fromkeys(days, 0)
    for trade in trades:
        if (future != "all" and trade["future"] != future) or (market is not None and trade["country"] != market):
            continue
        if trade["pnl_usd"] is None or trade["entry_price"] is None:
            continue
        pnl[trade["date"]] += float(trade["pnl_usd"])
        count[trade["date"]] += 1
    return [pnl[d] for d in days], [count[d] for d in days]


def walk_forward(
    variants: list[list[dict[str, Any]]], future: str, *, train_days: int, test_days: int, markets: list[str]
) -> dict[str, Any]:
    """Per market, roll through the trading days: choose the variant with the best net P&L over
    ``train_days`` (at least :data:`MIN_TRAIN_TRADES` trades), then measure it on the next ``test_days``.
    Returns ``{"train_days", "test_days", "folds": [{market, train_from, train_to, test_from, test_to,
    variant, in_sample_ev, in_sample_n, out_of_sample_ev, out_of_sample_n}], "in_sample_ev",
    "out_of_sample_ev"}`` (EV = net P&L per trade, USD; the totals weigh folds by their trades)."""
    days = sorted({t["date"] for rows in variants for t in rows})
    folds = research.walk_forward_folds(len(days), train=train_days, test=test_days)
    found = []
    totals = {"is": [0.0, 0], "oos": [0.0, 0]}
    for market in markets:
        daily = [_daily(rows, future, days, market) for rows in variants]
        for fold in folds:
            values = [[series[i] for i in fold.train] for series, _ in daily]
            counts = [[numbers[i] for i in fold.train] for _, numbers in daily]
            best = research.choose_best(values, counts, min_trades=MIN_TRAIN_TRADES)
            if best is None:
                continue
            is_pnl, is_n = sum(values[best]), sum(counts[best])
            oos_pnl = sum(daily[best][0][i] for i in fold.test)
            oos_n = sum(daily[best][1][i] for i in fold.test)
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


def overfitting(variants: list[list[dict[str, Any]]], future: str, *, groups: int = 8) -> dict[str, Any]:
    """:func:`ThorTrading.research.probability_of_backtest_overfitting` over the variants' daily net P&L
    (all markets); fewer groups (even, at least 2) when there are fewer days."""
    days = sorted({t["date"] for rows in variants for t in rows})
    matrix = np.array([_daily(rows, future, days)[0] for rows in variants], dtype=np.float64).T
    usable = min(groups, len(days) - len(days) % 2)
    if usable < 2:
        return {
            "pbo": None,
            "combinations": 0,
            "logits": [],
            "groups": 0,
            "periods": len(days),
            "variants": len(variants),
        }
    return research.probability_of_backtest_overfitting(matrix.reshape(len(days), len(variants)), groups=usable)


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
    swept = backtest.sweep(market, opens, config, cells, progress=progress)
    params.update(data_params(swept[0], market, future=future))
    tick_values = {i.symbol: i.tick_value for i in config.instruments}
    now = end_of_day(end)
    variants = []
    netted = []
    for cell, trades in zip(cells, swept, strict=True):
        net = net_trades(trades, costs or {}, tick_values)
        netted.append(net)
        net_stats = backtest.stats(net, future=future, market_order=CONTROL_COUNTRIES, now=now)
        variants.append(
            {
                "target_mode": cell.target_mode,
                "profit_target": cell.profit_target,
                "stop_loss": cell.stop_loss,
                "window_minutes": cell.window_minutes,
                "stats": backtest.stats(trades, future=future, market_order=CONTROL_COUNTRIES, now=now),
                "net": {k: net_stats[k] for k in ("overall", "by_market", "by_weekday", "pnl_by_day")},
                "table": _table(net, future, now),
            }
        )
    result: dict[str, Any] = {"params": params, "variants": variants, "pbo": overfitting(netted, future)}
    if walk_forward_days is not None:
        result["walk_forward"] = walk_forward(
            netted, future, train_days=walk_forward_days[0], test_days=walk_forward_days[1], markets=params["markets"]
        )
    else:
        result["walk_forward"] = None
    result["trades"] = netted
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
        result.pop("trades")
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
