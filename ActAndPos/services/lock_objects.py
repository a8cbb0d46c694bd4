"""Row locks for the paper order engine, taken in one fixed order (Saleor's ``order/lock_objects.py``).

Every action that changes an account locks its rows through these functions, in this order: the
**account**, then its **orders** by id, then the **position**. Two actions can then never wait on
each other's locks in opposite orders (a deadlock): the one that locks the account first goes first.
Call them inside ``transaction.atomic()``; the locks last until it ends.
"""

from __future__ import annotations

from ActAndPos.models import Account, Order, Position


def account_for_update(account_id: int) -> Account:
    """Lock and return the account (first in the order). Raises ``Account.DoesNotExist``."""
    return Account.objects.select_for_update().get(pk=account_id)


def account_and_order_for_update(*, account_id: int, order_id: int) -> tuple[Account, Order]:
    """Lock the account, then the order (second in the order); returns both as they now are.
    Raises ``DoesNotExist`` for either."""
    account = account_for_update(account_id)
    return account, Order.objects.select_for_update().get(pk=order_id)


def position_for_update(account: Account, symbol: str) -> Position | None:
    """Lock and return ``account``'s position in ``symbol`` (last in the order; the account must be
    locked already), or None when it holds none."""
    return Position.objects.select_for_update().filter(account=account, symbol=symbol).first()
