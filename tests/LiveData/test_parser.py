"""The TOS workbook parser: real workbooks reproduce expected_quotes.json; broken cells never lose good values."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from LiveData.tos.parser import CellError, normalize_symbol, parse_decimal, parse_int, parse_rows
from LiveData.tos.workbook import FileWorkbookReader
from tests.conftest import TOS_DATA, WORKBOOKS

EXPECTED = json.loads((TOS_DATA / "expected_quotes.json").read_text()) if TOS_DATA.exists() else {}
INT_KEYS = {"volume", "bid_size", "ask_size"}


def as_expected(values: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """A parsed quote in expected_quotes.json's notation: prices as decimal text, sizes as ints."""
    return {k: values[k] if k in INT_KEYS or values[k] is None else str(values[k]) for k in keys}


def test_all_six_real_workbooks_are_present() -> None:
    assert len(WORKBOOKS) == 6, f"expected the six TOS workbooks in {TOS_DATA}"
    assert set(EXPECTED) == set(WORKBOOKS)


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_parser_reproduces_expected_quotes_exactly(workbook: str) -> None:
    rows = FileWorkbookReader(TOS_DATA / workbook).read()
    result = parse_rows(rows)
    expected = EXPECTED[workbook]
    got = {q.symbol: as_expected(q.values(), list(next(iter(expected.values())))) for q in result.quotes}
    assert got == expected
    assert result.warnings == []


def test_rows_without_bid_ask_or_last_are_reported_not_published() -> None:
    rows = FileWorkbookReader(TOS_DATA / "rtd_2025-10-18.xlsm").read()
    result = parse_rows(rows)
    assert [q.symbol for q in result.quotes] == ["YM", "ES", "NQ", "RTY"]
    assert result.not_quotes == ["CL", "SI", "HG", "GC", "VX", "DX", "ZB"]
    assert result.skipped_rows == 1  # the blank row 2 of older workbooks


def test_dollar_index_keeps_feed_symbol_and_has_only_last() -> None:
    result = parse_rows(FileWorkbookReader(TOS_DATA / "rtd_2025-11-26.xlsm").read())
    dx = next(q for q in result.quotes if q.symbol == "DX")
    assert dx.feed_symbol == "$DXY"
    assert (dx.bid, dx.ask, dx.last) == (None, None, Decimal("99.741"))
    assert dx.type == "Index"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("117'27", Decimal("117.84375")),
        ("117'27+", Decimal("117.859375")),
        ("117'275", Decimal("117.859375")),
        ("117'272", Decimal("117.8515625")),
        ("+0'14", Decimal("0.4375")),
        ("-0'07", Decimal("-0.21875")),
        ("111-16", Decimal("111.5")),
        ("0'00", Decimal("0")),
        ("6702.5", Decimal("6702.5")),
        ("1,234.5", Decimal("1234.5")),
        (46381.0, Decimal("46381")),
        (5.1225, Decimal("5.1225")),
        ("N/A", None),
        ("#N/A", None),
        ("", None),
        ("-", None),
        ("NaN", None),
        (None, None),
    ],
)
def test_cell_values_parse_to_exact_decimals(text: Any, value: Decimal | None) -> None:
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["Loading...", "#VALUE!", "abc", "117'32", "117'279", "inf", True])
def test_text_that_is_not_a_number_is_a_cell_error(text: Any) -> None:
    with pytest.raises(CellError):
        parse_decimal(text)


def test_sizes_must_be_whole_numbers() -> None:
    assert parse_int(12.0) == 12
    with pytest.raises(CellError):
        parse_int(1.5)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("/YM", "YM"),
        ("$DXY", "DX"),
        ("DXY", "DX"),
        ("USDX", "DX"),
        ("RT", "RTY"),
        ("30YrBond", "ZB"),
        ("T-BOND", "ZB"),
        ("/ESZ25", "ES"),
        ("RTYH6", "RTY"),
        ("/zb", "ZB"),
        ("AAPL", "AAPL"),
    ],
)
def test_symbols_are_normalised_once_at_ingest(raw: str, canonical: str) -> None:
    assert normalize_symbol(raw) == canonical


# --- property tests: broken cells never lose good values ------------------------------------------

HEADERS = [
    "Type",
    "Symbol",
    "Description",
    "Close",
    "Open",
    "NetChange",
    "24High",
    "24Low",
    "Volume",
    "Bid",
    "Last",
    "Ask",
    "BidSize",
    "AskSize",
]
FIELD_OF = {
    "Close": "close",
    "Open": "open",
    "NetChange": "change",
    "24High": "high_24h",
    "24Low": "low_24h",
    "Volume": "volume",
    "Bid": "bid",
    "Last": "last",
    "Ask": "ask",
    "BidSize": "bid_size",
    "AskSize": "ask_size",
}
PRICE_HEADERS = {"Close", "Open", "24High", "24Low", "Bid", "Last", "Ask"}
INT_HEADERS = {"Volume", "BidSize", "AskSize"}
JUNK = st.sampled_from(["#N/A", "N/A", "Loading...", "#VALUE!", "abc", "", "-", None, "NaN", "--"])

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2)
changes = st.decimals(min_value=Decimal("-500"), max_value=Decimal("500"), places=2)
sizes = st.integers(min_value=0, max_value=10_000_000)


@st.composite
def sheets(draw: st.DrawFn) -> tuple[list[list[Any]], dict[str, dict[str, Any]]]:
    """A LiveData block with shuffled columns, blank rows and junk cells, plus the values a parser
    must return for it."""
    order = draw(st.permutations(HEADERS))
    symbols = draw(
        st.lists(st.sampled_from(["YM", "ES", "NQ", "RTY", "CL", "GC", "VX"]), min_size=1, max_size=6, unique=True)
    )
    rows: list[list[Any]] = [list(order)]
    expected: dict[str, dict[str, Any]] = {}
    for symbol in symbols:
        if draw(st.booleans()):
            rows.append([None] * len(order))  # a blank row
        values: dict[str, Any] = {"Type": "Futures", "Symbol": symbol, "Description": f"{symbol} future"}
        want: dict[str, Any] = {}
        for header, field in FIELD_OF.items():
            if header in INT_HEADERS:
                good: Any = draw(sizes)
            elif header == "NetChange":
                good = draw(changes)
            else:
                good = draw(prices)
            if draw(st.integers(0, 3)) == 0:
                values[header] = draw(JUNK)
                want[field] = None
            else:
                values[header] = float(good) if draw(st.booleans()) else str(good)
                want[field] = good
        values["Last"] = float(want["last"]) if want.get("last") is not None else float(draw(prices))
        want["last"] = Decimal(repr(values["Last"]))
        rows.append([values.get(h) for h in order])
        expected[symbol] = want
    return rows, expected


@settings(max_examples=150, deadline=None)
@given(sheets())
def test_broken_cells_become_null_and_good_values_survive(
    sheet: tuple[list[list[Any]], dict[str, dict[str, Any]]],
) -> None:
    rows, expected = sheet
    result = parse_rows(rows)
    got = {q.symbol: q.values() for q in result.quotes}
    assert set(got) == set(expected)
    for symbol, want in expected.items():
        for field, value in want.items():
            assert got[symbol][field] == value, (symbol, field)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=31),
    st.sampled_from(["", "+", "0", "2", "5", "7"]),
    st.booleans(),
)
def test_thirty_seconds_round_trip(whole: int, thirty_seconds: int, suffix: str, negative: bool) -> None:
    quarter = {
        "": Decimal(0),
        "0": Decimal(0),
        "+": Decimal("0.5"),
        "2": Decimal("0.25"),
        "5": Decimal("0.5"),
        "7": Decimal("0.75"),
    }
    text = f"{'-' if negative else ''}{whole}'{thirty_seconds:02d}{suffix}"
    value = Decimal(whole) + (Decimal(thirty_seconds) + quarter[suffix]) / 32
    assert parse_decimal(text) == (-value if negative else value)


def test_a_missing_symbol_header_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="Symbol"):
        parse_rows([["Type", "Bid", "Ask"], ["Futures", 1, 2]])


def test_bad_cells_are_named_in_warnings() -> None:
    rows = [HEADERS, ["Futures", "YM", "Dow", 100, "Loading...", 5, 110, 90, 7, 101, 102, 103, 1, 1]]
    result = parse_rows(rows, sheet="LiveData", first_row=1)
    assert result.quotes[0].open is None
    assert result.quotes[0].bid == Decimal(101)
    assert len(result.warnings) == 1 and result.warnings[0].startswith("LiveData!E2 (YM open)")


def test_an_absurdly_large_cell_is_a_cell_error_not_a_crash() -> None:
    # Decimal cannot quantize 1E+30 to a whole number (28 digits): the cell is reported, the poll goes on.
    with pytest.raises(CellError, match="too large"):
        parse_decimal("1e30")
    result = parse_rows(
        [["Symbol", "Last", "Bid", "Ask", "NetChange", "Close"], ["/ES", "1e30", 6800.25, 6800.5, 5, 6795]],
        sheet="LiveData",
    )
    assert result.quotes[0].last is None and result.quotes[0].bid == Decimal("6800.25")
    assert any("too large" in w for w in result.warnings)


def test_the_live_feed_keeps_the_contract_tos_sends() -> None:
    """SPEC §15: ``/ESZ25`` is a contract and is kept; ``/ES`` is TOS's continuous front month."""
    from datetime import UTC, datetime

    from LiveData.ticks import tick_from_quote

    at = datetime(2025, 12, 1, tzinfo=UTC)
    dated = tick_from_quote({"symbol": "ES", "feed_symbol": "/ESZ25", "last": 6800}, default_ts=at)
    continuous = tick_from_quote({"symbol": "ES", "feed_symbol": "/ES", "last": 6800}, default_ts=at)
    index = tick_from_quote({"symbol": "DX", "feed_symbol": "$DXY", "last": 99}, default_ts=at)
    assert (dated["contract"], continuous["contract"], index["contract"]) == ("ESZ25", None, None)
