"""Analytics over captured sessions (SPEC §8): stats by grouping, signal insight, capture events.

Each reads the rows it needs in one query (``values_list``), whatever their number, then groups in
Python with the pure formulas of ``ThorTrading.analytics``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Round

from GlobalMarkets.reference import CONTROL_COUNTRIES
from ThorTrading import analytics
from ThorTrading.models import FUTURES, TOTAL, MarketSession

#: Insight cells with fewer decided trades than this are marked ``low_sample``.
MIN_SAMPLE = 10

# The market-local date is read as year/month/date integers: converting a date column per row
# costs more than the rest of the statistics.
_FIELDS = ("country", "future", "bhs", "day", "local_day", "recent", "wndw", "pnl_cents", "resolution", "has_entry")


def stat_query(
    queryset: QuerySet[MarketSession],
    *,
    since: datetime,
    fields: Sequence[str] = _FIELDS,
    extra: dict[str, Any] | None = None,
    order: Sequence[str] = ("captured_at", "capture_group", "id"),
) -> tuple[str, Sequence[Any]] | None:
    """The SQL and parameters reading ``fields`` of the rows of ``queryset``, oldest capture first;
    None when the filters can match nothing (an empty list of values). What the figures need is
    computed inside the database — ``recent`` (captured since ``since``), ``local_day`` (the
    market-local date as ``YYYYMMDD``), ``pnl_cents`` (P&L in whole cents), ``resolution`` (capture
    → resolution) and ``has_entry`` — because converting values one row at a time dominates the
    cost over years of history (issue 11: cold stats at 105k rows). ``extra``: more annotations
    by name, for ``fields`` to name; ``order``: the rows' order (by default the figures' own)."""
    has_entry = Case(
        When(entry_price__isnull=True, then=Value(False)), default=Value(True), output_field=BooleanField()
    )
    recent = Case(When(captured_at__gte=since, then=Value(True)), default=Value(False), output_field=BooleanField())
    local_day = ExpressionWrapper(F("year") * 10000 + F("month") * 100 + F("date"), output_field=IntegerField())
    resolution = ExpressionWrapper(F("target_hit_at") - F("captured_at"), output_field=DurationField())
    pnl_cents = Cast(Round(F("pnl_usd") * 100), BigIntegerField())
    # "id" breaks ties between the rows of one capture: drawdown depends on the order of trades.
    query = queryset.order_by(*order).annotate(
        has_entry=has_entry,
        recent=recent,
        local_day=local_day,
        resolution=resolution,
        pnl_cents=pnl_cents,
        **(extra or {}),
    )
    # Run through the cursor: Django's per-value converters (datetime parsing on SQLite above all)
    # cost more than the statistics themselves over years of history.
    try:
        sql, params = query.values_list(*fields).query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, params


def _columns(queryset: QuerySet[MarketSession], *, since: datetime) -> analytics.StatColumns:
    """The fields analytics needs as columns, oldest capture first (one query)."""
    query = stat_query(queryset, since=since)
    if query is None:
        return analytics.StatColumns.of_rows([])
    with connection.cursor() as cursor:
        cursor.execute(*query)
        raw = cursor.fetchall()
    if not raw:
        return analytics.StatColumns.of_rows([])
    columns: list[Any] = list(zip(*raw, strict=True))
    columns[8] = [_seconds(v) for v in columns[8]]
    return analytics.StatColumns(*columns)


def _seconds(value: Any) -> float | None:
    """A database duration → seconds (PostgreSQL hands back a timedelta, SQLite microseconds)."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) / 1_000_000


def session_stats(queryset: QuerySet[MarketSession], *, now: datetime) -> dict[str, Any]:
    """:func:`ThorTrading.analytics.session_stats` over the rows of ``queryset`` (one query), the
    last 7 days counted back from ``now``."""
    columns = _columns(queryset, since=now - timedelta(days=7))
    return analytics.session_stats(columns, market_order=CONTROL_COUNTRIES, future_order=[TOTAL, *FUTURES])


def signal_insight(
    queryset: QuerySet[MarketSession],
    *,
    target: str = TOTAL,
    futures: list[str] | None = None,
    signals: list[str] | None = None,
) -> dict[str, Any]:
    """For each instrument and each of its signals at capture: how often the ``target`` trade
    (TOTAL, or YM) of the same capture worked, with n, the 95 % Wilson interval and the lift over
    the base rate (percentage points), sorted by lift; ``futures`` / ``signals`` narrow the cells.

    Reads one row per capture (the TOTAL row carries every future's signal), plus the YM rows when
    the target is YM: one or two queries."""
    events = list(queryset.filter(future=TOTAL).order_by().values_list("capture_group", "wndw", "signals"))
    outcomes = {group: wndw for group, wndw, _ in events}
    if target != TOTAL:
        groups = set(outcomes)
        outcomes = {
            g: w
            for g, w in MarketSession.objects.filter(future=target).values_list("capture_group", "wndw")
            if g in groups
        }
    tally: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    base: dict[str, int] = defaultdict(int)
    for group, _, signal_text in events:
        outcome = outcomes.get(group) or analytics.NEUTRAL
        base[outcome] += 1
        for pair in (signal_text or "").split(","):
            future, _, signal = pair.partition("=")
            if future and signal:
                tally[(future, signal)][outcome] += 1
    base_decided = base[analytics.WORKED] + base[analytics.DIDNT_WORK]
    base_rate = round(100 * base[analytics.WORKED] / base_decided, 2) if base_decided else None
    result: list[dict[str, Any]] = []
    for (future, signal), counts in tally.items():
        if (futures and future not in futures) or (signals and signal not in signals):
            continue
        worked, didnt = counts[analytics.WORKED], counts[analytics.DIDNT_WORK]
        decided = worked + didnt
        interval = analytics.wilson_interval(worked, decided)
        hit_rate = round(100 * worked / decided, 2) if decided else None
        result.append(
            {
                "future": future,
                "signal": signal,
                "captures": sum(counts.values()),
                "n": decided,
                "worked": worked,
                "didnt_work": didnt,
                "hit_rate": hit_rate,
                "hit_rate_low": round(100 * interval[0], 2) if interval else None,
                "hit_rate_high": round(100 * interval[1], 2) if interval else None,
                "lift": analytics.lift(hit_rate, base_rate),
                "low_sample": decided < MIN_SAMPLE,
            }
        )
    result.sort(key=lambda c: (c["lift"] is None, -float(c["lift"] or 0), str(c["future"]), str(c["signal"])))
    return {"target": target, "base_rate": base_rate, "base_n": base_decided, "min_sample": MIN_SAMPLE, "cells": result}


def capture_events(rows: Iterable[MarketSession], *, with_rows: bool) -> list[dict[str, Any]]:
    """One entry per matching row, as a capture event: market, time, the capture's composite (from
    its TOTAL row), the trade the row makes and its outcome. A TOTAL row's trade is YM's (SPEC §6);
    another future's row is its own trade. ``future`` names the row. With ``with_rows`` the
    event's 12 rows. At most two more queries (the TOTAL rows, the 12 rows)."""
    picked = list(rows)
    groups = [r.capture_group for r in picked]
    totals = {r.capture_group: r for r in picked if r.future == TOTAL}
    if any(r.future != TOTAL for r in picked):
        totals.update(
            {t.capture_group: t for t in MarketSession.objects.filter(capture_group__in=groups, future=TOTAL)}
        )
    rows_by_group: dict[int, list[MarketSession]] = defaultdict(list)
    if with_rows:
        order = {s: i for i, s in enumerate([*FUTURES, TOTAL])}
        for row in MarketSession.objects.filter(capture_group__in=groups):
            rows_by_group[row.capture_group].append(row)
        for group_rows in rows_by_group.values():
            group_rows.sort(key=lambda r: order.get(r.future, 99))
    events = []
    for t in picked:
        total = totals.get(t.capture_group)
        event: dict[str, Any] = {
            "capture_group": t.capture_group,
            "session_id": t.pk,  # the row: POST /api/trades/orders/from-capture/<id> trades it
            "future": t.future,
            "country": t.country,
            "session_number": t.session_number,
            "session_date": t.session_date,
            "day": t.day,
            "captured_at": t.captured_at,
            "late": t.late,
            "is_demo": t.is_demo,
            "composite": {
                "signal": (total.bhs or None) if total else None,
                "signal_weight_sum": total.weight if total else None,
                "weighted_average": total.weighted_average if total else None,
                "instrument_count": total.instrument_count if total else None,
                "stale_symbols": (total.stale_symbols or None) if total else None,
            },
            "trade": {
                "future": "YM" if t.future == TOTAL else t.future,
                "signal": t.bhs or None,
                "entry_price": t.entry_price,
                "target_high": t.target_high,
                "target_low": t.target_low,
                "outcome": t.wndw,
                "hit_type": t.target_hit_type,
                "hit_price": t.target_hit_price,
                "hit_at": t.target_hit_at,
                "pnl_usd": t.pnl_usd,
                "resolved_at": t.resolved_at,
                "reason": t.reason or None,
                "stale": t.stale,
            },
        }
        if with_rows:
            event["rows"] = rows_by_group.get(t.capture_group, [])
        events.append(event)
    return events
