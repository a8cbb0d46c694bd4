from django.contrib import admin

from GlobalMarkets.models import Market


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = (
        "country", "display_name", "timezone_name", "calendar_code", "open_time", "close_time",
        "enable_futures_capture", "enable_open_capture", "evaluation_window_minutes", "is_active",
    )
    list_editable = ("enable_futures_capture", "enable_open_capture", "evaluation_window_minutes")
    list_filter = ("is_active", "enable_futures_capture", "is_control_market")
    search_fields = ("country", "display_name")
