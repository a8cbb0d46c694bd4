"""ThorTrading's health check for ``GET /api/health/`` (registered in ``ThorTradingConfig.ready``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import DatabaseError
from redis.exceptions import RedisError

from core import clock
from LiveData.redis_client import get_live_data_redis
from ThorTrading.models import MissedCapture
from ThorTrading.workers.grader import STATUS_KEY

#: How far back health (and Home) lists missed captures.
MISSED_HOURS = 24


def grader_health() -> dict[str, Any]:
    """``{"archive_catch_up", "archive_catch_up_at"}``: the grader's last catch-up from the tick
    archive (a span of the capped quote stream it never read), or None for both."""
    try:
        grader = get_live_data_redis().client.hgetall(STATUS_KEY)
    except RedisError:
        grader = {}
    return {
        "archive_catch_up": grader.get("archive_catch_up") or None,
        "archive_catch_up_at": grader.get("archive_catch_up_at") or None,
    }


def captures_health() -> dict[str, Any]:
    """Market opens Thor could not capture in the last :data:`MISSED_HOURS` hours (Thor down, or every
    retry failed): ``{"missed": [{"id", "country", "expected_open", "attempted_at", "error"}…]}``,
    newest first, at most 20. A missed capture is history, not a present fault: it does not make the
    status degraded."""
    since = clock.now() - timedelta(hours=MISSED_HOURS)
    try:
        found = list(MissedCapture.objects.filter(attempted_at__gte=since).order_by("-attempted_at")[:20])
    except DatabaseError as exc:
        return {"ok": False, "error": f"the database cannot be read: {exc}"}
    missed = [
        {
            "id": row.pk,
            "country": row.country,
            "expected_open": row.expected_open.isoformat() if row.expected_open else None,
            "attempted_at": row.attempted_at.isoformat(),
            "error": row.error,
        }
        for row in found
    ]
    return {"ok": True, "missed": missed}
