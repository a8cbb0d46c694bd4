"""Admin: configuration for people, and inspection of captures."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.html import format_html

import GlobalMarkets.admin  # noqa: F401  (registers the markets' admin before ThorTrading adds its action)
from GlobalMarkets.models import Market
from ThorTrading.models import (
    Backtest,
    ContractWeight,
    MarketSession,
    MissedCapture,
    SignalStatValue,
    SignalWeight,
    TargetHighLowConfig,
    TradingInstrument,
)
from ThorTrading.services.capture import CAPTURED, capture_market_open
from ThorTrading.services.export import sessions_csv, sessions_xlsx


class SignalStatValueInline(admin.TabularInline):
    model = SignalStatValue
    extra = 0


@admin.register(TradingInstrument)
class TradingInstrumentAdmin(admin.ModelAdmin):
    list_display = (
        "symbol",
        "name",
        "exchange",
        "tick_size",
        "tick_value",
        "display_precision",
        "inverse_weight",
        "show_in_ribbon",
        "is_active",
        "sort_order",
    )
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
    """Captured sessions: coloured outcomes, a sticky header, filters, CSV/XLSX export of a selection."""

    list_display = (
        "capture_group",
        "country",
        "session_date",
        "future",
        "bhs",
        "entry_price",
        "target_high",
        "target_low",
        "outcome",
        "target_hit_type",
        "pnl_usd",
        "captured_at",
        "late",
        "stale",
        "demo",
    )
    list_filter = ("country", "wndw", "bhs", "future", "late", "is_demo", ("session_date", admin.DateFieldListFilter))
    search_fields = ("country", "future")
    date_hierarchy = "session_date"
    ordering = ("-captured_at", "future")
    list_per_page = 120
    actions = ["export_csv", "export_xlsx"]

    class Media:
        css = {"all": ["ThorTrading/admin.css"]}

    @admin.display(description="outcome", ordering="wndw")
    def outcome(self, obj: MarketSession) -> str:
        labels = {"DIDNT_WORK": "DIDN'T WORK"}
        return format_html('<span class="thor-outcome {}">{}</span>', obj.wndw.lower(), labels.get(obj.wndw, obj.wndw))

    @admin.display(description="demo", boolean=True, ordering="is_demo")
    def demo(self, obj: MarketSession) -> bool:
        return obj.is_demo

    @admin.action(description="Export selected sessions to CSV")
    def export_csv(self, request: Any, queryset: QuerySet[MarketSession]) -> StreamingHttpResponse:
        response = StreamingHttpResponse(
            sessions_csv(queryset.order_by("captured_at", "future")), content_type="text/csv"
        )
        response["Content-Disposition"] = 'attachment; filename="thor-market-sessions.csv"'
        return response

    @admin.action(description="Export selected sessions to XLSX")
    def export_xlsx(self, request: Any, queryset: QuerySet[MarketSession]) -> HttpResponse:
        response = HttpResponse(
            sessions_xlsx(queryset.order_by("captured_at", "future")),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="thor-market-sessions.xlsx"'
        return response


@admin.register(MissedCapture)
class MissedCaptureAdmin(admin.ModelAdmin):
    list_display = ("country", "expected_open", "attempted_at", "attempts", "error")
    list_filter = ("country",)


@admin.register(Backtest)
class BacktestAdmin(admin.ModelAdmin):
    """Backtests run from the History page or the API: what was asked and what came out (read-only)."""

    list_display = ("id", "owner", "created_at", "status", "opens_done", "opens_total", "finished_at")
    list_filter = ("status",)
    readonly_fields = (
        "owner",
        "created_at",
        "started_at",
        "updated_at",
        "finished_at",
        "status",
        "params",
        "opens_done",
        "opens_total",
        "error",
        "result",
    )

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.action(
    description="Capture now: snapshot the futures and open a trade for the selected markets", permissions=["change"]
)
def capture_now(modeladmin: Any, request: Any, queryset: QuerySet[Any]) -> None:
    """The market-open plan's third capture trigger (beside the open and ``capture_market_open``):
    a forced capture of each selected market at this instant, whatever its capture switches,
    reported market by market (issue 14)."""
    for market in queryset.order_by("sort_order"):
        result = capture_market_open(market=market, force=True, tries=1)
        level = messages.SUCCESS if result.status == CAPTURED else messages.WARNING
        modeladmin.message_user(request, f"Capture now — {result.message}", level)


def _add_capture_now() -> None:
    """GlobalMarkets knows nothing of captures; ThorTrading adds its action to the markets' admin."""
    market_admin = admin.site.get_model_admin(Market)
    actions = list(market_admin.actions or [])
    if capture_now not in actions:
        market_admin.actions = [*actions, capture_now]


_add_capture_now()
