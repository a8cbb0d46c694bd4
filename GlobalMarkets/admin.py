from typing import Any

from django.contrib import admin

from core import clock
from GlobalMarkets.models import Market, TradingDay
from GlobalMarkets.services.calendars import coverage_warnings


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = (
        "country",
        "display_name",
        "status",
        "calendar_covered_until",
        "timezone_name",
        "calendar_code",
        "open_time",
        "close_time",
        "enable_futures_capture",
        "enable_open_capture",
        "evaluation_window_minutes",
        "is_active",
    )
    list_editable = ("enable_futures_capture", "enable_open_capture", "evaluation_window_minutes")
    list_filter = ("is_active", "enable_futures_capture", "is_control_market")
    search_fields = ("country", "display_name")
    readonly_fields = ("status", "status_changed_at", "calendar_synced_until", "calendar_covered_until")

    def changelist_view(self, request: Any, extra_context: dict[str, Any] | None = None) -> Any:
        from django.contrib import messages

        for warning in coverage_warnings(clock.now().date()):
            messages.warning(request, f"Calendar coverage: {warning}")
        return super().changelist_view(request, extra_context)


@admin.register(TradingDay)
class TradingDayAdmin(admin.ModelAdmin):
    """Trading days from the exchange calendars. Editing a day makes it an override that every
    later sync keeps."""

    list_display = ("market", "date", "is_trading_day", "open_at", "close_at", "early_close", "source", "note")
    list_filter = ("market", "source", "is_trading_day", "early_close")
    date_hierarchy = "date"
    search_fields = ("note",)

    def save_model(self, request: Any, obj: TradingDay, form: Any, change: bool) -> None:
        obj.source = TradingDay.SOURCE_OVERRIDE
        super().save_model(request, obj, form, change)
