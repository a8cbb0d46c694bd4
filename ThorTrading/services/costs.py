"""What a trade costs, as the paper desk charges it (issue 26).

The commission per contract per side lives in the paper desk's contract table (ActAndPos, a layer
above this app). ActAndPos hands the table's reader to :func:`set_commission_source` when it starts,
so the backtests, the sweeps and the statistics cost trades exactly as the desk does without
ThorTrading importing the desk.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.cache import cache

from ThorTrading import research

_source: Callable[[], dict[str, Decimal]] = dict


def set_commission_source(source: Callable[[], dict[str, Decimal]]) -> None:
    """Where :func:`commissions` reads from: ``source()`` → ``{symbol: USD per contract per side}``."""
    global _source
    _source = source


def commissions() -> dict[str, Decimal]:
    """The commission per contract per side (USD) by symbol; a symbol not listed costs nothing."""
    return _source()


COSTS_KEY = "thor:cost-cents"


def forget_costs() -> None:
    """Drop the cached :func:`cost_cents` (the desk calls it when a commission is edited)."""
    cache.delete(COSTS_KEY)


def cost_cents(*, stop_slippage_ticks: int = 1) -> dict[str, tuple[int, int]]:
    """Per symbol, ``(round trip commission, stop slippage)`` in cents: what ``stats/`` takes from each
    resolved trade for its net figures (issue 26). Kept in this process's cache for a minute (and
    forgotten at once when the desk's commissions change): the stats answer in two queries."""
    found = cache.get(COSTS_KEY)
    if found is None:
        found = _cost_cents(stop_slippage_ticks)
        cache.set(COSTS_KEY, found, 60)
    return dict(found)


def _cost_cents(stop_slippage_ticks: int) -> dict[str, tuple[int, int]]:
    from ThorTrading.services.config import get_trading_config

    commission = commissions()
    found = {}
    for instrument in get_trading_config().instruments:
        per_side = commission.get(instrument.symbol, Decimal(0))
        found[instrument.symbol] = (
            int(2 * per_side * 100),
            int(stop_slippage_ticks * instrument.tick_value * 100),
        )
    return found


def trading_costs(*, stop_slippage_ticks: int = 1, target_slippage_ticks: int = 0) -> dict[str, research.Costs]:
    """Each symbol's :class:`~ThorTrading.research.Costs`: the desk's commission and the given slippage."""
    return {
        symbol: research.Costs(commission, stop_slippage_ticks, target_slippage_ticks)
        for symbol, commission in commissions().items()
    }


def net_trades(
    trades: list[dict[str, Any]], costs: dict[str, research.Costs], tick_values: dict[str, Decimal]
) -> list[dict[str, Any]]:
    """``trades`` with ``pnl_usd`` net of ``costs`` (per traded symbol; none = free) and the gross kept
    as ``gross_pnl_usd``."""
    rows = []
    for trade in trades:
        symbol = "YM" if trade["future"] == "TOTAL" else trade["future"]
        cost = costs.get(symbol)
        net = trade["pnl_usd"]
        if (
            cost is not None
            and trade["entry_price"] is not None
            and trade["wndw"] in ("WORKED", "DIDNT_WORK", "EXPIRED")
        ):
            net = cost.net(trade["pnl_usd"], trade["target_hit_type"], tick_value=tick_values[symbol])
        rows.append({**trade, "gross_pnl_usd": trade["pnl_usd"], "pnl_usd": net})
    return rows
