"""What a trade costs, as the paper desk charges it (issue 26).

The commission per contract per side lives in the paper desk's contract table (ActAndPos, a layer
above this app). ActAndPos hands the table's reader to :func:`set_commission_source` when it starts,
so the backtests, the sweeps and the statistics cost trades exactly as the desk does without
ThorTrading importing the desk.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

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
