"""The demo feed: a seeded random walk from the sample workbook's prices (SPEC §13).

Each instrument's price is quoted in whole ticks of its contract (CME/ICE tick sizes, SPEC §5), with a typical
daily range (``DemoSpec.daily_sigma``, points) scaled to the time that passed, in regimes that change
every ten minutes (mostly normal, sometimes a burst at 3×, sometimes quiet at ¼×). Bid and ask are one
or two ticks apart around the last; cumulative volume rises with the activity and restarts with each
CME trading day, when the previous close becomes that day's last (so the net change starts from 0).
DX is an index: last only, no bid/ask. Every quote says ``source: demo``.

One implementation, :class:`DemoWalk`, serves both the live feed (one step a second, on Thor's clock)
and ``manage.py make_demo_ticks`` (a whole synthetic archive at once, numpy over arrays of times).
The same seed and the same times give the same prices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from LiveData.choices import QuoteSource
from LiveData.ticks import NS, Quote, cme_day_end, cme_trading_day, from_ns, to_ns
from LiveData.tos.parser import parse_rows
from LiveData.tos.workbook import FileWorkbookReader

SAMPLE_WORKBOOK = Path(__file__).resolve().parent / "sample" / "rtd_sample.xlsx"
#: Seconds in a CME trading day's session (23 hours): the time a daily sigma spreads over.
SESSION_SECONDS = 23 * 3600
REGIME_SECONDS = 600


@dataclass(frozen=True)
class DemoSpec:
    """How one instrument moves: ``tick_size`` (points, the contract's), ``daily_sigma`` (points, a
    typical day's standard deviation), ``volume_per_second`` (contracts, on average), ``book`` (False
    for an index quoted without bid/ask)."""

    tick_size: Decimal
    daily_sigma: Decimal
    volume_per_second: float
    book: bool = True


#: Tick sizes from the contract specifications (SPEC §5); typical daily moves of late 2025.
DEMO_SPECS: dict[str, DemoSpec] = {
    "YM": DemoSpec(Decimal("1"), Decimal("350"), 1.5),
    "ES": DemoSpec(Decimal("0.25"), Decimal("55"), 12.0),
    "NQ": DemoSpec(Decimal("0.25"), Decimal("260"), 6.0),
    "RTY": DemoSpec(Decimal("0.1"), Decimal("30"), 2.0),
    "CL": DemoSpec(Decimal("0.01"), Decimal("1.2"), 8.0),
    "SI": DemoSpec(Decimal("0.005"), Decimal("1.1"), 5.0),
    "HG": DemoSpec(Decimal("0.0005"), Decimal("0.08"), 1.5),
    "GC": DemoSpec(Decimal("0.1"), Decimal("45"), 10.0),
    "VX": DemoSpec(Decimal("0.05"), Decimal("1.0"), 2.0),
    "DX": DemoSpec(Decimal("0.005"), Decimal("0.45"), 0.0, book=False),
    "ZB": DemoSpec(Decimal("0.03125"), Decimal("0.9"), 5.0),
}


def _ticks(value: Any, tick: Decimal) -> int | None:
    return None if value is None else int((Decimal(value) / tick).to_integral_value())


def _day_index(ts: np.ndarray, first_day: date) -> np.ndarray:
    """Days since ``first_day`` of each CME trading day the instants ``ts`` (ns) fall on."""
    last_day = cme_trading_day(from_ns(int(ts[-1])))
    ends = []
    day = first_day
    while day <= last_day:
        ends.append(to_ns(cme_day_end(day)))
        day += timedelta(days=1)
    return np.searchsorted(np.array(ends, dtype=np.int64), ts, side="right")


class DemoWalk:
    """One symbol's random walk, state in whole ticks. ``base`` is a quote's values (the sample
    workbook's row); ``seed`` and ``index`` (the symbol's position) make it reproducible."""

    def __init__(self, symbol: str, base: Quote, *, seed: int, index: int, start: datetime) -> None:
        self.symbol = symbol
        self.spec = DEMO_SPECS[symbol]
        tick = self.spec.tick_size
        self.base = base
        self.seed, self.index = seed, index
        self.last = _ticks(base.get("last") or base.get("close"), tick) or 1
        self.latent = float(self.last)
        self.close = _ticks(base.get("close"), tick) or self.last
        self.high = max(self.last, _ticks(base.get("high_24h"), tick) or self.last)
        self.low = min(self.last, _ticks(base.get("low_24h"), tick) or self.last)
        self.volume = int(base.get("volume") or 0)
        self.day = cme_trading_day(start)
        self.previous_ns = to_ns(start)
        self.rng = np.random.default_rng([seed, index])
        self._regimes: dict[int, float] = {}
        self.sigma_ticks = float(self.spec.daily_sigma / tick)
        self.decimals = max(0, -tick.normalize().as_tuple().exponent)  # type: ignore[operator]

    def _regime(self, bucket: int) -> float:
        if bucket not in self._regimes:
            u = np.random.default_rng([self.seed, self.index, bucket]).random()
            self._regimes[bucket] = 3.0 if u < 0.1 else 0.25 if u < 0.3 else 1.0
        return self._regimes[bucket]

    def advance(self, ts: np.ndarray) -> dict[str, np.ndarray]:
        """Ticks at the instants ``ts`` (int64 UTC ns, ascending, after the previous call's).

        Returns arrays in whole ticks (``last``, ``bid``, ``ask``, ``close``, ``high``, ``low``;
        bid/ask −1 where the instrument has no book) and contracts (``volume`` cumulative,
        ``bid_size``, ``ask_size``); :meth:`prices` turns ticks into points."""
        n = len(ts)
        dt = np.diff(ts, prepend=self.previous_ns).clip(min=0) / NS
        buckets = ts // (REGIME_SECONDS * NS)
        regime = np.array([self._regime(int(b)) for b in np.unique(buckets)])[
            np.searchsorted(np.unique(buckets), buckets)
        ]
        scale = self.sigma_ticks * np.sqrt(dt / SESSION_SECONDS) * regime
        # The walk is continuous (in ticks); quotes show it rounded to whole ticks, so an instrument
        # whose move in one second is a fraction of a tick still moves over minutes.
        steps = self.rng.standard_normal(n) * scale
        traded = self.rng.poisson(self.spec.volume_per_second * dt * regime)
        days = _day_index(ts, self.day)
        out = {k: np.empty(n, dtype=np.int64) for k in ("last", "close", "high", "low", "volume")}
        start, current = 0, 0
        for boundary in [*(np.flatnonzero(np.diff(days)) + 1).tolist(), n]:
            if days[start] != current:
                # A new CME trading day: yesterday's last is today's close, volume starts again.
                self.close, self.high, self.low, self.volume = self.last, self.last, self.last, 0
                current = int(days[start])
            latent = np.maximum(self.latent + np.cumsum(steps[start:boundary]), 1.0)
            self.latent = float(latent[-1])
            path = np.rint(latent).astype(np.int64)
            out["last"][start:boundary] = path
            out["close"][start:boundary] = self.close
            out["high"][start:boundary] = np.maximum.accumulate(np.maximum(path, self.high))
            out["low"][start:boundary] = np.minimum.accumulate(np.minimum(path, self.low))
            out["volume"][start:boundary] = self.volume + np.cumsum(traded[start:boundary])
            self.last, self.high, self.low = (
                int(path[-1]),
                int(out["high"][boundary - 1]),
                int(out["low"][boundary - 1]),
            )
            self.volume = int(out["volume"][boundary - 1])
            start = boundary
        self.day = cme_trading_day(from_ns(int(ts[-1])))
        self.previous_ns = int(ts[-1])
        spread = 1 + (self.rng.random(n) < 0.25)
        below = (self.rng.random(n) * (spread + 1)).astype(np.int64)
        if self.spec.book:
            out["bid"] = out["last"] - below
            out["ask"] = out["bid"] + spread
            out["bid_size"] = self.rng.integers(1, 40, n)
            out["ask_size"] = self.rng.integers(1, 40, n)
        else:
            out["bid"] = out["ask"] = out["bid_size"] = out["ask_size"] = np.full(n, -1, dtype=np.int64)
        return out

    def prices(self, ticks: np.ndarray) -> np.ndarray:
        """Whole ticks → float points rounded to the tick's decimals (NaN for −1, no price)."""
        points = np.round(ticks * float(self.spec.tick_size), self.decimals)
        return np.where(ticks < 0, np.nan, points)

    def quote(self, at: datetime) -> dict[str, Any]:
        """One step of the live feed at ``at``: the quote JSON's market fields (SPEC §3.2)."""
        arrays = self.advance(np.array([to_ns(at)], dtype=np.int64))
        tick = self.spec.tick_size

        def price(name: str) -> Decimal | None:
            value = int(arrays[name][0])
            return None if value < 0 else value * tick

        last, close = price("last"), price("close")
        assert last is not None and close is not None
        return {
            "symbol": self.symbol,
            "feed_symbol": self.base.get("feed_symbol") or self.symbol,
            "type": self.base.get("type"),
            "description": self.base.get("description"),
            "last": last,
            "bid": price("bid"),
            "ask": price("ask"),
            "bid_size": int(arrays["bid_size"][0]) if self.spec.book else None,
            "ask_size": int(arrays["ask_size"][0]) if self.spec.book else None,
            "open": self.base.get("open"),
            "close": close,
            "change": last - close,
            "high_24h": price("high"),
            "low_24h": price("low"),
            "high_52w": self.base.get("high_52w"),
            "low_52w": self.base.get("low_52w"),
            "volume": int(arrays["volume"][0]) if self.spec.volume_per_second else None,
        }


def sample_quotes() -> dict[str, Quote]:
    """The sample workbook's quotes by symbol (the demo's starting prices)."""
    reader = FileWorkbookReader(SAMPLE_WORKBOOK)
    return {q.symbol: q.values() for q in parse_rows(reader.read(), sheet=reader.sheet).quotes}


def demo_walks(*, seed: int, start: datetime) -> list[DemoWalk]:
    """A :class:`DemoWalk` for every demo instrument of the sample workbook, in workbook order."""
    base = sample_quotes()
    return [
        DemoWalk(symbol, base[symbol], seed=seed, index=i, start=start)
        for i, symbol in enumerate(DEMO_SPECS)
        if symbol in base
    ]


def demo_tape(walks: list[DemoWalk], *, start: datetime, end: datetime, interval: float, seed: int) -> pa.Table:
    """The walks' ticks from ``start`` to ``end`` as an archive table (``LiveData.archive.SCHEMA``
    less ``stream_id``, source "demo"), one tick per ``interval`` seconds per symbol, each symbol a
    little off the others' beat as a real feed is, in time order. The walks carry on from their state."""
    step = int(interval * NS)
    beat = np.arange(to_ns(start) + step, to_ns(end), step, dtype=np.int64)
    columns: dict[str, list[np.ndarray]] = {
        k: []
        for k in (
            "ts",
            "symbol",
            "bid",
            "ask",
            "last",
            "close",
            "change",
            "high_24h",
            "low_24h",
            "bid_size",
            "ask_size",
            "volume",
        )
    }
    for walk in walks:
        jitter = (
            np.random.default_rng([seed, walk.index, int(beat[0] // NS) if len(beat) else 0]).random(len(beat))
            * step
            * 0.9
        ).astype(np.int64)
        ts = beat + jitter - jitter % 1000  # whole microseconds, like the stream's timestamps
        arrays = walk.advance(ts) if len(ts) else {}
        if not len(ts):
            continue
        last, close = walk.prices(arrays["last"]), walk.prices(arrays["close"])
        columns["ts"].append(ts)
        columns["symbol"].append(np.full(len(ts), walk.symbol, dtype=object))
        for name, key in (("bid", "bid"), ("ask", "ask"), ("high_24h", "high"), ("low_24h", "low")):
            columns[name].append(walk.prices(arrays[key]))
        columns["last"].append(last)
        columns["close"].append(close)
        columns["change"].append(np.round(last - close, walk.decimals))
        for name in ("bid_size", "ask_size", "volume"):
            values = arrays[name].astype(float)
            if name == "volume" and not walk.spec.volume_per_second:
                values = np.full(len(ts), -1.0)
            columns[name].append(np.where(values < 0, np.nan, values))
    merged = {k: np.concatenate(v) if v else np.array([]) for k, v in columns.items()}
    order = np.argsort(merged["ts"], kind="stable")
    return pa.table(
        {
            "ts": pa.array(merged["ts"][order].astype(np.int64), pa.timestamp("ns", tz="UTC")),
            "symbol": pa.array(merged["symbol"][order], pa.string()),
            **{
                k: pa.array(merged[k][order], pa.float64(), from_pandas=True)
                for k in ("bid", "ask", "last", "close", "change", "high_24h", "low_24h")
            },
            **{
                k: pa.array(merged[k][order], pa.float64(), from_pandas=True).cast(pa.int64())
                for k in ("bid_size", "ask_size", "volume")
            },
            "source": pa.array(np.full(len(order), QuoteSource.DEMO.value, dtype=object), pa.string()),
        }
    )
