from django.apps import AppConfig


class ActAndPosConfig(AppConfig):
    """Paper accounts, positions and the order engine (SPEC §11). Its models arrive with the
    paper-trading issue; the app exists now so the layout and dependency rules are in place."""

    name = "ActAndPos"
    verbose_name = "Accounts and positions"
