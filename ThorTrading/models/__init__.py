from ThorTrading.models.backtests import Backtest, BacktestKind, BacktestStatus
from ThorTrading.models.instruments import (
    ContractWeight,
    SignalStatValue,
    SignalWeight,
    TargetHighLowConfig,
    TradingInstrument,
)
from ThorTrading.models.intraday import FutureTrading24Hour, MarketIntraday, Rolling52WeekStats, VwapMinute
from ThorTrading.models.sessions import FUTURES, TOTAL, MarketSession, MissedCapture, traded_symbol

__all__ = [
    "FUTURES",
    "TOTAL",
    "Backtest",
    "BacktestKind",
    "BacktestStatus",
    "ContractWeight",
    "FutureTrading24Hour",
    "MarketIntraday",
    "MarketSession",
    "MissedCapture",
    "Rolling52WeekStats",
    "SignalStatValue",
    "SignalWeight",
    "TargetHighLowConfig",
    "TradingInstrument",
    "VwapMinute",
    "traded_symbol",
]
