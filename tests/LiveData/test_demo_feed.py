"""The demo feed (SPEC §13): Thor lives without Excel — whole ticks, a book one or two ticks wide,
rising volume, a new CME day that starts from the last close, DEMO everywhere it shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from core.clock import ManualClock
from GlobalMarkets.models import Market
from LiveData.demo import DEMO_SPECS, demo_walks
from LiveData.feeds import DemoSource, resolve_mode
from LiveData.redis_client import LiveDataRedis
from LiveData.ticks import to_ns
from ThorTrading.models import MarketSession
from ThorTrading.services.capture import capture_market_open

START = datetime(2025, 12, 1, 20, 0, tzinfo=UTC)  # 14:00 Chicago, Monday's CME day


def test_auto_mode_is_live_with_excel_else_the_workbook_else_demo() -> None:
    assert resolve_mode("auto", workbook="/x.xlsm", excel_running=lambda: True) == "live"
    assert resolve_mode("auto", workbook="/x.xlsm", excel_running=lambda: False) == "file"
    assert resolve_mode("auto", workbook="", excel_running=lambda: False) == "demo"
    with pytest.raises(ValueError, match="file mode needs a workbook: set THOR_WORKBOOK"):
        resolve_mode("file", workbook="")
    with pytest.raises(ValueError, match="'excel' is not one of auto, live, file, demo, replay"):
        resolve_mode("excel", workbook="")


@pytest.mark.slow
def test_demo_quotes_move_in_whole_ticks_with_a_book_one_or_two_ticks_wide() -> None:
    clock = ManualClock(START)
    source = DemoSource(seed=7, clock=clock.now)
    seen: dict[str, set[Decimal]] = {}
    for _ in range(3600):
        clock.advance(seconds=1)
        for quote in source.parse().quotes:
            tick = DEMO_SPECS[quote.symbol].tick_size
            assert quote.last is not None and quote.last % tick == 0, quote
            assert quote.change == quote.last - quote.close
            seen.setdefault(quote.symbol, set()).add(quote.last)
            if quote.symbol == "DX":
                assert quote.bid is None and quote.ask is None and quote.volume is None  # an index
                continue
            assert quote.bid is not None and quote.ask is not None
            assert quote.bid <= quote.last <= quote.ask and (quote.ask - quote.bid) / tick in (1, 2), quote
    # An hour of a random walk: every instrument moved (VX, 20 ticks on a typical day, the least).
    assert all(len(prices) >= 3 for prices in seen.values()), {s: len(p) for s, p in seen.items()}
    assert set(seen) == set(DEMO_SPECS)


def test_the_same_seed_gives_the_same_walk_and_volume_only_rises_within_a_cme_day() -> None:
    ts = np.arange(to_ns(START), to_ns(START + timedelta(hours=6)), 1_000_000_000, dtype=np.int64)
    first = [w.advance(ts) for w in demo_walks(seed=3, start=START)]
    again = [w.advance(ts) for w in demo_walks(seed=3, start=START)]
    other = [w.advance(ts) for w in demo_walks(seed=4, start=START)]
    assert all((a["last"] == b["last"]).all() for a, b in zip(first, again, strict=True))
    assert any((a["last"] != b["last"]).any() for a, b in zip(first, other, strict=True))
    es = first[1]
    boundary = int(np.searchsorted(ts, to_ns(datetime(2025, 12, 1, 23, 0, tzinfo=UTC))))  # 17:00 Chicago
    assert (np.diff(es["volume"][:boundary]) >= 0).all() and (np.diff(es["volume"][boundary:]) >= 0).all()
    assert es["volume"][boundary] < es["volume"][boundary - 1]  # the new day's volume starts again
    assert es["close"][boundary] == es["last"][boundary - 1] and (es["close"][:boundary] == es["close"][0]).all()
    # Bursts and quiet spells: ten-minute spans differ in how far prices travel.
    ranges = [np.ptp(es["last"][i : i + 600]) for i in range(0, len(ts) - 600, 600)]
    assert max(ranges) >= 3 * max(1, min(ranges))


@pytest.mark.django_db(transaction=True)
@pytest.mark.real_services
def test_without_a_workbook_thor_runs_on_demo_quotes_and_says_so(
    seeded: None, live: LiveDataRedis, clock: ManualClock, settings: Any, django_user_model: Any
) -> None:
    settings.THOR_WORKBOOK = ""
    settings.THOR_FEED_MODE = "auto"
    call_command("poll_tos_excel", "--once")
    api = APIClient()
    api.force_authenticate(django_user_model.objects.create_user("trader", password="pw-123456"))
    rows = api.get("/api/ThorTrading/quotes/latest").json()["rows"]
    assert len(rows) == 11 and {r["source"] for r in rows} == {"demo"}
    assert rows[0]["symbol"] == "YM" and rows[0]["last"] is not None
    feed = APIClient().get("/api/health/").json()["feed"]
    assert feed["mode"] == "demo" and feed["demo"] is True and feed["ok"] is True
    result = capture_market_open(market=Market.objects.get(country="USA"))
    assert result.status == "captured"
    assert MarketSession.objects.filter(capture_group=result.capture_group, is_demo=True).count() == 12
