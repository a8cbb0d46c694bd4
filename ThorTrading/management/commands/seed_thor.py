"""``manage.py seed_thor``: load Thor's reference data (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from ThorTrading.services.seed import seed_thor


class Command(BaseCommand):
    help = (
        "Create the missing reference data: the nine control markets, the eleven futures with tick size "
        "and value, signal thresholds and weights, contract weights and $100 targets. Rows that exist are "
        "left as they are (admin edits survive)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = seed_thor()
        self.stdout.write(f"seed_thor: {report}")
