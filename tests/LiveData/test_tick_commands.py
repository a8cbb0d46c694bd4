"""import_ticks, export_ticks, make_demo_ticks and replay_ticks (SPEC §13)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from LiveData.archive import TickArchive
from LiveData.redis_client import QUOTE_STREAM_KEY, LiveDataRedis, loads_quote

GOOD_AND_BAD = """ts,symbol,bid,ask,last,volume,close,bid_size
2025-12-01T14:30:00Z,/ES,6800.25,6800.50,6800.50,1000,6790.00,5
2025-12-01T14:30:01+00:00,ES,6800.50,6800.75,6800.75,1004,6790.00,3
1764599402000,$DXY,,,99.535,,99.5,
2025-12-01T14:30:03Z,ZB,117'27,117'27+,117'27,500,117'00,2
2025-12-01T14:30:04,ES,6800.50,6800.75,6800.75,1010,6790.00,1
2025-12-01T14:30:05Z,ES,6800.75,6800.50,6800.75,1011,6790.00,1
2025-12-01T14:30:06Z,,6800.50,6800.75,6800.75,1012,6790.00,1
2025-12-01T14:30:07Z,CL,abc,59.01,59.00,10,58.5,1
2025-12-01T14:30:08Z,CL,,,,10,58.5,1
2025-12-01T14:30:09Z,CL,59.00,59.01,1e30,10,58.5,1
2025-12-01T14:30:10Z,CL,59.00,59.01,99999999,10,58.5,1
"""


@pytest.fixture
def archive(settings: Any, tmp_path: Path) -> TickArchive:
    settings.THOR_TICK_DIR = tmp_path / "ticks"
    return TickArchive(settings.THOR_TICK_DIR)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ticks.csv"
    path.write_text(text)
    return path


def test_import_keeps_the_good_rows_names_each_bad_line_and_exits_1(archive: TickArchive, tmp_path: Path) -> None:
    err, out = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_ticks", str(write(tmp_path, GOOD_AND_BAD)), "--source", "vendor", stdout=out, stderr=err)
    assert raised.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert lines == [
        f"{tmp_path / 'ticks.csv'}:6: ts '2025-12-01T14:30:04' has no UTC offset (write 2025-12-01T14:30:00Z or +00:00)",
        f"{tmp_path / 'ticks.csv'}:8: symbol is empty",
        f"{tmp_path / 'ticks.csv'}:9: bid 'abc' is not a price",
        f"{tmp_path / 'ticks.csv'}:10: no bid, ask or last",
        f"{tmp_path / 'ticks.csv'}:11: last '1e30' is not a price",
        f"{tmp_path / 'ticks.csv'}:12: last '99999999' is not a plausible price",
    ]
    rows = archive.read_day(date(2025, 12, 1)).to_pylist()
    assert [(r["symbol"], r["last"], r["source"]) for r in rows] == [
        ("ES", 6800.5, "vendor"),
        ("ES", 6800.75, "vendor"),
        ("DX", 99.535, "vendor"),
        ("ZB", 117.84375, "vendor"),
        ("ES", 6800.75, "vendor"),  # bid 6800.75 above ask 6800.50: a crossed quote is market data (SPEC §15)
    ]
    assert (rows[4]["bid"], rows[4]["ask"]) == (6800.75, 6800.5)
    assert "6 bad rows, 1 crossed or locked quotes kept" in out.getvalue()
    es = rows[0]
    assert es["ts"] == datetime(2025, 12, 1, 14, 30, tzinfo=UTC) and es["change"] == 10.5 and es["bid_size"] == 5
    assert rows[2]["ts"] == datetime(2025, 12, 1, 14, 30, 2, tzinfo=UTC)  # epoch milliseconds
    assert (rows[3]["bid"], rows[3]["ask"], rows[3]["close"]) == (117.84375, 117.859375, 117.0)  # 32nds


def test_importing_the_same_ticks_twice_stores_them_once(archive: TickArchive, tmp_path: Path) -> None:
    good = "\n".join(GOOD_AND_BAD.splitlines()[:5]) + "\n"
    out = StringIO()
    call_command("import_ticks", str(write(tmp_path, good)), stdout=out, stderr=StringIO())
    call_command("import_ticks", str(write(tmp_path, good)), stdout=out, stderr=StringIO())
    assert (
        "4 ticks archived" in out.getvalue()
        and "0 ticks archived" in out.getvalue()
        and "4 already there" in out.getvalue()
    )
    assert archive.read_day(date(2025, 12, 1)).num_rows == 4


def test_a_file_without_the_required_columns_says_which_are_missing(archive: TickArchive, tmp_path: Path) -> None:
    with pytest.raises(
        CommandError, match="missing column\\(s\\) ask, volume, close; the header has ts, symbol, bid, last"
    ):
        call_command("import_ticks", str(write(tmp_path, "ts,symbol,bid,last\n")), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="is not a file"):
        call_command("import_ticks", str(tmp_path / "missing.csv"))


def test_export_writes_what_import_reads_back(archive: TickArchive, tmp_path: Path, settings: Any) -> None:
    good = "\n".join(GOOD_AND_BAD.splitlines()[:5]) + "\n"
    call_command("import_ticks", str(write(tmp_path, good)), stdout=StringIO(), stderr=StringIO())
    exported = tmp_path / "out.csv"
    call_command(
        "export_ticks", "--from", "2025-12-01", "--to", "2025-12-01", "--output", str(exported), stderr=StringIO()
    )
    assert (
        exported.read_text().splitlines()[0]
        == "ts,symbol,bid,ask,last,volume,close,change,bid_size,ask_size,high_24h,low_24h,source"
    )
    settings.THOR_TICK_DIR = tmp_path / "second"
    call_command("import_ticks", str(exported), stdout=StringIO(), stderr=StringIO())
    again = TickArchive(settings.THOR_TICK_DIR).read_day(date(2025, 12, 1)).drop_columns(["source"])
    assert again.equals(archive.read_day(date(2025, 12, 1)).drop_columns(["source"]))
    only_es = StringIO()
    call_command(
        "export_ticks",
        "--from",
        "2025-12-01",
        "--to",
        "2025-12-01",
        "--symbols",
        "ES",
        stdout=only_es,
        stderr=StringIO(),
    )
    assert len(only_es.getvalue().splitlines()) == 3


@pytest.mark.real_services
def test_replay_publishes_archived_ticks_in_order_through_the_poller_path(
    archive: TickArchive, tmp_path: Path, live: LiveDataRedis
) -> None:
    call_command(
        "make_demo_ticks",
        "--start",
        "2025-12-02",
        "--days",
        "1",
        "--seed",
        "5",
        "--interval",
        "60",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    out = StringIO()
    call_command(
        "replay_ticks",
        "--from",
        "2025-12-01T23:00:00Z",
        "--to",
        "2025-12-01T23:30:00Z",
        "--speed",
        "0",
        stdout=out,
        stderr=StringIO(),
    )
    expected = list(
        archive.iter_ticks(datetime(2025, 12, 1, 23, tzinfo=UTC), datetime(2025, 12, 1, 23, 30, tzinfo=UTC))
    )
    assert len(expected) > 300 and f"published {len(expected)} ticks" in out.getvalue()  # ~11 a minute
    entries = [loads_quote(fields["quote"]) for _, fields in live.client.xrange(QUOTE_STREAM_KEY)]
    assert [(q["symbol"], q["ts_event"]) for q in entries] == [(t["symbol"], t["ts"].isoformat()) for t in expected]
    assert {q["source"] for q in entries} == {"replay"}
    latest = live.get_latest_quote("ES")
    last_es = [t for t in expected if t["symbol"] == "ES"][-1]
    assert latest is not None and float(latest["last"]) == last_es["last"]
    with pytest.raises(CommandError, match="no archived ticks from 2020-01-01"):
        call_command("replay_ticks", "--from", "2020-01-01T00:00:00Z", "--to", "2020-01-02T00:00:00Z")


@pytest.mark.real_services
def test_the_replay_feed_publishes_what_thors_clock_has_reached(
    archive: TickArchive, live: LiveDataRedis, clock: Any, settings: Any
) -> None:
    call_command(
        "make_demo_ticks",
        "--start",
        "2025-12-02",
        "--days",
        "1",
        "--seed",
        "5",
        "--interval",
        "60",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    settings.THOR_FEED_MODE = "replay"
    settings.THOR_REPLAY_FROM = ""
    with pytest.raises(CommandError, match=r"replay mode needs THOR_REPLAY_FROM.*the archive holds: 2025-12-02"):
        call_command("poll_tos_excel", "--once", stdout=StringIO())
    settings.THOR_REPLAY_FROM = "2025-12-01T23:00:00Z"
    clock.set(datetime(2025, 12, 1, 23, 15, tzinfo=UTC))
    out = StringIO()
    call_command("poll_tos_excel", "--once", stdout=out)
    due = archive.read(datetime(2025, 12, 1, 23, tzinfo=UTC), datetime(2025, 12, 1, 23, 15, 0, 1, tzinfo=UTC)).num_rows
    assert due > 100 and f"replay: {due} ticks published" in out.getvalue()
    assert live.client.xlen(QUOTE_STREAM_KEY) == due
    status = live.feed_status()
    assert (status["mode"], status["quotes_published"]) == ("replay", str(due))
