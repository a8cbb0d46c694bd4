"""The sweep (issue 26): every cell equals the single-variant backtest of that variant, row by row and
in its statistics — on ticks (the hand-made tape of test_backtest) and on bars (test_bar_backtest's),
with each traded row's excursions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from LiveData.archive import SCHEMA as TICK_SCHEMA
from LiveData.archive import TickArchive
from tests.ThorTrading.test_backtest import tape  # noqa: F401  (the hand-made tick tape fixture)
from tests.ThorTrading.test_bar_backtest import OPEN, golden_bars, market
from ThorTrading import backtest
from ThorTrading.backtest import MarketOpen, SweepCell
from ThorTrading.services.backtest import market_data
from ThorTrading.services.config import get_trading_config

FIELDS = ("future", "bhs", "entry_price", "target_high", "target_low", "wndw", "target_hit_at", "target_hit_price",
          "target_hit_type", "pnl_usd", "ambiguous")  # fmt: skip
CELLS = [
    SweepCell("USD", Decimal(target), Decimal(stop), window)
    for target in ("100", "150")
    for stop in ("100", "150")
    for window in (None, 0)
]


def assert_cells_equal_single_runs(data: backtest.MarketData, opens: list[MarketOpen]) -> list[list[dict[str, Any]]]:
    config = get_trading_config()
    swept = backtest.sweep(data, opens, config, CELLS)
    arrays = backtest.sweep_arrays(data, opens, config, CELLS)
    assert len(swept) == len(CELLS)
    now = OPEN + timedelta(days=1)
    for index, (cell, rows) in enumerate(zip(CELLS, swept, strict=True)):
        single = backtest.run(data, cell.variant.with_window(opens), cell.variant.apply(config))
        assert [{k: r[k] for k in FIELDS} for r in rows] == [{k: r[k] for k in FIELDS} for r in single], cell
        expected = backtest.stats(single, future="all", market_order=["USA"], now=now)
        assert backtest.stats(rows, future="all", market_order=["USA"], now=now) == expected, cell
        # The arrays (every cell of a trade at once) give the very same statistics.
        assert backtest.sweep_stats(arrays, index, future="all", market_order=["USA"], now=now) == expected, cell
    return swept


def test_a_sweep_of_ticks_equals_each_single_variant_backtest(tape: TickArchive) -> None:  # noqa: F811
    opens = [MarketOpen("USA", OPEN, date(2025, 12, 1), "Mon", timedelta(minutes=30))]
    data = market_data(tape, OPEN - timedelta(days=1), OPEN + timedelta(days=1))
    swept = assert_cells_equal_single_runs(data, opens)
    # Not a trivial equality: the cells disagree with each other.
    outcomes = {tuple(r["wndw"] for r in rows) for rows in swept}
    assert len(outcomes) >= 3
    # YM's $100/$100 trade (cell 0, the market's 30-minute window) from 47,001: the hand-made tape's
    # bid reaches 47,021 at 14:35; its excursions run to that exit.
    ym = next(r for r in swept[0] if r["future"] == "YM")
    assert (ym["wndw"], ym["target_hit_price"], ym["mfe_points"]) == ("WORKED", 47021, Decimal("20.0"))
    assert ym["mfe_usd"] == Decimal("100.00") and ym["mfe_at"] == datetime(2025, 12, 1, 14, 35, tzinfo=UTC)


def test_a_sweep_of_bars_equals_each_single_variant_backtest_ambiguous_bars_included(seeded: None) -> None:
    monday = date(2025, 12, 1)
    fronts = {(root, monday): contract for root, contract in (("ES", "ESZ25"), ("NQ", "NQZ25"), ("CL", "CLF26"), ("DX", "DXZ25"), ("YM", "YMZ25"), ("GC", "GCZ25"))}  # fmt: skip
    data = market(golden_bars(), fronts)
    opens = [MarketOpen("USA", OPEN, monday, "Mon", timedelta(minutes=30))]
    swept = assert_cells_equal_single_runs(data, opens)
    assert any(r["ambiguous"] for rows in swept for r in rows)


def test_a_sweep_needs_a_cell(seeded: None) -> None:
    empty = backtest.MarketData(ticks=backtest.Tape.from_table(TICK_SCHEMA.empty_table()))
    with pytest.raises(ValueError, match="at least one variant"):
        backtest.sweep(empty, [], get_trading_config(), [])


@pytest.mark.django_db(transaction=True)
def test_the_sweeps_api_runs_keeps_and_cancels_sweeps(tape: TickArchive) -> None:  # noqa: F811
    import threading

    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    from tests.conftest import wait_for
    from ThorTrading.models import Backtest
    from ThorTrading.services import sweep as sweep_service

    client = APIClient()
    client.force_authenticate(User.objects.create_user("trader"))
    body = {"start": "2025-12-01", "end": "2025-12-01", "markets": ["USA"], "future": "all",
            "profit_targets": [100, 150], "stop_losses": [100, 150], "walk_forward": [1, 1]}  # fmt: skip
    started = client.post("/api/ThorTrading/sweeps/", body, format="json")
    assert started.status_code == 202, started.json()
    url = started.json()["url"]
    done = wait_for(lambda: (r := client.get(url).json())["status"] in ("DONE", "FAILED") and r, timeout=20.0)
    assert isinstance(done, dict) and done["status"] == "DONE" and done["progress"] == 100.0, done
    variants = done["result"]["variants"]
    assert [(v["profit_target"], v["stop_loss"]) for v in variants] == [
        (100.0, 100.0), (100.0, 150.0), (150.0, 100.0), (150.0, 150.0)
    ]  # fmt: skip
    # $150/$100 is test_backtest's variant: YM stopped at 46,900 (−$505.00), ES expired; five trades in all.
    wide = variants[2]["stats"]["overall"]
    assert (wide["trades"], wide["didnt_work"]) == (5, 2)
    assert variants[0]["net"]["overall"]["total_pnl"] < variants[0]["stats"]["overall"]["total_pnl"]  # costs
    assert done["result"]["pbo"]["pbo"] is None  # one day: nothing to cross-validate
    assert [s["id"] for s in client.get("/api/ThorTrading/sweeps/").json()] == [done["id"]]
    assert client.get("/api/ThorTrading/backtests/").json() == []  # sweeps are not What ifs
    refused = client.post(f"/api/ThorTrading/sweeps/{done['id']}/cancel")
    assert refused.status_code == 400 and "only a running one" in refused.json()["error"]
    too_many = client.post("/api/ThorTrading/sweeps/", {**body, "profit_targets": list(range(1, 41)),
                                                         "stop_losses": list(range(1, 41))}, format="json")  # fmt: skip
    assert too_many.status_code == 400 and "1600 variants" in str(too_many.json())
    # A sweep asked to stop stops at its next progress note and reads CANCELLED.
    row = Backtest.objects.create(owner=User.objects.get(username="trader"), created_at=done["created_at"],
                                  kind="sweep", cancel_requested=True)  # fmt: skip
    worker = threading.Thread(
        target=sweep_service.sweep_execute,
        kwargs={
            "sweep_id": row.pk,
            "start": date(2025, 12, 1),
            "end": date(2025, 12, 1),
            "cells": CELLS[:2],
            "countries": ["USA"],
            "future": "all",
            "walk_forward_days": None,
            "costs": {},
        },
    )
    worker.start()
    worker.join(20)
    assert client.get(f"/api/ThorTrading/sweeps/{row.pk}/").json()["status"] == "CANCELLED"
