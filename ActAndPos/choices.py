"""ActAndPos's vocabularies, each spelled once (``core.choices.ChoiceSet``). Pure: the fill rules
(``ActAndPos.fills``) use them as the models, the engine, the API's serializers and the schema do.
"""

from __future__ import annotations

from core.choices import ChoiceSet


class AccountKind(ChoiceSet):
    """FUTURES: margin, long and short (SPEC §11); CASH: the first version's rules."""

    FUTURES = "FUTURES"
    CASH = "CASH"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"FUTURES": "Futures (margin, long and short)", "CASH": "Cash (full cost, no shorts)"}


class OrderSide(ChoiceSet):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(ChoiceSet):
    """Market, limit, stop, and stop-limit (a stop that becomes a limit when triggered)."""

    MKT = "MKT"
    LMT = "LMT"
    STP = "STP"
    STP_LMT = "STP_LMT"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"MKT": "Market", "LMT": "Limit", "STP": "Stop", "STP_LMT": "Stop limit"}


class TimeInForce(ChoiceSet):
    """DAY ends at 16:00 America/Chicago of the CME trading day; GTC (good till cancelled) never."""

    DAY = "DAY"
    GTC = "GTC"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"DAY": "Day", "GTC": "Good till cancelled"}


class OrderStatus(ChoiceSet):
    PENDING = "PENDING"
    WORKING = "WORKING"
    FILLED = "FILLED"
    REJECTED = "REJECTED"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {
            "PENDING": "Pending (a bracket child waiting for its entry)",
            "EXPIRED": "Expired (DAY order at the CME day's end)",
        }


class BracketRole(ChoiceSet):
    """An entry with a take-profit limit and a stop-loss stop as one-cancels-other children."""

    ENTRY = "ENTRY"
    TAKE_PROFIT = "TAKE_PROFIT"
    STOP_LOSS = "STOP_LOSS"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"TAKE_PROFIT": "Take profit", "STOP_LOSS": "Stop loss"}


#: The order types that rest as WORKING until a tick reaches them.
RESTING_TYPES: tuple[str, ...] = (OrderType.LMT, OrderType.STP, OrderType.STP_LMT)
