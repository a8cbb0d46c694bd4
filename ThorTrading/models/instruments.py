"""Instrument configuration: contracts, signal thresholds, weights and targets (SPEC §4, §5).

All admin-editable. Every change invalidates the cached trading configuration
(``ThorTrading.services.config``), so the next quote request sees it.
"""

from __future__ import annotations

from django.db import models

from ThorTrading import targets
from ThorTrading.choices import Signal, TargetMode

SIGNAL_CHOICES = Signal.choices()


class TradingInstrument(models.Model):
    """A futures contract Thor follows, by canonical root symbol (YM, ES… ZB).

    ``tick_size`` is the minimum price move in points; ``tick_value`` the USD a one-tick move is
    worth per contract (CME/ICE/CFE contract specifications, SPEC §5). ``inverse_weight`` marks the
    instruments that rise when markets fall (VX, DX, GC, ZB): their composite weight is negated.
    """

    symbol = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    exchange = models.CharField(max_length=20, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    feed_symbol = models.CharField(max_length=40, blank=True, help_text="Symbol in the TOS workbook, e.g. $DXY")
    tick_size = models.DecimalField(max_digits=12, decimal_places=6, help_text="Points per tick")
    tick_value = models.DecimalField(max_digits=10, decimal_places=2, help_text="USD per tick per contract")
    display_precision = models.PositiveSmallIntegerField(default=2, help_text="Decimals shown")
    price_format = models.CharField(
        max_length=8,
        choices=[("decimal", "Decimal"), ("32nds", "32nds (117'02, 117'02+)")],
        default="decimal",
        help_text="How the dashboard writes prices: Treasury futures in 32nds, as TOS does",
    )
    inverse_weight = models.BooleanField(default=False, help_text="Rises when markets fall: composite weight negated")
    is_active = models.BooleanField(default=True)
    show_in_ribbon = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "symbol"]
        constraints = [
            models.CheckConstraint(condition=models.Q(tick_size__gt=0), name="instrument_tick_size_positive"),
            models.CheckConstraint(condition=models.Q(tick_value__gt=0), name="instrument_tick_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.name})"


class SignalStatValue(models.Model):
    """One threshold of an instrument's signal ladder, in points of net change (SPEC §4)."""

    instrument = models.ForeignKey(TradingInstrument, on_delete=models.CASCADE, related_name="signal_stat_values")
    signal = models.CharField(max_length=20, choices=SIGNAL_CHOICES)
    value = models.DecimalField(max_digits=14, decimal_places=6)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["instrument__sort_order", "signal"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "signal"], name="uniq_stat_value_instrument_signal")
        ]

    def __str__(self) -> str:
        return f"{self.instrument.symbol} {self.signal} {self.value}"


class SignalWeight(models.Model):
    """The composite weight of a signal: STRONG_BUY +2 … STRONG_SELL −2 (SPEC §4)."""

    signal = models.CharField(max_length=20, choices=SIGNAL_CHOICES, unique=True)
    weight = models.SmallIntegerField()

    class Meta:
        ordering = ["-weight"]

    def __str__(self) -> str:
        return f"{self.signal} {self.weight:+d}"


class ContractWeight(models.Model):
    """How much an instrument's stat value counts in the composite's weighted sum (default 1)."""

    instrument = models.OneToOneField(TradingInstrument, on_delete=models.CASCADE, related_name="contract_weight")
    weight = models.DecimalField(max_digits=10, decimal_places=6, default=1)

    class Meta:
        ordering = ["instrument__sort_order"]

    def __str__(self) -> str:
        return f"{self.instrument.symbol} × {self.weight}"


class TargetHighLowConfig(models.Model):
    """Profit target and stop for an instrument's market-open trades (SPEC §5).

    ``profit_target`` and ``stop_loss`` are positive magnitudes in the mode's unit: USD per contract
    (converted to whole ticks), ticks, points, or percent of the entry. Targets land on the tick grid.
    """

    MODE_CHOICES = TargetMode.choices()

    instrument = models.OneToOneField(TradingInstrument, on_delete=models.CASCADE, related_name="target_config")
    mode = models.CharField(max_length=10, choices=MODE_CHOICES, default=targets.USD)
    profit_target = models.DecimalField(max_digits=14, decimal_places=6, default=100)
    stop_loss = models.DecimalField(max_digits=14, decimal_places=6, default=100)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["instrument__sort_order"]
        verbose_name = "target high/low config"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode=targets.DISABLED) | (models.Q(profit_target__gt=0) & models.Q(stop_loss__gt=0)),
                name="target_amounts_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument.symbol}: +{self.profit_target}/-{self.stop_loss} {self.mode}"
