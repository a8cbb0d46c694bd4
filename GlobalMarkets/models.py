"""GlobalMarkets models: the control markets whose opens Thor captures (SPEC §10)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models


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
    ``evaluation_window_minutes``: when set, a captured trade still PENDING that long after the
    capture becomes EXPIRED (SPEC §7).
    """

    country = models.CharField(max_length=50, unique=True, help_text="Canonical name: USA, Pre_USA, Japan…")
    display_name = models.CharField(max_length=100)
    timezone_name = models.CharField(max_length=50, validators=[validate_timezone])
    calendar_code = models.CharField(max_length=10, help_text="exchange_calendars code, e.g. XNYS")
    open_time = models.TimeField(help_text="Local open")
    close_time = models.TimeField(help_text="Local close")
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="East to west")
    weight = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    is_control_market = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    enable_futures_capture = models.BooleanField(default=True, help_text="Capture futures at this market's open")
    enable_open_capture = models.BooleanField(default=True)
    enable_close_capture = models.BooleanField(default=True)
    evaluation_window_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Expire trades still PENDING this many minutes after capture (empty = never)"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "country"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(evaluation_window_minutes__isnull=True) | models.Q(evaluation_window_minutes__gt=0),
                name="market_evaluation_window_positive",
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
