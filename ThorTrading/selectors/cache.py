"""A cache for the reads of captured rows, invalidated whenever those rows change.

Two version counters in Redis (``INCR``, after the writing transaction commits):

- the *analytics* version: captures, grades, expiries, demo seeding and admin edits bump it — what
  the statistics read (outcomes, P&L) changed;
- the *sessions* version: bumped with the analytics version and also by writes the statistics do
  not read (the close capture, the open-to-now extremes the intraday worker keeps) — what
  ``market-opens/latest/`` shows changed.

A cached answer is keyed by its version and the request's filters and lives at most ``TTL`` seconds
(so "last 7 days" moves on). Without Redis nothing is cached: answers are computed every time.

With the analytics version goes an entry on the *change log* (:data:`CHANGES_KEY`, a Redis stream):
the ids of the rows written (``ids``: ``"12,13"``), or ``all`` when the writer cannot name them.
The statistics store (``ThorTrading.selectors.stat_store``) reads it to re-read only those rows.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from LiveData.redis_client import get_live_data_redis

logger = logging.getLogger(__name__)

VERSION_KEY = "thor:analytics:version"
SESSIONS_VERSION_KEY = "thor:sessions:version"
CHANGES_KEY = "thor:analytics:changes"
#: Entries kept on the change log; a reader that falls further behind reloads every row.
CHANGES_MAXLEN = 10_000
#: More ids than this in one write are logged as ``all`` (re-reading them one by one would not pay).
CHANGES_MAX_IDS = 5_000
TTL = 60
T = TypeVar("T")


def bump_analytics_version(ids: Iterable[int | None] | None = None) -> None:
    """Mark every cached answer over captured rows stale (analytics and sessions), and log the
    rows written (``ids``; None, or an unsaved row's None, logs ``all``) on the change log, once
    the current transaction commits."""
    written = None if ids is None else list(ids)
    if written is None or None in written or len(written) > CHANGES_MAX_IDS:
        change = {"all": "1"}
    else:
        change = {"ids": ",".join(str(i) for i in written)}
    _bump_on_commit(VERSION_KEY, SESSIONS_VERSION_KEY, change=change)


def bump_sessions_version() -> None:
    """Mark cached row lists stale (not the statistics), once the current transaction commits:
    for writes to columns the statistics do not read."""
    _bump_on_commit(SESSIONS_VERSION_KEY)


#: Set when a change could not be logged (Redis away): the next logged change says ``all``, so
#: statistics stores reload rather than miss it.
_unlogged_change = False


def _bump_on_commit(*keys: str, change: dict[str, str] | None = None) -> None:
    def bump() -> None:
        global _unlogged_change
        logged = change
        if logged is not None and _unlogged_change:
            logged = {"all": "1"}
        try:
            # One MULTI: a reader sees the version and the change log move together.
            pipe = get_live_data_redis().client.pipeline(transaction=True)
            for key in keys:
                pipe.incr(key)
            if logged is not None:
                pipe.xadd(CHANGES_KEY, logged, maxlen=CHANGES_MAXLEN, approximate=True)
            pipe.execute()
        except RedisError:
            _unlogged_change = _unlogged_change or change is not None
            logger.warning("cache version %s not bumped: Redis unavailable", ", ".join(keys))
        else:
            _unlogged_change = _unlogged_change and logged is None

    transaction.on_commit(bump)


def cached(name: str, params: dict[str, Any], compute: Callable[[], T], *, version_key: str = VERSION_KEY) -> T:
    """``compute()``, or the answer cached for the same ``name``, ``params`` and version of the
    data (``version_key``: :data:`VERSION_KEY` for statistics, :data:`SESSIONS_VERSION_KEY` for
    row lists)."""
    try:
        version = get_live_data_redis().client.get(version_key) or "0"
    except RedisError:
        return compute()
    digest = hashlib.sha1(json.dumps(params, sort_keys=True, default=str).encode(), usedforsecurity=False).hexdigest()
    key = f"thor:analytics:{name}:{version}:{digest}"
    hit = cache.get(key)
    if hit is not None:
        return hit
    value = compute()
    cache.set(key, value, TTL)
    return value
