"""Which contract is the front month on each CME trading day (SPEC §15). Pure over the daily index.

Default rule, Databento's "volume" rule: the front month of CME trading day D is the contract with the
most volume on the previous CME trading day (Monday → Friday) in the archive; when the archive lacks
that day, the one with the most volume on D itself, and :attr:`FrontMonth.basis` says so. Option
``open-interest``: among the contracts traded on D or the day before, the one with the largest open
interest last reported in the 10 days before D (falling back to the volume rule when none was). A
contract whose known expiry is before D is never the front.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import pyarrow as pa

from LiveData.contracts import previous_weekday

ROLL_RULES = ("volume", "open-interest")


@dataclass(frozen=True)
class FrontMonth:
    """The front month of ``day``: ``contract``, and ``basis`` — ``previous day`` (volume on the
    previous CME trading day), ``same day`` (volume on the day itself: the archive lacks the day
    before), or ``open interest`` (last reported before the day)."""

    day: date
    contract: str
    basis: str


class Rolls:
    """Front months of one root from the archive's daily index (and statistics, for open interest).

    ``daily``: rows of ``store.DAILY_SCHEMA``; ``expiries``: contract → expiry date (when known);
    ``open_interest``: rows of ``store.STAT_SCHEMA`` (only ``open_interest`` ones are read)."""

    def __init__(
        self,
        daily: pa.Table,
        *,
        expiries: dict[str, date] | None = None,
        open_interest: pa.Table | None = None,
        rule: str = "volume",
    ) -> None:
        if rule not in ROLL_RULES:
            raise ValueError(f"roll rule {rule!r} is not one of {', '.join(ROLL_RULES)}")
        self.rule = rule
        self.expiries = expiries or {}
        # Volume per (root, day, contract): the largest any resolution or source saw (a day's trades
        # arrive as ticks and as bars; adding them would count each trade twice).
        self.volume: dict[tuple[str, date], dict[str, int]] = defaultdict(dict)
        for row in daily.select(["day", "symbol", "contract", "volume"]).to_pylist():
            if row["contract"] is None:
                continue
            bucket = self.volume[(row["symbol"], row["day"])]
            bucket[row["contract"]] = max(bucket.get(row["contract"], 0), int(row["volume"] or 0))
        self.open_interest: dict[str, list[tuple[date, str, float]]] = defaultdict(list)
        if open_interest is not None:
            for row in open_interest.select(["day", "symbol", "contract", "stat", "value"]).to_pylist():
                if row["stat"] == "open_interest" and row["contract"] and row["value"] is not None:
                    self.open_interest[row["symbol"]].append((row["day"], row["contract"], float(row["value"])))
            for rows in self.open_interest.values():
                rows.sort()

    def days(self, root: str) -> list[date]:
        """The CME trading days the archive holds contracts of ``root`` on, oldest first."""
        # Saturday and Sunday CME days hold only pre-open quotes (SPEC §15: trading days are Monday to Friday).
        return sorted(day for (symbol, day) in self.volume if symbol == root and day.weekday() < 5)

    def most_traded(self, root: str, on: date, at: date) -> str | None:
        """The contract of ``root`` with the most volume on CME day ``on`` among those not expired
        by day ``at``, or None."""
        live = {c: v for c, v in self.volume.get((root, on), {}).items() if self._alive(c, at)}
        return max(live, key=lambda c: (live[c], c)) if live else None

    def _alive(self, contract: str, day: date) -> bool:
        expiry = self.expiries.get(contract)
        return expiry is None or expiry >= day

    def front(self, root: str, day: date) -> FrontMonth | None:
        """The front month of ``root`` on CME trading day ``day``, or None when the archive has no
        contract of it on the day or the day before."""
        if self.rule == "open-interest":
            chosen = self._by_open_interest(root, day)
            if chosen is not None:
                return FrontMonth(day, chosen, "open interest")
        previous = self.most_traded(root, previous_weekday(day), day)
        if previous is not None:
            return FrontMonth(day, previous, "previous day")
        same = self.most_traded(root, day, day)
        return FrontMonth(day, same, "same day") if same is not None else None

    def _by_open_interest(self, root: str, day: date) -> str | None:
        """Among the contracts of ``root`` traded on ``day`` or the CME day before it (not expired),
        the one with the largest open interest reported in the 10 days before ``day``; None when
        none was (the volume rule then decides). Old reports never pick a contract that no longer
        trades: open interest imported for 2013 says nothing of 2024's months."""
        trading = set(self.volume.get((root, day), {})) | set(self.volume.get((root, previous_weekday(day)), {}))
        latest: dict[str, float] = {}
        for reported, contract, value in self.open_interest.get(root, []):
            if day - timedelta(days=10) <= reported < day and contract in trading and self._alive(contract, day):
                latest[contract] = value
        return max(latest, key=lambda c: (latest[c], c)) if latest else None

    def series(self, root: str) -> list[FrontMonth]:
        """The front month of every CME trading day the archive holds ``root`` on, oldest first."""
        return [f for day in self.days(root) if (f := self.front(root, day)) is not None]


def roll_dates(series: list[FrontMonth]) -> list[tuple[date, str, str]]:
    """``(day, from, to)`` for each day the front month changes in ``series``."""
    return [
        (today.day, before.contract, today.contract)
        for before, today in itertools.pairwise(series)
        if before.contract != today.contract
    ]
