"""FUTURES paper accounts (issue 12, SPEC §11): margin, shorts, resting and bracket orders filled on
the tick stream, trading a capture, with exact figures worked out in each test."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from ActAndPos.models import Account, ContractMargin, LedgerEntry, Order, Position
from ActAndPos.services.order_engine import cancel_order, expire_day_orders, place_order
from ActAndPos.services.order_request import OrderRequest
from ActAndPos.workers.resting_orders import GROUP, RestingOrderFiller
from core.clock import ManualClock
from GlobalMarkets.models import Market
from LiveData.redis_client import QUOTE_STREAM_KEY, LiveDataRedis
from tests.conftest import TOS_DATA
from ThorTrading.models import MarketSession
from ThorTrading.services.capture import capture_market_open

pytestmark = [pytest.mark.django_db, pytest.mark.real_services]


@pytest.fixture
def trader(seeded: None, live: LiveDataRedis, clock: ManualClock) -> tuple[APIClient, Account]:
    """A new user (FUTURES account, $100,000) on the 2025-11-26 14:30 UTC clock."""
    user = User.objects.create_user("trader")
    client = APIClient()
    client.force_authenticate(user)
    return client, Account.objects.get(owner=user)


def tick(live: LiveDataRedis, clock: ManualClock, symbol: str, **prices: str) -> None:
    """A quote a second after the last, into the latest hash and onto the stream."""
    clock.advance(seconds=1)
    live.publish_quote(
        {"symbol": symbol, "ts_ingest": clock.now().isoformat(), **{k: Decimal(v) for k, v in prices.items()}}
    )


def order(client: APIClient, account: Account, **params: Any) -> Any:
    return client.post("/api/trades/orders", {"account": account.pk, **params}, format="json")


def reconcile(account: Account) -> None:
    """cash = Σ ledger cash; each position = Σ ledger quantity of its symbol; realised P&L adds up."""
    account.refresh_from_db()
    ledger = list(LedgerEntry.objects.filter(account=account))
    assert sum((e.cash_delta for e in ledger), Decimal(0)) == account.cash
    held: dict[str, int] = {}
    for e in ledger:
        if e.symbol:
            held[e.symbol] = held.get(e.symbol, 0) + e.quantity_delta
    assert {s: q for s, q in held.items() if q} == {
        p.symbol: p.quantity for p in Position.objects.filter(account=account)
    }
    assert sum((e.realized_pnl for e in ledger), Decimal(0)) == account.realized_pnl


def test_margin_lets_100k_buy_es_short_nq_and_refuses_what_does_not_fit(
    trader: tuple[APIClient, Account], live: LiveDataRedis, clock: ManualClock
) -> None:
    client, account = trader
    tick(live, clock, "ES", last="6835.25", bid="6835", ask="6835.5")
    tick(live, clock, "NQ", last="25342.5", bid="25342", ask="25343")
    assert order(client, account, symbol="ES", side="BUY", quantity=2).status_code == 201
    body = client.get(f"/api/actandpos/accounts/{account.pk}/").json()
    assert (body["kind"], body["cash"], body["margin_in_use"], body["buying_power"]) == (
        "FUTURES",
        100000.0,
        25300.0,
        74700.0,
    )  # 2 × $12,650 initial
    short = order(client, account, symbol="NQ", side="SELL", quantity=1)
    assert short.status_code == 201 and short.json()["fill_price"] == 25342.5
    assert Position.objects.get(account=account, symbol="NQ").quantity == -1
    body = client.get(f"/api/actandpos/accounts/{account.pk}/").json()
    assert (body["margin_in_use"], body["buying_power"], body["net_liq"]) == (45100.0, 54900.0, 100000.0)
    refused = order(client, account, symbol="ES", side="BUY", quantity=5)
    assert refused.status_code == 400
    assert refused.json()["error"] == (
        "Insufficient buying power: buying 5 ES needs $63,250.00 of initial margin; buying power is $54,900.00"
    )
    # NQ falls 100 points: the short gains 100 × $20; ES rises 2 points: 2 × 2 × $50
    tick(live, clock, "NQ", last="25242.5", bid="25242", ask="25243")
    tick(live, clock, "ES", last="6837.25", bid="6837", ask="6837.5")
    body = client.get(f"/api/actandpos/accounts/{account.pk}/").json()
    assert (body["net_liq"], body["buying_power"], body["maintenance_margin"]) == (102200.0, 57100.0, 41000.0)
    # closing the short realises the gain at last (a market order's price)
    assert order(client, account, symbol="NQ", side="BUY", quantity=1).status_code == 201
    account.refresh_from_db()
    assert (account.cash, account.realized_pnl) == (Decimal("102000.00"), Decimal("2000.00"))
    reconcile(account)


def test_equity_below_maintenance_is_a_margin_call(
    trader: tuple[APIClient, Account], live: LiveDataRedis, clock: ManualClock
) -> None:
    client, account = trader
    tick(live, clock, "CL", last="60.00")
    assert order(client, account, symbol="CL", side="BUY", quantity=15).status_code == 201  # 15 × $6,600 = $99,000
    tick(live, clock, "CL", last="54.00")  # −$6 × 1,000 × 15 = −$90,000: net liq $10,000 < $90,000 maintenance
    body = client.get(f"/api/actandpos/accounts/{account.pk}/").json()
    assert (body["net_liq"], body["maintenance_margin"], body["margin_call"]) == (10000.0, 90000.0, True)


def test_a_ym_bracket_fills_entry_then_target_on_the_stream_and_cancels_the_stop(
    trader: tuple[APIClient, Account], live: LiveDataRedis, clock: ManualClock
) -> None:
    client, account = trader
    tick(live, clock, "YM", last="47560", bid="47559", ask="47561")
    filler = RestingOrderFiller(live, block_ms=1)
    filler.step()  # the group starts at the stream's end
    entry = order(
        client,
        account,
        symbol="YM",
        side="BUY",
        quantity=2,
        order_type="LMT",
        limit_price="47550",
        take_profit_price="47570",
        stop_loss_price="47530",
        time_in_force="GTC",
    ).json()
    assert entry["status"] == "WORKING" and entry["bracket_role"] == "ENTRY"
    children = {o.bracket_role: o for o in Order.objects.filter(parent_id=entry["id"])}
    assert {r: o.status for r, o in children.items()} == {"TAKE_PROFIT": "PENDING", "STOP_LOSS": "PENDING"}
    tick(live, clock, "YM", last="47552", bid="47551", ask="47553")  # ask above the limit: nothing
    tick(live, clock, "YM", last="47550", bid="47549", ask="47550")  # ask at the limit: entry fills at 47550
    tick(live, clock, "YM", last="47569", bid="47568", ask="47570")  # bid 47568 short of the target
    tick(live, clock, "YM", last="47571", bid="47570", ask="47572")  # bid reaches 47570: take profit
    while filler.step() == 0.0:  # 0: it read a batch; more may follow
        pass
    entry_row = Order.objects.get(pk=entry["id"])
    children = {o.bracket_role: Order.objects.get(pk=o.pk) for o in children.values()}
    assert (entry_row.status, entry_row.fill_price) == ("FILLED", Decimal("47550"))
    assert (children["TAKE_PROFIT"].status, children["TAKE_PROFIT"].fill_price) == ("FILLED", Decimal("47570"))
    assert children["STOP_LOSS"].status == "CANCELED"
    assert children["STOP_LOSS"].canceled_at == children["TAKE_PROFIT"].filled_at  # the same transaction
    account.refresh_from_db()
    assert account.realized_pnl == Decimal("200.00")  # (47570 − 47550) × $5 × 2
    assert not Position.objects.filter(account=account).exists()
    assert account.margin_in_use == 0
    reconcile(account)


def test_flatten_cancels_the_bracket_and_closes_at_market_and_cancel_all_empties_the_book(
    trader: tuple[APIClient, Account], live: LiveDataRedis, clock: ManualClock
) -> None:
    client, account = trader
    tick(live, clock, "YM", last="47560", bid="47559", ask="47561")
    entry = order(
        client,
        account,
        symbol="YM",
        side="BUY",
        quantity=2,
        order_type="MKT",
        take_profit_price="47600",
        stop_loss_price="47520",
    ).json()
    assert entry["status"] == "FILLED" and entry["fill_price"] == 47560.0
    legs = {o.bracket_role: o.status for o in Order.objects.filter(parent_id=entry["id"])}
    assert legs == {"TAKE_PROFIT": "WORKING", "STOP_LOSS": "WORKING"}
    resting = order(client, account, symbol="ES", side="BUY", quantity=1, order_type="LMT", limit_price="6000")
    assert resting.json()["status"] == "WORKING"
    nothing = client.post("/api/trades/positions/flatten", {"account": account.pk, "symbol": "ES"}, format="json")
    assert (nothing.status_code, nothing.json()["error"]) == (400, "symbol: no open position in ES to flatten")
    tick(live, clock, "YM", last="47570", bid="47569", ask="47571")
    flat = client.post("/api/trades/positions/flatten", {"account": account.pk, "symbol": "YM"}, format="json")
    assert flat.status_code == 201, flat.json()
    body = flat.json()
    assert (body["order"]["side"], body["order"]["quantity"], body["order"]["status"]) == ("SELL", 2, "FILLED")
    assert body["order"]["fill_price"] == 47570.0
    assert sorted(o["bracket_role"] for o in body["canceled"]) == ["STOP_LOSS", "TAKE_PROFIT"]
    assert not Position.objects.filter(account=account, symbol="YM").exists()
    assert Order.objects.get(symbol="ES", status="WORKING")  # flatten touches only its symbol
    account.refresh_from_db()
    assert account.realized_pnl == Decimal("100.00")  # (47570 − 47560) × $5 × 2
    swept = client.post("/api/trades/orders/cancel-all", {"account": account.pk}, format="json")
    assert swept.status_code == 200 and [o["symbol"] for o in swept.json()["canceled"]] == ["ES"]
    assert not Order.objects.filter(account=account, status__in=["WORKING", "PENDING"]).exists()
    reconcile(account)


def test_a_limit_far_below_the_market_rests_fills_once_across_a_restart_and_day_orders_expire(
    trader: tuple[APIClient, Account], live: LiveDataRedis, clock: ManualClock
) -> None:
    client, account = trader
    tick(live, clock, "VX", last="20.20", bid="20.15", ask="20.25")
    first = RestingOrderFiller(live, block_ms=1)
    first.step()
    resting = order(client, account, symbol="VX", side="BUY", quantity=1, order_type="LMT", limit_price="0.01").json()
    assert resting["status"] == "WORKING"  # never at a made-up price
    buy = order(
        client, account, symbol="VX", side="BUY", quantity=1, order_type="LMT", limit_price="19.90", time_in_force="GTC"
    ).json()
    tick(live, clock, "VX", last="20.00", bid="19.95", ask="20.05")
    tick(live, clock, "VX", last="19.90", bid="19.85", ask="19.90")  # the ask reaches 19.90
    # the first worker applies the batch and dies before acknowledging it
    original_ack = live.ack

    def crash(group: str, ids: list[str]) -> int:
        raise ConnectionError("worker killed before XACK")

    live.ack = crash  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        first.step()
    live.ack = original_ack  # type: ignore[method-assign]
    assert Order.objects.get(pk=buy["id"]).status == "FILLED"
    # a restarted worker re-reads the unacknowledged entries: the order does not fill twice
    restarted = RestingOrderFiller(live, block_ms=1)
    restarted.step()
    assert live.client.xpending(QUOTE_STREAM_KEY, GROUP)["pending"] == 0
    assert LedgerEntry.objects.filter(order_id=buy["id"]).count() == 1
    assert Position.objects.get(account=account, symbol="VX").quantity == 1
    assert Order.objects.get(pk=resting["id"]).status == "WORKING"
    # the DAY order ends at 16:00 Chicago (22:00 UTC on 2025-11-26); GTC stays
    assert expire_day_orders(now=datetime(2025, 11, 26, 21, 59, tzinfo=UTC)) == 0
    assert expire_day_orders(now=datetime(2025, 11, 26, 22, 0, tzinfo=UTC)) == 1
    assert Order.objects.get(pk=resting["id"]).status == "EXPIRED"
    reconcile(account)


def test_only_thors_instruments_trade_and_nobody_sees_another_users_orders(
    trader: tuple[APIClient, Account], live: LiveDataRedis, clock: ManualClock
) -> None:
    client, account = trader
    assert order(client, account, symbol="ZZZ", side="BUY", quantity=1).status_code == 400
    tick(live, clock, "GC", last="4100")
    mine = order(client, account, symbol="GC", side="BUY", quantity=1, order_type="LMT", limit_price="4000").json()
    intruder = APIClient()
    intruder.force_authenticate(User.objects.create_user("intruder"))
    assert intruder.get(f"/api/actandpos/accounts/{account.pk}/").status_code == 404
    assert intruder.post(f"/api/trades/orders/{mine['id']}/cancel").status_code == 404
    assert intruder.get(f"/api/trades/statements?account={account.pk}").status_code == 404
    assert intruder.get("/api/trades/orders").json() == []
    cancelled = client.post(f"/api/trades/orders/{mine['id']}/cancel")
    assert cancelled.json()["status"] == "CANCELED"
    assert client.get(f"/api/actandpos/accounts/{account.pk}/").json()["margin_in_use"] == 0.0


@pytest.fixture
def buy_capture(seeded: None, live: LiveDataRedis, clock: ManualClock, settings: Any) -> None:
    """A USA capture of 2025-11-26 whose composite is BUY (ES and NQ turned up), rows by future."""
    settings.THOR_WORKBOOK = str(TOS_DATA / "rtd_2025-11-26.xlsm")
    call_command("poll_tos_excel", "--once")
    for symbol, change in {"ES": 10, "NQ": 20}.items():
        quote = live.get_latest_quote(symbol)
        assert quote is not None
        quote["change"] = Decimal(change)
        live.publish_quote(quote)


def test_trading_a_capture_places_its_bracket_and_auto_trade_does_it_at_the_open(
    buy_capture: None, live: LiveDataRedis, clock: ManualClock, django_capture_on_commit_callbacks: Any
) -> None:
    follower = User.objects.create_user("follower")
    Account.objects.filter(owner=follower).update(auto_trade_markets=["USA"], auto_trade_quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        capture_market_open(market=Market.objects.get(country="USA"))
    rows = {r.future: r for r in MarketSession.objects.all()}
    total = rows["TOTAL"]
    assert total.bhs in ("BUY", "STRONG_BUY")
    # auto-trade: the follower's account bought 2 YM with the capture's target and stop
    auto = Order.objects.get(account__owner=follower, bracket_role="ENTRY")
    assert (auto.symbol, auto.side, auto.quantity, auto.status, auto.capture_id) == ("YM", "BUY", 2, "FILLED", total.pk)
    legs = {o.bracket_role: o for o in auto.children.all()}
    assert (legs["TAKE_PROFIT"].limit_price, legs["STOP_LOSS"].stop_price) == (total.target_high, total.target_low)
    assert {o.status for o in legs.values()} == {"WORKING"}
    # by hand: the DX row is STRONG_SELL → a short bracket, take profit below at target_low
    trader = APIClient()
    trader.force_authenticate(User.objects.create_user("trader"))
    account = Account.objects.get(owner__username="trader")
    dx = rows["DX"]
    placed = trader.post(
        f"/api/trades/orders/from-capture/{dx.pk}", {"account": account.pk, "quantity": 1}, format="json"
    )
    assert placed.status_code == 201
    entry = Order.objects.get(pk=placed.json()["id"])
    legs = {o.bracket_role: o for o in entry.children.all()}
    assert (entry.symbol, entry.side, entry.status) == ("DX", "SELL", "FILLED")
    assert (legs["TAKE_PROFIT"].side, legs["TAKE_PROFIT"].limit_price, legs["STOP_LOSS"].stop_price) == (
        "BUY",
        dx.target_low,
        dx.target_high,
    )
    hold = rows["SI"]
    MarketSession.objects.filter(pk=hold.pk).update(bhs="HOLD")  # a capture row without a trade
    refused = trader.post(f"/api/trades/orders/from-capture/{hold.pk}", {"account": account.pk}, format="json")
    assert refused.status_code == 400 and "there is no trade to take" in refused.json()["error"]
    assert (
        trader.post("/api/trades/orders/from-capture/999999", {"account": account.pk}, format="json").status_code == 404
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("THOR_TEST_DATABASE_URL"), reason="needs PostgreSQL (row locks); CI sets it")
def test_8_threads_of_mixed_orders_while_ticks_stream_reconcile_to_the_cent(
    seeded: None, live: LiveDataRedis, clock: ManualClock
) -> None:
    """8 threads × 25 orders (market, limit, bracket, cancel) on one FUTURES account while a ninth
    thread streams ES ticks through the resting-order filler: no order fills twice and cash,
    positions and realised P&L reconcile with the ledger to the cent."""
    assert connection.vendor == "postgresql"
    account = Account.objects.get(owner=User.objects.create_user("busy"))
    deposit = Decimal("9900000.00")  # room for every order's margin: the test is about races, not refusals
    LedgerEntry.objects.create(
        account=account, kind="DEPOSIT", cash_delta=deposit, reason="test deposit", created_at=clock.now()
    )
    Account.objects.filter(pk=account.pk).update(cash=Decimal("10000000.00"), net_liq=Decimal("10000000.00"))
    account.refresh_from_db()
    tick(live, clock, "ES", last="6800.00", bid="6799.75", ask="6800.25")
    filler = RestingOrderFiller(live, block_ms=5)
    filler.step()
    barrier = threading.Barrier(9)
    done = threading.Event()
    errors: list[BaseException] = []

    def trade(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(25):
                side = "BUY" if (worker + i) % 2 else "SELL"
                kind = (worker + i) % 4
                params: dict[str, Any] = {
                    "symbol": "ES",
                    "side": side,
                    "quantity": 1 + i % 2,
                    "client_order_id": f"w{worker}-{i}",
                }
                if kind == 1:
                    params.update(order_type="LMT", limit_price=Decimal("6799.50" if side == "BUY" else "6800.50"))
                elif kind == 2:
                    params.update(
                        take_profit_price=Decimal("6802" if side == "BUY" else "6798"),
                        stop_loss_price=Decimal("6798" if side == "BUY" else "6802"),
                    )
                result = place_order(account=account, request=OrderRequest(**params))
                if kind == 3 and result.order.status == "WORKING":
                    cancel_order(order=result.order)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    def stream() -> None:
        try:
            barrier.wait()
            prices = ["6799.50", "6800.00", "6800.50", "6802.00", "6798.00", "6800.00"]
            n = 0
            while not done.is_set() or n < 60:
                price = Decimal(prices[n % len(prices)])
                live.publish_quote(
                    {
                        "symbol": "ES",
                        "last": price,
                        "bid": price - Decimal("0.25"),
                        "ask": price + Decimal("0.25"),
                        "ts_ingest": "2030-01-01T00:00:00+00:00",
                    }
                )
                filler.step()
                n += 1
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=trade, args=(w,)) for w in range(8)]
    streamer = threading.Thread(target=stream)
    for t in [*threads, streamer]:
        t.start()
    for t in threads:
        t.join(120)
    done.set()
    streamer.join(120)
    assert not errors, errors
    entries = Order.objects.filter(account=account, parent__isnull=True).count()
    assert entries == 200
    fills = LedgerEntry.objects.filter(account=account, kind="FILL")
    assert fills.count() == Order.objects.filter(account=account, status="FILLED").count()  # one entry per fill
    assert len(set(fills.values_list("order_id", flat=True))) == fills.count()  # no order filled twice
    assert Order.objects.filter(account=account, status="FILLED", parent__isnull=False).exists()
    reconcile(account)


def test_the_statement_gives_pnl_by_day_commissions_the_equity_curve_and_a_csv(
    trader: tuple[APIClient, Account], live: LiveDataRedis, clock: ManualClock
) -> None:
    client, account = trader
    ContractMargin.objects.filter(symbol="ES").update(commission=Decimal("2.50"))
    for side, quantity, price in [("BUY", 2, "6800"), ("SELL", 2, "6810")]:  # 26 Nov: +$1,000, $10 commission
        tick(live, clock, "ES", last=price)
        assert order(client, account, symbol="ES", side=side, quantity=quantity).status_code == 201
    clock.advance(days=1)
    for side, price in [("SELL", "6820"), ("BUY", "6830")]:  # 27 Nov: a short loses $500, $5 commission
        tick(live, clock, "ES", last=price)
        assert order(client, account, symbol="ES", side=side, quantity=1).status_code == 201
    body = client.get(f"/api/trades/statements?account={account.pk}").json()
    assert body["pnl_by_day"] == [
        {"date": "2025-11-26", "fills": 2, "realized_pnl": 1000.0, "commission": 10.0, "net_pnl": 990.0},
        {"date": "2025-11-27", "fills": 2, "realized_pnl": -500.0, "commission": 5.0, "net_pnl": -505.0},
    ]
    assert [p["equity"] for p in body["equity_curve"]] == [100000.0, 99995.0, 100990.0, 100987.5, 100485.0]
    assert (body["realized_pnl"], body["commission"], body["net_liq"]) == (500.0, 15.0, 100485.0)
    account.refresh_from_db()
    assert account.cash == Decimal("100485.00")  # a futures account's cash is its closed-trade equity
    later = client.get(f"/api/trades/statements?account={account.pk}&start=2025-11-27").json()
    assert [p["equity"] for p in later["equity_curve"]] == [100987.5, 100485.0]  # carried from before the period
    export = client.get(f"/api/trades/statements/export?account={account.pk}")
    assert export["Content-Type"].startswith("text/csv")
    lines = export.content.decode().splitlines()
    assert lines[0].startswith("id,time_utc,kind,symbol,quantity,price,cash_delta_usd")
    assert len(lines) == 6 and lines[2].split(",")[2:10] == ["FILL", "ES", "2", "6800", "-5", "0", "5", "99995"]


def test_auto_trade_is_set_by_put_for_control_markets_only_and_only_on_your_account(
    trader: tuple[APIClient, Account],
) -> None:
    client, account = trader
    url = f"/api/actandpos/accounts/{account.pk}/auto-trade"
    saved = client.put(url, {"markets": ["USA", "Japan", "USA"], "quantity": 3}, format="json")
    assert saved.status_code == 200
    assert (saved.json()["auto_trade_markets"], saved.json()["auto_trade_quantity"]) == (["USA", "Japan"], 3)
    bad = client.put(url, {"markets": ["Atlantis"]}, format="json")
    assert bad.status_code == 400 and "markets" in bad.json()["error"]
    assert client.get(url).status_code == 405  # a GET changes nothing
    intruder = APIClient()
    intruder.force_authenticate(User.objects.create_user("intruder"))
    assert intruder.put(url, {"markets": []}, format="json").status_code == 404
    account.refresh_from_db()
    assert account.auto_trade_markets == ["USA", "Japan"]
