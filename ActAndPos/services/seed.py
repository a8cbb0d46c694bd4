"""Reference data for paper trading: the futures' point values (USD per point = tick value / tick
size; CME, CBOT, NYMEX, COMEX, CFE and ICE contract specifications)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ActAndPos.models import ContractMargin, ContractMultiplier

POINT_VALUES = {
    "YM": "5",
    "ES": "50",
    "NQ": "20",
    "RTY": "50",
    "CL": "1000",
    "SI": "5000",
    "HG": "25000",
    "GC": "100",
    "VX": "1000",
    "DX": "1000",
    "ZB": "1000",
}


def seed_contract_multipliers(*, model: Any = None) -> int:
    """Create the missing point values (existing rows keep admin edits); returns how many were created.
    ``model`` lets a data migration pass its historical model."""
    if model is None:
        model = ContractMultiplier
    created = 0
    for symbol, value in POINT_VALUES.items():
        _, was_created = model.objects.get_or_create(symbol=symbol, defaults={"multiplier": Decimal(value)})
        created += int(was_created)
    return created


#: Maintenance margin per contract (USD), approximate exchange figures as of April 2025 (CME Group
#: for YM ES NQ RTY CL SI HG GC ZB, CFE for VX, ICE for DX). Initial = 110 % of maintenance, the
#: exchanges' speculator ratio. Approximations: the exchanges move them with volatility.
MAINTENANCE_MARGINS = {
    "YM": "9000",
    "ES": "11500",
    "NQ": "18000",
    "RTY": "7000",
    "CL": "6000",
    "SI": "15000",
    "HG": "6500",
    "GC": "17000",
    "VX": "9000",
    "DX": "2500",
    "ZB": "4500",
}
MARGINS_AS_OF = "2025-04-01"
MARGINS_SOURCE = "approx. CME Group / CFE / ICE, April 2025"


def seed_contract_margins(*, model: Any = None) -> int:
    """Create the missing margin rows (existing rows keep admin edits); returns how many were created.
    ``model`` lets a data migration pass its historical model."""
    from datetime import date

    if model is None:
        model = ContractMargin
    created = 0
    for symbol, maintenance in MAINTENANCE_MARGINS.items():
        value = Decimal(maintenance)
        _, was_created = model.objects.get_or_create(
            symbol=symbol,
            defaults={
                "maintenance_margin": value,
                "initial_margin": (value * Decimal("1.1")).quantize(Decimal("0.01")),
                "as_of": date.fromisoformat(MARGINS_AS_OF),
                "source": MARGINS_SOURCE,
            },
        )
        created += int(was_created)
    return created
