"""Turn the rows of a TOS RTD workbook into quotes (SPEC §3.1). No Django, no Redis.

Input: the cells of the ``LiveData`` range as a list of rows (row 1 = headers), as python-calamine or
xlwings return them (floats, ints, strings, ``None``). Output: a :class:`ParseResult` with one
:class:`QuoteRow` per instrument row. Prices are :class:`~decimal.Decimal` in points (bond prices in
32nds become decimals: ``117'27`` = 117.84375), sizes and volume are ``int``.

A bad cell never stops the row or the poll: its value becomes ``None`` and a warning names the cell.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from LiveData.ticks import Quote

#: Header text (case- and space-insensitive) → quote field. Older workbooks say High/Low for 24-hour.
HEADER_FIELDS: dict[str, str] = {
    "type": "type",
    "symbol": "symbol",
    "description": "description",
    "close": "close",
    "open": "open",
    "netchange": "change",
    "netchg": "change",
    "24high": "high_24h",
    "high": "high_24h",
    "24low": "low_24h",
    "low": "low_24h",
    "volume": "volume",
    "bid": "bid",
    "last": "last",
    "ask": "ask",
    "bidsize": "bid_size",
    "asksize": "ask_size",
    "52wkhigh": "high_52w",
    "52weekhigh": "high_52w",
    "52wkhi": "high_52w",
    "52wklow": "low_52w",
    "52weeklow": "low_52w",
    "52wklo": "low_52w",
}

#: Price fields: a 0 here means "no data yet" in TOS and becomes None.
PRICE_FIELDS = ("close", "open", "high_24h", "low_24h", "bid", "last", "ask", "high_52w", "low_52w")
#: Signed decimal fields where 0 is a real value.
CHANGE_FIELDS = ("change",)
INT_FIELDS = ("volume", "bid_size", "ask_size")
TEXT_FIELDS = ("type", "description")

#: Cell texts that mean "no value" (compared upper-cased, stripped).
NULL_TEXTS = frozenset({"", "N/A", "NA", "-", "--", "NAN", "NONE", "NULL", "#N/A"})

#: Alias → canonical symbol, applied after a leading "/" is dropped (SPEC §3.1).
SYMBOL_ALIASES: dict[str, str] = {
    "$DXY": "DX",
    "DXY": "DX",
    "USDX": "DX",
    "RT": "RTY",
    "30YRBOND": "ZB",
    "30YR T-BOND": "ZB",
    "T-BOND": "ZB",
}
#: Roots whose dated contracts (``/ESZ25``, ``YMH6``) collapse to the root symbol.
CONTRACT_ROOTS = ("RTY", "YM", "ES", "NQ", "CL", "SI", "HG", "GC", "VX", "DX", "ZB")
_CONTRACT_RE = re.compile(r"^(" + "|".join(CONTRACT_ROOTS) + r")[FGHJKMNQUVXZ]\d{1,2}$")

# 117'27, 117'27+, 117'275 (quarter 32nds: 0, 2 = .25, 5 = .5, 7 = .75), +0'14, -0'07, 111-16, 111:16
_THIRTY_SECONDS_RE = re.compile(r"^([+-]?)(\d+)['\-:](\d{2})([+]|[0257])?$")
_QUARTERS = {"0": Decimal(0), "2": Decimal("0.25"), "5": Decimal("0.5"), "7": Decimal("0.75"), "+": Decimal("0.5")}


#: Columns without which a quote would be wrong (not just incomplete): field → the TOS header.
REQUIRED_HEADERS: dict[str, str] = {
    "symbol": "Symbol",
    "last": "Last",
    "bid": "Bid",
    "ask": "Ask",
    "change": "NetChange",
    "close": "Close",
}


class HeaderError(ValueError):
    """A required column is missing or renamed; the message names what was looked for and what was found."""


class CellError(ValueError):
    """A cell whose text is not a value of the column's kind."""


@dataclass
class QuoteRow:
    """One parsed instrument row. Prices in points (Decimal) or None; sizes and volume int or None."""

    symbol: str
    feed_symbol: str
    type: str | None = None
    description: str | None = None
    last: Decimal | None = None
    bid: Decimal | None = None
    ask: Decimal | None = None
    bid_size: int | None = None
    ask_size: int | None = None
    open: Decimal | None = None
    close: Decimal | None = None
    change: Decimal | None = None
    high_24h: Decimal | None = None
    low_24h: Decimal | None = None
    high_52w: Decimal | None = None
    low_52w: Decimal | None = None
    volume: int | None = None

    @property
    def is_quote(self) -> bool:
        """A row with no bid, ask or last is not a quote (SPEC §3.1)."""
        return not (self.bid is None and self.ask is None and self.last is None)

    def values(self) -> Quote:
        """The row as a :class:`~LiveData.ticks.Quote`: its market fields (no time stamps or source)."""
        return {
            "symbol": self.symbol,
            "feed_symbol": self.feed_symbol,
            "type": self.type,
            "description": self.description,
            "last": self.last,
            "bid": self.bid,
            "ask": self.ask,
            "bid_size": self.bid_size,
            "ask_size": self.ask_size,
            "open": self.open,
            "close": self.close,
            "change": self.change,
            "high_24h": self.high_24h,
            "low_24h": self.low_24h,
            "high_52w": self.high_52w,
            "low_52w": self.low_52w,
            "volume": self.volume,
        }


@dataclass
class ParseResult:
    """What one read of the workbook gave.

    ``quotes``: rows that are quotes, in sheet order. ``not_quotes``: symbols whose bid, ask and last
    were all empty. ``skipped_rows``: rows with no symbol. ``warnings``: one line per bad cell or row.
    """

    quotes: list[QuoteRow] = field(default_factory=list)
    not_quotes: list[str] = field(default_factory=list)
    skipped_rows: int = 0
    warnings: list[str] = field(default_factory=list)


def normalize_symbol(raw: str) -> str:
    """Canonical symbol for a feed symbol: ``/YM`` → ``YM``, ``$DXY`` → ``DX``, ``/ESZ25`` → ``ES``.

    A leading ``/`` is dropped, then the alias table of SPEC §3.1 applies (case-insensitive); a dated
    contract of a known root collapses to the root. Unknown symbols pass through upper-cased.
    """
    text = raw.strip()
    if text.startswith("/"):
        text = text[1:]
    upper = text.upper()
    if upper in SYMBOL_ALIASES:
        return SYMBOL_ALIASES[upper]
    match = _CONTRACT_RE.match(upper)
    if match:
        return match.group(1)
    return upper


def _clean_decimal(value: Decimal) -> Decimal:
    """Drop trailing zeros and exponent so 46381.0 prints as 46381 and 0.0 as 0."""
    normalized = value.normalize()
    if normalized == 0:
        return Decimal(0)
    exponent = normalized.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        try:
            return normalized.quantize(Decimal(1))
        except InvalidOperation:  # more digits than Decimal keeps: no price or size is that large
            raise CellError(f"{value} is too large to be a price or size") from None
    return normalized


def parse_decimal(cell: Any) -> Decimal | None:
    """A price or change cell → Decimal, or None for an empty cell.

    Accepts numbers, numeric text (``"6702.5"``, ``"1,234.5"``) and bond prices in 32nds
    (``117'27`` = 117.84375; ``117'27+`` and ``117'275`` = 117 + 27.5/32; ``-0'07`` = −0.21875).
    Raises :class:`CellError` for text that is none of these (``Loading...``, ``#VALUE!``, ``abc``).
    """
    if isinstance(cell, bool):
        raise CellError(f"{cell!r} is not a number")
    if cell is None:
        return None
    if isinstance(cell, int | float):
        return _number_cell(cell)
    text = str(cell).strip()
    if text.upper() in NULL_TEXTS:
        return None
    match = _THIRTY_SECONDS_RE.match(text)
    if match:
        return _thirty_seconds(text, *match.groups())
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise CellError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise CellError(f"{text!r} is not a finite number")
    return _clean_decimal(value)


def _number_cell(cell: int | float) -> Decimal | None:
    """A numeric cell: an int exactly, a float by its shortest repr; NaN is empty, ±inf an error."""
    if isinstance(cell, int):
        return Decimal(cell)
    if math.isnan(cell):
        return None
    if math.isinf(cell):
        raise CellError(f"{cell!r} is not a finite number")
    return _clean_decimal(Decimal(repr(cell)))


def _thirty_seconds(text: str, sign: str | None, whole: str, thirty_seconds: str, fraction: str | None) -> Decimal:
    """``117'27+`` parts → 117 + 27.5/32 (points); raises :class:`CellError` for 32 or more 32nds."""
    ticks = Decimal(thirty_seconds) + _QUARTERS.get(fraction or "0", Decimal(0))
    if ticks >= 32:
        raise CellError(f"{text!r} has {ticks} 32nds (must be under 32)")
    value = Decimal(whole) + ticks / 32
    return _clean_decimal(-value if sign == "-" else value)


def parse_int(cell: Any) -> int | None:
    """A size or volume cell → int, or None for an empty cell. Raises :class:`CellError` otherwise."""
    value = parse_decimal(cell)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise CellError(f"{cell!r} is not a whole number")
    return int(value)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def map_headers(headers: list[Any]) -> dict[str, int]:
    """Quote field → column index, from the header row. The first column with a name wins."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        if header is None:
            continue
        key = re.sub(r"[\s_]+", "", str(header)).lower()
        quote_field = HEADER_FIELDS.get(key)
        if quote_field and quote_field not in mapping:
            mapping[quote_field] = index
    return mapping


def parse_rows(
    rows: list[list[Any]], *, sheet: str = "LiveData", first_row: int = 1, first_column: int = 0
) -> ParseResult:
    """Parse a block of cells whose first row holds the headers.

    ``first_row`` (1-based) and ``first_column`` (0-based) say where the block sits in the sheet, so
    warnings name real cells (``LiveData!E5``). Raises :class:`HeaderError` when a required column
    (:data:`REQUIRED_HEADERS`) is missing or renamed — a silent ``last: null`` on every row would be
    worse than no quotes — and ``ValueError`` when there is no header row.
    """
    if not rows:
        raise ValueError(f"sheet {sheet!r} has no header row")
    columns = _required_columns(rows[0], sheet=sheet)
    result = ParseResult()
    seen: set[str] = set()
    for offset, row in enumerate(rows[1:], start=1):
        quote = _parse_row(row, columns, result, where=(sheet, first_row + offset, first_column))
        if quote is None:
            result.skipped_rows += 1
        elif not quote.is_quote:
            result.not_quotes.append(quote.symbol)
        else:
            if quote.symbol in seen:
                result.warnings.append(
                    f"{sheet} row {first_row + offset}: {quote.symbol} appears again; the later row wins"
                )
                result.quotes = [q for q in result.quotes if q.symbol != quote.symbol]
            seen.add(quote.symbol)
            result.quotes.append(quote)
    return result


def _required_columns(headers: list[Any], *, sheet: str) -> dict[str, int]:
    """The header row's columns by quote field; raises :class:`HeaderError` naming the required
    headers that are missing and the ones found."""
    columns = map_headers(list(headers))
    missing = [header for field_name, header in REQUIRED_HEADERS.items() if field_name not in columns]
    if missing:
        found = ", ".join(str(h) for h in headers if h not in (None, "")) or "none"
        raise HeaderError(
            f"sheet {sheet!r} has no {' / '.join(repr(h) for h in missing)} column: looked for the header"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} in its first row and found: {found}. "
            "Rename the column back (or fix THOR_WORKBOOK_RANGE) — Thor will not publish prices it cannot place."
        )
    return columns


def _parse_row(
    row: list[Any], columns: dict[str, int], result: ParseResult, *, where: tuple[str, int, int]
) -> QuoteRow | None:
    """One row as a :class:`QuoteRow` (None for a row without a symbol). A cell that cannot be read is
    null, with a warning in ``result`` naming the cell (``LiveData!E5``); a price of 0 is null.
    ``where``: the sheet, the row's number and the block's first column (0-based)."""
    sheet, row_number, first_column = where

    def cell(name: str) -> Any:
        index = columns.get(name)
        return None if index is None or index >= len(row) else row[index]

    raw_symbol = cell("symbol")
    symbol_text = "" if raw_symbol is None else str(raw_symbol).strip()
    if symbol_text == "" or symbol_text.upper() in NULL_TEXTS:
        return None
    quote = QuoteRow(symbol=normalize_symbol(symbol_text), feed_symbol=symbol_text)
    for name in TEXT_FIELDS:
        value = cell(name)
        setattr(quote, name, (None if value is None else str(value).strip()) or None)
    for name in PRICE_FIELDS + CHANGE_FIELDS + INT_FIELDS:
        if name not in columns:
            continue
        try:
            number = parse_int(cell(name)) if name in INT_FIELDS else parse_decimal(cell(name))
        except CellError as exc:
            at = f"{sheet}!{column_letter(first_column + columns[name])}{row_number}"
            result.warnings.append(f"{at} ({quote.symbol} {name}): {exc}; using null")
            number = None
        setattr(quote, name, None if name in PRICE_FIELDS and number == 0 else number)
    return quote
