"""LiveData's vocabularies, each spelled once (``core.choices.ChoiceSet``). Pure."""

from __future__ import annotations

from core.choices import ChoiceSet


class FeedMode(ChoiceSet):
    """How the feed gets quotes (``THOR_FEED_MODE``): ``live`` (Excel's RTD values through xlwings),
    ``file`` (the saved workbook), ``demo`` (a random walk), ``replay`` (the tick archive), ``schwab``
    (Schwab's LEVELONE_FUTURES stream, no Excel); ``auto`` picks live when Excel runs, else file when
    a workbook is set, else demo."""

    AUTO = "auto"
    LIVE = "live"
    FILE = "file"
    DEMO = "demo"
    REPLAY = "replay"
    SCHWAB = "schwab"


class QuoteSource(ChoiceSet):
    """Where a quote came from (``source`` on quotes and archived ticks); an import names its own."""

    TOS_EXCEL = "tos_excel"
    DEMO = "demo"
    REPLAY = "replay"
    SCHWAB = "schwab"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"tos_excel": "Thinkorswim RTD workbook", "schwab": "Schwab streaming (LEVELONE_FUTURES)"}
