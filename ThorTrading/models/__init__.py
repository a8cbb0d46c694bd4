from ThorTrading.models.instruments import (
    ContractWeight,
    SignalStatValue,
    SignalWeight,
    TargetHighLowConfig,
    TradingInstrument,
)
from ThorTrading.models.sessions import FUTURES, TOTAL, MarketSession, MissedCapture

__all__ = [
    "FUTURES",
    "TOTAL",
    "ContractWeight",
    "MarketSession",
    "MissedCapture",
    "SignalStatValue",
    "SignalWeight",
    "TargetHighLowConfig",
    "TradingInstrument",
]
