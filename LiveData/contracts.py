"""Futures contracts by name (SPEC §15): root + CME month code + two-digit year (``ESZ13``,
``ESU24``), whatever the source wrote — TOS's ``/ESZ25``, Databento's ``ESU4``, LEAN's ``201312``.
Pure: no Django, no pyarrow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

#: CME month codes (CME Group, "Contract Month Codes").
MONTH_CODES = "FGHJKMNQUVXZ"
_CONTRACT = re.compile(r"^/?([A-Z0-9]{1,4}?)([FGHJKMNQUVXZ])(\d{1,4})$")


@dataclass(frozen=True)
class Contract:
    """One listed contract: ``root`` (``ES``), ``year`` (four digits) and ``month`` (1–12)."""

    root: str
    year: int
    month: int

    @property
    def code(self) -> str:
        """The contract's name, root + month code + two-digit year: ``ESZ13``."""
        return f"{self.root}{MONTH_CODES[self.month - 1]}{self.year % 100:02d}"


def contract_code(root: str, year: int, month: int) -> str:
    """``("ES", 2013, 12)`` → ``"ESZ13"``. Raises ``ValueError`` for a month outside 1–12."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1–12")
    return Contract(root.upper(), year, month).code


def parse_contract(text: str, *, near: date) -> Contract | None:
    """A dated contract's name as a :class:`Contract`, or None when ``text`` is not one (``/ES``,
    ``$DXY``, a spread ``ESU4-ESZ4``). ``near``: a date the data is from, to complete a one- or
    two-digit year: the first year ending in those digits that is not before ``near``'s year − 1
    (``ESU4`` seen in 2024 → 2024; ``ESZ9`` seen in December 2019 → 2019)."""
    match = _CONTRACT.match(text.strip().upper())
    if match is None:
        return None
    root, letter, digits = match.groups()
    month = MONTH_CODES.index(letter) + 1
    if len(digits) == 4:
        year = int(digits)
    elif len(digits) == 3:
        return None
    else:
        modulus = 10 ** len(digits)
        floor = near.year - 1
        year = floor - floor % modulus + int(digits)
        if year < floor:
            year += modulus
    return Contract(root, year, month)


def normalize_contract(text: str, *, near: date) -> str | None:
    """A source's contract name in Thor's spelling (``ESU4`` → ``ESU24``), or None when not a dated
    contract."""
    parsed = parse_contract(text, near=near)
    return parsed.code if parsed is not None else None


def lean_contract(root: str, yyyymm: str) -> str:
    """LEAN's contract suffix (``201312``) → ``ESZ13``. Raises ``ValueError`` when it is not YYYYMM."""
    if len(yyyymm) != 6 or not yyyymm.isdigit():
        raise ValueError(f"contract month {yyyymm!r} is not YYYYMM")
    return contract_code(root, int(yyyymm[:4]), int(yyyymm[4:]))


def previous_weekday(day: date) -> date:
    """The CME trading day before ``day`` by SPEC §15's rule (trading days are Monday to Friday):
    Monday → the Friday before."""
    back = 3 if day.weekday() == 0 else 2 if day.weekday() == 6 else 1
    return day - timedelta(days=back)
