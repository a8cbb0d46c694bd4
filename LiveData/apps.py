from django.apps import AppConfig


class LiveDataConfig(AppConfig):
    """Quotes: workbook reading and parsing, the Redis client, the poller (SPEC §3)."""

    name = "LiveData"
    verbose_name = "Live data"

    def ready(self) -> None:
        from core import health
        from LiveData.health import archive_health, feed_health, recorder_health, redis_health

        health.register("redis", redis_health, affects_status=True)
        health.register("feed", feed_health, affects_status=True)
        health.register("archive", archive_health)
        health.register("recorder", recorder_health, affects_status=True)
