"""LiveData's health checks for ``GET /api/health/`` (registered in ``LiveDataConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from redis.exceptions import RedisError

from core import clock
from LiveData.choices import FeedMode
from LiveData.redis_client import get_live_data_redis
from LiveData.ticks import parse_instant


def redis_health() -> dict[str, Any]:
    """``{"ok": True}`` when Redis answers a PING, else ``{"ok": False, "error": …}``."""
    try:
        get_live_data_redis().ping()
    except RedisError as exc:
        return {"ok": False, "error": str(exc)}
    return {"ok": True}


def feed_health() -> dict[str, Any]:
    """The quote feed as the poller last reported it: ``ok`` (state ok and a success within
    ``THOR_QUOTE_STALE_SECONDS`` of clock time), ``state``, ``mode`` (tos_excel, demo, replay),
    ``demo``, ``last_success_at``, ``seconds_since_success``, ``quotes_published``, ``last_error``,
    ``last_warning`` (e.g. a cycle skipped because Excel was busy; state ``busy``).
    Redis down → ``{"ok": False, "state": "unknown (Redis down)"}``."""
    try:
        feed = get_live_data_redis().feed_status()
    except RedisError:
        return {"ok": False, "state": "unknown (Redis down)"}
    last = feed.get("last_success_at") or ""
    stamp = parse_instant(last) if last else None
    age = round((clock.now() - stamp).total_seconds(), 1) if stamp else None
    return {
        # Busy (Excel recalculating, a dialog open) is fine while the last good quotes are fresh.
        "ok": bool(feed)
        and feed.get("state") in ("ok", "busy")
        and age is not None
        and age <= settings.THOR_QUOTE_STALE_SECONDS * clock.speed(),
        "state": feed.get("state") or "never run",
        # demo / replay quotes are not real prices: the dashboard shows DEMO (SPEC §13).
        "mode": feed.get("mode") or None,
        "demo": feed.get("mode") == FeedMode.DEMO,
        "last_success_at": last or None,
        "seconds_since_success": age,
        "quotes_published": int(feed.get("quotes_published") or 0),
        "last_error": feed.get("last_error") or None,
        "last_warning": feed.get("last_warning") or None,
    }


def archive_health() -> dict[str, Any]:
    """What history the archive holds (SPEC §15), from its daily index: ``ok``, and per source its
    ``first_day``/``last_day`` (CME trading days), ``days``, ``contracts`` and ``resolutions``. Live
    recordings show under their feed's source once imported history sits beside them."""
    from LiveData.history.store import get_history_archive

    try:
        rows = get_history_archive().daily().to_pylist()
    except OSError as exc:
        return {"ok": False, "error": f"the archive cannot be read: {exc}"}
    by_source: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_source.setdefault(row["source"] or "unknown", []).append(row)
    return {
        "ok": True,
        "sources": [
            {
                "source": source,
                "first_day": min(r["day"] for r in entries).isoformat(),
                "last_day": max(r["day"] for r in entries).isoformat(),
                "days": len({r["day"] for r in entries}),
                "contracts": sorted({r["contract"] for r in entries if r["contract"]}),
                "resolutions": sorted({r["resolution"] for r in entries}),
            }
            for source, entries in sorted(by_source.items())
        ],
    }


def recorder_health() -> dict[str, Any]:
    """The tick recorder's writes (issue 25): ``ok`` False while its last write to the archive failed
    (disk full, folder gone) — nothing is acknowledged then, so the ticks wait on the capped stream —
    with ``error``, ``since``, ``path``, ``free_bytes`` of that disk, and the stream ``backlog``:
    ``unwritten`` entries and ``headroom`` (entries that may still arrive before the stream's trim
    reaches the oldest unwritten one; at 0 ticks are being lost). Before any write: ``state`` "idle"."""
    from LiveData.recorder import GROUP

    try:
        live = get_live_data_redis()
        status = live.recorder_status()
        backlog = live.backlog(GROUP)
    except RedisError:
        return {"ok": True, "state": "unknown (Redis down)"}
    failing = status.get("state") == "failing"
    free = status.get("free_bytes") or ""
    return {
        "ok": not failing,
        "state": status.get("state") or "idle",
        "error": status.get("error") or None,
        "since": status.get("since") or None,
        "recovered_at": status.get("recovered_at") or None,
        "path": status.get("path") or None,
        "free_bytes": int(free) if free.isdigit() else None,
        "backlog": backlog,
    }
