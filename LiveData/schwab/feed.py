"""The Schwab streaming feed (``THOR_FEED_MODE=schwab``, issue 24): Schwab's LEVELONE_FUTURES
service through ``schwab-py``, the maintained client of the Trader API — no Excel, on Linux, macOS
and Windows. No Django here: the command passes settings, Redis and the symbols in.

The loop: build an asyncio client from the token file, log the stream in, subscribe the symbols,
then read messages; each data message is merged into the full quotes (:class:`LevelOneBook`) and the
changed ones published like every other feed's (``source: "schwab"``). The feed's state goes to
``live_data:feed:status`` (``mode: schwab``), so ``/api/health/`` shows a dropped stream or an
expired token with what to do. A dropped stream reconnects with backoff (1 s, doubling, at most
60 s); an expired token is retried every minute (the trader runs ``manage.py schwab_login``).

``stream_factory`` makes the stream (a real ``schwab.streaming.StreamClient`` by default; tests pass
a stand-in that replays recorded messages).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from redis.exceptions import RedisError

from core.retry import Backoff
from LiveData.choices import FeedMode
from LiveData.redis_client import LiveDataRedis
from LiveData.schwab.levelone import FIELDS, LevelOneBook

logger = logging.getLogger(__name__)

#: Schwab refresh tokens last 7 days from the login (Schwab Trader API, "Authenticate with OAuth").
REFRESH_TOKEN_DAYS = 7
#: How often (real seconds) the feed restamps the whole book as current while the stream is alive.
REFRESH_SECONDS = 1.0


class TokenExpired(RuntimeError):
    """The stored Schwab token cannot be used (missing, or its refresh token expired); the message
    says to run ``manage.py schwab_login``."""


class StreamLike(Protocol):
    """What the feed uses of ``schwab.streaming.StreamClient``."""

    async def login(self) -> None: ...

    def add_level_one_futures_handler(self, handler: Callable[[dict[str, Any]], Any]) -> None: ...

    async def level_one_futures_subs(self, symbols: list[str], *, fields: Any = None) -> None: ...

    async def handle_message(self) -> None: ...


@dataclass(frozen=True)
class SchwabSettings:
    """``api_key`` and ``app_secret`` (the app's, from developer.schwab.com), ``callback_url`` (the
    app's registered one) and ``token_path`` (where ``schwab_login`` keeps the token, private)."""

    api_key: str
    app_secret: str
    callback_url: str
    token_path: Path


def check_token(path: Path, *, now: float) -> None:
    """Raise :class:`TokenExpired` when the token file is missing, unreadable, or its refresh token
    is past its 7 days (schwab-py writes ``creation_timestamp`` beside the token)."""
    if not path.exists():
        raise TokenExpired(f"no Schwab token at {path}: run 'python manage.py schwab_login' once")
    try:
        created = float(json.loads(path.read_text())["creation_timestamp"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise TokenExpired(
            f"the Schwab token at {path} is unreadable ({exc}): run 'python manage.py schwab_login'"
        ) from exc
    age_days = (now - created) / 86_400
    if age_days >= REFRESH_TOKEN_DAYS:
        raise TokenExpired(
            f"the Schwab refresh token is {age_days:.1f} days old (they last {REFRESH_TOKEN_DAYS}): "
            "run 'python manage.py schwab_login' to log in again"
        )


def schwab_stream_factory(config: SchwabSettings) -> Callable[[], Awaitable[StreamLike]]:
    """A factory of real streams: schwab-py's asyncio client from the token file, its StreamClient."""

    async def make() -> StreamLike:
        _quiet_authlib()
        try:
            from schwab.auth import client_from_token_file
            from schwab.streaming import StreamClient
        except ImportError as exc:
            raise TokenExpired("the Schwab feed needs schwab-py: pip install -e '.[schwab]'") from exc
        check_token(config.token_path, now=time.time())
        try:
            client = client_from_token_file(str(config.token_path), config.api_key, config.app_secret, asyncio=True)
        except Exception as exc:  # authlib's OAuthError when the refresh is refused
            if "invalid_grant" in str(exc) or "refresh" in str(exc).lower():
                raise TokenExpired(
                    f"Schwab refused the stored token ({exc}): run 'python manage.py schwab_login'"
                ) from exc
            raise
        stream: StreamLike = StreamClient(client)
        return stream

    return make


class SchwabFeed:
    """Streams LEVELONE_FUTURES into Redis. ``symbols``: Schwab symbol → Thor root (``{"/ES": "ES"}``);
    ``clock``: aware UTC now; ``book``: the merged quotes (pass one seeded from the tick archive);
    ``refresh_seconds``: how often (real seconds) the whole book is restamped current while the stream
    is alive (:meth:`refresh`)."""

    def __init__(
        self,
        live: LiveDataRedis,
        *,
        symbols: dict[str, str],
        stream_factory: Callable[[], Awaitable[StreamLike]],
        clock: Callable[[], datetime],
        book: LevelOneBook | None = None,
        max_backoff: float = 60.0,
        refresh_seconds: float = REFRESH_SECONDS,
    ) -> None:
        self.live = live
        self.refresh_seconds = refresh_seconds
        self.symbols = symbols
        self.stream_factory = stream_factory
        self.clock = clock
        self.book = book or LevelOneBook(symbols=dict(symbols))
        self.backoff = Backoff(first=1.0, maximum=max_backoff)
        self.published = 0
        self.messages = 0
        self.connections = 0
        self._refreshed = float("-inf")
        self._reported_warnings = 0

    def on_message(self, message: dict[str, Any]) -> None:
        """schwab-py's handler: merge, publish the changed quotes, note the feed alive."""
        quotes = self.book.apply(message, now=self.clock())
        for warning in self.book.warnings[self._reported_warnings :]:
            logger.warning("schwab: %s", warning)
        self._reported_warnings = len(self.book.warnings)
        if quotes:
            try:
                self.live.publish_quotes(quotes, changed={q["symbol"] for q in quotes})
            except RedisError as exc:  # the book keeps the quotes; the next change publishes them again
                logger.warning("schwab: quotes not published, Redis unavailable (%s); is Redis running?", exc)
                return
            self.published += len(quotes)

    async def run(self, stop: asyncio.Event) -> None:
        """Stream until ``stop`` is set, reconnecting after any failure (see the module docstring)."""
        while not stop.is_set():
            try:
                await self._session(stop)
            except TokenExpired as exc:
                logger.error("schwab: %s", exc)
                self.report(error=str(exc))
                await _wait(stop, 60.0)
            except Exception as exc:  # the network, the websocket, Schwab's responses: reconnect
                delay = self.backoff.failed()
                message = f"stream dropped ({type(exc).__name__}: {exc}); reconnecting in {delay:g}s"
                logger.warning("schwab: %s", message)
                self.report(error=message)
                await _wait(stop, delay)

    async def _session(self, stop: asyncio.Event) -> None:
        stream = await self.stream_factory()
        await stream.login()
        stream.add_level_one_futures_handler(self.on_message)
        await stream.level_one_futures_subs(list(self.symbols), fields=_fields())
        self.connections += 1
        logger.info("schwab: streaming LEVELONE_FUTURES for %s", ", ".join(self.symbols))
        while not stop.is_set():
            await stream.handle_message()  # a data message, or a heartbeat: the stream is alive
            self.messages += 1
            self.backoff.succeeded()
            self.refresh()
            self.report()

    def refresh(self) -> None:
        """At most once per ``refresh_seconds`` of real time: restamp every quote of the book as current in the latest
        hash (not announced on the stream: nothing changed). Schwab sends only changes, so without
        this a quiet contract would look stale while the stream is alive (issue 25)."""
        if time.monotonic() - self._refreshed < self.refresh_seconds:
            return
        self._refreshed = time.monotonic()
        quotes = self.book.quotes(now=self.clock())
        if not quotes:
            return
        try:
            self.live.publish_quotes(quotes, changed=set())
        except RedisError as exc:
            logger.warning("schwab: quotes not refreshed, Redis unavailable (%s); is Redis running?", exc)

    def report(self, *, error: str | None = None) -> None:
        """The feed's state for ``/api/health/`` (best effort; never raises)."""
        now = self.clock().isoformat()
        values: dict[str, Any] = {
            "mode": FeedMode.SCHWAB,
            "workbook": "",
            "cycles": self.messages,
            "last_poll_at": now,
            "quotes_published": self.published,
        }
        if error is None:
            values.update(state="ok", last_success_at=now, last_error="")
        else:
            values.update(state="error", last_error=f"schwab: {error}", last_error_at=now)
        try:
            self.live.set_feed_status(values)
        except RedisError:
            logger.debug("feed status not written: Redis unavailable", exc_info=True)


def _quiet_authlib() -> None:
    """Keep schwab-py's OAuth library from announcing its own deprecations on the trader's console
    (authlib sets them to "always" when imported, so the filter goes in after that import)."""
    with contextlib.suppress(ImportError):
        import authlib.deprecate  # noqa: F401

        warnings.filterwarnings("ignore", message="The httpx module is deprecated")


def _fields() -> Any:
    """schwab-py's ``LevelOneFuturesFields`` for :data:`FIELDS` (None without schwab-py: all fields)."""
    try:
        from schwab.streaming import StreamClient
    except ImportError:
        return None
    return [StreamClient.LevelOneFuturesFields[name] for name in FIELDS]


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    """Sleep ``seconds``, or less when ``stop`` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
