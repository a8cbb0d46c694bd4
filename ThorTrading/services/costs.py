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

from ThorTrading import research

_source: Callable[[], dict[str, Decimal]] = dict


def set_commission_source(source: Callable[[], dict[str, Decimal]]) -> None:
    """Where :func:`commissions` reads from: ``source()`` → ``{symbol: USD per contract per side}``."""
    global _source
    _source = source


def commissions() -> dict[str, Decimal]:
    """The commission per contract per side (USD) by symbol; a symbol not listed costs nothing."""
    return _source()


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
