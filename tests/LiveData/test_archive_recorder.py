"""The tick archive and its recorder (SPEC §13): every stream entry on disk exactly once, across
crashes at any point, one file per CME trading day once the day is over."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from core.clock import ManualClock
from LiveData.archive import TickArchive
from LiveData.recorder import GROUP, TickRecorder
from LiveData.redis_client import QUOTE_STREAM_KEY, LiveDataRedis
from LiveData.ticks import cme_trading_day, quote_from_tick

pytestmark = pytest.mark.real_services


def publish(live: LiveDataRedis, clock: ManualClock, n: int, *, symbol: str = "ES", start: str = "6800") -> None:
    for i in range(n):
        at = clock.advance(seconds=1)
        price = Decimal(start) + Decimal("0.25") * i
        live.publish_quote(
            {
                "symbol": symbol,
                "bid": price,
                "ask": price + Decimal("0.25"),
                "last": price,
                "volume": 1000 + i,
                "close": Decimal("6790"),
                "change": price - 6790,
                "ts_ingest": at.isoformat(),
                "source": "demo",
            }
        )


def stream_ids(live: LiveDataRedis) -> list[str]:
    return [entry_id for entry_id, _ in live.client.xrange(QUOTE_STREAM_KEY)]


def archived_ids(archive: TickArchive) -> list[str]:
    ids: list[str] = []
    for day in archive.days():
        ids += [v for v in archive.read_day(day).column("stream_id").to_pylist() if v]
    return ids


def test_every_stream_entry_is_archived_with_the_documented_columns(
    live: LiveDataRedis, clock: ManualClock, tmp_path: Path
) -> None:
    archive = TickArchive(tmp_path)
    publish(live, clock, 30)
    recorder = TickRecorder(live, archive, block_ms=10, flush_seconds=0)
    recorder.step()
    assert sorted(archived_ids(archive)) == sorted(stream_ids(live))
    table = archive.read_day(date(2025, 11, 26))
    assert table.column_names == [
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
        "source",
        "stream_id",
        "contract",
        "trade_size",
        "seq",
    ]
    first = table.slice(0, 1).to_pylist()[0]
    assert first["ts"] == datetime(2025, 11, 26, 14, 30, 1, tzinfo=UTC)
    assert (first["symbol"], first["bid"], first["ask"], first["volume"], first["source"]) == (
        "ES",
        6800.0,
        6800.25,
        1000,
        "demo",
    )
    # Nothing is pending in the recorder's group: every entry was acknowledged after it was written.
    assert live.client.xpending(QUOTE_STREAM_KEY, GROUP)["pending"] == 0


def test_a_recorder_killed_before_writing_loses_nothing(
    live: LiveDataRedis, clock: ManualClock, tmp_path: Path
) -> None:
    archive = TickArchive(tmp_path)
    publish(live, clock, 20)
    doomed = TickRecorder(live, archive, block_ms=10, flush_seconds=3600)  # reads, never writes: then "killed"
    doomed.step()
    assert archived_ids(archive) == []
    publish(live, clock, 5)
    TickRecorder(live, archive, block_ms=10, flush_seconds=0).step()
    ids = archived_ids(archive)
    assert sorted(ids) == sorted(stream_ids(live)) and len(ids) == len(set(ids)) == 25


def test_a_recorder_killed_between_writing_and_acknowledging_writes_nothing_twice(
    live: LiveDataRedis, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = TickArchive(tmp_path)
    publish(live, clock, 40)
    doomed = TickRecorder(live, archive, block_ms=10, batch=15, flush_seconds=0)

    def die(*args: Any) -> int:
        raise SystemExit("killed after the write, before the acknowledgement")

    monkeypatch.setattr(live, "ack", die)
    with pytest.raises(SystemExit):
        doomed.step()
    monkeypatch.undo()
    assert len(archived_ids(archive)) == 15  # on disk, but still pending in the group
    restarted = TickRecorder(live, archive, block_ms=10, batch=15, flush_seconds=0)
    for _ in range(4):
        restarted.step()
    ids = archived_ids(archive)
    assert len(ids) == len(set(ids)) == 40 and sorted(ids) == sorted(stream_ids(live))
    assert restarted.duplicates == 15
    assert live.client.xpending(QUOTE_STREAM_KEY, GROUP)["pending"] == 0


def test_a_finished_cme_day_is_compacted_into_one_sorted_file(
    live: LiveDataRedis, clock: ManualClock, tmp_path: Path
) -> None:
    archive = TickArchive(tmp_path)
    recorder = TickRecorder(live, archive, block_ms=10, flush_seconds=0)
    clock.set(datetime(2025, 11, 26, 21, 59, 50, tzinfo=UTC))  # 15:59:50 Chicago: Wednesday's CME day
    for _ in range(3):
        publish(live, clock, 4)
        recorder.step()
    assert len(list(archive.parts_dir(date(2025, 11, 26)).iterdir())) == 3
    clock.set(datetime(2025, 11, 26, 23, 0, 5, tzinfo=UTC))  # 17:00:05 Chicago: Thursday's day began
    publish(live, clock, 2)
    recorder._last_sweep = 0.0  # compaction is due now (the sweep runs once a minute)
    recorder.step()
    assert archive.day_file(date(2025, 11, 26)).exists() and not archive.parts_dir(date(2025, 11, 26)).exists()
    assert pq.read_metadata(archive.day_file(date(2025, 11, 26))).num_rows == 12
    assert archive.days() == [date(2025, 11, 26), date(2025, 11, 27)]
    assert cme_trading_day(clock.now()) == date(2025, 11, 27)
    ts = archive.read_day(date(2025, 11, 26)).column("ts").to_pylist()
    assert ts == sorted(ts)


def test_reading_a_span_returns_its_ticks_in_order_across_days(tmp_path: Path) -> None:
    archive = TickArchive(tmp_path)
    start = datetime(2025, 12, 1, 22, 58, tzinfo=UTC)  # two minutes before the CME day boundary
    ticks = [
        {"ts": start + timedelta(seconds=30 * i), "symbol": "CL", "last": 59.0 + i / 100, "source": "import"}
        for i in range(8)
    ]
    archive.append(reversed(ticks))
    assert archive.days() == [date(2025, 12, 1), date(2025, 12, 2)]
    table = archive.read(start + timedelta(seconds=30), start + timedelta(seconds=150))
    assert table.column("last").to_pylist() == [59.01, 59.02, 59.03, 59.04]
    quote = quote_from_tick(table.slice(0, 1).to_pylist()[0], source="replay")
    assert quote["last"] == Decimal("59.01") and quote["source"] == "replay" and quote["bid"] is None


def test_old_days_are_removed_after_the_retention(tmp_path: Path) -> None:
    archive = TickArchive(tmp_path, retention_days=2)
    for day in (1, 2, 3, 4):
        archive.append([{"ts": datetime(2025, 12, day, 15, tzinfo=UTC), "symbol": "YM", "last": 47000.0}])
    archive.compact_finished(today=date(2025, 12, 4))
    assert archive.days() == [date(2025, 12, 2), date(2025, 12, 3), date(2025, 12, 4)]
    assert archive.day_file(date(2025, 12, 3)).exists() and archive.parts_dir(date(2025, 12, 4)).exists()


def test_replayed_quotes_are_not_archived_a_second_time(
    live: LiveDataRedis, clock: ManualClock, tmp_path: Path
) -> None:
    archive = TickArchive(tmp_path)
    publish(live, clock, 3)
    live.publish_quote(
        {"symbol": "ES", "last": Decimal("6800"), "ts_event": clock.now().isoformat(), "source": "replay"}
    )
    recorder = TickRecorder(live, archive, block_ms=10, flush_seconds=0)
    recorder.step()
    assert [r["source"] for r in archive.read_day(date(2025, 11, 26)).to_pylist()] == ["demo", "demo", "demo"]
    assert recorder.replayed == 1 and live.client.xpending(QUOTE_STREAM_KEY, GROUP)["pending"] == 0
