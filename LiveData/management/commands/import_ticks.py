"""``manage.py import_ticks FILE.csv [--source NAME]``: ticks from a CSV file into the tick archive."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from LiveData.archive import get_tick_archive
from LiveData.tick_csv import OPTIONAL, REQUIRED, TickCsvError, is_crossed, read_ticks

CHUNK = 200_000


class Command(BaseCommand):
    help = (
        "Import ticks from a CSV file into the tick archive (THOR_TICK_DIR). Header columns: "
        + ", ".join(REQUIRED)
        + " (ts: ISO-8601 with offset, or epoch ms), optional "
        + ", ".join(OPTIONAL)
        + ". ZB may be in 32nds. Good rows are archived, each (symbol, ts) once even when imported again; "
        "every bad row is reported with its line number and reason, and the command then exits 1. A bid at or above "
        "the ask is market data: kept and counted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file")
        parser.add_argument("--source", default="import", help="the ticks' source (default: import)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            lines = max(0, sum(1 for _ in handle) - 1)
        archive = get_tick_archive()
        stored = repeats = crossed = 0
        errors: list[tuple[int, str]] = []
        chunk: list[dict[str, Any]] = []
        bar = tqdm(total=lines, unit="row", desc="import_ticks", file=sys.stderr, disable=None)
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                for line, tick, reason in read_ticks(handle, source=options["source"]):
                    bar.update(1)
                    if tick is None:
                        errors.append((line, reason))
                        continue
                    crossed += is_crossed(tick)
                    chunk.append(tick)
                    if len(chunk) >= CHUNK:
                        done = archive.import_ticks(chunk)
                        stored, repeats, chunk = stored + done[0], repeats + done[1], []
                if chunk:
                    done = archive.import_ticks(chunk)
                    stored, repeats = stored + done[0], repeats + done[1]
        except TickCsvError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not a UTF-8 text file ({exc.reason})") from exc
        finally:
            bar.close()
        for line, reason in errors:
            self.stderr.write(f"{path}:{line}: {reason}")
        self.stdout.write(
            f"import_ticks: {stored} ticks archived in {archive.root}, {repeats} already there, {len(errors)} bad rows, "
            f"{crossed} crossed or locked quotes kept"
        )
        if errors:
            raise CommandError(
                f"{len(errors)} bad rows were not imported (listed above); the good ones were", returncode=1
            )
