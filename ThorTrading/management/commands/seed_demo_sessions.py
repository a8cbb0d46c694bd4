"""``manage.py seed_demo_sessions --days N [--seed S]``: demo history, marked as demo."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ThorTrading.services.demo import default_end, seed_demo_sessions


class Command(BaseCommand):
    help = (
        "Write realistic captured sessions for the last N days (one capture per control market per weekday, "
        "12 rows each), marked is_demo in the admin and the API. Deterministic with --seed. Days that already "
        "have a capture are skipped. Remove them with the admin's 'demo' filter."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, required=True, help="calendar days of history, e.g. 365")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same history)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] <= 0:
            raise CommandError("--days must be positive")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done}/{total} days")

        rows = seed_demo_sessions(days=options["days"], seed=options["seed"], end=default_end(), progress=progress)
        self.stdout.write(f"seed_demo_sessions: wrote {rows} demo rows ({rows // 12} captures)")
