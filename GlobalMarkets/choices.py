"""GlobalMarkets' vocabularies, each spelled once (``core.choices.ChoiceSet``). Pure: the status
rules (``GlobalMarkets.schedule``), the models, the API's serializers and the schema use them."""

from __future__ import annotations

from core.choices import ChoiceSet


class MarketStatus(ChoiceSet):
    """What a market is doing now (SPEC §10)."""

    CLOSED = "CLOSED"
    PREOPEN = "PREOPEN"
    OPEN = "OPEN"
    PRECLOSE = "PRECLOSE"
    HOLIDAY = "HOLIDAY"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"PREOPEN": "Pre-open (60 min before the open)", "PRECLOSE": "Pre-close (15 min before the close)"}


class TradingDaySource(ChoiceSet):
    """Where a trading day came from: the exchange's calendar, the weekday fallback past its data
    (a guess), an admin's override (a holiday or early close staff entered, kept by every later
    sync), or a weekday past the calendar's data but within the span staff have entered the
    market's holidays for (``Market.holidays_entered_until``: known, not guessed)."""

    CALENDAR = "exchange_calendars"
    FALLBACK = "weekday_fallback"
    OVERRIDE = "override"
    STAFF = "staff_calendar"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {
            "exchange_calendars": "Exchange calendar",
            "weekday_fallback": "Weekday fallback (no calendar data)",
            "override": "Admin override",
            "staff_calendar": "Weekday within the span staff entered holidays for",
        }
