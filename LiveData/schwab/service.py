"""Running the Schwab feed from Django: settings, the symbols from the admin, the 24-hour ranges from
the tick archive, the stop signal (issue 24)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings

from core.clock import now
from LiveData.archive import get_tick_archive
from LiveData.models import StreamSymbol
from LiveData.redis_client import LiveDataRedis
from LiveData.schwab.feed import SchwabFeed, SchwabSettings, schwab_stream_factory
from LiveData.schwab.levelone import LevelOneBook

logger = logging.getLogger(__name__)


def schwab_settings() -> SchwabSettings:
    """The Schwab app's settings (``THOR_SCHWAB_*``)."""
    return SchwabSettings(
        api_key=settings.THOR_SCHWAB_API_KEY,
        app_secret=settings.THOR_SCHWAB_APP_SECRET,
        callback_url=settings.THOR_SCHWAB_CALLBACK_URL,
        token_path=settings.THOR_SCHWAB_TOKEN,
    )


def stream_symbols() -> dict[str, str]:
    """Schwab symbol → Thor root, of the enabled rows of the admin's stream symbols."""
    return {row.schwab_symbol: row.symbol for row in StreamSymbol.objects.filter(enabled=True)}


def seeded_book(symbols: dict[str, str]) -> LevelOneBook:
    """A book whose 24-hour ranges start from the last prices in the tick archive (best effort)."""
    book = LevelOneBook(symbols=dict(symbols))
    end = now()
    try:
        table = get_tick_archive().read(end - timedelta(hours=24), end, symbols=set(symbols.values()))
    except OSError as exc:
        logger.warning("schwab: 24-hour ranges start empty (tick archive unreadable: %s)", exc)
        return book
    for row in table.select(["ts", "symbol", "last"]).to_pylist():
        if row["last"] is not None:
            book.seed(row["symbol"], [(row["ts"], Decimal(repr(row["last"])))])
    return book


def run_schwab_feed(live: LiveDataRedis, *, stdout: Any) -> None:
    """Stream until SIGINT/SIGTERM (the launcher's stop)."""
    symbols = stream_symbols()
    feed = SchwabFeed(
        live,
        symbols=symbols,
        stream_factory=schwab_stream_factory(schwab_settings()),
        clock=now,
        book=seeded_book(symbols),
    )
    stdout.write(f"poll_tos_excel: schwab mode, LEVELONE_FUTURES for {', '.join(symbols)}; Ctrl+C stops")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        if threading.current_thread() is threading.main_thread():
            for name in ("SIGINT", "SIGTERM", "SIGBREAK"):
                if hasattr(signal, name):
                    with contextlib.suppress(ValueError):
                        signal.signal(getattr(signal, name), lambda signum, frame: loop.call_soon_threadsafe(stop.set))
        task = asyncio.create_task(feed.run(stop))
        await stop.wait()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(main())
    stdout.write(f"poll_tos_excel stopped: {feed.published} quotes from {feed.messages} Schwab messages")
