"""``GET /api/ThorTrading/quotes/latest`` and ``/quotes/ribbon`` over the real workbooks (SPEC §4, §9)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.test import APIClient

from core.clock import ManualClock
from LiveData.redis_client import LiveDataRedis
from tests.conftest import TOS_DATA, WORKBOOKS

pytestmark = [pytest.mark.django_db, pytest.mark.real_services]

EXPECTED = json.loads((TOS_DATA / "expected_quotes.json").read_text())
ORDER = ["YM", "ES", "NQ", "RTY", "CL", "SI", "HG", "GC", "VX", "DX", "ZB"]
# SPEC §4 default thresholds (STRONG_BUY, BUY) and the instruments whose weight is inverted.
LADDER = {
    "YM": (60, 10),
    "ES": (6, 1),
    "NQ": (15, 2.5),
    "RTY": (15, 2.5),
    "CL": (0.3, 0.05),
    "SI": (0.06, 0.01),
    "HG": (0.012, 0.002),
    "GC": (3, 0.5),
    "VX": (0.10, 0.05),
    "DX": (0.30, 0.05),
    "ZB": (0.9375, 0.15625),
}
INVERSE = {"VX", "DX", "GC", "ZB"}


def spec_signal(symbol: str, change: str | None) -> str | None:
    if change is None:
        return None
    c, (sb, b) = Decimal(change), (Decimal(str(v)) for v in LADDER[symbol])
    if c > sb:
        return "STRONG_BUY"
    if c > b:
        return "BUY"
    if c >= -b:
        return "HOLD"
    return "SELL" if c > -sb else "STRONG_SELL"


@pytest.fixture
def api(seeded: None) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.create_user("trader"))
    return client


def load(workbook: str, settings: Any) -> None:
    settings.THOR_WORKBOOK = str(TOS_DATA / workbook)
    call_command("poll_tos_excel", "--once")


def num(value: str | None) -> float | None:
    return None if value is None else float(Decimal(value))


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_latest_quotes_return_eleven_rows_with_workbook_values_signals_and_total(
    workbook: str, api: APIClient, live: LiveDataRedis, clock: ManualClock, settings: Any
) -> None:
    load(workbook, settings)
    body = api.get("/api/ThorTrading/quotes/latest").json()
    rows = body["rows"]
    assert [r["symbol"] for r in rows] == ORDER
    expected = EXPECTED[workbook]
    weights = {"STRONG_BUY": 2, "BUY": 1, "HOLD": 0, "SELL": -1, "STRONG_SELL": -2}
    signal_sum = count = 0
    for row in rows:
        want = expected.get(row["symbol"])
        if want is None:  # no quote in this workbook: a row of nulls, flagged stale
            assert row["last"] is None and row["extended_data"]["signal"] is None and row["stale"] is True
            continue
        for field, key in [
            ("last", "last"),
            ("bid", "bid"),
            ("ask", "ask"),
            ("close_price", "close"),
            ("open_price", "open"),
            ("high_price", "high_24h"),
            ("low_price", "low_24h"),
            ("change", "change"),
        ]:
            assert row[field] == num(want[key]), (row["symbol"], field)
        assert (row["volume"], row["bid_size"], row["ask_size"]) == (want["volume"], want["bid_size"], want["ask_size"])
        signal = spec_signal(row["symbol"], want["change"])
        assert row["extended_data"]["signal"] == signal, row["symbol"]
        assert row["stale"] is False
        if signal is not None:
            weight = weights[signal] * (-1 if row["symbol"] in INVERSE else 1)
            assert row["extended_data"]["signal_weight"] == weight
            signal_sum += weight
            count += 1
    total = body["total"]
    assert total["signal_weight_sum"] == signal_sum
    assert total["count"] == count
    s = signal_sum
    assert total["composite_signal"] == (
        "STRONG_BUY" if s > 9 else "BUY" if s > 3 else "HOLD" if s >= -3 else "SELL" if s >= -9 else "STRONG_SELL"
    )


def test_total_sums_weighted_stat_values(
    api: APIClient, live: LiveDataRedis, clock: ManualClock, settings: Any
) -> None:
    load("rtd_2025-11-26.xlsm", settings)
    body = api.get("/api/ThorTrading/quotes/latest").json()
    stat = sum(Decimal(str(r["extended_data"]["stat_value"])) for r in body["rows"])
    assert Decimal(str(body["total"]["sum_weighted"])) == stat
    assert Decimal(str(body["total"]["avg_weighted"])) == (stat / 11).quantize(Decimal("0.000001"))


def test_row_metrics_and_spread(api: APIClient, live: LiveDataRedis, clock: ManualClock, settings: Any) -> None:
    load("rtd_2025-11-26.xlsm", settings)
    es = api.get("/api/ThorTrading/quotes/latest").json()["rows"][1]
    assert es["spread"] == 0.25
    assert es["last_prev_diff"] == -12.75  # 6708.5 − 6721.25
    assert es["range_diff"] == 58.0  # 6732.5 − 6674.5
    assert es["range_pct"] == round(58 / 6721.25 * 100, 4)
    assert es["instrument"]["tick_size"] == 0.25 and es["instrument"]["tick_value"] == 12.5


def test_quotes_latest_runs_no_sql_per_row(
    api: APIClient,
    live: LiveDataRedis,
    clock: ManualClock,
    settings: Any,
    django_assert_max_num_queries: Any,
    django_assert_num_queries: Any,
) -> None:
    load("rtd_2025-11-27.xlsm", settings)
    with django_assert_max_num_queries(4):  # cold: the configuration, loaded once
        assert api.get("/api/ThorTrading/quotes/latest").status_code == 200
    with django_assert_num_queries(0):  # warm: Redis only
        assert len(api.get("/api/ThorTrading/quotes/latest").json()["rows"]) == 11


def test_admin_edit_of_a_threshold_is_seen_at_once(
    api: APIClient, live: LiveDataRedis, clock: ManualClock, settings: Any
) -> None:
    from ThorTrading.models import SignalStatValue

    load("rtd_2025-11-26.xlsm", settings)  # YM change 155 → STRONG_BUY
    assert api.get("/api/ThorTrading/quotes/latest").json()["rows"][0]["extended_data"]["signal"] == "STRONG_BUY"
    row = SignalStatValue.objects.get(instrument__symbol="YM", signal="STRONG_BUY")
    row.value = Decimal(200)
    row.save()
    assert api.get("/api/ThorTrading/quotes/latest").json()["rows"][0]["extended_data"]["signal"] == "BUY"


def test_quotes_go_stale_when_the_feed_stops(
    api: APIClient, live: LiveDataRedis, clock: ManualClock, settings: Any
) -> None:
    load("rtd_2025-11-26.xlsm", settings)
    clock.advance(seconds=settings.THOR_QUOTE_STALE_SECONDS + 1)
    body = api.get("/api/ThorTrading/quotes/latest").json()
    assert all(r["stale"] for r in body["rows"])
    assert body["total"]["stale_symbols"] == ORDER


def test_ribbon_carries_the_signal(api: APIClient, live: LiveDataRedis, clock: ManualClock, settings: Any) -> None:
    load("rtd_2025-11-26.xlsm", settings)
    body = api.get("/api/ThorTrading/quotes/ribbon").json()
    assert body["count"] == 11
    assert body["symbols"][0] == {
        "symbol": "YM",
        "name": "E-mini Dow ($5)",
        "last": 46669.0,
        "change": 155.0,
        "change_percent": round(155 / 46514 * 100, 4),
        "signal": "STRONG_BUY",
        "stale": False,
    }


def test_redis_down_answers_503_with_a_json_error(api: APIClient, dead_redis: LiveDataRedis) -> None:
    for path in ("/api/ThorTrading/quotes/latest", "/api/ThorTrading/quotes/ribbon", "/api/feed/quotes/snapshot"):
        response = api.get(path)
        assert response.status_code == 503, path
        assert "Redis" in response.json()["error"]


def test_feed_snapshot_returns_raw_quotes(
    api: APIClient, live: LiveDataRedis, clock: ManualClock, settings: Any
) -> None:
    load("rtd_2025-11-26.xlsm", settings)
    body = api.get("/api/feed/quotes/snapshot?symbols=YM,DX").json()
    assert set(body["quotes"]) == {"YM", "DX"}
    assert body["quotes"]["DX"]["feed_symbol"] == "$DXY"
    assert api.get("/api/feed/quotes/snapshot?symbols=Y M").status_code == 400


def test_rows_say_how_prices_display_and_whether_they_ride_the_ribbon(
    api: APIClient, live: LiveDataRedis, clock: ManualClock, settings: Any
) -> None:
    """Issue 14: ZB is written in 32nds (117'25), and an instrument taken off the ribbon in the admin
    says so in every row, for the dashboard's ribbon too."""
    from ThorTrading.models import TradingInstrument

    load("rtd_2025-11-26.xlsm", settings)
    crude = TradingInstrument.objects.get(symbol="CL")
    crude.show_in_ribbon = False
    crude.save()  # an admin edit: the cached configuration is invalidated
    rows = {r["symbol"]: r for r in api.get("/api/ThorTrading/quotes/latest").json()["rows"]}
    assert (rows["ZB"]["instrument"]["price_format"], rows["ES"]["instrument"]["price_format"]) == ("32nds", "decimal")
    assert rows["CL"]["instrument"]["show_in_ribbon"] is False and rows["ES"]["instrument"]["show_in_ribbon"] is True
    assert "CL" not in [s["symbol"] for s in api.get("/api/ThorTrading/quotes/ribbon").json()["symbols"]]
