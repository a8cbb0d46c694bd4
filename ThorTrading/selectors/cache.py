"""A cache for the analytics reads, invalidated whenever captured outcomes change.

Captures, grades, expiries and demo seeding bump a version counter in Redis (``INCR``, after their
transaction commits); a cached answer is keyed by that version and the request's filters and lives at
most ``TTL`` seconds (so "last 7 days" moves on). Without Redis nothing is cached: answers are
computed every time.
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
TTL = 60
T = TypeVar("T")


def bump_analytics_version() -> None:
    """Mark every cached analytics answer stale, once the current transaction commits."""

    def bump() -> None:
        try:
            get_live_data_redis().client.incr(VERSION_KEY)
        except RedisError:
            logger.warning("analytics cache version not bumped: Redis unavailable")

    transaction.on_commit(bump)


def cached(name: str, params: dict[str, Any], compute: Callable[[], T]) -> T:
    """``compute()``, or the answer cached for the same ``name``, ``params`` and data version."""
    try:
        version = get_live_data_redis().client.get(VERSION_KEY) or "0"
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
