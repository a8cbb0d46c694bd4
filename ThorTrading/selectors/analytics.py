"""Analytics over captured sessions (SPEC §8): stats by grouping, signal insight, capture events.

Each reads the rows it needs in one query (``values_list``), whatever their number, then groups in
Python with the pure formulas of ``ThorTrading.analytics``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery

from GlobalMarkets.reference import CONTROL_COUNTRIES
from ThorTrading import analytics
from ThorTrading.analytics import Outcome
from ThorTrading.models import FUTURES, TOTAL, MarketSession

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
SIGNAL_ORDER = ["STRONG_BUY", "BUY", "HOLD", "SELL", "STRONG_SELL", ""]
#: Insight cells with fewer decided trades than this are marked ``low_sample``.
MIN_SAMPLE = 10

_FIELDS = ("country", "future", "bhs", "day", "session_date", "captured_at", "wndw", "pnl_usd", "target_hit_at",
           "entry_price")


def _outcome(row: tuple[Any, ...]) -> Outcome:
    return Outcome(captured_at=row[5], wndw=row[6], pnl_usd=row[7], resolved_at=row[8], has_entry=row[9] is not None)


def _grouped(rows: list[tuple[Any, ...]], key: Callable[[tuple[Any, ...]], Any], order: list[Any] | None = None) -> list[dict[str, Any]]:
    groups: dict[Any, list[Outcome]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(_outcome(row))
    keys = [k for k in (order or []) if k in groups] + sorted((k for k in groups if order is None or k not in order), key=str)
    return [{"key": k, **analytics.summarize(groups[k])} for k in keys]


def session_stats(queryset: QuerySet[MarketSession], *, now: datetime) -> dict[str, Any]:
    """Overall, by market, by weekday, by signal, by future, last 7 days and P&L by day, each with
    the figures of :func:`ThorTrading.analytics.summarize`. One query."""
    rows = list(queryset.order_by().values_list(*_FIELDS))
    overall = analytics.summarize(_outcome(r) for r in rows)
    recent = analytics.summarize(_outcome(r) for r in rows if r[5] >= now - timedelta(days=7))
    by_day: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        by_day[row[4]].append(row)
    cumulative = Decimal(0)
    pnl_by_day = []
    for day in sorted(d for d in by_day if d is not None):
        summary = analytics.summarize(_outcome(r) for r in by_day[day])
        cumulative += summary["total_pnl"]
        pnl_by_day.append({"date": day, "trades": summary["trades"], "pnl": summary["total_pnl"], "cumulative_pnl": cumulative})
    return {
        "overall": overall,
        "by_market": _grouped(rows, lambda r: r[0], CONTROL_COUNTRIES),
        "by_weekday": _grouped(rows, lambda r: r[3], WEEKDAYS),
        "by_signal": _grouped(rows, lambda r: r[2], SIGNAL_ORDER),
        "by_future": _grouped(rows, lambda r: r[1], [TOTAL, *FUTURES]),
        "last_7_days": recent,
        "pnl_by_day": pnl_by_day,
    }


def signal_insight(queryset: QuerySet[MarketSession], *, target: str = TOTAL) -> dict[str, Any]:
    """For each instrument and each of its signals at capture: how often the ``target`` trade
    (TOTAL, or YM) of the same capture worked, with n, the 95 % Wilson interval and the lift over
    the base rate (percentage points), sorted by lift. One aggregate query."""
    target_outcome = MarketSession.objects.filter(capture_group=OuterRef("capture_group"), future=target).values("wndw")[:1]
    cells = (
        queryset.exclude(future=TOTAL)
        .order_by()
        .annotate(target_wndw=Subquery(target_outcome))
        .values("future", "bhs", "target_wndw")
        .annotate(n=Count("id"))
    )
    tally: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for cell in cells:
        tally[(cell["future"], cell["bhs"])][cell["target_wndw"] or analytics.NEUTRAL] += cell["n"]
    # The base rate: the target's hit rate over all its captures in the selection, counted once each.
    base: dict[str, int] = defaultdict(int)
    for (future, _), counts in tally.items():
        if future == "YM":  # every capture has exactly one YM row: count each capture once
            for outcome, n in counts.items():
                base[outcome] += n
    base_decided = base[analytics.WORKED] + base[analytics.DIDNT_WORK]
    base_rate = round(100 * base[analytics.WORKED] / base_decided, 2) if base_decided else None
    result = []
    for (future, signal), counts in tally.items():
        worked, didnt = counts[analytics.WORKED], counts[analytics.DIDNT_WORK]
        decided = worked + didnt
        interval = analytics.wilson_interval(worked, decided)
        hit_rate = round(100 * worked / decided, 2) if decided else None
        result.append({
            "future": future,
            "signal": signal or None,
            "captures": sum(counts.values()),
            "n": decided,
            "worked": worked,
            "didnt_work": didnt,
            "hit_rate": hit_rate,
            "hit_rate_low": round(100 * interval[0], 2) if interval else None,
            "hit_rate_high": round(100 * interval[1], 2) if interval else None,
            "lift": analytics.lift(hit_rate, base_rate),
            "low_sample": decided < MIN_SAMPLE,
        })
    result.sort(key=lambda c: (c["lift"] is None, -float(c["lift"] or 0), str(c["future"]), str(c["signal"] or "")))
    return {"target": target, "base_rate": base_rate, "base_n": base_decided, "min_sample": MIN_SAMPLE, "cells": result}


def capture_events(total_rows: Iterable[MarketSession], *, with_rows: bool) -> list[dict[str, Any]]:
    """One entry per capture event from its TOTAL rows: market, time, composite, the YM trade TOTAL
    makes and its outcome; with ``with_rows`` the event's 12 rows (one more query)."""
    totals = list(total_rows)
    rows_by_group: dict[int, list[MarketSession]] = defaultdict(list)
    if with_rows:
        order = {s: i for i, s in enumerate([*FUTURES, TOTAL])}
        for row in MarketSession.objects.filter(capture_group__in=[t.capture_group for t in totals]):
            rows_by_group[row.capture_group].append(row)
        for rows in rows_by_group.values():
            rows.sort(key=lambda r: order.get(r.future, 99))
    events = []
    for t in totals:
        event: dict[str, Any] = {
            "capture_group": t.capture_group,
            "country": t.country,
            "session_number": t.session_number,
            "session_date": t.session_date,
            "day": t.day,
            "captured_at": t.captured_at,
            "late": t.late,
            "is_demo": t.is_demo,
            "composite": {"signal": t.bhs or None, "signal_weight_sum": t.weight, "weighted_average": t.weighted_average,
                          "instrument_count": t.instrument_count, "stale_symbols": t.stale_symbols or None},
            "trade": {"future": "YM", "entry_price": t.entry_price, "target_high": t.target_high,
                      "target_low": t.target_low, "outcome": t.wndw, "hit_type": t.target_hit_type,
                      "hit_price": t.target_hit_price, "hit_at": t.target_hit_at, "pnl_usd": t.pnl_usd},
        }
        if with_rows:
            event["rows"] = rows_by_group.get(t.capture_group, [])
        events.append(event)
    return events
