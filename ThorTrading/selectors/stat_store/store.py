"""The statistics store: every captured row's statistics columns, kept in memory and up to date from the change log
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
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from redis.exceptions import RedisError

from core.platforms import after_fork_in_child
from GlobalMarkets.reference import CONTROL_COUNTRIES
from LiveData.redis_client import get_live_data_redis
from ThorTrading import analytics
from ThorTrading.filtersets import Condition
from ThorTrading.models import FUTURES, TOTAL, MarketSession
from ThorTrading.selectors.analytics import stat_query
from ThorTrading.selectors.cache import CHANGES_KEY, TTL, VERSION_KEY
from ThorTrading.selectors.stat_store.columns import (
    CHUNK,
    EPOCH,
    EXTRA,
    FIELDS,
    KEYED,
    MEMO_SIZE,
    Encoder,
    Snapshot,
    make_snapshot,
)

logger = logging.getLogger(__name__)


class UnsupportedCondition(ValueError):
    """A filter the store cannot apply (a new one added to the filter set but not here): the caller
    computes from the database instead."""


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
        self._snapshot: Snapshot | None = None
        self._encoder = Encoder()
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
    def session_stats(
        self, conditions: list[Condition], *, now: datetime, costs: dict[str, tuple[int, int]] | None = None
    ) -> dict[str, Any] | None:
        """The body of ``GET market-opens/stats/`` (without the evaluation windows) over the rows
        ``conditions`` select, the last 7 days counted back from ``now``; None — the caller
        computes from the database — when Redis does not answer (the change log cannot be read),
        ``net``: the same overall, by-market and by-weekday figures with each resolved trade's ``costs``
        (per traded symbol: round trip commission and stop slippage, cents) taken off;
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
        key = (
            generation,
            tuple((c.field, c.lookup, repr(c.value)) for c in conditions),
            tuple(sorted((costs or {}).items())),
        )
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
        recent = snapshot.captured >= since
        body = analytics.stats_over(
            snapshot.table,
            rows,
            keys=snapshot.keys,
            local_day=snapshot.local_day,
            recent=recent,
            market_order=CONTROL_COUNTRIES,
            future_order=[TOTAL, *FUTURES],
        )
        # The same figures net of the desk's commissions and a tick of slippage on stops (issue 26).
        net_table = analytics.net_of_costs(snapshot.table, snapshot.keys["future"], snapshot.stopped, costs or {})
        net = analytics.stats_over(
            net_table,
            rows,
            keys=snapshot.keys,
            local_day=snapshot.local_day,
            recent=recent,
            market_order=CONTROL_COUNTRIES,
            future_order=[TOTAL, *FUTURES],
        )
        body = {**body, "net": {k: net[k] for k in ("overall", "by_market", "by_weekday")}}
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
    def _mask(snapshot: Snapshot, conditions: list[Condition]) -> np.ndarray:
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
            elif c.field in ("late", "is_demo", "stale") and c.lookup == "exact":
                flags = {"late": snapshot.late, "is_demo": snapshot.demo, "stale": snapshot.stale}[c.field]
                mask &= flags == bool(c.value)
            else:
                raise UnsupportedCondition(f"the statistics store cannot apply {c.field}__{c.lookup}")
        return mask

    # --- keeping up -----------------------------------------------------------------------------
    def _current(self) -> Snapshot | None:
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

    def _read_everything(self, client: Any) -> tuple[str, int, dict[str, np.ndarray], Encoder]:
        """Every row, and the log's position read before them (so what commits meanwhile is read
        again from the log afterwards): (marker, version, columns, their encoder). Changes nothing."""
        pipe = client.pipeline(transaction=True)
        pipe.get(VERSION_KEY)
        pipe.xrevrange(CHANGES_KEY, max="+", min="-", count=1)
        raw_version, last = pipe.execute()
        encoder = Encoder()
        return last[0][0] if last else "0-0", int(raw_version or 0), self._all_rows(encoder), encoder

    def _install(self, marker: str, version: int, columns: dict[str, np.ndarray], encoder: Encoder) -> None:
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

    def _fetch(self, query: tuple[str, Sequence[Any]] | None, encoder: Encoder) -> list[dict[str, np.ndarray]]:
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
    def _in_capture_order(parts: list[dict[str, np.ndarray]], encoder: Encoder) -> dict[str, np.ndarray]:
        """Encoded parts as one set of columns, oldest capture first (``captured_at``,
        ``capture_group``, ``id``: the figures' order)."""
        if not parts:
            parts = [encoder.encode([[] for _ in FIELDS])]
        columns = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
        order = np.lexsort((columns["ids"], columns["groups"], columns["captured"]))
        return {name: column[order] for name, column in columns.items()}

    def _all_rows(self, encoder: Encoder) -> dict[str, np.ndarray]:
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

    def _apply(self, fetched: dict[str, np.ndarray], changed: list[int]) -> Snapshot:
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

    def _replace(self, columns: dict[str, np.ndarray]) -> Snapshot:
        self._snapshot = make_snapshot(columns, self._encoder.labels)
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


after_fork_in_child(_after_fork_in_child)
