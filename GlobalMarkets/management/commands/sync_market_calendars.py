"""``manage.py sync_market_calendars``: materialise trading days from exchange_calendars."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from core import clock
from GlobalMarkets.services.calendars import (
    DEFAULT_DAYS_AHEAD,
    SyncReport,
    calendars_are_stale,
    sync_market_calendars,
)


class Command(BaseCommand):
    help = (
        "Write each market's trading days (open/close in UTC, lunch break, early close) from exchange_calendars, "
        "from a week ago to --days ahead (default 400). Admin overrides are kept. Where a calendar has no data "
        "the market falls back to weekdays at its configured hours, with a warning."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS_AHEAD, help="days ahead to materialise")
        parser.add_argument(
            "--if-stale", action="store_true", help="do nothing when the table already reaches far enough"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = clock.now().date()
        if options["if_stale"] and not calendars_are_stale(today):
            self.stdout.write("market calendars are up to date")
            return
        start, end = today - timedelta(days=7), today + timedelta(days=options["days"])
        self.stdout.write(f"syncing market calendars {start} … {end} (exchange_calendars)")

        def progress(report: SyncReport) -> None:
            self.stdout.write(f"  {report}")

        reports = sync_market_calendars(start=start, end=end, progress=progress)
        warned = [r for r in reports if r.warning]
        self.stdout.write(f"synced {len(reports)} markets; {len(warned)} with calendar gaps")
