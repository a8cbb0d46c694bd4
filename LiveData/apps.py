from django.apps import AppConfig


class LiveDataConfig(AppConfig):
    """Quotes: workbook reading and parsing, the Redis client, the poller (SPEC §3)."""

    name = "LiveData"
    verbose_name = "Live data"
