"""Every captured row's statistics columns, kept in memory and up to date from the change log
(issue 11: ``GET market-opens/stats/`` at 105k rows of history).

Recomputing the statistics from the database costs, for ~10k TOTAL rows, ~10 ms of PostgreSQL and
~15 ms of rows over the wire before any figure is worked out, on every request after a capture or
a grade. The store reads every row once per process and then, on each request, reads the change log
(``ThorTrading.selectors.cache.CHANGES_KEY``: the ids each capture, grade, expiry, demo seeding
or admin edit wrote) and re-reads only those rows. A request's filters (the
:class:`~ThorTrading.filtersets.Condition` s django-filter parsed) select rows with numpy, and
the figures come from :func:`ThorTrading.analytics.stats_over`, the pure function every other
path uses.

Consistency: the version counter and the change log move in one Redis transaction, and a reader
checks that it saw as many log entries as the counter moved; a gap (the log trimmed, Redis
flushed, a change that could not be logged) makes it reload every row. So does age
(``THOR_STATS_RELOAD_SECONDS``, for writes made outside Thor, e.g. SQL by hand). Without Redis the
store cannot know what changed: :meth:`StatStore.session_stats` returns None and the caller
computes from the database.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import BigIntegerField, ExpressionWrapper, F, Func, IntegerField
from redis.exceptions import RedisError

from GlobalMarkets.reference import CONTROL_COUNTRIES
from LiveData.redis_client import get_live_data_redis
from ThorTrading import analytics
from ThorTrading.filtersets import Condition
from ThorTrading.models import FUTURES, TOTAL, MarketSession
from ThorTrading.selectors.analytics import stat_query
from ThorTrading.selectors.cache import CHANGES_KEY, TTL, VERSION_KEY

logger = logging.getLogger(__name__)

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
)
#: Columns a :class:`Condition` may name and how the store holds them.
KEYED = ("country", "future", "bhs", "day", "wndw")
CHUNK = 20_000
#: Answers kept per process (one with years of P&L by day is ~0.5 MB).
MEMO_SIZE = 32
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class UnsupportedCondition(ValueError):
    """A filter the store cannot apply (a new one added to the filter set but not here): the caller
    computes from the database instead."""


@dataclass(frozen=True)
class _Snapshot:
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
            "codes": t.codes,
            "cents": t.cents,
            "entry": t.entry,
            "seconds": t.seconds,
            **{f"key_{k}": self.keys[k].codes for k in KEYED},
        }


def _snapshot(columns: dict[str, np.ndarray], labels: dict[str, list[Any]]) -> _Snapshot:
    return _Snapshot(
        ids=columns["ids"],
        groups=columns["groups"],
        captured=columns["captured"],
        keys={k: analytics.KeyColumn(columns[f"key_{k}"], tuple(labels[k])) for k in KEYED},
        local_day=columns["local_day"],
        session_date=columns["session_date"],
        late=columns["late"],
        demo=columns["demo"],
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


class _Encoder:
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


class StatStore:
    """The process's statistics store (:data:`STORE`); thread-safe. See the module's docstring.

    A full load (the first request, a gap in the change log, every ``THOR_STATS_RELOAD_SECONDS``)
    reads every row: ~0.3 s at 20k rows, ~1 s at 100k on a 2-core machine. With
    ``THOR_STATS_LOAD_IN_BACKGROUND`` (the default) it runs in a thread of its own: meanwhile
    requests are answered from the database (a first load, or after a gap) or from the current
    rows, still brought up to date from the log (a reload for age). Without it (the tests, whose
    rows live in a transaction another thread cannot see) the request that needs it loads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget every row: the next request reloads (tests, and after a fork)."""
        self._snapshot: _Snapshot | None = None
        self._encoder = _Encoder()
        self._marker = "0-0"  # the last change-log entry applied
        self._version = 0  # the analytics version that entry made
        self._loaded_at = 0.0
        self._generation = 0  # moves whenever the rows do: the memo's key
        self._epoch = getattr(self, "_epoch", 0) + 1  # a load started before a reset is not installed
        self._loading = False
        self._by_id: tuple[str, Sequence[Any]] | None = None
        self._memo: OrderedDict[tuple[Any, ...], tuple[float, dict[str, Any]]] = OrderedDict()
        #: What the store has done, for tests and the bench: full loads, and rows re-read from the log.
        self.loads = 0
        self.rows_reread = 0

    # --- reading --------------------------------------------------------------------------------
    def session_stats(self, conditions: list[Condition], *, now: datetime) -> dict[str, Any] | None:
        """The body of ``GET market-opens/stats/`` (without the evaluation windows) over the rows
        ``conditions`` select, the last 7 days counted back from ``now``; None — the caller
        computes from the database — when Redis does not answer (the change log cannot be read),
        while the rows are being loaded in the background, or for a condition the store cannot
        apply (:class:`UnsupportedCondition`, logged)."""
        try:
            with self._lock:
                snapshot = self._current()
                generation = self._generation
        except RedisError as exc:
            logger.warning("statistics store: change log unreadable (%s); computing from the database", exc)
            with self._lock:
                self._snapshot = None  # a change may be missed meanwhile: reload when Redis is back
            return None
        if snapshot is None:
            return None
        key = (generation, tuple((c.field, c.lookup, repr(c.value)) for c in conditions))
        with self._lock:
            hit = self._memo.get(key)
        if hit is not None and time.monotonic() - hit[0] < TTL:
            return hit[1]
        try:
            rows = np.flatnonzero(self._mask(snapshot, conditions))
        except UnsupportedCondition as exc:
            logger.warning("%s; computing from the database", exc)
            return None
        since = (now - timedelta(days=7) - EPOCH) // timedelta(microseconds=1)
        body = analytics.stats_over(
            snapshot.table,
            rows,
            keys=snapshot.keys,
            local_day=snapshot.local_day,
            recent=snapshot.captured >= since,
            market_order=CONTROL_COUNTRIES,
            future_order=[TOTAL, *FUTURES],
        )
        with self._lock:
            # Answers of older rows can never be asked for again: let them go (fewer long-lived
            # objects for the garbage collector to walk).
            for stale in [k for k in self._memo if k[0] != self._generation]:
                del self._memo[stale]
            if generation == self._generation:
                self._memo[key] = (time.monotonic(), body)
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return body

    @staticmethod
    def _mask(snapshot: _Snapshot, conditions: list[Condition]) -> np.ndarray:
        """The rows ``conditions`` select, as a boolean array; the lookups of
        :meth:`MarketSessionFilter.filter_queryset`, with SQL's rule that NULL matches nothing."""
        mask = np.ones(len(snapshot.ids), dtype=bool)
        for c in conditions:
            if c.field in KEYED and c.lookup in ("in", "exact"):
                wanted = c.value if c.lookup == "in" else [c.value]
                index = snapshot.index[c.field]
                codes = [index[v] for v in wanted if v in index]
                mask &= np.isin(snapshot.keys[c.field].codes, codes)
            elif c.field == "session_date" and c.lookup in ("exact", "gte", "lte"):
                ordinal, column = c.value.toordinal(), snapshot.session_date
                compare = {"exact": np.equal, "gte": np.greater_equal, "lte": np.less_equal}[c.lookup]
                mask &= (column >= 0) & compare(column, ordinal)
            elif c.field in ("late", "is_demo") and c.lookup == "exact":
                mask &= (snapshot.late if c.field == "late" else snapshot.demo) == bool(c.value)
            else:
                raise UnsupportedCondition(f"the statistics store cannot apply {c.field}__{c.lookup}")
        return mask

    # --- keeping up -----------------------------------------------------------------------------
    def _current(self) -> _Snapshot | None:
        """The snapshot with every logged change applied, or None while one is being loaded
        (called under the lock). Raises RedisError."""
        client = get_live_data_redis().client
        if self._snapshot is not None:
            pipe = client.pipeline(transaction=True)
            pipe.get(VERSION_KEY)
            pipe.xrange(CHANGES_KEY, min=f"({self._marker}", max="+")
            raw_version, entries = pipe.execute()
            version = int(raw_version or 0)
            if version - self._version != len(entries) or any("all" in fields for _, fields in entries):
                # Fewer entries than versions: the log was trimmed, Redis restarted or a change
                # could not be logged; or a writer said "all". Reload rather than miss a change.
                self._snapshot = None
            elif entries:
                ids = sorted({int(i) for _, fields in entries for i in fields.get("ids", "").split(",") if i})
                self._apply(self._rows_by_id(ids), ids)
                self._marker, self._version = entries[-1][0], version
                self.rows_reread += len(ids)
        if self._snapshot is None or time.monotonic() - self._loaded_at > settings.THOR_STATS_RELOAD_SECONDS:
            if settings.THOR_STATS_LOAD_IN_BACKGROUND:
                self._start_loading()
            else:
                self._install(*self._read_everything(client))
        return self._snapshot

    def _read_everything(self, client: Any) -> tuple[str, int, dict[str, np.ndarray], _Encoder]:
        """Every row, and the log's position read before them (so what commits meanwhile is read
        again from the log afterwards): (marker, version, columns, their encoder). Changes nothing."""
        pipe = client.pipeline(transaction=True)
        pipe.get(VERSION_KEY)
        pipe.xrevrange(CHANGES_KEY, max="+", min="-", count=1)
        raw_version, last = pipe.execute()
        encoder = _Encoder()
        return last[0][0] if last else "0-0", int(raw_version or 0), self._all_rows(encoder), encoder

    def _install(self, marker: str, version: int, columns: dict[str, np.ndarray], encoder: _Encoder) -> None:
        """Make freshly loaded rows current (under the lock)."""
        self._encoder, self._snapshot = encoder, None
        self._apply(columns, [])
        self._marker, self._version = marker, version
        self._loaded_at = time.monotonic()
        self.loads += 1

    def _start_loading(self) -> None:
        """Load every row in a thread of its own, once at a time (called under the lock)."""
        if self._loading:
            return
        self._loading = True
        threading.Thread(
            target=self._load_in_background, args=(self._epoch,), name="thor-stats-load", daemon=True
        ).start()

    def _load_in_background(self, epoch: int) -> None:
        started = time.perf_counter()
        try:
            loaded = self._read_everything(get_live_data_redis().client)
            with self._lock:
                if epoch == self._epoch:
                    self._install(*loaded)
            logger.info(
                "statistics store: %d rows loaded in %.0f ms",
                len(loaded[2]["ids"]),
                (time.perf_counter() - started) * 1000,
            )
        except Exception:  # a thread's error reaches nobody else: say it, the next request retries
            logger.exception("statistics store: loading every row failed; statistics come from the database")
        finally:
            with self._lock:
                if epoch == self._epoch:
                    self._loading = False
            connection.close()

    def _fetch(self, query: tuple[str, Sequence[Any]] | None, encoder: _Encoder) -> list[dict[str, np.ndarray]]:
        """The rows ``query`` reads (:data:`FIELDS`) as encoded columns, in parts (read in chunks, so
        a full load never holds every row as Python objects)."""
        parts: list[dict[str, np.ndarray]] = []
        if query is not None:
            with connection.cursor() as cursor:
                cursor.execute(*query)
                while chunk := cursor.fetchmany(CHUNK):
                    parts.append(encoder.encode(list(zip(*chunk, strict=True))))
        return parts

    @staticmethod
    def _in_capture_order(parts: list[dict[str, np.ndarray]], encoder: _Encoder) -> dict[str, np.ndarray]:
        """Encoded parts as one set of columns, oldest capture first (``captured_at``,
        ``capture_group``, ``id``: the figures' order)."""
        if not parts:
            parts = [encoder.encode([[] for _ in FIELDS])]
        columns = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
        order = np.lexsort((columns["ids"], columns["groups"], columns["captured"]))
        return {name: column[order] for name, column in columns.items()}

    def _all_rows(self, encoder: _Encoder) -> dict[str, np.ndarray]:
        """Every row. Read in the order of the covering index (an index-only scan: sorting 100k
        rows in the database spills to disk), then put in capture order here."""
        return self._in_capture_order(
            self._fetch(
                stat_query(
                    MarketSession.objects.all(),
                    since=EPOCH,
                    fields=FIELDS,
                    extra=EXTRA,
                    order=("future", "captured_at", "capture_group", "id"),
                ),
                encoder,
            ),
            encoder,
        )

    def _rows_by_id(self, ids: list[int]) -> dict[str, np.ndarray]:
        """The rows with these ids (those that still exist). The SQL is Django's, compiled once per
        process and narrowed by id around it: compiling the annotated query costs more (~4 ms)
        than reading a few rows."""
        if self._by_id is None:
            self._by_id = stat_query(MarketSession.objects.all(), since=EPOCH, fields=FIELDS, extra=EXTRA, order=())
        assert self._by_id is not None  # no filter: it can always match
        sql, params = self._by_id
        parts = []
        # Django's SQL with its placeholders, wrapped; the ids go as parameters.
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            if connection.vendor == "postgresql":
                query = (
                    f"SELECT * FROM ({sql}) AS stat_rows WHERE stat_rows.id = ANY(%s)",  # noqa: S608
                    [*params, batch],
                )
            else:
                marks = ", ".join(["%s"] * len(batch))
                query = (
                    f"SELECT * FROM ({sql}) AS stat_rows WHERE stat_rows.id IN ({marks})",  # noqa: S608
                    [*params, *batch],
                )
            parts.extend(self._fetch(query, self._encoder))
        return self._in_capture_order(parts, self._encoder)

    def _apply(self, fetched: dict[str, np.ndarray], changed: list[int]) -> _Snapshot:
        """A new snapshot: the rows ``changed`` names taken out, the ``fetched`` ones (sorted)
        put in their place in capture order. The old snapshot stays intact for readers holding it."""
        if self._snapshot is None:
            return self._replace(fetched)
        current = self._snapshot.columns
        at = np.flatnonzero(np.isin(current["ids"], changed))
        if len(at) == len(fetched["ids"]) and all(
            np.array_equal(current[name][at], fetched[name]) for name in ("ids", "groups", "captured")
        ):
            # Every row stays where it was (a grade, an expiry, an edit that keeps the capture
            # time): new arrays only for the columns that changed, in those places.
            merged = dict(current)
            for name, column in current.items():
                if not np.array_equal(column[at], fetched[name], equal_nan=column.dtype.kind == "f"):
                    merged[name] = column.copy()
                    merged[name][at] = fetched[name]
            return self._replace(merged)
        keep = ~np.isin(current["ids"], changed)
        kept = {name: column[keep] for name, column in current.items()}
        positions = np.array([self._position(kept, fetched, i) for i in range(len(fetched["ids"]))], dtype=np.int64)
        return self._replace({name: np.insert(kept[name], positions, fetched[name]) for name in kept})

    def _replace(self, columns: dict[str, np.ndarray]) -> _Snapshot:
        self._snapshot = _snapshot(columns, self._encoder.labels)
        self._generation += 1
        return self._snapshot

    @staticmethod
    def _position(kept: dict[str, np.ndarray], fetched: dict[str, np.ndarray], i: int) -> int:
        """Where fetched row ``i`` goes among the kept rows to keep (captured_at, capture_group, id) order."""
        at, group, row_id = int(fetched["captured"][i]), int(fetched["groups"][i]), int(fetched["ids"][i])
        low = int(np.searchsorted(kept["captured"], at, side="left"))
        high = int(np.searchsorted(kept["captured"], at, side="right"))
        while low < high and (int(kept["groups"][low]), int(kept["ids"][low])) < (group, row_id):
            low += 1
        return low


#: The process's store.
STORE = StatStore()


def _after_fork_in_child() -> None:
    # A forked child (the browser tests' daphne) starts with a lock nobody will release and rows
    # its parent's transactions may have held.
    STORE._lock = threading.Lock()
    STORE.reset()


os.register_at_fork(after_in_child=_after_fork_in_child)
