from django.apps import AppConfig


class ActAndPosConfig(AppConfig):
    """Paper accounts, positions, the order engine and the ledger (SPEC §11)."""

    name = "ActAndPos"
    verbose_name = "Accounts and positions"

    def ready(self) -> None:
        from ActAndPos import receivers  # noqa: F401  (a paper account for every new user)
        from ActAndPos.selectors import commission_table
        from ThorTrading.services.costs import set_commission_source

        # Backtests and sweeps cost trades with this desk's commissions (issue 26).
        set_commission_source(commission_table)
