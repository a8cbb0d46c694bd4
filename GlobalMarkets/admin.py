from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core import clock
from GlobalMarkets.models import Market, TradingDay
from GlobalMarkets.services.calendars import coverage_warnings
from GlobalMarkets.services.holidays import apply_holidays, mark_entered, parse_holiday_csv


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = (
        "country",
        "display_name",
        "status",
        "calendar_covered_until",
        "holidays_entered_until",
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

    def save_model(self, request: Any, obj: Market, form: Any, change: bool) -> None:
        """Saving ``holidays_entered_until`` turns the guessed weekdays up to it into known ones."""
        super().save_model(request, obj, form, change)
        if "holidays_entered_until" in form.changed_data and obj.holidays_entered_until is not None:
            mark_entered(obj, obj.holidays_entered_until)

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

    change_list_template = "admin/GlobalMarkets/tradingday/change_list.html"

    def save_model(self, request: Any, obj: TradingDay, form: Any, change: bool) -> None:
        obj.source = TradingDay.SOURCE_OVERRIDE
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[Any]:
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="GlobalMarkets_tradingday_import",
            )
        ]
        return own + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a holidays CSV (the columns of ``GlobalMarkets.services.holidays``): the good rows
        become overrides, each bad one is named."""
        if not self.has_add_permission(request):
            return HttpResponse("You may not add trading days.", status=403)
        form = HolidayImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            raw = form.cleaned_data["file"].read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error("file", "the file is not UTF-8 text: save it as CSV (UTF-8)")
            else:
                parsed = parse_holiday_csv(text)
                written = apply_holidays(parsed.holidays, covers_through=form.cleaned_data["covers_through"])
                for error in parsed.errors:
                    messages.error(request, f"Not imported: {error}")
                summary = ", ".join(f"{country}: {n}" for country, n in sorted(written.items())) or "none"
                messages.success(request, f"Imported {sum(written.values())} day(s) ({summary}).")
                return HttpResponseRedirect(reverse("admin:GlobalMarkets_tradingday_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import holidays (CSV)",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/GlobalMarkets/tradingday/import.html", context)


class HolidayImportForm(forms.Form):
    """The admin's holiday upload: the CSV and, optionally, how far it lists every holiday."""

    file = forms.FileField(help_text="date, market, closed, open, close, source[, note] — times local HH:MM")
    covers_through = forms.DateField(
        required=False,
        help_text="YYYY-MM-DD: the file holds every holiday of its markets up to this date (sessions stop being guessed)",
    )
