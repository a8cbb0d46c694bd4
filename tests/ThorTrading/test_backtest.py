"""The backtest (SPEC §13) on a hand-made tape whose outcomes are worked out by hand below.

USA opens Monday 1 December 2025 at 14:30 UTC (09:30 New York); the evaluation window is the default
30 minutes, so it ends at 15:00. Seeded configuration: $100 targets and stops, SPEC §4 thresholds.

Snapshot (latest tick at or before 14:30:00):
- YM change +20 → BUY; ask 47001 → entry 47001, target 47021, stop 46981 (20 ticks of $5).
- ES change −2 → SELL (the 14:30:00 tick itself, not the 14:29 one); bid 6800.00 → entry 6800.00,
  target 6798.00, stop 6802.00 (8 ticks of $12.50).
- RTY change +3 → BUY; ask 2500.1 → target 2502.1, stop 2498.1.
- CL change +0.10 → BUY; ask 59.01 → target 59.11, stop 58.91.
- DX change +0.10 → BUY, no bid/ask → entry on last 99.500, target 99.600, stop 99.400.
- NQ, SI, HG, GC, VX, ZB change 0 → HOLD → NEUTRAL.
- Composite S = YM +1, ES −1, RTY +1, CL +1, DX −1 (inverted) = 1 → HOLD → TOTAL NEUTRAL.

After the open:
- YM: 14:32 bid 47020 (one tick short), 14:35 bid 47021 → WORKED at 47021, +$100.00; the 14:50 bid
  46900 comes after and changes nothing.
- ES: 14:36 last 6797.00 but ask 6798.50 (a short watches the ask), 14:38 ask 6798.25, 14:40 ask
  6798.00 → WORKED at 6798.00, +$100.00.
- CL: 14:45 bid gaps from 59.00 to 58.80, through the 58.91 stop → DIDNT_WORK at 58.80,
  (58.80 − 59.01) / 0.01 × $10 = −$210.00.
- DX: 14:50 last 99.600 → WORKED at 99.600, +$100.00.
- RTY: 14:40 bid 2501.0, 14:55 bid 2499.0, then 15:05 bid 2503.0 — after the window → EXPIRED, $0.

All five trades: 3 worked, 1 didn't, 1 expired; hit rate 3/4 = 75 %; P&L 100 + 100 + 0 − 210 + 100 =
$90; EV 90 / 5 = $18.00; profit factor 300 / 210 = 1.43; drawdown in row order (YM, ES, RTY, CL, DX):
100, 200, 200, −10, 90 → $210.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from LiveData.archive import TickArchive

pytestmark = pytest.mark.django_db

OPEN = datetime(2025, 12, 1, 14, 30, tzinfo=UTC)
CLOSES = {
    "YM": 46981.0,
    "ES": 6802.0,
    "NQ": 25000.0,
    "RTY": 2497.1,
    "CL": 58.91,
    "SI": 57.0,
    "HG": 5.2,
    "GC": 4200.0,
    "VX": 17.0,
    "DX": 99.4,
    "ZB": 117.0,
}


def at(minute: int, second: int = 0) -> datetime:
    return OPEN + timedelta(minutes=minute, seconds=second)


def tick(
    when: datetime,
    symbol: str,
    *,
    bid: float | None = None,
    ask: float | None = None,
    last: float | None = None,
    change: float | None = None,
) -> dict[str, Any]:
    close = CLOSES[symbol]
    if change is None and last is not None:
        change = round(last - close, 6)
    return {
        "ts": when,
        "symbol": symbol,
        "bid": bid,
        "ask": ask,
        "last": last,
        "close": close,
        "change": change,
        "volume": 1000,
        "source": "test",
    }


def golden_tape() -> list[dict[str, Any]]:
    ticks = [
        # An older snapshot that the later ticks replace.
        tick(at(-30), "YM", bid=46900, ask=46901, last=46900, change=-81),
        tick(at(-1), "YM", bid=47000, ask=47001, last=47001, change=20),
        tick(at(-1), "ES", bid=6801.00, ask=6801.25, last=6801.00, change=-1.0),
        tick(at(0), "ES", bid=6800.00, ask=6800.25, last=6800.00, change=-2.0),
        tick(at(-1), "RTY", bid=2500.0, ask=2500.1, last=2500.1, change=3.0),
        tick(at(-1), "CL", bid=59.00, ask=59.01, last=59.01, change=0.10),
        tick(at(-1), "DX", last=99.500, change=0.10),
    ]
    for symbol in ("NQ", "SI", "HG", "GC", "VX", "ZB"):
        price = CLOSES[symbol]
        ticks.append(tick(at(-1), symbol, bid=price, ask=price, last=price, change=0.0))
    ticks += [
        tick(at(2), "YM", bid=47020, ask=47021, last=47020, change=19),
        tick(at(5), "YM", bid=47021, ask=47022, last=47021, change=20),
        tick(at(20), "YM", bid=46900, ask=46901, last=46900, change=-81),
        tick(at(6), "ES", bid=6797.00, ask=6798.50, last=6797.00, change=-5.0),
        tick(at(8), "ES", bid=6798.00, ask=6798.25, last=6798.00, change=-4.0),
        tick(at(10), "ES", bid=6797.75, ask=6798.00, last=6797.75, change=-4.25),
        tick(at(15), "CL", bid=58.80, ask=58.82, last=58.81),
        tick(at(20), "DX", last=99.600),
        tick(at(10), "RTY", bid=2501.0, ask=2501.1, last=2501.0),
        tick(at(25), "RTY", bid=2499.0, ask=2499.1, last=2499.0),
        tick(at(35), "RTY", bid=2503.0, ask=2503.1, last=2503.0),
        tick(at(40), "NQ", bid=25001.0, ask=25001.25, last=25001.0),
    ]
    return ticks


@pytest.fixture
def tape(seeded: None, settings: Any, tmp_path: Path) -> TickArchive:
    settings.THOR_TICK_DIR = tmp_path / "ticks"
    archive = TickArchive(settings.THOR_TICK_DIR)
    archive.append(golden_tape())
    return archive


def backtest_json(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command(
        "backtest",
        "--from",
        "2025-12-01",
        "--to",
        "2025-12-01",
        "--markets",
        "USA",
        "--json",
        *args,
        stdout=out,
        stderr=StringIO(),
    )
    return json.loads(out.getvalue())


def test_the_hand_made_tape_gives_exactly_the_trades_worked_out_by_hand(tape: TickArchive) -> None:
    result = backtest_json("--future", "all")
    trades = {t["future"]: t for t in result["trades"]}
    assert len(result["trades"]) == 12 and all(
        t["country"] == "USA" and t["date"] == "2025-12-01" for t in result["trades"]
    )
    assert all(t["captured_at"] == "2025-12-01T14:30:00+00:00" for t in result["trades"])

    def outcome(future: str) -> tuple[Any, ...]:
        t = trades[future]
        return (
            t["bhs"],
            t["entry_price"],
            t["target_high"],
            t["target_low"],
            t["wndw"],
            t["target_hit_at"],
            t["target_hit_price"],
            t["pnl_usd"],
        )

    assert outcome("YM") == ("BUY", 47001, 47021, 46981, "WORKED", "2025-12-01T14:35:00+00:00", 47021, 100.0)
    assert outcome("ES") == ("SELL", 6800.0, 6802.0, 6798.0, "WORKED", "2025-12-01T14:40:00+00:00", 6798.0, 100.0)
    assert outcome("CL") == ("BUY", 59.01, 59.11, 58.91, "DIDNT_WORK", "2025-12-01T14:45:00+00:00", 58.8, -210.0)
    assert outcome("DX") == ("BUY", 99.5, 99.6, 99.4, "WORKED", "2025-12-01T14:50:00+00:00", 99.6, 100.0)
    assert outcome("RTY") == ("BUY", 2500.1, 2502.1, 2498.1, "EXPIRED", None, None, 0.0)
    for future in ("NQ", "SI", "HG", "GC", "VX", "ZB", "TOTAL"):
        assert trades[future]["bhs"] == "HOLD" and trades[future]["wndw"] == "NEUTRAL", future
        assert trades[future]["entry_price"] is None and trades[future]["pnl_usd"] is None

    overall = result["stats"]["overall"]
    assert (overall["trades"], overall["worked"], overall["didnt_work"], overall["expired"]) == (5, 3, 1, 1)
    assert (overall["hit_rate"], overall["total_pnl"], overall["expected_value"]) == (75.0, 90.0, 18.0)
    assert (overall["profit_factor"], overall["max_drawdown"]) == (1.43, 210.0)
    assert [g["key"] for g in result["stats"]["by_weekday"]] == ["Mon"]
    assert result["params"]["window_minutes"] == 30 and result["params"]["opens"] == 1


def test_a_variant_changes_targets_and_window(tape: TickArchive) -> None:
    # $150 targets (YM 30 ticks → 47031; ES 12 ticks → 6797.00), $100 stops as before. YM never
    # reaches 47031 and its 14:50 bid of 46900 goes through the 46981 stop: (46900 − 47001) × $5 =
    # −$505.00. ES's ask never falls to 6797.00 nor rises to 6802.00 → EXPIRED at 15:00.
    wide = {
        t["future"]: t for t in backtest_json("--target-usd", "150", "--stop-usd", "100", "--future", "all")["trades"]
    }
    assert (wide["YM"]["target_high"], wide["YM"]["target_low"]) == (47031, 46981)
    assert (wide["YM"]["wndw"], wide["YM"]["target_hit_price"], wide["YM"]["pnl_usd"]) == ("DIDNT_WORK", 46900, -505.0)
    assert (wide["ES"]["target_low"], wide["ES"]["wndw"], wide["ES"]["pnl_usd"]) == (6797.0, "EXPIRED", 0.0)
    # Without a window nothing expires: RTY's 15:05 bid of 2503.0 reaches its target, ES stays open.
    unbounded = {t["future"]: t for t in backtest_json("--window-minutes", "0")["trades"]}
    assert (unbounded["RTY"]["wndw"], unbounded["RTY"]["target_hit_at"]) == ("WORKED", "2025-12-01T15:05:00+00:00")
    assert unbounded["YM"]["wndw"] == "WORKED"
    assert (
        backtest_json("--window-minutes", "0", "--target-usd", "150", "--stop-usd", "100")["trades"][1]["wndw"]
        == "PENDING"
    )


def test_stats_default_to_total_like_the_stats_endpoint(tape: TickArchive) -> None:
    assert backtest_json()["stats"]["overall"]["trades"] == 0  # TOTAL was HOLD
    # BUY weighing 3: S = 3 − 1 + 3 + 3 − 3 (DX inverted) = 5 → BUY, and TOTAL trades YM as live.
    result = backtest_json("--weights", "BUY=3")
    total = next(t for t in result["trades"] if t["future"] == "TOTAL")
    assert (total["bhs"], total["entry_price"], total["wndw"], total["pnl_usd"]) == ("BUY", 47001, "WORKED", 100.0)


def test_bad_arguments_and_an_empty_archive_say_what_to_do(seeded: None, settings: Any, tmp_path: Path) -> None:
    settings.THOR_TICK_DIR = tmp_path / "empty"
    with pytest.raises(CommandError, match="no ticks from 2025-12-01 to 2025-12-01: record some"):
        backtest_json()
    with pytest.raises(CommandError, match="unknown market Atlantis"):
        call_command("backtest", "--from", "2025-12-01", "--to", "2025-12-01", "--markets", "Atlantis")
    with pytest.raises(CommandError, match="--target-usd and --stop-usd go together"):
        call_command("backtest", "--from", "2025-12-01", "--to", "2025-12-01", "--target-usd", "150")
    with pytest.raises(CommandError, match="'2025-13-01' is not a date"):
        call_command("backtest", "--from", "2025-13-01", "--to", "2025-12-01")


def test_the_strategy_core_runs_without_django_or_redis() -> None:
    """SPEC §1: the trading math the live path, replays and backtests share imports neither."""
    import subprocess
    import sys

    code = (
        "import sys; import ThorTrading.strategy, ThorTrading.backtest, ThorTrading.grading, LiveData.ticks, LiveData.demo;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'redis', 'rest_framework', 'pandas'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_a_recorded_feed_reads_as_its_continuous_series_with_its_own_close(tape: TickArchive) -> None:
    """SPEC §15: TOS's symbols are continuous (no contract); their ticks carry the feed's close."""
    result = backtest_json("--future", "all")
    es = next(t for t in result["trades"] if t["future"] == "ES")
    assert (es["contract"], es["series"], es["resolution"], es["close_source"]) == (None, "ES", "tick", "feed")
    assert (es["previous_close"], es["reason"], es["ambiguous"]) == (6802.0, None, False)
    params = result["params"]
    assert params["resolution"] == ["tick"] and params["sources"] == ["test"] and params["contracts"] == []
    assert (params["opens_with_data"], params["opens_without_data"], params["ambiguous"]) == (1, 0, 0)
    assert result["stats"]["ambiguous"] == 0


def test_the_backtest_gives_its_figures_net_of_the_desks_commissions_and_a_stops_slippage(tape: TickArchive) -> None:
    from ActAndPos.models import ContractMargin

    result = backtest_json("--future", "all")
    gross, net = result["stats"]["overall"], result["net"]["overall"]
    commission = {m.symbol: m.commission for m in ContractMargin.objects.all()}
    traded = [t for t in result["trades"] if t["wndw"] in ("WORKED", "DIDNT_WORK", "EXPIRED")]
    assert {t["future"] for t in traded} == {"YM", "ES", "CL", "DX", "RTY"}
    # Every round trip pays its commission twice; CL's stop also a tick ($10) of slippage.
    costs = sum(2 * commission.get(t["future"], Decimal(0)) for t in traded) + Decimal(10)
    assert Decimal(str(net["total_pnl"])) == Decimal(str(gross["total_pnl"])) - costs
    assert net["expected_value"] < gross["expected_value"]
