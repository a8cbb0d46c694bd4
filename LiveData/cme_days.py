"""CME trading days of many instants at once (SPEC §15), vectorised with pyarrow and numpy. Pure: no
Django. The one-instant rule is :func:`LiveData.ticks.cme_trading_day`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from LiveData.ticks import NS


def cme_days(ts: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """The CME trading day (SPEC §15: 17:00–17:00 America/Chicago, named by the date it ends) of each
    UTC instant of ``ts``, vectorised: ``datetime64[D]`` values."""
    local = pc.local_timestamp(pc.cast(ts, pa.timestamp("ns", tz="America/Chicago")))
    wall = pc.cast(local, pa.int64()).to_numpy(zero_copy_only=False)
    # 17:00 + 7 h = midnight: shifting the wall clock by 7 hours names each instant by the day it ends in.
    return (wall + 7 * 3600 * NS).astype("datetime64[ns]").astype("datetime64[D]")


def split_by_cme_day(table: pa.Table) -> Iterator[tuple[date, pa.Table]]:
    """``(CME trading day, its rows)`` for every day ``table``'s ``ts`` column touches, oldest first."""
    if table.num_rows == 0:
        return
    days = cme_days(table.column("ts"))
    for value in np.unique(days):
        yield value.astype(object), table.filter(pa.array(days == value))
