"""``manage.py contracts [--root ES] [--roll volume|open-interest]``: the contracts in the archive and
each root's front-month series with its roll dates (SPEC §15)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from LiveData.contracts import previous_weekday
from LiveData.history.rolls import ROLL_RULES, FrontMonth, Rolls, roll_dates
from LiveData.history.store import get_history_archive


class Command(BaseCommand):
    help = (
        "List the contracts in the archive (first and last time, rows, days) and each root's front-month "
        "series with its roll dates. Default rule (Databento's 'volume'): the contract with the most volume on "
        "the previous CME trading day in the archive, else on the day itself."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--root", help="one root only (ES, GC, …)")
        parser.add_argument("--roll", choices=ROLL_RULES, default="volume")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = get_history_archive()
        root = (options["root"] or "").upper() or None
        rows = [r for r in archive.daily().to_pylist() if r["contract"] and (root is None or r["symbol"] == root)]
        if not rows:
            where = f" of {root}" if root else ""
            raise CommandError(
                f"the archive ({archive.root}) has no contracts{where}: import some with manage.py import_history"
            )
        self._contracts(rows, archive.expiries())
        rolls = archive.rolls(options["roll"])
        for symbol in sorted({r["symbol"] for r in rows}):
            self.stdout.write(f"\n{symbol} front month ({options['roll']} rule):")
            self._series(symbol, rolls.series(symbol), rolls)

    def _contracts(self, rows: list[dict[str, Any]], known: dict[str, date]) -> None:
        by_contract: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_contract[row["contract"]].append(row)
        self.stdout.write(
            f"{'contract':<9}{'expiry':<12}{'first (UTC)':<22}{'last (UTC)':<22}{'rows':>10}{'days':>6}  resolutions"
        )
        order = sorted(by_contract, key=lambda c: (by_contract[c][0]["symbol"], known.get(c) or date.max, c))
        for contract in order:
            entries = by_contract[contract]
            first = min(r["first_ts"] for r in entries).strftime("%Y-%m-%d %H:%M:%S")
            last = max(r["last_ts"] for r in entries).strftime("%Y-%m-%d %H:%M:%S")
            expiry = known[contract].isoformat() if contract in known else "—"
            resolutions = ", ".join(sorted({r["resolution"] for r in entries}))
            self.stdout.write(
                f"{contract:<9}{expiry:<12}{first:<22}{last:<22}{sum(r['rows'] for r in entries):>10,}"
                f"{len({r['day'] for r in entries}):>6}  {resolutions}"
            )

    def _series(self, symbol: str, series: list[FrontMonth], rolls: Rolls) -> None:
        for front in series:
            volume = rolls.volume.get((symbol, front.day), {}).get(front.contract, 0)
            before = previous_weekday(front.day).isoformat()
            basis = {
                "previous day": f"most volume on {before}",
                "same day": f"most volume on the day itself ({before} is not in the archive)",
            }.get(front.basis, front.basis)
            self.stdout.write(
                f"  {front.day.isoformat()}  {front.contract:<8} {basis}; {volume:,} contracts traded that day"
            )
        for day, old, new in roll_dates(series):
            self.stdout.write(f"  roll: {old} → {new} on {day.isoformat()}")
        if series:
            last = series[-1]
            after = rolls.most_traded(symbol, last.day, last.day)
            if after and after != last.contract:
                self.stdout.write(
                    f"  next roll: {last.contract} → {after} from the CME trading day after {last.day.isoformat()} "
                    f"({after} traded most that day)"
                )
