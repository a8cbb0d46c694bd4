"""What a history reader hands the importer (SPEC §15). Pure: no Django."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

#: Prices a future can plausibly have (points); outside is a typo, not a price.
MAX_PRICE = 10_000_000.0


class HistoryFormatError(ValueError):
    """A file that cannot be read as a whole (not the format given, a schema Thor does not keep);
    the message names the file and what to do."""


@dataclass
class Batch:
    """Rows read from one file (or one member of a zip).

    ``kind``: ``ticks`` (tick archive rows), ``bars`` (``store.BAR_SCHEMA``, with ``interval``
    ``1s``/``1m``), ``statistics`` (``store.STAT_SCHEMA``) or ``contracts``
    (``store.CONTRACT_SCHEMA``); ``origin``: the file (``zip:member``) it came from; ``read``: the
    data rows in it; ``crossed``: rows whose bid is at or above their ask (locked or crossed at the
    bar's close, or in a vendor's record: market data, kept); ``skipped``: rows left out on purpose,
    by reason (a suspicious tick, a spread); ``bad``: ``(line, reason)`` of rows that could not be
    read (left out, reported, exit 1)."""

    kind: str
    table: pa.Table
    origin: str
    read: int
    interval: str | None = None
    crossed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    bad: list[tuple[int, str]] = field(default_factory=list)


def run_ordinals(*keys: np.ndarray) -> np.ndarray:
    """For rows sorted by ``keys``, each row's ordinal among the rows before it with equal keys
    (``[5, 5, 7, 7, 7]`` → ``[0, 1, 0, 1, 2]``): the ``seq`` that tells apart a vendor's records of
    one contract at one instant."""
    n = len(keys[0]) if keys else 0
    if n == 0:
        return np.zeros(0, dtype=np.int32)
    starts = np.zeros(n, dtype=bool)
    starts[0] = True
    for key in keys:
        starts[1:] |= key[1:] != key[:-1]
    index = np.arange(n)
    run_start = np.maximum.accumulate(np.where(starts, index, 0))
    return (index - run_start).astype(np.int32)


def count_crossed(bid: pa.Array | pa.ChunkedArray, ask: pa.Array | pa.ChunkedArray) -> int:
    """How many rows have both sides and a bid at or above the ask (locked or crossed)."""
    b = np.asarray(bid.to_numpy(zero_copy_only=False), dtype=np.float64)
    a = np.asarray(ask.to_numpy(zero_copy_only=False), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return int(np.count_nonzero(b >= a))
