"""Trading a market-open capture on a paper account (issue 12): by hand from a session card, or by
itself at every capture of the markets an account follows ("auto-trade market opens")."""

from __future__ import annotations

import logging
from datetime import datetime

from ActAndPos.choices import OrderSide, OrderType, TimeInForce
from ActAndPos.models import Account
from ActAndPos.services.order_engine import OrderRejected, OrderResult, place_order
from ActAndPos.services.order_request import OrderRequest
from core import clock
from ThorTrading.models import MarketSession
from ThorTrading.signals import trade_side
from ThorTrading.strategy import TOTAL, traded_symbol

logger = logging.getLogger(__name__)


def trade_capture(
    *,
    account: Account,
    session: MarketSession,
    quantity: int,
    now: datetime | None = None,
    client_order_id: str | None = None,
) -> OrderResult:
    """Place ``session``'s trade on ``account``: a market entry in the capture's direction (BUY /
    STRONG_BUY long, SELL / STRONG_SELL short; TOTAL trades YM, SPEC §6) with a bracket whose
    take-profit and stop are the capture's target and stop (long: take profit ``target_high``,
    stop ``target_low``; short the other way round). Raises :class:`OrderRejected` when the
    capture has no trade (HOLD, no signal) or no target and stop."""
    side = trade_side(session.bhs or None)
    if side == 0:
        raise OrderRejected(
            f"capture row {session.pk} ({session.country} {session.future}) is "
            f"{session.bhs or 'without a signal'}: there is no trade to take"
        )
    if session.target_high is None or session.target_low is None:
        raise OrderRejected(f"capture row {session.pk} ({session.country} {session.future}) has no target and stop")
    take_profit, stop_loss = (
        (session.target_high, session.target_low) if side > 0 else (session.target_low, session.target_high)
    )
    request = OrderRequest(
        symbol=traded_symbol(session.future),
        side=OrderSide.BUY if side > 0 else OrderSide.SELL,
        quantity=quantity,
        order_type=OrderType.MKT,
        time_in_force=TimeInForce.GTC,
        take_profit_price=take_profit,
        stop_loss_price=stop_loss,
        client_order_id=client_order_id,
    )
    return place_order(account=account, request=request, now=now or clock.now(), capture=session)


def account_set_auto_trade(*, account: Account, markets: list[str], quantity: int) -> Account:
    """Make ``account`` trade every capture of ``markets`` (control market country names; [] = none)
    by itself, ``quantity`` contracts each time. The caller has checked the names and the owner."""
    account.auto_trade_markets = list(dict.fromkeys(markets))
    account.auto_trade_quantity = quantity
    account.save(update_fields=["auto_trade_markets", "auto_trade_quantity", "updated_at"])
    return account


def auto_trade_capture(*, capture_group: int, country: str, now: datetime | None = None) -> int:
    """Trade the composite's trade (the TOTAL row) of capture ``capture_group`` on every account
    that auto-trades ``country``, unless the composite is HOLD; once per account and capture
    (``client_order_id`` ``auto-<capture_group>``). Returns the orders placed."""
    total = MarketSession.objects.filter(capture_group=capture_group, future=TOTAL).first()
    if total is None or trade_side(total.bhs or None) == 0:
        return 0
    placed = 0
    for account in Account.objects.exclude(auto_trade_markets=[]).order_by("pk"):
        if country not in (account.auto_trade_markets or []):
            continue
        try:
            result = trade_capture(
                account=account,
                session=total,
                quantity=account.auto_trade_quantity or 1,
                now=now,
                client_order_id=f"auto-{capture_group}",
            )
        except OrderRejected as exc:
            logger.warning("auto-trade of capture_group %s on account %s refused: %s", capture_group, account.pk, exc)
            continue
        if result.rejected:
            logger.warning(
                "auto-trade of capture_group %s on account %s rejected: %s",
                capture_group,
                account.pk,
                result.order.reject_reason,
            )
        placed += int(result.created)
    if placed:
        logger.info("auto-traded capture_group %s (%s) on %d accounts", capture_group, country, placed)
    return placed
