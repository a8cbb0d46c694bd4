"""Reference data: the eleven instruments, thresholds, weights and $100 targets (SPEC §4, §5)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from GlobalMarkets.services.seed import seed_control_markets
from ThorTrading import signals, targets
from ThorTrading.models import ContractWeight, SignalStatValue, SignalWeight, TargetHighLowConfig, TradingInstrument
from ThorTrading.reference import DEFAULT_STOP_USD, DEFAULT_TARGET_USD, INSTRUMENTS


@dataclass
class SeedReport:
    """How many rows of each kind were created (existing rows are never changed)."""

    markets: int = 0
    instruments: int = 0
    thresholds: int = 0
    signal_weights: int = 0
    contract_weights: int = 0
    targets: int = 0

    def __str__(self) -> str:
        return ", ".join(f"{k.replace('_', ' ')} +{v}" for k, v in self.__dict__.items())


@transaction.atomic
def seed_thor() -> SeedReport:
    """Create whatever reference rows are missing; rows that exist keep their (admin-edited)
    values, so running it again changes nothing."""
    report = SeedReport(markets=seed_control_markets())
    for signal, weight in signals.DEFAULT_SIGNAL_WEIGHTS.items():
        _, created = SignalWeight.objects.get_or_create(signal=signal, defaults={"weight": weight})
        report.signal_weights += int(created)
    for order, spec in enumerate(INSTRUMENTS):
        instrument, created = TradingInstrument.objects.get_or_create(
            symbol=spec["symbol"],
            defaults={
                "name": spec["name"],
                "exchange": spec["exchange"],
                "feed_symbol": spec.get("feed_symbol", spec["symbol"]),
                "tick_size": Decimal(str(spec["tick_size"])),
                "tick_value": Decimal(str(spec["tick_value"])),
                "display_precision": spec["display_precision"],
                "price_format": spec.get("price_format", "decimal"),
                "inverse_weight": spec["inverse"],
                "sort_order": order,
            },
        )
        report.instruments += int(created)
        ladder = signals.Thresholds.symmetric(str(spec["strong_buy"]), str(spec["buy"]))
        for signal in signals.SIGNALS:
            _, created = SignalStatValue.objects.get_or_create(
                instrument=instrument, signal=signal, defaults={"value": ladder.value_for(signal)}
            )
            report.thresholds += int(created)
        _, created = ContractWeight.objects.get_or_create(instrument=instrument, defaults={"weight": Decimal(1)})
        report.contract_weights += int(created)
        _, created = TargetHighLowConfig.objects.get_or_create(
            instrument=instrument,
            defaults={
                "mode": targets.USD,
                "profit_target": Decimal(DEFAULT_TARGET_USD),
                "stop_loss": Decimal(DEFAULT_STOP_USD),
            },
        )
        report.targets += int(created)
    return report
