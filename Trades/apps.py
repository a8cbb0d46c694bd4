from django.apps import AppConfig


class TradesConfig(AppConfig):
    """The HTTP face for orders and statements (SPEC §11); it talks to ActAndPos, never to Redis.
    Its views arrive with the paper-trading issue."""

    name = "Trades"
    verbose_name = "Trades"
