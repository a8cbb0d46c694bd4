"""Which feed publishes quotes (SPEC §13, ``THOR_FEED_MODE``), and the demo feed's poller.

- ``live``: xlwings on a running Excel (the RTD values as they change);
- ``file``: the saved workbook ``THOR_WORKBOOK`` (python-calamine);
- ``demo``: :mod:`LiveData.demo`'s random walk, one step a second, ``source: demo``;
- ``replay``: archived ticks republished in order on Thor's clock (:mod:`LiveData.replay`);
- ``auto``: live when Excel runs, else file when ``THOR_WORKBOOK`` is set, else demo.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from LiveData.choices import FeedMode, QuoteSource
from LiveData.demo import DemoWalk, demo_walks
from LiveData.redis_client import LiveDataRedis
from LiveData.tos.parser import ParseResult, QuoteRow
from LiveData.tos.poller import TosPoller
from LiveData.tos.workbook import excel_is_running

MODES: tuple[str, ...] = FeedMode.values()


def resolve_mode(mode: str, *, workbook: str | None, excel_running: Callable[[], bool] = excel_is_running) -> str:
    """The feed that ``mode`` means now: ``auto`` → live when Excel runs, else file when a workbook
    is named, else demo; other modes as given. Raises ``ValueError`` for an unknown mode, or for
    ``file`` without a workbook."""
    if mode not in MODES:
        raise ValueError(f"feed mode {mode!r} is not one of {', '.join(MODES)}")
    if mode == "auto":
        if excel_running():
            return "live"
        return FeedMode.FILE if workbook else FeedMode.DEMO
    if mode == "file" and not workbook:
        raise ValueError("file mode needs a workbook: set THOR_WORKBOOK=/path/to/RTD_TOS.xlsm or pass --file")
    return mode


class DemoSource:
    """The demo feed as the poller's reader: each :meth:`parse` advances every walk to ``clock()``."""

    mode = FeedMode.DEMO
    sheet = "demo"
    cell_range = "random walk from LiveData/sample/rtd_sample.xlsx"

    def __init__(self, *, seed: int, clock: Callable[[], datetime]) -> None:
        self.seed = seed
        self.clock = clock
        self.walks: list[DemoWalk] = demo_walks(seed=seed, start=clock())

    def parse(self) -> ParseResult:
        """One step of every instrument at the clock's now (whole ticks; DX without bid/ask)."""
        now = self.clock()
        return ParseResult(quotes=[QuoteRow(**walk.quote(now)) for walk in self.walks])


class DemoPoller(TosPoller):
    """:class:`~LiveData.tos.poller.TosPoller` over a :class:`DemoSource`: the same publish path,
    status and backoff, with ``source: demo`` on every quote."""

    def __init__(self, source: DemoSource, live: LiveDataRedis, *, clock: Callable[[], datetime]) -> None:
        # The demo source parses instead of reading a workbook; DemoPoller overrides parse().
        super().__init__(
            source,  # type: ignore[arg-type]
            live,
            clock=clock,
            source=QuoteSource.DEMO,
            workbook_label=f"demo (seed {source.seed})",
        )
        self.demo = source

    def parse(self) -> ParseResult:
        return self.demo.parse()
