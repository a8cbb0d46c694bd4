from django.apps import AppConfig


class ThorTradingConfig(AppConfig):
    """Instruments, signals and composite, capture, grading, analytics (SPEC §4–§8)."""

    name = "ThorTrading"
    verbose_name = "Thor trading"

    def ready(self) -> None:
        from core import health
        from ThorTrading import globalmarkets_hooks, receivers  # noqa: F401  (signal receivers)
        from ThorTrading.health import captures_health, grader_health

        health.register("grader", grader_health)
        health.register("captures", captures_health)
