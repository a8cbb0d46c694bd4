"""GlobalMarkets models: the control markets whose opens Thor captures (SPEC §10)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models

from GlobalMarkets.choices import MarketStatus, TradingDaySource


def validate_timezone(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is an IANA timezone name."""
    try:
        ZoneInfo(value)
    except Exception as exc:
        raise ValidationError(f"{value!r} is not an IANA timezone (e.g. America/New_York)") from exc


class Market(models.Model):
    """One control market: where it is, when it trades, and whether Thor captures its open.

    ``open_time`` / ``close_time`` are local wall-clock times in ``timezone_name``. ``calendar_code``
    names the exchange_calendars calendar whose trading days the market follows (XNYS, XTKS…).
    ``evaluation_window_minutes`` overrides the global ``THOR_EVALUATION_WINDOW_MINUTES`` (default 30,
    the market-open plan's "Evaluation Window") for this market: empty = the global window, 0 = never
    expire, N = a captured trade still PENDING N minutes after the capture becomes EXPIRED (SPEC §7).
    """

    country = models.CharField(max_length=50, unique=True, help_text="Canonical name: USA, Pre_USA, Japan…")
    display_name = models.CharField(max_length=100)
    timezone_name = models.CharField(max_length=50, validators=[validate_timezone])
    calendar_code = models.CharField(max_length=10, help_text="exchange_calendars code, e.g. XNYS")
    open_time = models.TimeField(help_text="Local open")
    close_time = models.TimeField(help_text="Local close")
    calendar_hours = models.BooleanField(
        default=True, help_text="Use the exchange calendar's hours; off = its trading days at this market's own hours"
    )
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="East to west")
    weight = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    is_control_market = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    enable_futures_capture = models.BooleanField(default=True, help_text="Capture futures at this market's open")
    enable_open_capture = models.BooleanField(default=True)
    enable_close_capture = models.BooleanField(default=True)
    evaluation_window_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Expire trades still PENDING this many minutes after capture; empty = the global "
        "THOR_EVALUATION_WINDOW_MINUTES (default 30), 0 = never",
    )
    status = models.CharField(max_length=10, choices=MarketStatus.choices(), default=MarketStatus.CLOSED)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    calendar_synced_until = models.DateField(null=True, blank=True, help_text="Last date synced into trading days")
    calendar_covered_until = models.DateField(
        null=True,
        blank=True,
        help_text="Last date the exchange calendar has data for; weekdays after it are a fallback",
    )
    holidays_entered_until = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "Staff have entered this market's holidays and early closes (Trading days, or manage.py "
            "import_holidays) up to this date: weekdays up to it are sessions, not guesses"
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "country"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(evaluation_window_minutes__isnull=True) | models.Q(evaluation_window_minutes__gte=0),
                name="market_evaluation_window_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.country})"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone_name)

    def local_time(self, when: datetime) -> datetime:
        """``when`` (aware) in the market's timezone."""
        return when.astimezone(self.tz)

    def local_date(self, when: datetime) -> date:
        """The market-local calendar date at instant ``when``."""
        return self.local_time(when).date()

    def open_at(self, on: date) -> datetime:
        """The aware instant of the market's open on local date ``on``."""
        return datetime.combine(on, self.open_time, tzinfo=self.tz)


class TradingDay(models.Model):
    """One market-local weekday of a market: whether it trades, and its hours in UTC.

    Filled by ``manage.py sync_market_calendars`` from exchange_calendars (``source`` =
    ``exchange_calendars``), or from the market's configured hours where the calendar has no data
    (``weekday_fallback``). Rows an admin edits become ``override`` and are never replaced by a sync.
    """

    SOURCE_CALENDAR: str = TradingDaySource.CALENDAR
    SOURCE_FALLBACK: str = TradingDaySource.FALLBACK
    SOURCE_OVERRIDE: str = TradingDaySource.OVERRIDE
    SOURCE_STAFF: str = TradingDaySource.STAFF
    SOURCE_CHOICES = TradingDaySource.choices()

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="trading_days")
    date = models.DateField(help_text="Market-local date")
    is_trading_day = models.BooleanField(default=True)
    open_at = models.DateTimeField(null=True, blank=True, help_text="Open (UTC)")
    close_at = models.DateTimeField(null=True, blank=True, help_text="Close (UTC)")
    break_start = models.DateTimeField(
        null=True, blank=True, help_text="Lunch break start (UTC); the market stays open"
    )
    break_end = models.DateTimeField(null=True, blank=True)
    early_close = models.BooleanField(default=False)
    source = models.CharField(max_length=20, choices=SOURCE_CHOICES, default=SOURCE_CALENDAR)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["market__sort_order", "date"]
        constraints = [
            models.UniqueConstraint(fields=["market", "date"], name="uniq_trading_day_market_date"),
            models.CheckConstraint(
                condition=models.Q(is_trading_day=False)
                | (
                    models.Q(open_at__isnull=False)
                    & models.Q(close_at__isnull=False)
                    & models.Q(open_at__lt=models.F("close_at"))
                ),
                name="trading_day_hours_valid",
            ),
        ]
        indexes = [models.Index(fields=["market", "open_at"], name="trading_day_market_open")]

    def __str__(self) -> str:
        if not self.is_trading_day:
            return f"{self.market.country} {self.date}: closed"
        return f"{self.market.country} {self.date}: {self.open_at:%H:%M}-{self.close_at:%H:%M} UTC"
