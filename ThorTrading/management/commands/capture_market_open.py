"""``manage.py capture_market_open --market <country> [--force]``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from GlobalMarkets.models import Market
from GlobalMarkets.reference import CONTROL_COUNTRIES, normalize_country
from ThorTrading.services.capture import ALREADY_CAPTURED, CAPTURED, capture_market_open


class Command(BaseCommand):
    help = (
        "Capture a market's open now: 12 MarketSession rows (the 11 futures and TOTAL) with signals, "
        "entries and $100 targets, from the latest quotes in Redis. At most once per market per local "
        "day; --force captures again on purpose."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--market", required=True, help=f"country: {', '.join(CONTROL_COUNTRIES)}")
        parser.add_argument(
            "--force", action="store_true", help="capture even if already captured today or switched off"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        country = normalize_country(options["market"])
        market = Market.objects.filter(country=country).first() if country else None
        if market is None:
            raise CommandError(
                f"unknown market {options['market']!r}; use one of {', '.join(CONTROL_COUNTRIES)} "
                "(run 'manage.py seed_thor' if the markets are missing)"
            )
        result = capture_market_open(market=market, force=options["force"])
        if result.status == CAPTURED:
            self.stdout.write(self.style.SUCCESS(result.message))
        elif result.status == ALREADY_CAPTURED:
            self.stdout.write(result.message)
        else:
            raise CommandError(result.message)
