"""Market-open captures and their grading (SPEC §6, §7)."""

from __future__ import annotations

from django.db import models

from ThorTrading import grading, signals
from ThorTrading.choices import FUTURES, HitType, Outcome
from ThorTrading.models.instruments import SIGNAL_CHOICES
from ThorTrading.strategy import TOTAL, traded_symbol  # noqa: F401  (re-exported for the app)

FUTURE_CHOICES = [(TOTAL, "TOTAL (composite, trades YM)")] + [(s, s) for s in FUTURES]

WNDW_CHOICES = Outcome.choices()
HIT_TYPE_CHOICES = HitType.choices()


class MarketSession(models.Model):
    """One future of one market-open capture (12 rows per capture: 11 futures and TOTAL).

    Names users know from the original Thor: ``capture_group`` — the id shared by the 12 rows of one
    capture event (global, increasing); ``session_number`` — the market's own capture ordinal;
    ``bhs`` — the buy/hold/sell signal at capture ("" when the future had no signal); ``wndw`` —
    "worked / didn't work", the trade's outcome (PENDING until graded; NEUTRAL when there is no
    trade; EXPIRED when the market's evaluation window ran out). ``year``/``month``/``date``/``day``
    are the market-local date and weekday of the capture. Prices are in points, ``pnl_usd`` in USD
    per contract. TOTAL carries the composite and trades YM.

    Session metrics come from the 1-minute bars from the capture's minute up to
    ``session_close_at`` (TOTAL follows YM); ``market_open`` is the last price at capture and
    ``market_high_open`` / ``market_low_open`` the session's high and low so far. One definition
    each, in percent:

    - ``market_high_pct_open`` = (high − open) / open × 100 (≥ 0)
    - ``market_low_pct_open`` = (low − open) / open × 100 (≤ 0)
    - ``market_high_pct_close`` = (high − close) / high × 100 (how far the close is below the high)
    - ``market_low_pct_close`` = (close − low) / low × 100 (how far the close is above the low)
    - ``market_close_vs_open_pct`` = (close − open) / open × 100 (signed)
    - ``market_range`` = high − low (points); ``market_range_pct`` = range / open × 100
    - ``session_volume`` = Σ bar volume over the session's minutes (contracts)
    """

    session_number = models.PositiveIntegerField(help_text="This market's capture ordinal")
    capture_group = models.PositiveIntegerField(db_index=True, help_text="Shared by the 12 rows of one capture")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    date = models.PositiveSmallIntegerField(help_text="Market-local day of month")
    day = models.CharField(max_length=3, help_text="Market-local weekday (Mon…Sun)")
    session_date = models.DateField(null=True, db_index=True, help_text="Market-local date of the capture")
    is_demo = models.BooleanField(default=False, help_text="Made by seed_demo_sessions: not real history")
    captured_at = models.DateTimeField(db_index=True)
    country = models.CharField(max_length=50, db_index=True)
    future = models.CharField(max_length=10, choices=FUTURE_CHOICES)
    late = models.BooleanField(default=False, help_text="Captured by the catch-up scan after the open")
    forced = models.BooleanField(default=False, help_text="Made on purpose with --force (exempt from once-a-day)")
    stale = models.BooleanField(default=False, help_text="The quote was stale (or missing) at capture")
    stale_symbols = models.CharField(max_length=200, blank=True, help_text="TOTAL: symbols stale at capture")
    signals = models.CharField(
        max_length=300,
        blank=True,
        help_text="TOTAL: every future's signal at capture, e.g. YM=BUY,ES=HOLD (for insight)",
    )
    session_close_at = models.DateTimeField(
        null=True, blank=True, help_text="The market's scheduled close for this capture; session metrics stop there"
    )

    bhs = models.CharField(max_length=20, choices=SIGNAL_CHOICES, blank=True, help_text="Signal at capture")
    weight = models.IntegerField(null=True, blank=True, help_text="Signal weight; TOTAL: sum of signal weights")
    wndw = models.CharField(max_length=20, choices=WNDW_CHOICES, default=grading.PENDING, db_index=True)

    last_price = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    # At capture, as the quote showed them (issue 14: the API summary lists them); null on older rows.
    change = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True, help_text="Net change, points")
    change_percent = models.DecimalField(
        max_digits=12, decimal_places=6, null=True, blank=True, help_text="Net change, percent of the previous close"
    )
    vwap = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True, help_text="Session VWAP, points")
    bid_price = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    bid_size = models.IntegerField(null=True, blank=True)
    ask_price = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    ask_size = models.IntegerField(null=True, blank=True)
    spread = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    volume = models.BigIntegerField(null=True, blank=True, help_text="Feed cumulative volume at capture")

    entry_price = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    target_high = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    target_low = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    target_hit_at = models.DateTimeField(null=True, blank=True)
    target_hit_price = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    target_hit_type = models.CharField(max_length=10, choices=HIT_TYPE_CHOICES, null=True, blank=True)
    pnl_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, help_text="USD per contract")
    # Excursions (issue 26): how far price went for and against the trade from its entry, on the side it
    # exits, until it resolved (or while it runs: the grader raises them as ticks come); points and USD
    # per contract, with when each was reached.
    mfe_points = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    mae_points = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    mfe_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    mae_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    mfe_at = models.DateTimeField(null=True, blank=True)
    mae_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text="When the trade left PENDING: its first touch, or the window's end (EXPIRED)"
    )
    reason = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why the row has no trade (NEUTRAL: e.g. 'stale quote') or how it ended (EXPIRED)",
    )

    # Session metrics (SPEC §8): definitions in the class docstring.
    market_open = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    market_high_open = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    market_high_pct_open = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    market_low_open = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    market_low_pct_open = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    market_close = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    market_high_pct_close = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    market_low_pct_close = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    market_close_vs_open_pct = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    market_range = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    market_range_pct = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    session_volume = models.BigIntegerField(null=True, blank=True)

    # 24-hour fields from the feed at capture.
    prev_close_24h = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    open_price_24h = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    open_prev_diff_24h = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    open_prev_pct_24h = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    low_24h = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    high_24h = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    range_diff_24h = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    range_pct_24h = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    close_24h = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)

    # 52-week fields (percentages relative to the last price at capture).
    low_52w = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    low_pct_52w = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    high_52w = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    high_pct_52w = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    range_52w = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    range_pct_52w = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)

    # TOTAL only.
    weighted_average = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    sum_weighted = models.DecimalField(
        max_digits=18,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="TOTAL: Σ of the weighted signal values (the composite's sum)",
    )
    instrument_count = models.PositiveSmallIntegerField(null=True, blank=True)

    # Backtest statistics for (country, future) over earlier captures, as of captured_at.
    strong_buy_worked = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    strong_buy_worked_percentage = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    strong_buy_didnt_work = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    strong_buy_didnt_work_percentage = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    buy_worked = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    buy_worked_percentage = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    buy_didnt_work = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    buy_didnt_work_percentage = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    hold = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    strong_sell_worked = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    strong_sell_worked_percentage = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    strong_sell_didnt_work = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    strong_sell_didnt_work_percentage = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    sell_worked = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    sell_worked_percentage = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    sell_didnt_work = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    sell_didnt_work_percentage = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)

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
        indexes = [
            models.Index(fields=["future", "wndw"], name="session_future_wndw"),
            # A market's latest capture in one index step, however long its history (market-opens/latest/).
            models.Index(fields=["country", "-capture_group"], name="session_country_group"),
            # market-opens/today/ and the date filters: a range of captured_at, not a scan of history.
            models.Index(fields=["-captured_at", "future"], name="session_captured_at"),
            # market-opens/stats/: a future's rows in captured_at order with every column the figures
            # and the list filters read, from the index alone (PostgreSQL; other databases get the
            # plain index). Cold stats at 105k rows: 15 ms of heap reads and sorting → 4 ms.
            models.Index(
                fields=["future", "captured_at", "capture_group", "id"],
                name="session_stats_cover",
                include=[
                    "country",
                    "bhs",
                    "day",
                    "year",
                    "month",
                    "date",
                    "wndw",
                    "pnl_usd",
                    "target_hit_at",
                    "entry_price",
                    "session_date",
                    "late",
                    "is_demo",
                    "stale",
                    "target_hit_type",
                ],
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.country} {self.future} {self.year}-{self.month:02d}-{self.date:02d} {self.bhs or '-'} {self.wndw}"
        )

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
