"""The paper engine's pure rules (``ActAndPos.fills``): touches, position arithmetic, margin."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ActAndPos.fills import Margin, RestingOrder, Touch, apply_fill, margin_required, market_price, touch

D = Decimal


def q(**prices: str) -> dict[str, Decimal]:
    return {k: D(v) for k, v in prices.items()}


def test_a_buy_limit_fills_at_its_limit_when_the_ask_reaches_it_not_on_last() -> None:
    order = RestingOrder("LMT", "BUY", D("100"), None)
    assert touch(order, q(bid="99.5", ask="100.5", last="99.75")) is None  # last below, ask above: no fill
    assert touch(order, q(bid="99", ask="99.5", last="99.5")) == Touch(D("100"), triggered=False)


def test_a_sell_stop_fills_at_the_bid_that_gapped_through_it() -> None:
    order = RestingOrder("STP", "SELL", None, D("58.91"))
    assert touch(order, q(bid="58.95", ask="58.97")) is None
    assert touch(order, q(bid="58.80", ask="58.82")) == Touch(D("58.80"), triggered=True)


def test_a_stop_limit_triggers_then_rests_as_a_limit() -> None:
    order = RestingOrder("STP_LMT", "BUY", D("20.10"), D("20.00"))
    assert touch(order, q(bid="20.15", ask="20.20")) == Touch(None, triggered=True)  # triggered, above the limit
    triggered = RestingOrder("STP_LMT", "BUY", D("20.10"), D("20.00"), triggered=True)
    assert touch(triggered, q(bid="20.15", ask="20.20")) is None
    assert touch(triggered, q(bid="20.05", ask="20.10")) == Touch(D("20.10"), triggered=True)


def test_without_bid_and_ask_the_rules_watch_last() -> None:
    assert touch(RestingOrder("LMT", "SELL", D("99.60"), None), q(last="99.60")) == Touch(D("99.60"), triggered=False)
    assert market_price(q(close="99.5")) == D("99.5") and market_price({"last": "abc"}) is None


def test_a_fill_through_flat_realises_the_closed_contracts_and_opens_the_rest_at_the_price() -> None:
    # long 2 ES at 6800; sell 3 at 6810: +10 × $50 × 2 realised, short 1 at 6810
    change = apply_fill(
        quantity=2, average_price=D("6800"), side="SELL", fill_quantity=3, price=D("6810"), point_value=D("50")
    )
    assert (change.quantity, change.average_price, change.realized) == (-1, D("6810"), D("1000.00"))
    # short 1 NQ at 25342.5, buy 1 back at 25242.5: +100 × $20
    back = apply_fill(
        quantity=-1, average_price=D("25342.5"), side="BUY", fill_quantity=1, price=D("25242.5"), point_value=D("20")
    )
    assert (back.quantity, back.average_price, back.realized) == (0, D(0), D("2000.00"))


def test_margin_covers_the_worse_side_of_working_orders_and_a_reducing_order_needs_none() -> None:
    margins = {"ES": Margin(D("12650"), D("11500"))}
    assert margin_required({"ES": 2}, [], margins) == (D("25300.00"), D("23000.00"))
    assert margin_required({"ES": 2}, [("ES", "SELL", 2)], margins) == (D("25300.00"), D("23000.00"))
    assert margin_required({"ES": 2}, [("ES", "BUY", 1), ("ES", "SELL", 5)], margins) == (D("37950.00"), D("23000.00"))


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["BUY", "SELL"]), st.integers(1, 5), st.integers(6700 * 4, 6900 * 4).map(lambda n: D(n) / 4)
        ),
        max_size=30,
    ),
    st.integers(6700 * 4, 6900 * 4).map(lambda n: D(n) / 4),
)
def test_realised_plus_open_pnl_equals_the_cash_flow_of_the_fills(
    fills: list[tuple[str, int, Decimal]], mark: Decimal
) -> None:
    """Whatever the sequence of fills, realised P&L + the open position at ``mark`` equals what
    the fills paid and received plus the position's value at the mark (ES, $50 a point)."""
    quantity, average, realised, cash = 0, D(0), D(0), D(0)
    for side, contracts, price in fills:
        change = apply_fill(
            quantity=quantity, average_price=average, side=side, fill_quantity=contracts, price=price, point_value=D(50)
        )
        quantity, average, realised = change.quantity, change.average_price, realised + change.realized
        cash += (-contracts if side == "BUY" else contracts) * price * 50
    open_pnl = (mark - average) * quantity * 50
    assert abs(realised + open_pnl - (cash + quantity * mark * 50)) <= D("0.01") * (len(fills) + 1)
