"""``manage.py backtest --from D --to D``: the market-open strategy over the tick archive (SPEC §13)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from LiveData.history.rolls import ROLL_RULES
from ThorTrading import signals, targets
from ThorTrading.backtest import Variant
from ThorTrading.services.backtest import BacktestError, run_backtest, to_jsonable

TRADE_FIELDS = [
    "country",
    "date",
    "captured_at",
    "future",
    "bhs",
    "entry_price",
    "target_high",
    "target_low",
    "wndw",
    "target_hit_at",
    "target_hit_price",
    "pnl_usd",
    "contract",
    "series",
    "resolution",
    "ambiguous",
    "reason",
    "close_source",
    "front_basis",
    "bid",
    "ask",
    "last",
    "previous_close",
]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def _amount(name: str, text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise CommandError(f"--{name} {text!r} is not a number") from exc
    if not value.is_finite() or value <= 0:
        raise CommandError(f"--{name} must be a positive number, got {text}")
    return value


def _pairs(name: str, text: str | None) -> dict[str, str]:
    if not text:
        return {}
    pairs = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise CommandError(f"--{name}: {item!r} is not KEY=VALUE")
        pairs[key.strip().upper()] = value.strip()
    return pairs


class Command(BaseCommand):
    help = (
        "Backtest the market-open strategy over the archive — recorded ticks and imported history (ticks and 1s/1m "
        "bars, every contract month): at each capturing market's open from --from to --to (market-local dates), each "
        "symbol is read on its front contract at the finest resolution with data; the snapshot is its latest tick (or "
        "the closes of the latest bars that ended) at or before the open, and each trade's first touch of target or "
        "stop is searched tick by tick or bar by bar on that contract until the evaluation window ends (SPEC §15). "
        "Runs the same functions as the live capture and grader. Prints a summary, or --json / --csv FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="first date, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last date, YYYY-MM-DD (inclusive)")
        parser.add_argument("--markets", help="comma-separated, e.g. Japan,USA (default: markets with capture on)")
        for unit in ("usd", "ticks", "points"):
            parser.add_argument(f"--target-{unit}", help=f"profit target in {unit} for every instrument")
            parser.add_argument(f"--stop-{unit}", help=f"stop in {unit} for every instrument")
        parser.add_argument("--window-minutes", type=int, help="evaluation window (0 = none; default: each market's)")
        parser.add_argument(
            "--thresholds", help="per symbol STRONG_BUY:BUY in points (sell side mirrored), e.g. YM=80:15,ES=8:2"
        )
        parser.add_argument("--weights", help="signal weights, e.g. STRONG_BUY=3,BUY=1,SELL=-1,STRONG_SELL=-3")
        parser.add_argument("--contract-weights", help="per symbol, e.g. YM=2,VX=0")
        parser.add_argument(
            "--future", default="TOTAL", help="the rows the stats cover: TOTAL (default), a future, or all"
        )
        parser.add_argument(
            "--roll",
            choices=ROLL_RULES,
            default="volume",
            help="front month on imported history: the most volume on the previous CME trading day (default), "
            "or the largest open interest reported before the day",
        )
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true", help="print {params, trades, stats} as JSON to stdout")
        output.add_argument("--csv", metavar="FILE", help="write the trades to FILE as CSV")

    def _variant(self, options: dict[str, Any]) -> Variant:
        mode, profit, stop = _targets(options)
        if options["window_minutes"] is not None and options["window_minutes"] < 0:
            raise CommandError("--window-minutes must be 0 (no window) or more")
        return Variant(
            target_mode=mode,
            profit_target=profit,
            stop_loss=stop,
            window_minutes=options["window_minutes"],
            thresholds=_thresholds(options["thresholds"]),
            signal_weights=_weights(options["weights"]),
            contract_weights=_contract_weights(options["contract_weights"]),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        variant = self._variant(options)
        countries = markets_option(options["markets"])
        with opens_progress("backtest") as progress, backtest_errors():
            result = run_backtest(
                start=_day(options["start"]),
                end=_day(options["end"]),
                countries=countries,
                variant=variant,
                future=options["future"],
                progress=progress,
                roll=options["roll"],
            )
        if options["json"]:
            trades = [{k: t[k] for k in TRADE_FIELDS} for t in result["trades"]]
            self.stdout.write(json.dumps(to_jsonable({**result, "trades": trades})))
            return
        if options["csv"]:
            with open(options["csv"], "w", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=TRADE_FIELDS, extrasaction="ignore")
                writer.writeheader()
                for trade in result["trades"]:
                    writer.writerow(to_jsonable(trade))
            self.stdout.write(f"wrote {len(result['trades'])} trades to {options['csv']}")
        self._summary(result)

    def _summary(self, result: dict[str, Any]) -> None:
        params, stats = result["params"], result["stats"]
        self.stdout.write(
            f"backtest {params['from']} … {params['to']}: {params['opens']} opens, {params['ticks']} ticks, "
            f"{params.get('bars', 0)} bars, markets {', '.join(params['markets'])}; stats over {params['future']}"
        )
        if params.get("resolution"):
            self.stdout.write(
                f"data: {', '.join(params['resolution'])} from {', '.join(params['sources'])}; contracts "
                f"{', '.join(params['contracts'])}; roll rule {params['roll']}; previous close from "
                + ", ".join(f"{k} ({v})" for k, v in params["close_source"].items())
                + f"; {params['opens_with_data']} opens with data, {params['opens_without_data']} without; "
                f"{params['ambiguous']} ambiguous trades"
            )
        header = f"{'':<16}{'trades':>7}{'worked':>7}{'didnt':>7}{'expired':>8}{'hit %':>8}{'EV $':>9}{'PF':>7}{'P&L $':>10}{'DD $':>9}"
        self.stdout.write(header)
        for label, row in [
            ("overall", stats["overall"]),
            *((g["key"], g) for g in stats["by_market"]),
            *((g["key"], g) for g in stats["by_weekday"]),
        ]:
            self.stdout.write(
                f"{label:<16}{row['trades']:>7}{row['worked']:>7}{row['didnt_work']:>7}{row['expired']:>8}"
                f"{_fmt(row['hit_rate']):>8}{_fmt(row['expected_value']):>9}{_fmt(row['profit_factor']):>7}"
                f"{_fmt(row['total_pnl']):>10}{_fmt(row['max_drawdown']):>9}"
            )


def markets_option(text: str | None) -> list[str] | None:
    """``--markets Japan,USA`` → the names (None: the markets whose capture is on)."""
    return [c.strip() for c in text.split(",") if c.strip()] if text else None


@contextmanager
def opens_progress(desc: str) -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar on stderr counting opens, as a ``progress(done, total)`` callback; closed on exit."""
    bar = tqdm(total=0, unit="open", desc=desc, file=sys.stderr, disable=None)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        bar.close()


@contextmanager
def backtest_errors() -> Iterator[None]:
    """A :class:`BacktestError` (an empty range, an unknown market, no data) as the CommandError it means."""
    try:
        yield
    except BacktestError as exc:
        raise CommandError(str(exc)) from exc


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value}"


def _targets(options: dict[str, Any]) -> tuple[str | None, Decimal | None, Decimal | None]:
    """``(mode, profit, stop)`` from ``--target-usd/--stop-usd`` (or ``-ticks``, ``-points``): one
    unit, both given; all None when none is."""
    chosen = [u for u in ("usd", "ticks", "points") if options[f"target_{u}"] or options[f"stop_{u}"]]
    if len(chosen) > 1:
        raise CommandError("give the target and stop in one unit: --target-usd/--stop-usd, -ticks or -points")
    if not chosen:
        return None, None, None
    unit = chosen[0]
    profit = _amount(f"target-{unit}", options[f"target_{unit}"])
    stop = _amount(f"stop-{unit}", options[f"stop_{unit}"])
    if profit is None or stop is None:
        raise CommandError(f"--target-{unit} and --stop-{unit} go together")
    return {"usd": targets.USD, "ticks": targets.TICKS, "points": targets.POINTS}[unit], profit, stop


def _thresholds(text: str | None) -> dict[str, signals.Thresholds]:
    """``--thresholds YM=80:15,ES=…`` → symmetric thresholds per symbol (points, STRONG_BUY ≥ BUY)."""
    thresholds = {}
    for symbol, pair in _pairs("thresholds", text).items():
        strong, _, buy = pair.partition(":")
        strong_value, buy_value = _amount("thresholds", strong), _amount("thresholds", buy or None)
        if strong_value is None or buy_value is None or buy_value > strong_value:
            raise CommandError(f"--thresholds {symbol}={pair}: give STRONG_BUY:BUY in points, STRONG_BUY ≥ BUY")
        thresholds[symbol] = signals.Thresholds.symmetric(strong_value, buy_value)
    return thresholds


def _weights(text: str | None) -> dict[str, int]:
    """``--weights BUY=2,…`` → whole-number weights per signal."""
    weights = {}
    for signal, value in _pairs("weights", text).items():
        if signal not in signals.SIGNALS:
            raise CommandError(f"--weights: {signal} is not one of {', '.join(signals.SIGNALS)}")
        try:
            weights[signal] = int(value)
        except ValueError as exc:
            raise CommandError(f"--weights: {value!r} is not a whole number") from exc
    return weights


def _contract_weights(text: str | None) -> dict[str, Decimal]:
    """``--contract-weights VX=0,…`` → a weight per symbol."""
    contract = {}
    for symbol, value in _pairs("contract-weights", text).items():
        try:
            contract[symbol] = Decimal(value)
        except InvalidOperation as exc:
            raise CommandError(f"--contract-weights: {value!r} is not a number") from exc
    return contract
