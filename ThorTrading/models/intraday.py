"""What Thor records while markets trade (SPEC §8): bars, VWAP, CME-day metrics, 52-week extremes.

Written once a minute by the intraday worker from the quote stream, never per tick.
"""

from __future__ import annotations

from django.db import models


class MarketIntraday(models.Model):
    """One symbol's 1-minute OHLCV bar. ``minute`` is the UTC minute it starts; prices from
    ``last`` (points); ``volume`` is the increase of the feed's cumulative volume during the minute;
    bid/ask/spread are those at the minute's last tick; ``cumulative_volume`` the feed's total then."""

    symbol = models.CharField(max_length=20)
    minute = models.DateTimeField()
    open = models.DecimalField(max_digits=18, decimal_places=6)
    high = models.DecimalField(max_digits=18, decimal_places=6)
    low = models.DecimalField(max_digits=18, decimal_places=6)
    close = models.DecimalField(max_digits=18, decimal_places=6)
    volume = models.BigIntegerField(default=0)
    bid = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    ask = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    spread = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    cumulative_volume = models.BigIntegerField(null=True, blank=True)
    ticks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["symbol", "minute"]
        verbose_name = "1-minute bar"
        constraints = [models.UniqueConstraint(fields=["symbol", "minute"], name="uniq_bar_symbol_minute")]
        indexes = [models.Index(fields=["minute"], name="bar_minute")]

    def __str__(self) -> str:
        return f"{self.symbol} {self.minute:%Y-%m-%d %H:%M}Z O{self.open} H{self.high} L{self.low} C{self.close} V{self.volume}"


class VwapMinute(models.Model):
    """VWAP per symbol per minute: ``price_volume`` = Σ last × Δvolume in the minute (points ×
    contracts), ``vwap`` its minute VWAP, ``session_vwap`` the CME day's VWAP up to this minute."""

    symbol = models.CharField(max_length=20)
    minute = models.DateTimeField()
    price_volume = models.DecimalField(max_digits=28, decimal_places=6, default=0)
    volume = models.BigIntegerField(default=0)
    vwap = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    session_vwap = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["symbol", "minute"]
        verbose_name = "VWAP minute"
        constraints = [models.UniqueConstraint(fields=["symbol", "minute"], name="uniq_vwap_symbol_minute")]

    def __str__(self) -> str:
        return f"{self.symbol} {self.minute:%H:%M}Z VWAP {self.vwap}"


class FutureTrading24Hour(models.Model):
    """One symbol's CME Globex trading day (17:00 America/Chicago to 17:00 the next day, labelled
    by the day it ends): open, previous close, high, low, range (points; ``range_pct`` of the
    previous close, else of the open), volume, VWAP, and the close once the day has ended."""

    symbol = models.CharField(max_length=20)
    trading_day = models.DateField()
    open = models.DecimalField(max_digits=18, decimal_places=6)
    prev_close = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    high = models.DecimalField(max_digits=18, decimal_places=6)
    low = models.DecimalField(max_digits=18, decimal_places=6)
    last = models.DecimalField(max_digits=18, decimal_places=6)
    range = models.DecimalField(max_digits=18, decimal_places=6)
    range_pct = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    volume = models.BigIntegerField(default=0)
    price_volume = models.DecimalField(max_digits=28, decimal_places=6, default=0)
    vwap = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    close = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    finalized = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["symbol", "-trading_day"]
        verbose_name = "24-hour (CME day) metrics"
        verbose_name_plural = "24-hour (CME day) metrics"
        constraints = [models.UniqueConstraint(fields=["symbol", "trading_day"], name="uniq_24h_symbol_day")]

    def __str__(self) -> str:
        return f"{self.symbol} {self.trading_day} H{self.high} L{self.low}"


class Rolling52WeekStats(models.Model):
    """A symbol's 52-week high and low with their dates, from the daily highs and lows of the last
    52 weeks (older extremes roll off). ``history_days``: how many days of history that covers."""

    symbol = models.CharField(max_length=20, unique=True)
    high_52w = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    high_52w_date = models.DateField(null=True, blank=True)
    low_52w = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    low_52w_date = models.DateField(null=True, blank=True)
    history_days = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["symbol"]
        verbose_name = "52-week stats"
        verbose_name_plural = "52-week stats"

    def __str__(self) -> str:
        return f"{self.symbol} 52w {self.low_52w}–{self.high_52w}"
