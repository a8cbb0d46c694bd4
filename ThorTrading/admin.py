"""Admin: configuration for people, and inspection of captures."""

from django.contrib import admin

from ThorTrading.models import (
    ContractWeight,
    MarketSession,
    MissedCapture,
    SignalStatValue,
    SignalWeight,
    TargetHighLowConfig,
    TradingInstrument,
)


class SignalStatValueInline(admin.TabularInline):
    model = SignalStatValue
    extra = 0


@admin.register(TradingInstrument)
class TradingInstrumentAdmin(admin.ModelAdmin):
    list_display = ("symbol", "name", "exchange", "tick_size", "tick_value", "display_precision", "inverse_weight",
                    "show_in_ribbon", "is_active", "sort_order")
    list_editable = ("show_in_ribbon", "is_active", "sort_order")
    search_fields = ("symbol", "name", "feed_symbol")
    inlines = [SignalStatValueInline]


@admin.register(SignalStatValue)
class SignalStatValueAdmin(admin.ModelAdmin):
    list_display = ("instrument", "signal", "value")
    list_filter = ("signal", "instrument")
    list_editable = ("value",)


@admin.register(SignalWeight)
class SignalWeightAdmin(admin.ModelAdmin):
    list_display = ("signal", "weight")
    list_editable = ("weight",)


@admin.register(ContractWeight)
class ContractWeightAdmin(admin.ModelAdmin):
    list_display = ("instrument", "weight")
    list_editable = ("weight",)


@admin.register(TargetHighLowConfig)
class TargetHighLowConfigAdmin(admin.ModelAdmin):
    list_display = ("instrument", "mode", "profit_target", "stop_loss", "is_active")
    list_editable = ("mode", "profit_target", "stop_loss", "is_active")


@admin.register(MarketSession)
class MarketSessionAdmin(admin.ModelAdmin):
    list_display = ("capture_group", "country", "future", "bhs", "entry_price", "target_high", "target_low", "wndw",
                    "target_hit_type", "pnl_usd", "captured_at", "late", "stale")
    list_filter = ("country", "wndw", "bhs", "future", "late", ("captured_at", admin.DateFieldListFilter))
    search_fields = ("country", "future")
    date_hierarchy = "captured_at"
    ordering = ("-captured_at", "future")
    list_per_page = 120


@admin.register(MissedCapture)
class MissedCaptureAdmin(admin.ModelAdmin):
    list_display = ("country", "expected_open", "attempted_at", "attempts", "error")
    list_filter = ("country",)
