"""Market-open captures and their grading (SPEC §6, §7)."""

from __future__ import annotations

from typing import Any

from django.db import models

from ThorTrading import grading, signals
from ThorTrading.models.instruments import SIGNAL_CHOICES

FUTURES = ("YM", "ES", "NQ", "RTY", "CL", "SI", "HG", "GC", "VX", "DX", "ZB")
TOTAL = "TOTAL"
FUTURE_CHOICES = [(TOTAL, "TOTAL (composite, trades YM)")] + [(s, s) for s in FUTURES]

WNDW_CHOICES = [
    (grading.PENDING, "Pending"),
    (grading.WORKED, "Worked"),
    (grading.DIDNT_WORK, "Didn't work"),
    (grading.NEUTRAL, "Neutral"),
    (grading.EXPIRED, "Expired"),
]
HIT_TYPE_CHOICES = [(grading.TARGET, "Profit target"), (grading.STOP, "Stop loss")]

D: dict[str, Any] = {"max_digits": 18, "decimal_places": 6, "null": True, "blank": True}  # points; 1/128 needs 6 places
PCT: dict[str, Any] = {"max_digits": 14, "decimal_places": 4, "null": True, "blank": True}


class MarketSession(models.Model):
    """One future of one market-open capture (12 rows per capture: 11 futures and TOTAL).

    Names users know from the original Thor: ``capture_group`` — the id shared by the 12 rows of one
    capture event (global, increasing); ``session_number`` — the market's own capture ordinal;
    ``bhs`` — the buy/hold/sell signal at capture ("" when the future had no signal); ``wndw`` —
    "worked / didn't work", the trade's outcome (PENDING until graded; NEUTRAL when there is no
    trade; EXPIRED when the market's evaluation window ran out). ``year``/``month``/``date``/``day``
    are the market-local date and weekday of the capture. Prices are in points, ``pnl_usd`` in USD
    per contract. TOTAL carries the composite and trades YM.
    """

    session_number = models.PositiveIntegerField(help_text="This market's capture ordinal")
    capture_group = models.PositiveIntegerField(db_index=True, help_text="Shared by the 12 rows of one capture")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    date = models.PositiveSmallIntegerField(help_text="Market-local day of month")
    day = models.CharField(max_length=3, help_text="Market-local weekday (Mon…Sun)")
    captured_at = models.DateTimeField(db_index=True)
    country = models.CharField(max_length=50, db_index=True)
    future = models.CharField(max_length=10, choices=FUTURE_CHOICES)
    late = models.BooleanField(default=False, help_text="Captured by the catch-up scan after the open")
    forced = models.BooleanField(default=False, help_text="Made on purpose with --force (exempt from once-a-day)")
    stale = models.BooleanField(default=False, help_text="The quote was stale (or missing) at capture")
    stale_symbols = models.CharField(max_length=200, blank=True, help_text="TOTAL: symbols stale at capture")

    bhs = models.CharField(max_length=20, choices=SIGNAL_CHOICES, blank=True, help_text="Signal at capture")
    weight = models.IntegerField(null=True, blank=True, help_text="Signal weight; TOTAL: sum of signal weights")
    wndw = models.CharField(max_length=20, choices=WNDW_CHOICES, default=grading.PENDING, db_index=True)

    last_price = models.DecimalField(**D)
    bid_price = models.DecimalField(**D)
    bid_size = models.IntegerField(null=True, blank=True)
    ask_price = models.DecimalField(**D)
    ask_size = models.IntegerField(null=True, blank=True)
    spread = models.DecimalField(**D)
    volume = models.BigIntegerField(null=True, blank=True, help_text="Feed cumulative volume at capture")

    entry_price = models.DecimalField(**D)
    target_high = models.DecimalField(**D)
    target_low = models.DecimalField(**D)
    target_hit_at = models.DateTimeField(null=True, blank=True)
    target_hit_price = models.DecimalField(**D)
    target_hit_type = models.CharField(max_length=10, choices=HIT_TYPE_CHOICES, null=True, blank=True)
    pnl_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, help_text="USD per contract")

    # Session metrics, filled while the market is open and at its close (SPEC §8).
    market_open = models.DecimalField(**D)
    market_high_open = models.DecimalField(**D)
    market_high_pct_open = models.DecimalField(**PCT)
    market_low_open = models.DecimalField(**D)
    market_low_pct_open = models.DecimalField(**PCT)
    market_close = models.DecimalField(**D)
    market_high_pct_close = models.DecimalField(**PCT)
    market_low_pct_close = models.DecimalField(**PCT)
    market_close_vs_open_pct = models.DecimalField(**PCT)
    market_range = models.DecimalField(**D)
    market_range_pct = models.DecimalField(**PCT)
    session_volume = models.BigIntegerField(null=True, blank=True)

    # 24-hour fields from the feed at capture.
    prev_close_24h = models.DecimalField(**D)
    open_price_24h = models.DecimalField(**D)
    open_prev_diff_24h = models.DecimalField(**D)
    open_prev_pct_24h = models.DecimalField(**PCT)
    low_24h = models.DecimalField(**D)
    high_24h = models.DecimalField(**D)
    range_diff_24h = models.DecimalField(**D)
    range_pct_24h = models.DecimalField(**PCT)
    close_24h = models.DecimalField(**D)

    # 52-week fields (percentages relative to the last price at capture).
    low_52w = models.DecimalField(**D)
    low_pct_52w = models.DecimalField(**PCT)
    high_52w = models.DecimalField(**D)
    high_pct_52w = models.DecimalField(**PCT)
    range_52w = models.DecimalField(**D)
    range_pct_52w = models.DecimalField(**PCT)

    # TOTAL only.
    weighted_average = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    instrument_count = models.PositiveSmallIntegerField(null=True, blank=True)

    # Backtest statistics for (country, future) over earlier captures, as of captured_at.
    strong_buy_worked = models.DecimalField(**D)
    strong_buy_worked_percentage = models.DecimalField(**PCT)
    strong_buy_didnt_work = models.DecimalField(**D)
    strong_buy_didnt_work_percentage = models.DecimalField(**PCT)
    buy_worked = models.DecimalField(**D)
    buy_worked_percentage = models.DecimalField(**PCT)
    buy_didnt_work = models.DecimalField(**D)
    buy_didnt_work_percentage = models.DecimalField(**PCT)
    hold = models.DecimalField(**D)
    strong_sell_worked = models.DecimalField(**D)
    strong_sell_worked_percentage = models.DecimalField(**PCT)
    strong_sell_didnt_work = models.DecimalField(**D)
    strong_sell_didnt_work_percentage = models.DecimalField(**PCT)
    sell_worked = models.DecimalField(**D)
    sell_worked_percentage = models.DecimalField(**PCT)
    sell_didnt_work = models.DecimalField(**D)
    sell_didnt_work_percentage = models.DecimalField(**PCT)

    country_future = models.PositiveIntegerField(null=True, blank=True, help_text="Ordinal of this (country, future)")
    country_future_wndw_total = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-captured_at", "future"]
        verbose_name = "market session"
        constraints = [
            models.UniqueConstraint(fields=["capture_group", "future"], name="uniq_session_group_future"),
            # At most one capture per market per market-local day; --force captures are exempt.
            models.UniqueConstraint(
                fields=["country", "year", "month", "date", "future"],
                condition=models.Q(forced=False),
                name="uniq_session_country_local_day_future",
            ),
            models.CheckConstraint(
                condition=models.Q(wndw__in=[c for c, _ in WNDW_CHOICES]), name="session_wndw_valid"
            ),
        ]
        indexes = [models.Index(fields=["future", "wndw"], name="session_future_wndw")]

    def __str__(self) -> str:
        return f"{self.country} {self.future} {self.year}-{self.month:02d}-{self.date:02d} {self.bhs or '-'} {self.wndw}"

    @property
    def side(self) -> int:
        """+1 long, −1 short, 0 no trade."""
        return signals.trade_side(self.bhs or None)


class MissedCapture(models.Model):
    """A market open that could not be captured after every retry (SPEC §6)."""

    country = models.CharField(max_length=50)
    expected_open = models.DateTimeField(null=True, blank=True)
    attempted_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField()

    class Meta:
        ordering = ["-attempted_at"]

    def __str__(self) -> str:
        return f"{self.country} missed at {self.attempted_at:%Y-%m-%d %H:%M}Z"
