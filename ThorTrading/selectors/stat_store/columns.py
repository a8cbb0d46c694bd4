"""The statistics store's columns (issue 11): which values each captured row contributes, how the
database computes them (epoch microseconds, date ordinals: parsing 116k timestamps in Python cost
0.9 s of a 1.8 s load), and how they are held — numpy arrays, with the keyed columns (country,
future, signal, weekday, outcome) encoded as small integers with their labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from django.db.models import BigIntegerField, ExpressionWrapper, F, Func, IntegerField

from ThorTrading import analytics

#: The columns read per row (the statistics' own, then what the filters and the order need).
FIELDS = (
    "id",
    "capture_group",
    "captured_us",
    "country",
    "future",
    "bhs",
    "day",
    "local_day",
    "date_ordinal",
    "wndw",
    "pnl_cents",
    "resolution_us",
    "has_entry",
    "late",
    "is_demo",
    "stale",
    "target_hit_type",
)
#: Columns a :class:`Condition` may name and how the store holds them.
KEYED = ("country", "future", "bhs", "day", "wndw")
CHUNK = 20_000
#: Answers kept per process (one with years of P&L by day is ~0.5 MB).
MEMO_SIZE = 32
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Snapshot:
    """Every row, oldest capture first (``captured_at``, ``capture_group``, ``id``): one numpy
    array per column. ``captured`` in microseconds since 1970 UTC; ``session_date`` as a date
    ordinal and ``local_day`` as ``YYYYMMDD`` (−1 when unknown); the keyed columns as
    :class:`~ThorTrading.analytics.KeyColumn` s; the outcomes as an
    :class:`~ThorTrading.analytics.OutcomeTable`."""

    ids: np.ndarray
    groups: np.ndarray
    captured: np.ndarray
    keys: dict[str, analytics.KeyColumn]
    local_day: np.ndarray
    session_date: np.ndarray
    late: np.ndarray
    demo: np.ndarray
    stale: np.ndarray
    #: the trade left at its stop (what slippage costs: issue 26)
    stopped: np.ndarray
    table: analytics.OutcomeTable
    #: label → code of each keyed column (this snapshot's codes: a reload may number them anew)
    index: dict[str, dict[Any, int]]

    @property
    def columns(self) -> dict[str, np.ndarray]:
        """The per-row arrays by name, outcomes included (what a change rewrites)."""
        t = self.table
        return {
            "ids": self.ids,
            "groups": self.groups,
            "captured": self.captured,
            "local_day": self.local_day,
            "session_date": self.session_date,
            "late": self.late,
            "demo": self.demo,
            "stale": self.stale,
            "stopped": self.stopped,
            "codes": t.codes,
            "cents": t.cents,
            "entry": t.entry,
            "seconds": t.seconds,
            **{f"key_{k}": self.keys[k].codes for k in KEYED},
        }


def make_snapshot(columns: dict[str, np.ndarray], labels: dict[str, list[Any]]) -> Snapshot:
    return Snapshot(
        ids=columns["ids"],
        groups=columns["groups"],
        captured=columns["captured"],
        keys={k: analytics.KeyColumn(columns[f"key_{k}"], tuple(labels[k])) for k in KEYED},
        local_day=columns["local_day"],
        session_date=columns["session_date"],
        late=columns["late"],
        demo=columns["demo"],
        stale=columns["stale"],
        stopped=columns["stopped"],
        table=analytics.OutcomeTable(columns["codes"], columns["cents"], columns["entry"], columns["seconds"]),
        index={k: {label: code for code, label in enumerate(labels[k])} for k in KEYED},
    )


class _EpochMicroseconds(Func):
    """A datetime column → microseconds since 1970 UTC as a bigint, computed by the database:
    converting 100k timestamps in Python costs ~1 s. SQLite keeps a datetime as UTC text
    ``YYYY-MM-DD HH:MM:SS[.ffffff]`` (Django's format): whole seconds from ``strftime('%s')``, the
    six digits of the fraction, when there is one, as they are."""

    output_field = BigIntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(CAST(strftime('%%s', {sql}) AS INTEGER) * 1000000 + CAST(substr({sql}, 21, 6) AS INTEGER))",
            [*params, *params],
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(EXTRACT(EPOCH FROM {sql}) * 1000000)::bigint", list(params)


class _DateOrdinal(Func):
    """A date → its proleptic Gregorian ordinal (``date.toordinal()``: 1 Jan of year 1 is 1), in the database."""

    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(julianday({sql}) - 1721424.5 AS INTEGER)", list(params)  # julianday of 0001-01-01 is 1721425.5

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} - DATE '0001-01-01' + 1)", list(params)


EXTRA = {
    "captured_us": _EpochMicroseconds(F("captured_at")),
    "date_ordinal": _DateOrdinal(F("session_date")),
    "resolution_us": ExpressionWrapper(
        _EpochMicroseconds(F("target_hit_at")) - _EpochMicroseconds(F("captured_at")), output_field=BigIntegerField()
    ),
}


def _seconds(values: Sequence[Any]) -> np.ndarray:
    """Durations in microseconds (None while unresolved) → seconds, NaN for None."""
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64) / 1_000_000


class Encoder:
    """Turns database rows into the store's columns, numbering each keyed column's labels in order of
    first appearance. One per full load: a reader of an older snapshot keeps that snapshot's codes."""

    def __init__(self) -> None:
        self.labels: dict[str, list[Any]] = {k: [] for k in KEYED}
        self.index: dict[str, dict[Any, int]] = {k: {} for k in KEYED}

    def encode(self, raw: list[Sequence[Any]]) -> dict[str, np.ndarray]:
        """Columns of :data:`FIELDS` as the database gave them → the store's arrays."""
        col = dict(zip(FIELDS, raw, strict=True))
        encoded = {
            "ids": np.array(col["id"], dtype=np.int64),
            "groups": np.array(col["capture_group"], dtype=np.int64),
            "captured": np.array(col["captured_us"], dtype=np.int64),
            "local_day": np.array([-1 if d is None else d for d in col["local_day"]], dtype=np.int64),
            "session_date": np.array([-1 if d is None else d for d in col["date_ordinal"]], dtype=np.int64),
            "late": np.array(col["late"], dtype=bool),
            "demo": np.array(col["is_demo"], dtype=bool),
            "stale": np.array(col["stale"], dtype=bool),
            "stopped": np.array([h == "STOP" for h in col["target_hit_type"]], dtype=bool),
            "codes": np.array(list(map(analytics.outcome_code, col["wndw"])), dtype=np.int8),
            "cents": np.array([0 if c is None else c for c in col["pnl_cents"]], dtype=np.int64),
            "entry": np.array(col["has_entry"], dtype=bool),
            "seconds": _seconds(col["resolution_us"]),
        }
        for k in KEYED:
            codes = list(map(self.index[k].get, col[k]))
            if None in codes:  # labels not seen before
                codes = [self._label(k, v) if c is None else c for c, v in zip(codes, col[k], strict=True)]
            encoded[f"key_{k}"] = np.array(codes, dtype=np.int32)
        return encoded

    def _label(self, key: str, value: Any) -> int:
        if value not in self.index[key]:
            self.index[key][value] = len(self.labels[key])
            self.labels[key].append(value)
        return self.index[key][value]
