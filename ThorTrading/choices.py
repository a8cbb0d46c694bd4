"""ThorTrading's vocabularies, each spelled once (``core.choices.ChoiceSet``). Pure: no Django, no
Redis. Models, filters, serializers, the OpenAPI schema and the dashboard's generated types take the
allowed values from here; the trading core (signals, grading, analytics, targets) re-exports the
members it names.
"""

from __future__ import annotations

from core.choices import ChoiceSet


class Signal(ChoiceSet):
    """A signal from an instrument's net change, or the composite's (SPEC §4): ``bhs`` on a row."""

    STRONG_BUY = "STRONG_BUY"
    BUY = "BUY"
    HOLD = "HOLD"
    SELL = "SELL"
    STRONG_SELL = "STRONG_SELL"


class Outcome(ChoiceSet):
    """A captured trade's outcome (SPEC §7): ``wndw`` ("worked / didn't work") on a row. PENDING until
    first touch or the evaluation window's end; NEUTRAL when there is no trade (HOLD, no signal)."""

    PENDING = "PENDING"
    WORKED = "WORKED"
    DIDNT_WORK = "DIDNT_WORK"
    NEUTRAL = "NEUTRAL"
    EXPIRED = "EXPIRED"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"DIDNT_WORK": "Didn't work"}


class HitType(ChoiceSet):
    """Which level a resolved trade touched first (SPEC §7)."""

    TARGET = "TARGET"
    STOP = "STOP"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"TARGET": "Profit target", "STOP": "Stop loss"}


class TargetMode(ChoiceSet):
    """How an instrument's profit target and stop are given (SPEC §5)."""

    USD = "USD"
    TICKS = "TICKS"
    POINTS = "POINTS"
    PERCENT = "PERCENT"
    DISABLED = "DISABLED"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"USD": "USD per contract", "PERCENT": "Percent of entry"}


class Weekday(ChoiceSet):
    """A market-local weekday as rows store it (``day``), Monday first (Python's ``weekday()`` order)."""

    MON = "Mon"
    TUE = "Tue"
    WED = "Wed"
    THU = "Thu"
    FRI = "Fri"
    SAT = "Sat"
    SUN = "Sun"


class Future(ChoiceSet):
    """The eleven futures Thor follows, by root symbol, in display order (SPEC §4)."""

    YM = "YM"
    ES = "ES"
    NQ = "NQ"
    RTY = "RTY"
    CL = "CL"
    SI = "SI"
    HG = "HG"
    GC = "GC"
    VX = "VX"
    DX = "DX"
    ZB = "ZB"


#: The composite's row of a capture; it trades YM (SPEC §4, §6).
TOTAL = "TOTAL"
#: The eleven root symbols in display order.
FUTURES: tuple[str, ...] = Future.values()
#: Weekday abbreviations, Monday first.
WEEKDAYS: tuple[str, ...] = Weekday.values()


class CaptureStatus(ChoiceSet):
    """What a market-open capture did (``capture_market_open``)."""

    CAPTURED = "captured"
    ALREADY_CAPTURED = "already_captured"
    DISABLED = "disabled"
    FAILED = "failed"


class CloseCaptureStatus(ChoiceSet):
    """What a close capture did (``capture_market_close``; ``POST market-close/capture``)."""

    OK = "ok"
    ALREADY_CLOSED = "already_closed"
    NO_SESSIONS = "no_sessions"
    ERROR = "error"
