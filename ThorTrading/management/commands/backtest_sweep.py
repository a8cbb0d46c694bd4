"""``manage.py backtest_sweep``: every combination of targets, stops and windows over the archive, net of
costs (the paper desk's commissions, through ``ThorTrading.services.costs``), with walk-forward and
the probability of backtest overfitting (issue 26)."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from LiveData.history.rolls import ROLL_RULES
from ThorTrading import targets
from ThorTrading.backtest import SweepCell
from ThorTrading.management.commands.backtest import _day, backtest_errors, markets_option, opens_progress
from ThorTrading.services.backtest import to_jsonable
from ThorTrading.services.costs import trading_costs
from ThorTrading.services.sweep import run_sweep

UNITS = {"usd": targets.USD, "ticks": targets.TICKS, "points": targets.POINTS}


def _list(name: str, text: str | None, *, whole: bool = False) -> list[Decimal]:
    """``25,50,100`` → amounts (> 0); CommandError naming ``--name`` otherwise."""
    values = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        try:
            value = Decimal(part.strip())
        except ArithmeticError as exc:
            raise CommandError(f"--{name}: {part.strip()!r} is not a number") from exc
        if not value.is_finite() or value <= 0 or (whole and value != value.to_integral_value()):
            raise CommandError(f"--{name}: {part.strip()!r} must be a {'whole ' if whole else ''}number above 0")
        values.append(value)
    return values


class Command(BaseCommand):
    help = (
        "Sweep every combination of --target-usd × --stop-usd (or -ticks, -points) × --window-minutes over the "
        "archive from --from to --to: the signals and entries are computed once, each trade's path once, and every "
        "variant answered from it (each equals `backtest` of that variant). Reports per variant the hit rate, EV, "
        "profit factor and drawdown gross and net of costs (commission per contract per side from the contract "
        "table, --stop-slippage / --target-slippage ticks), a table per market and weekday, the walk-forward choice "
        "(--walk-forward TRAIN,TEST days) and the probability of backtest overfitting (CSCV). --json for all of it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="first date, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last date, YYYY-MM-DD (inclusive)")
        parser.add_argument("--markets", help="comma-separated, e.g. Japan,USA (default: markets with capture on)")
        parser.add_argument("--future", default="TOTAL", help="TOTAL (default), a future such as ES, or all")
        for unit in UNITS:
            parser.add_argument(f"--target-{unit}", help=f"profit targets in {unit}, comma-separated, e.g. 25,50,100")
            parser.add_argument(f"--stop-{unit}", help=f"stops in {unit}, comma-separated")
        parser.add_argument(
            "--window-minutes", help="evaluation windows, comma-separated (0 = none; default: each market's own)"
        )
        parser.add_argument("--stop-slippage", type=int, default=1, help="ticks lost on a stop's exit (default 1)")
        parser.add_argument("--target-slippage", type=int, default=0, help="ticks lost on a target's exit (default 0)")
        parser.add_argument(
            "--walk-forward", metavar="TRAIN,TEST", help="walk-forward spans in trading days, e.g. 20,5"
        )
        parser.add_argument("--roll", choices=ROLL_RULES, default="volume", help="front month rule on imported history")
        parser.add_argument("--json", action="store_true", help="print {params, variants, walk_forward, pbo} as JSON")

    def _cells(self, options: dict[str, Any]) -> list[SweepCell]:
        chosen = [u for u in UNITS if options[f"target_{u}"] or options[f"stop_{u}"]]
        if len(chosen) != 1:
            raise CommandError("give the targets and stops in one unit: --target-usd/--stop-usd, -ticks or -points")
        unit = chosen[0]
        profits, stops = (
            _list(f"target-{unit}", options[f"target_{unit}"]),
            _list(f"stop-{unit}", options[f"stop_{unit}"]),
        )
        if not profits or not stops:
            raise CommandError(f"--target-{unit} and --stop-{unit} go together")
        windows: list[int | None] = [None]
        if options["window_minutes"]:
            windows = []
            for part in options["window_minutes"].split(","):
                if not part.strip().isdigit():
                    raise CommandError(
                        f"--window-minutes: {part.strip()!r} is not a whole number of minutes (0 = none)"
                    )
                windows.append(int(part))
        return [
            SweepCell(UNITS[unit], profit, stop, window)
            for profit, stop, window in itertools.product(profits, stops, windows)
        ]

    def handle(self, *args: Any, **options: Any) -> None:
        cells = self._cells(options)
        if options["stop_slippage"] < 0 or options["target_slippage"] < 0:
            raise CommandError("--stop-slippage and --target-slippage are ticks, 0 or more")
        spans = None
        if options["walk_forward"]:
            parts = options["walk_forward"].split(",")
            if len(parts) != 2 or not all(p.strip().isdigit() and int(p) > 0 for p in parts):
                raise CommandError("--walk-forward: give TRAIN,TEST in trading days, e.g. 20,5")
            spans = (int(parts[0]), int(parts[1]))
        costs = trading_costs(
            stop_slippage_ticks=options["stop_slippage"], target_slippage_ticks=options["target_slippage"]
        )
        countries = markets_option(options["markets"])
        with opens_progress(f"sweep ×{len(cells)}") as progress, backtest_errors():
            result = run_sweep(
                start=_day(options["start"]),
                end=_day(options["end"]),
                cells=cells,
                countries=countries,
                future=options["future"],
                costs=costs,
                walk_forward_days=spans,
                progress=progress,
                roll=options["roll"],
            )
        if options["json"]:
            self.stdout.write(json.dumps(to_jsonable(result)))
            return
        self._summary(result)

    def _summary(self, result: dict[str, Any]) -> None:
        params = result["params"]
        self.stdout.write(
            f"sweep {params['from']} … {params['to']}: {params['opens']} opens, {params['variants']} variants, "
            f"markets {', '.join(params['markets'])}; figures over {params['future']}, net of costs"
        )
        self.stdout.write(
            f"{'target':>8}{'stop':>8}{'window':>8}{'n':>6}{'hit %':>8}{'EV $':>9}{'EV net $':>10}{'PF net':>8}{'DD net $':>10}"
        )
        for v in result["variants"]:
            gross, net = v["stats"]["overall"], v["net"]["overall"]
            window = "market" if v["window_minutes"] is None else (v["window_minutes"] or "none")
            self.stdout.write(
                f"{v['profit_target']:>8}{v['stop_loss']:>8}{window!s:>8}{net['worked'] + net['didnt_work'] + net['expired']:>6}"
                f"{_fmt(net['hit_rate']):>8}{_fmt(gross['expected_value']):>9}{_fmt(net['expected_value']):>10}"
                f"{_fmt(net['profit_factor']):>8}{_fmt(net['max_drawdown']):>10}"
            )
        pbo = result["pbo"]
        if pbo["pbo"] is not None:
            self.stdout.write(
                f"probability of backtest overfitting: {pbo['pbo']} ({pbo['combinations']} CSCV splits of {pbo['periods']} days)"
            )
        wf = result["walk_forward"]
        if wf:
            self.stdout.write(
                f"walk-forward {wf['train_days']}/{wf['test_days']} days: {len(wf['folds'])} choices, "
                f"in-sample EV {_fmt(wf['in_sample_ev'])}, out-of-sample EV {_fmt(wf['out_of_sample_ev'])} (net $/trade)"
            )


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value}"
