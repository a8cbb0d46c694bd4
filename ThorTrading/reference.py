"""Reference data Thor ships with (SPEC §4, §5): the eleven futures in display order, their
contract specifications and default signal thresholds. Plain data, used by ``seed_thor``.

Tick size is in points and tick value in USD per contract (CME, CBOT, NYMEX, COMEX, CFE, ICE
contract specifications). Thresholds are STRONG_BUY / BUY in points of net change; SELL and
STRONG_SELL are their negatives. DX and ZB are in points too (the original stored DX in hundredths
and ZB in 32nds).
"""

from __future__ import annotations

INSTRUMENTS: list[dict[str, object]] = [
    {
        "symbol": "YM",
        "name": "E-mini Dow ($5)",
        "exchange": "CBOT",
        "tick_size": "1",
        "tick_value": "5.00",
        "display_precision": 0,
        "strong_buy": "60",
        "buy": "10",
        "inverse": False,
    },
    {
        "symbol": "ES",
        "name": "E-mini S&P 500",
        "exchange": "CME",
        "tick_size": "0.25",
        "tick_value": "12.50",
        "display_precision": 2,
        "strong_buy": "6",
        "buy": "1",
        "inverse": False,
    },
    {
        "symbol": "NQ",
        "name": "E-mini Nasdaq-100",
        "exchange": "CME",
        "tick_size": "0.25",
        "tick_value": "5.00",
        "display_precision": 2,
        "strong_buy": "15",
        "buy": "2.5",
        "inverse": False,
    },
    {
        "symbol": "RTY",
        "name": "E-mini Russell 2000",
        "exchange": "CME",
        "tick_size": "0.10",
        "tick_value": "5.00",
        "display_precision": 1,
        "strong_buy": "15",
        "buy": "2.5",
        "inverse": False,
    },
    {
        "symbol": "CL",
        "name": "Crude Oil (WTI)",
        "exchange": "NYMEX",
        "tick_size": "0.01",
        "tick_value": "10.00",
        "display_precision": 2,
        "strong_buy": "0.3",
        "buy": "0.05",
        "inverse": False,
    },
    {
        "symbol": "SI",
        "name": "Silver",
        "exchange": "COMEX",
        "tick_size": "0.005",
        "tick_value": "25.00",
        "display_precision": 3,
        "strong_buy": "0.06",
        "buy": "0.01",
        "inverse": False,
    },
    {
        "symbol": "HG",
        "name": "Copper",
        "exchange": "COMEX",
        "tick_size": "0.0005",
        "tick_value": "12.50",
        "display_precision": 4,
        "strong_buy": "0.012",
        "buy": "0.002",
        "inverse": False,
    },
    {
        "symbol": "GC",
        "name": "Gold",
        "exchange": "COMEX",
        "tick_size": "0.10",
        "tick_value": "10.00",
        "display_precision": 1,
        "strong_buy": "3",
        "buy": "0.5",
        "inverse": True,
    },
    {
        "symbol": "VX",
        "name": "Cboe VIX futures",
        "exchange": "CFE",
        "tick_size": "0.05",
        "tick_value": "50.00",
        "display_precision": 2,
        "strong_buy": "0.10",
        "buy": "0.05",
        "inverse": True,
    },
    {
        "symbol": "DX",
        "name": "US Dollar Index",
        "exchange": "ICE",
        "tick_size": "0.005",
        "tick_value": "5.00",
        "display_precision": 3,
        "strong_buy": "0.30",
        "buy": "0.05",
        "inverse": True,
        "feed_symbol": "$DXY",
    },
    {
        "symbol": "ZB",
        "name": "30-Year U.S. Treasury Bond",
        "exchange": "CBOT",
        "tick_size": "0.03125",
        "tick_value": "31.25",
        "display_precision": 5,
        "strong_buy": "0.9375",
        "buy": "0.15625",
        "inverse": True,
        "price_format": "32nds",
    },
]

#: Default market-open trade: $100 profit target and $100 stop per contract (SPEC §5).
DEFAULT_TARGET_USD = "100"
DEFAULT_STOP_USD = "100"
