"""The events that become messages (connected in ``NotificationsConfig.ready``).

Each receiver runs after the event's transaction committed (the senders use
``core.events.send_on_commit``) and only queues rows (:func:`Notifications.services.enqueue`):
nothing here touches the network, so a capture, a grade or a fill never waits for a notification.
One message per capture (its composite and the trade TOTAL makes), one per resolution of that
trade; fills and margin calls go to the account's owner only.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.dispatch import receiver

from ActAndPos.events import margin_called, order_changed
from ActAndPos.models import Account, Order
from Notifications.choices import NotificationKind
from Notifications.services import enqueue
from ThorTrading.events import capture_missed, market_captured, trade_resolved
from ThorTrading.models import TOTAL, MarketSession, MissedCapture


def _utc(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC" if at else "—"


def _num(value: Decimal | float | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value).normalize():f}"


def _usd(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{'+' if value > 0 else '−' if value < 0 else ''}${abs(value):,.2f}"


def _levels(row: MarketSession) -> tuple[Decimal | None, Decimal | None]:
    """(target, stop) by the trade's side: a short's target is the lower level."""
    if row.side < 0:
        return row.target_low, row.target_high
    return row.target_high, row.target_low


def capture_message(total: MarketSession) -> tuple[str, str]:
    """(title, body) of a capture from its TOTAL row: market, time, composite, the trade or why none."""
    signal = total.bhs or "no signal"
    title = f"{total.country} capture: TOTAL {signal}"
    lines = [
        f"{total.country} captured at {_utc(total.captured_at)} (market-local {total.session_date}, {total.day}).",
        f"Composite {signal}: weight {total.weight if total.weight is not None else '—'}, "
        f"{total.instrument_count or 0} instruments.",
    ]
    if total.wndw == "PENDING" and total.entry_price is not None:
        target, stop = _levels(total)
        side = "long" if total.side > 0 else "short"
        lines.append(f"Trade: YM {side} at {_num(total.entry_price)}, target {_num(target)}, stop {_num(stop)}.")
    else:
        lines.append(f"No trade ({total.reason or signal}).")
    if total.stale_symbols:
        lines.append(f"Stale quotes: {total.stale_symbols}.")
    return title, "\n".join(lines)


def resolution_message(row: MarketSession) -> tuple[str, str]:
    """(title, body) of a trade that left PENDING: outcome, P&L, where and when."""
    outcome = row.wndw.replace("_", " ")
    title = f"{row.country} {row.future} {outcome} {_usd(row.pnl_usd)}"
    side = "long" if row.side > 0 else "short"
    traded = "YM" if row.future == TOTAL else row.future
    if row.wndw == "EXPIRED":
        how = row.reason or "the evaluation window ended"
    else:
        how = f"hit the {(row.target_hit_type or '').lower() or 'level'} {_num(row.target_hit_price)}"
    body = (
        f"{row.country} {row.bhs} ({row.session_date}): {traded} {side} from {_num(row.entry_price)} {how} "
        f"at {_utc(row.resolved_at or row.target_hit_at)}.\n"
        f"Outcome {outcome}, P&L {_usd(row.pnl_usd)} per contract."
    )
    return title, body


@receiver(market_captured, dispatch_uid="notifications-capture")
def _on_capture(sender: Any, capture_group: int, country: str, **kwargs: Any) -> None:
    total = MarketSession.objects.filter(capture_group=capture_group, future=TOTAL).first()
    if total is not None:
        enqueue(NotificationKind.CAPTURE, *capture_message(total))


@receiver(trade_resolved, dispatch_uid="notifications-resolution")
def _on_resolution(sender: Any, ids: list[int], **kwargs: Any) -> None:
    # The capture's trade is TOTAL's: one message per capture, not one per future.
    for row in MarketSession.objects.filter(pk__in=ids, future=TOTAL).order_by("captured_at"):
        enqueue(NotificationKind.RESOLUTION, *resolution_message(row))


@receiver(capture_missed, dispatch_uid="notifications-missed-capture")
def _on_missed(sender: Any, missed: MissedCapture, **kwargs: Any) -> None:
    enqueue(
        NotificationKind.MISSED_CAPTURE,
        f"{missed.country} capture MISSED",
        f"{missed.country}'s open at {_utc(missed.expected_open)} was not captured after {missed.attempts} "
        f"tries: {missed.error}\nCapture it by hand (dashboard: Capture now, or manage.py capture_market_open "
        f"--market {missed.country!r} --force) if the quotes still stand.",
    )


@receiver(order_changed, dispatch_uid="notifications-fill")
def _on_order(sender: Any, order: Order, owner_id: int, **kwargs: Any) -> None:
    if order.status != "FILLED":
        return
    role = f" ({order.bracket_role.replace('_', ' ').lower()})" if order.bracket_role else ""
    enqueue(
        NotificationKind.FILL,
        f"Filled {order.side} {order.quantity} {order.symbol} @ {_num(order.fill_price)}",
        f"Order {order.pk}{role}: {order.order_type} {order.side} {order.quantity} {order.symbol} filled at "
        f"{_num(order.fill_price)} ({_utc(order.filled_at)}), commission {_usd(order.commission)}.",
        owner_id=owner_id,
    )


@receiver(margin_called, dispatch_uid="notifications-margin-call")
def _on_margin_call(sender: Any, account: Account, **kwargs: Any) -> None:
    enqueue(
        NotificationKind.MARGIN_CALL,
        f"MARGIN CALL on account {account.pk}",
        f"Net liquidation {_usd(account.net_liq)} is below the maintenance margin {_usd(account.maintenance_margin)}. "
        "Add funds or reduce positions.",
        owner_id=account.owner_id,
    )
