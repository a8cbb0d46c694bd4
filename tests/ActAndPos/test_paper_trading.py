"""Paper trading on a CASH account (SPEC §11: the first version's rules, kept for whoever wants
them): every rule with exact figures, every rejection, ownership, reconciliation. FUTURES accounts
(the default since issue 12) are in ``test_futures_trading.py``."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient

from ActAndPos.models import Account, LedgerEntry, Order, Position
from ActAndPos.services.resting import fill_resting_orders
from core import clock
from LiveData.redis_client import LiveDataRedis

pytestmark = pytest.mark.real_services


def quote(live: LiveDataRedis, symbol: str, *, age_seconds: float = 0.0, **prices: Any) -> None:
    """Publish a quote read ``age_seconds`` ago by Thor's clock (a live one by default)."""
    live.publish_quote(
        {
            "symbol": symbol,
            "ts_ingest": (clock.now() - timedelta(seconds=age_seconds)).isoformat(),
            **{k: Decimal(str(v)) if v is not None else None for k, v in prices.items()},
        }
    )


@pytest.fixture
def trader(seeded: None, live: LiveDataRedis) -> tuple[APIClient, Account]:
    """A trader whose paper account was switched to CASH."""
    user = User.objects.create_user("trader")
    client = APIClient()
    client.force_authenticate(user)
    Account.objects.filter(owner=user).update(kind="CASH")
    return client, Account.objects.get(owner=user)


def order(client: APIClient, account: Account, **params: Any) -> Any:
    return client.post("/api/trades/orders", {"account": account.pk, **params}, format="json")


def reconcile(account: Account) -> None:
    """cash = Σ ledger cash; each position = Σ ledger quantity of its symbol; both never negative."""
    account.refresh_from_db()
    ledger = list(LedgerEntry.objects.filter(account=account))
    assert sum((e.cash_delta for e in ledger), Decimal(0)) == account.cash >= 0
    held: dict[str, int] = {}
    for e in ledger:
        if e.symbol:
            held[e.symbol] = held.get(e.symbol, 0) + e.quantity_delta
    positions = {p.symbol: p.quantity for p in Position.objects.filter(account=account)}
    assert {s: q for s, q in held.items() if q} == positions
    assert all(q > 0 for q in positions.values())


def test_a_new_user_gets_a_futures_paper_account_that_can_trade_at_once(seeded: None, live: LiveDataRedis) -> None:
    client = APIClient()
    client.force_authenticate(User.objects.create_user("newcomer"))
    body = client.get("/api/actandpos/accounts/").json()
    assert body == [client.get(f"/api/actandpos/accounts/{body[0]['id']}/").json()]
    assert body[0]["kind"] == "FUTURES"
    assert (body[0]["cash"], body[0]["buying_power"], body[0]["net_liq"], body[0]["margin_in_use"]) == (
        100000.0,
        100000.0,
        100000.0,
        0.0,
    )
    assert body[0]["margin_call"] is False
    assert LedgerEntry.objects.get(account_id=body[0]["id"]).reason == "opening paper deposit"


def test_market_buy_fills_at_last_with_the_point_value(trader: tuple[APIClient, Account], live: LiveDataRedis) -> None:
    client, account = trader
    quote(live, "CL", last="59.08", bid="59.07", ask="59.09", close="58.65")
    response = order(client, account, symbol="CL", side="BUY", quantity=1, order_type="MKT")
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["fill_price"]) == ("FILLED", 59.08)
    account.refresh_from_db()
    assert account.cash == Decimal("40920.00")  # 100,000 − 1 × 59.08 × 1,000
    assert account.buying_power == account.cash
    quote(live, "CL", last="60.00", bid="59.99", ask="60.01")
    positions = client.get(f"/api/actandpos/accounts/{account.pk}/positions/").json()
    assert positions == [
        {
            "symbol": "CL",
            "quantity": 1,
            "average_price": 59.08,
            "realized_pnl": 0.0,
            "mark": 60.0,
            "market_value": 60000.0,
            "unrealized_pnl": 920.0,
        }
    ]
    assert account.net_liq == Decimal("100000.00")  # valued at the fill price when it filled
    reconcile(account)


@pytest.mark.parametrize(
    ("prices", "fill"),
    [
        ({"last": None, "bid": "18.65", "ask": "18.70", "close": "18.71"}, 18.65),
        ({"last": None, "bid": None, "ask": "18.70", "close": "18.71"}, 18.70),
        ({"last": None, "bid": None, "ask": None, "close": "18.71"}, 18.71),
    ],
)
def test_market_price_falls_back_from_last_to_bid_ask_close(
    trader: tuple[APIClient, Account], live: LiveDataRedis, prices: dict[str, Any], fill: float
) -> None:
    client, account = trader
    quote(live, "VX", **prices)
    assert order(client, account, symbol="VX", side="BUY", quantity=1).json()["fill_price"] == fill


def test_market_order_without_a_quote_is_rejected_and_changes_nothing(trader: tuple[APIClient, Account]) -> None:
    client, account = trader
    response = order(client, account, symbol="GC", side="BUY", quantity=1, order_type="MKT")
    assert response.status_code == 400
    assert response.json()["error"] == (
        "No live price for GC in Redis (no last, bid, ask or close); market orders need a quote"
    )
    assert response.json()["order"]["status"] == "REJECTED"
    account.refresh_from_db()
    assert account.cash == Decimal("100000.00")
    assert not Position.objects.filter(account=account).exists()
    assert LedgerEntry.objects.filter(account=account).count() == 1


def test_market_order_with_redis_down_is_rejected(trader: tuple[APIClient, Account], dead_redis: LiveDataRedis) -> None:
    client, account = trader
    response = order(client, account, symbol="GC", side="BUY", quantity=1)
    assert response.status_code == 400 and "quotes are unavailable" in response.json()["error"]
    account.refresh_from_db()
    assert account.cash == Decimal("100000.00")


TICK_TIME = datetime(2030, 1, 1, tzinfo=UTC)


def test_a_cash_limit_rests_until_the_ask_reaches_it_then_pays_the_limit(
    trader: tuple[APIClient, Account], live: LiveDataRedis
) -> None:
    client, account = trader
    quote(live, "VX", last="20.20", bid="20.15", ask="20.25")
    placed = order(client, account, symbol="VX", side="BUY", quantity=2, order_type="LMT", limit_price="18.50").json()
    assert (placed["status"], placed["fill_price"]) == ("WORKING", None)
    tick = {
        "symbol": "VX",
        "bid": Decimal("18.45"),
        "ask": Decimal("18.55"),
        "last": Decimal("18.50"),
        "ts_ingest": "2030-01-01T00:00:00+00:00",
    }
    assert fill_resting_orders([tick], now=TICK_TIME) == 0  # the ask 18.55 is above the limit
    assert fill_resting_orders([{**tick, "ask": Decimal("18.50")}], now=TICK_TIME) == 1
    filled = Order.objects.get(pk=placed["id"])
    assert (filled.status, filled.fill_price) == ("FILLED", Decimal("18.500000"))
    account.refresh_from_db()
    assert account.cash == Decimal("100000.00") - Decimal("37000.00")  # 2 × 18.50 × $1,000
    reconcile(account)


def test_resting_orders_need_their_prices(trader: tuple[APIClient, Account]) -> None:
    client, account = trader
    response = order(client, account, symbol="VX", side="BUY", quantity=1, order_type="STP")
    assert response.status_code == 400
    assert response.json()["error"] == "stop_price: a STP order needs one"
    assert order(client, account, symbol="VX", side="BUY", quantity=1, order_type="LMT").json()["error"] == (
        "limit_price: a LMT order needs one"
    )
    assert (
        order(client, account, symbol="VX", side="BUY", quantity=1, order_type="STP_LMT", stop_price="19").json()[
            "error"
        ]
        == "limit_price: a STP_LMT order needs one"
    )


def test_a_buy_beyond_cash_is_rejected(trader: tuple[APIClient, Account], live: LiveDataRedis) -> None:
    client, account = trader
    quote(live, "YM", last="47551", bid="47542", ask="47545")
    response = order(client, account, symbol="YM", side="BUY", quantity=1)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "Insufficient cash: buying 1 YM at 47551 costs $237,755.00 (× 5 per point); cash is $100,000.00"
    )


def test_a_market_order_on_a_stale_quote_is_rejected_with_its_age(
    trader: tuple[APIClient, Account], live: LiveDataRedis
) -> None:
    """Issue 25: a dead feed must not fill at yesterday's prices; the order is kept, REJECTED, saying why."""
    client, account = trader
    quote(live, "CL", last="59.08", bid="59.07", ask="59.09", age_seconds=20 * 60)
    response = order(client, account, symbol="CL", side="BUY", quantity=1, order_type="MKT")
    assert response.status_code == 400
    reason = "The latest CL quote is 20m 0s old (stale after 15s): a market order needs a live price; check the feed (/api/health/)"
    assert response.json()["error"] == reason
    rejected = Order.objects.get(account=account)
    assert (rejected.status, rejected.reject_reason) == ("REJECTED", reason)
    account.refresh_from_db()
    assert account.cash == Decimal("100000.00") and not Position.objects.filter(account=account).exists()
    quote(live, "CL", last="59.08", bid="59.07", ask="59.09", age_seconds=10)  # fresh enough: fills
    assert order(client, account, symbol="CL", side="BUY", quantity=1, order_type="MKT").json()["status"] == "FILLED"


def test_selling_more_than_the_position_is_rejected(trader: tuple[APIClient, Account], live: LiveDataRedis) -> None:
    client, account = trader
    quote(live, "CL", last="59.08")
    order(client, account, symbol="CL", side="BUY", quantity=1)
    response = order(client, account, symbol="CL", side="SELL", quantity=2)
    assert response.json()["error"] == "Cannot sell 2 CL: the position is 1 (no short selling in a cash account)"
    assert (
        order(client, account, symbol="ES", side="SELL", quantity=1, order_type="LMT", limit_price="6800").json()[
            "error"
        ]
        == "Cannot sell 1 ES: the position is 0 (no short selling in a cash account)"
    )


def test_a_sell_realises_pnl_and_closes_the_position(trader: tuple[APIClient, Account], live: LiveDataRedis) -> None:
    client, account = trader
    quote(live, "CL", last="59.08")
    order(client, account, symbol="CL", side="BUY", quantity=1)
    quote(live, "CL", last="60.00")
    assert order(client, account, symbol="CL", side="SELL", quantity=1).status_code == 201
    account.refresh_from_db()
    assert (account.cash, account.realized_pnl, account.net_liq) == (
        Decimal("100920.00"),
        Decimal("920.00"),
        Decimal("100920.00"),
    )
    assert not Position.objects.filter(account=account).exists()  # no zero positions linger
    statement = client.get(f"/api/trades/statements?account={account.pk}&start=2000-01-01").json()
    assert len(statement["fills"]) == 2 and statement["realized_pnl"] == 920.0
    assert statement["cash_change"] == 100920.0
    reconcile(account)


def test_a_repeated_client_order_id_returns_the_first_order(
    trader: tuple[APIClient, Account], live: LiveDataRedis
) -> None:
    client, account = trader
    quote(live, "CL", last="59.08")
    first = order(client, account, symbol="CL", side="BUY", quantity=1, client_order_id="abc-1")
    again = order(client, account, symbol="CL", side="BUY", quantity=1, client_order_id="abc-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Order.objects.filter(account=account).count() == 1
    reconcile(account)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"symbol": "CL", "side": "HOLD", "quantity": 1}, 'side: "HOLD" is not a valid choice.'),
        ({"symbol": "CL", "side": "BUY", "quantity": 0}, "quantity: Ensure this value is greater than or equal to 1."),
        ({"symbol": "CL", "side": "BUY", "quantity": "two"}, "quantity: A valid integer is required."),
        (
            {"symbol": "CL", "side": "BUY", "quantity": 10**12},
            "quantity: Ensure this value is less than or equal to 10000.",
        ),
        (
            {"symbol": "CL", "side": "BUY", "quantity": 1, "order_type": "OCO"},
            'order_type: "OCO" is not a valid choice.',
        ),
        (
            {"symbol": "CL", "side": "BUY", "quantity": 1, "order_type": "LMT", "limit_price": "-5"},
            "limit_price: Ensure this value is greater than or equal to 0.000001.",
        ),
        (
            {"symbol": "CL", "side": "BUY", "quantity": 1, "order_type": "LMT", "limit_price": 1e30},
            "limit_price: Ensure that there are no more than 18 digits in total.",
        ),
        (
            {"symbol": "CL", "side": "BUY", "quantity": 1, "client_order_id": "x" * 65},
            "client_order_id: Ensure this field has no more than 64 characters.",
        ),
        ({"symbol": "", "side": "BUY", "quantity": 1}, 'symbol: "" is not a valid choice.'),
        ({"symbol": "ZZZ", "side": "BUY", "quantity": 1}, 'symbol: "ZZZ" is not a valid choice.'),
    ],
)
def test_malformed_orders_answer_400_naming_the_field(
    trader: tuple[APIClient, Account], params: dict[str, Any], message: str
) -> None:
    client, account = trader
    response = order(client, account, **params)
    assert (response.status_code, response.json()["error"]) == (400, message)
    assert not Order.objects.exists()


def test_bad_query_parameters_are_400s_not_500s(trader: tuple[APIClient, Account]) -> None:
    client, _ = trader
    bad = client.get("/api/trades/orders?account=abc")
    assert bad.status_code == 400 and bad.json()["error"] == "account: A valid integer is required."
    assert client.get("/api/trades/orders?status=LOST").status_code == 400
    missing = client.get("/api/trades/statements")
    assert missing.status_code == 400 and missing.json()["error"] == "account: This field is required."
    assert client.get("/api/trades/statements?account=1&start=yesterday").json()["error"].startswith("start: ")
    empty = client.post("/api/trades/orders", {}, format="multipart")
    assert empty.status_code == 400 and empty.json()["error"].endswith("This field is required.")


def test_one_user_cannot_see_cancel_or_trade_another_users_account(
    trader: tuple[APIClient, Account], live: LiveDataRedis
) -> None:
    client, account = trader
    quote(live, "CL", last="59.08")
    placed = order(client, account, symbol="CL", side="BUY", quantity=1).json()
    intruder = APIClient()
    intruder.force_authenticate(User.objects.create_user("intruder"))
    assert intruder.get(f"/api/actandpos/accounts/{account.pk}/").status_code == 404
    assert intruder.get(f"/api/actandpos/accounts/{account.pk}/positions/").status_code == 404
    assert intruder.post(f"/api/trades/orders/{placed['id']}/cancel").status_code == 404
    assert order(intruder, account, symbol="CL", side="SELL", quantity=1).status_code == 404
    assert intruder.get(f"/api/trades/statements?account={account.pk}").status_code == 404
    assert intruder.get("/api/trades/orders").json() == []
    assert len(intruder.get("/api/actandpos/accounts/").json()) == 1  # only the intruder's own
    assert APIClient().get("/api/trades/orders").status_code == 401


def test_only_working_orders_can_be_cancelled(trader: tuple[APIClient, Account], live: LiveDataRedis) -> None:
    client, account = trader
    quote(live, "CL", last="59.08")
    placed = order(client, account, symbol="CL", side="BUY", quantity=1).json()
    response = client.post(f"/api/trades/orders/{placed['id']}/cancel")
    assert (response.status_code, response.json()["error"]) == (
        400,
        f"Order {placed['id']} is FILLED; only working orders can be cancelled",
    )
    assert client.get("/api/trades/orders/active").json() == []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("THOR_TEST_DATABASE_URL"), reason="needs PostgreSQL (row locks); CI sets it")
def test_200_concurrent_orders_keep_cash_and_positions_non_negative_and_the_ledger_reconciles(
    live: LiveDataRedis,
) -> None:
    from ActAndPos.services.order_engine import place_order
    from ActAndPos.services.order_request import OrderRequest
    from ActAndPos.services.seed import seed_contract_multipliers

    assert connection.vendor == "postgresql"
    seed_contract_multipliers()
    user = User.objects.create_user("busy")
    Account.objects.filter(owner=user).update(kind="CASH")
    account = Account.objects.get(owner=user)
    quote(live, "VX", last="18.50")
    quote(live, "CL", last="59.08")
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def trade(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(25):
                side = "BUY" if (worker + i) % 3 else "SELL"
                symbol = "VX" if i % 2 else "CL"
                place_order(
                    account=account,
                    request=OrderRequest(
                        symbol=symbol, side=side, quantity=1 + i % 2, client_order_id=f"w{worker}-{i}"
                    ),
                )
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=trade, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert Order.objects.filter(account=account).count() == 200
    filled = Order.objects.filter(account=account, status="FILLED").count()
    assert filled > 0 and Order.objects.filter(account=account, status="REJECTED").exists()
    reconcile(account)
    # and the realised P&L in the ledger adds up to the account's
    account.refresh_from_db()
    assert (
        sum((e.realized_pnl for e in LedgerEntry.objects.filter(account=account)), Decimal(0)) == account.realized_pnl
    )


@pytest.mark.django_db
def test_deleting_a_user_deletes_their_paper_history_and_nobody_elses(
    trader: tuple[APIClient, Account], live: LiveDataRedis
) -> None:
    client, account = trader
    quote(live, "CL", last="59.08")
    assert order(client, account, symbol="CL", side="BUY", quantity=1, order_type="MKT").status_code == 201
    other = User.objects.create_user("other")
    other_account = Account.objects.get(owner=other)
    assert LedgerEntry.objects.filter(account=account).count() == 2  # the deposit and the fill
    User.objects.get(username="trader").delete()
    assert not Account.objects.filter(pk=account.pk).exists()
    assert (
        not LedgerEntry.objects.filter(account_id=account.pk).exists()
        and not Order.objects.filter(account_id=account.pk).exists()
    )
    assert LedgerEntry.objects.filter(account=other_account).count() == 1  # untouched
    with pytest.raises(ValueError, match="append-only"):
        LedgerEntry.objects.get(account=other_account).delete()  # one entry alone still cannot go
