"""Reference data for paper trading: the futures' point values (USD per point = tick value / tick
size; CME, CBOT, NYMEX, COMEX, CFE and ICE contract specifications)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

POINT_VALUES = {"YM": "5", "ES": "50", "NQ": "20", "RTY": "50", "CL": "1000", "SI": "5000", "HG": "25000",
                "GC": "100", "VX": "1000", "DX": "1000", "ZB": "1000"}


def seed_contract_multipliers(*, model: Any = None) -> int:
    """Create the missing point values (existing rows keep admin edits); returns how many were created.
    ``model`` lets a data migration pass its historical model."""
    if model is None:
        from ActAndPos.models import ContractMultiplier

        model = ContractMultiplier
    created = 0
    for symbol, value in POINT_VALUES.items():
        _, was_created = model.objects.get_or_create(symbol=symbol, defaults={"multiplier": Decimal(value)})
        created += int(was_created)
    return created
