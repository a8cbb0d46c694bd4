"""ThorTrading's health check for ``GET /api/health/`` (registered in ``ThorTradingConfig.ready``)."""

from __future__ import annotations

from typing import Any

from redis.exceptions import RedisError

from LiveData.redis_client import get_live_data_redis
from ThorTrading.workers.grader import STATUS_KEY


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
