"""Live push to the dashboard over WebSockets (SPEC §14, issue 13): groups and the one way to send.

Channels with channels-redis' ``RedisPubSubChannelLayer`` (``CHANNEL_LAYERS`` in settings). Three kinds
of group: ``quotes`` (coalesced snapshots, sent by the quote-push worker), ``events`` (market status,
captures, grades, expiries — everyone signed in) and ``user.<id>`` (that user's fills, cancels and
margin calls). A message is rendered to JSON once, here, and every consumer forwards the text as is.

Senders are sync code — request threads, worker threads, ``transaction.on_commit`` callbacks — so
:func:`push` hands the send to one event loop of its own (a daemon thread): the layer's Redis
connections live on that loop instead of being opened and closed per message. A push is best
effort: when Redis is away it is logged and dropped, never raised into the caller's transaction.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future
from typing import Any

import orjson
from channels.layers import get_channel_layer
from django.db import transaction

from core.platforms import after_fork_in_child
from core.renderers import orjson_default

logger = logging.getLogger(__name__)

QUOTES_GROUP = "quotes"
EVENTS_GROUP = "events"
#: Consumers' handler for every pushed message (``{"type": "push.message", "text": …}``).
MESSAGE_TYPE = "push.message"

_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def _forget_loop_after_fork() -> None:
    # A forked child inherits the loop object but not the thread running it.
    global _loop, _lock
    _loop, _lock = None, threading.Lock()


after_fork_in_child(_forget_loop_after_fork)


def user_group(user_id: int) -> str:
    """The group of one user's own events (fills, cancels, margin calls)."""
    return f"user.{user_id}"


def render(payload: dict[str, Any]) -> str:
    """``payload`` as the JSON text clients receive (Decimal → number, datetimes ISO-8601 as the API writes them)."""
    return orjson.dumps(payload, default=orjson_default, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()


def _push_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="thor-push", daemon=True).start()
            _loop = loop
        return _loop


def push(group: str, payload: dict[str, Any], *, wait: float | None = None) -> Future[None] | None:
    """Send ``payload`` (a dict with a ``type``) to every socket in ``group``; returns the send's
    future (``wait`` seconds: block for it, for callers that measure or must know). Never raises:
    with no channel layer configured or Redis away, it logs and returns None."""
    layer = get_channel_layer()
    if layer is None:
        return None
    text = render(payload)
    try:
        future = asyncio.run_coroutine_threadsafe(
            layer.group_send(group, {"type": MESSAGE_TYPE, "text": text}), _push_loop()
        )
        future.add_done_callback(_log_failure(group, payload.get("type")))
        if wait is not None:
            future.result(timeout=wait)
        return future
    except Exception as exc:
        logger.warning("push to %s (%s) failed: %s", group, payload.get("type"), exc)
        return None


def push_on_commit(group: str, payload: dict[str, Any]) -> None:
    """:func:`push` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: push(group, payload))


def _log_failure(group: str, kind: Any) -> Any:
    def done(future: Future[None]) -> None:
        exc = future.exception()
        if exc is not None:
            logger.warning("push to %s (%s) failed: %s", group, kind, exc)

    return done
