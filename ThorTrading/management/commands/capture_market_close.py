"""``manage.py capture_market_close --market <country> [--force]``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from GlobalMarkets.reference import CONTROL_COUNTRIES, normalize_country
from ThorTrading.services.close_capture import ALREADY_CLOSED, OK, capture_market_close


class Command(BaseCommand):
    help = (
        "Fill the close and range metrics of a market's latest capture from the latest quotes. "
        "Once per capture; --force recomputes."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--market", required=True, help=f"country: {', '.join(CONTROL_COUNTRIES)}")
        parser.add_argument("--force", action="store_true", help="recompute even if already closed")

    def handle(self, *args: Any, **options: Any) -> None:
        country = normalize_country(options["market"])
        if country is None:
            raise CommandError(f"unknown market {options['market']!r}; use one of {', '.join(CONTROL_COUNTRIES)}")
        result = capture_market_close(country=country, force=options["force"])
        if result.status in (OK, ALREADY_CLOSED):
            self.stdout.write(f"{result.status}: {result.message}")
        else:
            raise CommandError(f"{result.status}: {result.message}")
