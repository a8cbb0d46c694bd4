"""A cache for the reads of captured rows, invalidated whenever those rows change.

Two version counters in Redis (``INCR``, after the writing transaction commits):

- the *analytics* version: captures, grades, expiries, demo seeding and admin edits bump it — what
  the statistics read (outcomes, P&L) changed;
- the *sessions* version: bumped with the analytics version and also by writes the statistics do
  not read (the close capture, the open-to-now extremes the intraday worker keeps) — what
  ``market-opens/latest/`` shows changed.

A cached answer is keyed by its version and the request's filters and lives at most ``TTL`` seconds
(so "last 7 days" moves on). Without Redis nothing is cached: answers are computed every time.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from LiveData.redis_client import get_live_data_redis

logger = logging.getLogger(__name__)

VERSION_KEY = "thor:analytics:version"
SESSIONS_VERSION_KEY = "thor:sessions:version"
TTL = 60
T = TypeVar("T")


def bump_analytics_version() -> None:
    """Mark every cached answer over captured rows stale (analytics and sessions), once the
    current transaction commits."""
    _bump_on_commit(VERSION_KEY, SESSIONS_VERSION_KEY)


def bump_sessions_version() -> None:
    """Mark cached row lists stale (not the statistics), once the current transaction commits:
    for writes to columns the statistics do not read."""
    _bump_on_commit(SESSIONS_VERSION_KEY)


def _bump_on_commit(*keys: str) -> None:
    def bump() -> None:
        try:
            pipe = get_live_data_redis().client.pipeline(transaction=False)
            for key in keys:
                pipe.incr(key)
            pipe.execute()
        except RedisError:
            logger.warning("cache version %s not bumped: Redis unavailable", ", ".join(keys))

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
