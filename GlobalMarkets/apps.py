from django.apps import AppConfig


class GlobalMarketsConfig(AppConfig):
    """Market time: the control markets, their calendars and hours (SPEC §10)."""

    name = "GlobalMarkets"
    verbose_name = "Global markets"

    def ready(self) -> None:
        from core import health
        from GlobalMarkets.health import calendars_health

        health.register("calendars", calendars_health)
