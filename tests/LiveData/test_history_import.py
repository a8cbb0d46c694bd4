"""``import_history`` and ``contracts`` on the real vendor samples in ``../shared/data/real/`` (SPEC §15),
and the backtest on them checked against the raw files, read here independently of Thor's readers."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import databento_dbn
import pytest
import zstandard
from django.core.management import CommandError, call_command

from LiveData.history.store import HistoryArchive
from tests.conftest import REAL_DATA

pytestmark = pytest.mark.django_db

REAL = REAL_DATA
LEAN = REAL / "lean"
DATABENTO = REAL / "databento"


def run(command: str, *args: Any) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def archive(settings: Any, tmp_path: Path) -> HistoryArchive:
    settings.THOR_TICK_DIR = tmp_path / "ticks"
    return HistoryArchive(settings.THOR_TICK_DIR)


def test_every_sample_imports_once_and_es_rolls_from_z13_to_h14(archive: HistoryArchive) -> None:
    lean = run("import_history", str(LEAN), "--format", "lean")
    assert "42 files, 234,232 rows read, 234,232 stored" in lean and "0 bad rows" in lean
    # A minute's last bid above its last ask is market data: kept and counted, never a bad row.
    assert "529 crossed or locked quotes kept" in lean
    assert "1m         ESZ13     2013-10-08" in lean  # the summary per contract and CME day
    dbn = run("import_history", str(DATABENTO), "--format", "dbn")
    assert "4 files, 2,468 rows read, 2,468 stored" in dbn and "2 contract definitions" in dbn
    again = run("import_history", str(LEAN), "--format", "lean") + run(
        "import_history", str(DATABENTO), "--format", "dbn"
    )
    assert "234,232 rows read, 0 stored" in again and "2,468 rows read, 0 stored" in again

    listing = run("contracts", "--root", "ES")
    fronts = dict(line.split()[:2] for line in listing.splitlines() if line.startswith("  2013-"))
    lean_days = ["2013-10-07", "2013-10-08", "2013-10-09", "2013-10-10", "2013-10-11", "2013-10-14", "2013-11-18"]
    assert all(fronts[day] == "ESZ13" for day in lean_days), fronts
    assert fronts["2013-12-20"] == "ESH14"
    assert "roll: ESZ13 → ESH14 on 2013-12-20" in listing
    assert "ESU24    2024-09-20" in listing  # the expiry from Databento's definition


def lean_zip(tmp_path: Path, name: str, member: str, text: str) -> Path:
    folder = tmp_path / "lean" / "future" / "cme" / "minute" / "es"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with zipfile.ZipFile(path, "w") as handle:
        handle.writestr(member, text)
    return path


def test_bad_rows_are_named_with_file_and_line_and_the_good_ones_kept(archive: HistoryArchive, tmp_path: Path) -> None:
    path = lean_zip(
        tmp_path,
        "20131007_trade.zip",
        "20131007_es_minute_trade_201312.csv",
        "0,1676.5,1676.5,1676.5,1676.5,9\n60000,1676.5,abc,1676.5,1676.75,19\n120000,1676.75,1676.75,1676.25,1676.25,60\n",
    )
    err = io.StringIO()
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_history", str(path), "--format", "lean", stdout=out, stderr=err)
    assert failure.value.returncode == 1
    assert f"{path}:20131007_es_minute_trade_201312.csv:2: high 'abc' is not a number" in err.getvalue()
    assert "2 stored" in out.getvalue()
    assert archive.read_bars("1m", datetime(2013, 10, 7, tzinfo=UTC), datetime(2013, 10, 8, tzinfo=UTC)).num_rows == 2


def test_a_bar_csv_keeps_crossed_quotes_and_names_bad_rows(archive: HistoryArchive, tmp_path: Path) -> None:
    path = tmp_path / "bars.csv"
    path.write_text(
        "ts,contract,open,high,low,close,volume,bid_close,ask_close\n"
        "2024-07-02T00:00:00+00:00,ESU4,5530,5531,5529.5,5530.25,100,5530.5,5530.25\n"
        "2024-07-02T00:01:00Z,ESU4,5530.25,5530,5531,5530.5,50,,\n"
        "2024-07-02T00:02:00Z,ESU4,5530.5,5531,5530.25,5530.75,20,5530.5,5530.75\n"
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_history", str(path), "--format", "bars-csv", "--interval", "1m", stdout=out, stderr=err)
    assert f"{path}:3: high 5530.0 is below low 5531.0" in err.getvalue()
    assert "1 crossed or locked quotes kept" in out.getvalue() and "2 stored" in out.getvalue()
    bars = archive.read_bars("1m", datetime(2024, 7, 1, tzinfo=UTC), datetime(2024, 7, 3, tzinfo=UTC))
    assert bars.column("contract").to_pylist() == ["ESU24", "ESU24"]
    assert bars.column("bid_close").to_pylist() == [5530.5, 5530.5]


def backtest(*args: str) -> dict[str, Any]:
    return json.loads(run("backtest", "--json", *args))


def raw_lean_bars(day: str, contract_month: str) -> dict[datetime, dict[str, float | None]]:
    """ES quote and trade bars of one LEAN day and contract, read straight from the zips."""
    bars: dict[datetime, dict[str, float | None]] = {}
    midnight = datetime.strptime(day, "%Y%m%d").replace(tzinfo=UTC)
    for kind, names in (
        ("quote", ("bid_open", "bid_high", "bid_low", "bid_close", "bid_size", "ask_open", "ask_high", "ask_low", "ask_close", "ask_size")),
        ("trade", ("open", "high", "low", "close", "volume")),
    ):  # fmt: skip
        with zipfile.ZipFile(LEAN / "future" / "cme" / "minute" / "es" / f"{day}_{kind}.zip") as handle:
            text = handle.read(f"{day}_es_minute_{kind}_{contract_month}.csv").decode()
        for fields in csv.reader(io.StringIO(text)):
            at = midnight + timedelta(milliseconds=int(fields[0]))
            bars.setdefault(at, {}).update({n: float(v) if v else None for n, v in zip(names, fields[1:], strict=True)})
    return bars


def first_touch_by_hand(trade: dict[str, Any], bars: dict[datetime, dict[str, float | None]]) -> tuple[str, Any, Any]:
    """SPEC §15's bar rule, written plainly: (wndw, exit time, exit price)."""
    opened = datetime.fromisoformat(trade["captured_at"])
    target_high, target_low = trade["target_high"], trade["target_low"]
    long = trade["bhs"] in ("BUY", "STRONG_BUY")
    side = "bid_" if long else "ask_"
    for at in sorted(bars):
        if at < opened or at + timedelta(minutes=1) > opened + timedelta(minutes=30):
            continue
        bar = bars[at]
        if bar.get(f"{side}high") is None:
            continue
        high, low, first = bar[f"{side}high"], bar[f"{side}low"], bar[f"{side}open"]
        up, down = high >= target_high, low <= target_low
        if long and down:
            return "DIDNT_WORK", at, min(first, target_low)
        if not long and up:
            return "DIDNT_WORK", at, max(first, target_high)
        if long and up:
            return "WORKED", at, max(first, target_high)
        if not long and down:
            return "WORKED", at, min(first, target_low)
    return "EXPIRED", None, None


def test_the_lean_es_days_backtest_as_the_raw_bars_say(archive: HistoryArchive, seeded: None) -> None:
    run("import_history", str(LEAN / "future" / "cme"), "--format", "lean")
    result = backtest("--from", "2013-10-07", "--to", "2013-10-11", "--future", "ES")
    params = result["params"]
    assert params["resolution"] == ["1m"] and params["roll"] == "volume" and params["contracts"] == ["ESZ13"]
    assert params["sources"] == ["algoseek"]
    trades = [t for t in result["trades"] if t["future"] == "ES" and t["entry_price"] is not None]
    assert len(trades) >= 10
    for trade in trades:
        assert (trade["contract"], trade["resolution"], trade["close_source"]) == ("ESZ13", "1m", "last trade")
        day = datetime.fromisoformat(trade["captured_at"]).strftime("%Y%m%d")
        wndw, at, price = first_touch_by_hand(trade, raw_lean_bars(day, "201312"))
        assert trade["wndw"] == wndw, trade
        if at is not None:
            assert datetime.fromisoformat(trade["target_hit_at"]) == at
            assert trade["target_hit_price"] == price
            sign = 1 if trade["bhs"].endswith("BUY") else -1
            pnl = (
                (Decimal(repr(price)) - Decimal(repr(trade["entry_price"]))) / Decimal("0.25") * Decimal("12.50") * sign
            )
            assert Decimal(repr(trade["pnl_usd"])) == pnl.quantize(Decimal("0.01"))
    # The two trades: the bid lows reach the Pre-USA stop at 12:48; the USA stop is booked at −$100.
    by_open = {(t["country"], t["date"]): t for t in trades}
    pre_usa, usa = by_open[("Pre_USA", "2013-10-08")], by_open[("USA", "2013-10-08")]
    assert (pre_usa["wndw"], pre_usa["target_hit_at"], pre_usa["pnl_usd"]) == (
        "DIDNT_WORK",
        "2013-10-08T12:48:00+00:00",
        -100.0,
    )
    assert (usa["wndw"], usa["pnl_usd"]) == ("DIDNT_WORK", -100.0)


def test_databento_mbp1_backtests_at_tick_resolution_on_the_last_book_before_tokyo(
    archive: HistoryArchive, seeded: None
) -> None:
    run("import_history", str(DATABENTO), "--format", "dbn")
    result = backtest("--from", "2024-07-02", "--to", "2024-07-02", "--markets", "Japan", "--future", "all")
    es = next(t for t in result["trades"] if t["future"] == "ES")
    # The last MBP-1 record before 00:00:00 UTC, decoded record by record with the vendor's decoder.
    raw = (
        zstandard.ZstdDecompressor()
        .stream_reader(
            (DATABENTO / "futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst").read_bytes(),
            read_across_frames=True,
        )
        .read()
    )
    decoder = databento_dbn.DBNDecoder()
    decoder.write(raw)
    tokyo = int(datetime(2024, 7, 2, tzinfo=UTC).timestamp()) * 1_000_000_000
    books = [r for r in decoder.decode() if isinstance(r, databento_dbn.MBP1Msg) and r.ts_recv <= tokyo]
    last = books[-1].levels[0]
    assert (es["contract"], es["resolution"]) == ("ESU24", "tick")
    assert es["bid"] == last.bid_px / 1e9 and es["ask"] == last.ask_px / 1e9
    # No trade or settlement of 1 July in the sample: no previous close, no signal, never a made-up one.
    assert (es["wndw"], es["reason"]) == ("NEUTRAL", "no previous close")
    assert result["params"]["resolution"] == ["tick", "1m"] and date(2024, 7, 2).isoformat() in result["params"]["days"]


def statistics_file(path: Path, *, settlement: float, day: date) -> Path:
    """A Databento statistics file (DBN v3, zstd) with one ESU4 settlement for ``day``, its instrument
    named only by the definitions imported before it (no symbology mappings)."""
    start = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1_000_000_000
    metadata = databento_dbn.Metadata(
        dataset="GLBX.MDP3", schema=databento_dbn.Schema.STATISTICS, start=start, end=start + 86_400_000_000_000,
        stype_in=databento_dbn.SType.RAW_SYMBOL, stype_out=databento_dbn.SType.INSTRUMENT_ID, symbols=["ESU4"],
        partial=[], not_found=[], mappings=[],
    )  # fmt: skip
    settle = databento_dbn.StatMsg(
        publisher_id=1, instrument_id=118, ts_event=start + 76_000_000_000_000, ts_recv=start + 76_000_000_000_000,
        ts_ref=start, price=round(settlement * 1e9), quantity=databento_dbn.UNDEF_STAT_QUANTITY, sequence=1,
        ts_in_delta=0, stat_type=databento_dbn.StatType.SETTLEMENT_PRICE, channel_id=0,
        update_action=databento_dbn.StatUpdateAction.NEW, stat_flags=0,
    )  # fmt: skip
    path.write_bytes(zstandard.ZstdCompressor().compress(metadata.encode() + bytes(settle)))
    return path


def test_a_vendor_settlement_is_the_previous_close(archive: HistoryArchive, seeded: None, tmp_path: Path) -> None:
    run("import_history", str(DATABENTO), "--format", "dbn")
    stats = statistics_file(tmp_path / "glbx-statistics.dbn.zst", settlement=5525.25, day=date(2024, 7, 1))
    summary = run("import_history", str(stats), "--format", "dbn")
    assert "statistics ESU24     2024-07-01" in summary and "2024-07-01 statistics: 1 stored" in summary
    result = backtest("--from", "2024-07-02", "--to", "2024-07-02", "--markets", "Japan", "--future", "ES")
    es = next(t for t in result["trades"] if t["future"] == "ES")
    assert (es["close_source"], es["previous_close"]) == ("settlement", 5525.25)
    # The last trade before Tokyo's open, from the vendor's decoder record by record: the snapshot's last.
    raw = (
        zstandard.ZstdDecompressor()
        .stream_reader(
            (DATABENTO / "futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst").read_bytes(),
            read_across_frames=True,
        )
        .read()
    )
    decoder = databento_dbn.DBNDecoder()
    decoder.write(raw)
    tokyo = int(datetime(2024, 7, 2, tzinfo=UTC).timestamp()) * 1_000_000_000
    trades = [r for r in decoder.decode() if isinstance(r, databento_dbn.TradeMsg) and r.ts_recv <= tokyo]
    assert es["last"] == trades[-1].price / 1e9
    assert es["bhs"] != "" and es["reason"] is None and es["resolution"] == "tick"
    # Its window runs past the data (ticks end at 00:02): the trade stays PENDING, never EXPIRED.
    assert es["wndw"] == "PENDING"
    assert result["params"]["close_source"] == {"settlement": 1}


def test_a_dry_run_reads_and_counts_but_writes_nothing(archive: HistoryArchive) -> None:
    summary = run("import_history", str(LEAN / "future" / "comex"), "--format", "lean", "--dry-run")
    assert "would be stored (dry run)" in summary and "0 bad rows" in summary
    assert not archive.root.exists() or not any(archive.root.rglob("*.parquet"))


def test_lean_second_bars_and_tick_quotes_import(archive: HistoryArchive, tmp_path: Path) -> None:
    second = lean_zip(
        tmp_path,
        "20131007_quote.zip",
        "20131007_es_second_quote_201312.csv",
        "0,1676.5,1676.5,1676.5,1676.5,86,1676.75,1676.75,1676.75,1676.75,97\n"
        "1000,1676.75,1676.75,1676.75,1676.75,5,1676.75,1676.75,1676.75,1676.75,9\n",
    )
    tick_folder = tmp_path / "ticks" / "future" / "cme" / "tick" / "es"
    tick_folder.mkdir(parents=True)
    with zipfile.ZipFile(tick_folder / "20131007_quote.zip", "w") as handle:
        handle.writestr(
            "20131007_es_tick_quote_201312.csv",
            "5,1676.5,10,1676.75,12,usa,,0\n5,1676.5,11,1676.75,12,usa,,0\n9,1676.75,3,1676.75,4,usa,,0\n"
            "12,1676.5,1,1677.0,1,usa,,1\n",
        )
    summary = run("import_history", str(second), str(tick_folder), "--format", "lean")
    assert "2 crossed or locked quotes kept" in summary  # the locked second bar and the locked tick
    assert "1 rows — suspicious (vendor flag)" in summary
    bars = archive.read_bars("1s", datetime(2013, 10, 7, tzinfo=UTC), datetime(2013, 10, 8, tzinfo=UTC))
    assert (
        bars.column("bid_close").to_pylist() == [1676.5, 1676.75] and bars.column("contract").to_pylist()[0] == "ESZ13"
    )
    ticks = archive.ticks.read(datetime(2013, 10, 7, tzinfo=UTC), datetime(2013, 10, 8, tzinfo=UTC))
    # Two quotes at the same millisecond are two records (seq 0 and 1), not a repeat.
    assert ticks.column("bid_size").to_pylist() == [10, 11, 3] and ticks.column("seq").to_pylist() == [0, 1, 0]
    again = run("import_history", str(second), str(tick_folder), "--format", "lean")
    assert "0 stored" in again


def test_health_lists_the_archive_sources_and_their_spans(archive: HistoryArchive, client: Any) -> None:
    run("import_history", str(DATABENTO), "--format", "dbn")
    body = client.get("/api/health/").json()
    sources = {s["source"]: s for s in body["archive"]["sources"]}
    assert sources["databento"]["first_day"] == "2024-07-02" and sources["databento"]["contracts"] == ["ESU24", "NQU24"]
    assert sources["databento mbp-1"]["resolutions"] == ["tick"]


def test_the_roll_rules_pick_by_volume_or_by_open_interest_and_skip_expired_months() -> None:
    import pyarrow as pa

    from LiveData.history.rolls import FrontMonth, Rolls, roll_dates

    thursday, friday, monday = date(2013, 12, 19), date(2013, 12, 20), date(2013, 12, 23)
    daily = pa.Table.from_pylist(
        [
            {"day": thursday, "symbol": "ES", "contract": "ESZ13", "volume": 1000},
            {"day": thursday, "symbol": "ES", "contract": "ESH14", "volume": 900},
            {"day": friday, "symbol": "ES", "contract": "ESZ13", "volume": 2000},
            {"day": friday, "symbol": "ES", "contract": "ESH14", "volume": 100},
            {"day": monday, "symbol": "ES", "contract": "ESH14", "volume": 50},
        ]
    )
    oi = pa.Table.from_pylist(
        [
            {"day": date(2013, 12, 18), "symbol": "ES", "contract": "ESZ13", "stat": "open_interest", "value": 2.0e6},
            {"day": date(2013, 12, 18), "symbol": "ES", "contract": "ESH14", "stat": "open_interest", "value": 2.1e6},
        ]
    )
    expiries = {"ESZ13": friday}
    by_volume = Rolls(daily, expiries=expiries)
    assert [(f.day, f.contract, f.basis) for f in by_volume.series("ES")] == [
        (thursday, "ESZ13", "same day"),  # Wednesday is not in the archive
        (friday, "ESZ13", "previous day"),  # most volume on Thursday
        (monday, "ESH14", "previous day"),  # ESZ13 traded most on Friday but expired that day
    ]
    assert roll_dates(by_volume.series("ES")) == [(monday, "ESZ13", "ESH14")]
    by_oi = Rolls(daily, expiries=expiries, open_interest=oi, rule="open-interest")
    assert by_oi.front("ES", friday) is not None and by_oi.front("ES", friday).contract == "ESH14"  # type: ignore[union-attr]
    # Open interest reported years before says nothing of later months: the volume rule decides.
    later = pa.concat_tables(
        [daily, pa.Table.from_pylist([{"day": date(2024, 7, 2), "symbol": "ES", "contract": "ESU24", "volume": 10}])]
    )
    by_oi = Rolls(later, expiries=expiries, open_interest=oi, rule="open-interest")
    assert by_oi.front("ES", date(2024, 7, 2)) == FrontMonth(date(2024, 7, 2), "ESU24", "same day")
    with pytest.raises(ValueError, match="roll rule 'calendar' is not one of volume, open-interest"):
        Rolls(daily, rule="calendar")


def test_the_open_interest_rule_on_2024_data_ignores_2013_open_interest(archive: HistoryArchive, seeded: None) -> None:
    """Seen as a user: LEAN (2013, with open interest) and Databento (2024) in one archive; a 2024
    backtest by open interest read ES on a 2013 month and found no data."""
    run("import_history", str(LEAN / "future" / "cme"), "--format", "lean")
    run("import_history", str(DATABENTO), "--format", "dbn")
    result = backtest(
        "--from", "2024-07-02", "--to", "2024-07-02", "--markets", "Japan", "--future", "ES", "--roll", "open-interest"
    )
    es = next(t for t in result["trades"] if t["future"] == "ES")
    assert (es["contract"], es["resolution"], es["front_basis"]) == ("ESU24", "tick", "same day")


def test_the_backtest_takes_the_open_interest_rule(archive: HistoryArchive, seeded: None) -> None:
    run("import_history", str(LEAN / "future" / "cme"), "--format", "lean")
    result = backtest(
        "--from", "2013-10-08", "--to", "2013-10-08", "--markets", "USA", "--future", "ES", "--roll", "open-interest"
    )
    es = next(t for t in result["trades"] if t["future"] == "ES")
    assert result["params"]["roll"] == "open-interest" and es["front_basis"] == "open interest"
    assert es["contract"] == "ESZ13"  # the front month by open interest too in October 2013


def test_a_file_that_is_not_lean_stops_the_import_and_the_files_before_it_are_indexed(
    archive: HistoryArchive, tmp_path: Path
) -> None:
    good = lean_zip(
        tmp_path, "20131007_trade.zip", "20131007_es_minute_trade_201312.csv", "0,1676.5,1676.5,1676.5,1676.5,9\n"
    )
    (good.parent / "20131008_trade.zip").write_bytes(b"not a zip at all")
    with pytest.raises(
        CommandError, match=r"20131008_trade\.zip is not a LEAN zip .* \(files before it were imported\)"
    ):
        call_command("import_history", str(good.parent), "--format", "lean", stdout=io.StringIO(), stderr=io.StringIO())
    assert archive.daily().column("contract").to_pylist() == ["ESZ13"]


def test_bad_lean_rows_are_named_by_their_own_line_after_an_unreadable_one(
    archive: HistoryArchive, tmp_path: Path
) -> None:
    path = lean_zip(
        tmp_path,
        "20131007_trade.zip",
        "20131007_es_minute_trade_201312.csv",
        "0,1676.5,1676.5,1676.5,1676.5,9\nbroken\n120000,1676.75,1676.5,1676.75,1676.25,60\n180000,1676,1676,1676,1676,5\n",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_history", str(path), "--format", "lean", stdout=io.StringIO(), stderr=err)
    member = f"{path}:20131007_es_minute_trade_201312.csv"
    assert err.getvalue().splitlines() == [
        f"{member}:2: 1 columns where 6 were expected",
        f"{member}:3: high is below low",
    ]
    assert archive.read_bars("1m", datetime(2013, 10, 7, tzinfo=UTC), datetime(2013, 10, 8, tzinfo=UTC)).num_rows == 2
