"""Shared fixtures.

Redis: every test gets a clean ``LiveDataRedis`` — on the real server at ``THOR_TEST_REDIS_URL`` when
it is set (CI), else on an in-process fakeredis server. The database is PostgreSQL when
``THOR_TEST_DATABASE_URL`` is set (see ``thor_project/settings_test.py``), else SQLite.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fakeredis
import pytest
import redis

with contextlib.suppress(ImportError):
    # authlib (schwab-py's OAuth) sets its own deprecation warnings to "always" when first imported;
    # imported now, before pytest applies pyproject's filterwarnings, so that those filters win.
    import authlib.deprecate  # noqa: F401

from core import clock as thor_clock
from core.clock import ManualClock
from LiveData.redis_client import LiveDataRedis, set_live_data_redis
from ThorTrading.services.config import invalidate_trading_config

ROOT = Path(__file__).resolve().parent.parent
TOS_DATA = ROOT.parent / "shared" / "data" / "tos"
#: Real CME data (AlgoSeek/LEAN, Databento) for the history importers (``../shared/data/real/README.md``).
REAL_DATA = ROOT.parent / "shared" / "data" / "real"
WORKBOOKS = sorted(p.name for p in TOS_DATA.glob("rtd_*.xlsm"))
REAL_REDIS_URL = os.environ.get("THOR_TEST_REDIS_URL")


#: Modules whose every test is marked, by where it lives (the markers are registered in pyproject.toml).
MODULE_MARKERS = {
    "tests/e2e/": "browser",
    "tests/thor_project/test_api_contract.py": "contract",
    "tests/thor_project/test_api_types.py": "contract",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark browser and contract tests by their folder or module, so ``-m 'not browser'`` (or
    ``-m slow``) selects; ``make test`` runs everything."""
    root = Path(str(config.rootpath))
    for item in items:
        where = Path(str(item.path)).relative_to(root).as_posix()
        for prefix, marker in MODULE_MARKERS.items():
            if where.startswith(prefix):
                item.add_marker(marker)


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = os.environ.get("THOR_TEST_DATABASE_URL") or "SQLite (in memory)"
    return [f"thor: database {db}; redis {REAL_REDIS_URL or 'fakeredis (in process)'}; workbooks in {TOS_DATA}"]


@pytest.fixture
def redis_server() -> Iterator[fakeredis.FakeServer | None]:
    """The fakeredis server behind ``live`` (None when the tests run against a real Redis)."""
    yield None if REAL_REDIS_URL else fakeredis.FakeServer()


@pytest.fixture
def live(redis_server: fakeredis.FakeServer | None) -> Iterator[LiveDataRedis]:
    """A clean LiveDataRedis installed as the process's client for the test's duration."""
    if REAL_REDIS_URL:
        client = LiveDataRedis.from_url(REAL_REDIS_URL)
        client.client.flushdb()
    else:
        client = LiveDataRedis(fakeredis.FakeRedis(server=redis_server, decode_responses=True))
    set_live_data_redis(client)
    yield client
    set_live_data_redis(None)
    if REAL_REDIS_URL:
        client.client.flushdb()


@pytest.fixture
def dead_redis() -> Iterator[LiveDataRedis]:
    """A LiveDataRedis pointed at a port where nothing listens: every call raises ConnectionError."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = LiveDataRedis(
        redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.2, socket_timeout=0.2, decode_responses=True)
    )
    set_live_data_redis(client)
    yield client
    set_live_data_redis(None)


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    """A manual clock installed as Thor's clock, at 2025-11-26 14:30:00 UTC (09:30 in New York)."""
    manual = ManualClock(datetime(2025, 11, 26, 14, 30, tzinfo=UTC))
    thor_clock.set_clock(manual)
    yield manual
    thor_clock.set_clock(None)


@pytest.fixture(autouse=True)
def _fresh_config() -> Iterator[None]:
    from django.core.cache import cache

    from ThorTrading.selectors.stat_store import STORE

    invalidate_trading_config()
    cache.clear()
    STORE.reset()
    yield
    invalidate_trading_config()


@pytest.fixture
def seeded(db: None) -> None:
    """The reference data of ``seed_thor`` (markets come from the migration)."""
    from ActAndPos.services.seed import seed_contract_margins, seed_contract_multipliers
    from ThorTrading.services.seed import seed_thor

    seed_thor()
    seed_contract_multipliers()  # migrations seed them, but transactional tests flush the tables
    seed_contract_margins()


def wait_for(predicate: Callable[[], object], *, timeout: float = 2.0, interval: float = 0.01) -> object:
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout}s")
        time.sleep(interval)


@pytest.fixture(scope="session")
def push_redis_url() -> Iterator[str]:
    """A Redis for the channel layer: the real one in CI, else the embedded fakeredis server of
    `make run` in a subprocess (pub/sub needs a server the async client can reach)."""
    if REAL_REDIS_URL:
        yield REAL_REDIS_URL
        return
    from thor_project.launch import start_embedded_redis

    process, url = start_embedded_redis()
    try:
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def channel_layer(push_redis_url: str, settings: Any) -> Iterator[Any]:
    """Live push on: channels-redis' RedisPubSubChannelLayer on ``push_redis_url``."""
    from channels.layers import channel_layers, get_channel_layer

    from thor_project.settings import channel_layers as layers_on

    settings.CHANNEL_LAYERS = layers_on(push_redis_url)
    channel_layers.backends.clear()
    yield get_channel_layer()
    settings.CHANNEL_LAYERS = {}
    channel_layers.backends.clear()
