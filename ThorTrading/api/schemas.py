"""Output shapes and parameters of ThorTrading's quote, intraday and statistics views (SPEC §4, §8,
§9), for the schema (``extend_schema``): ``/api/schema/`` gives every response's fields and types, and
the dashboard's TypeScript types are generated from it. Numbers are JSON numbers (prices in points,
P&L in USD); instants ISO-8601 UTC.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from ThorTrading.choices import FUTURES


def Price(**kwargs: object) -> serializers.FloatField:
    """A price in points, or null."""
    return serializers.FloatField(allow_null=True, **kwargs)  # type: ignore[arg-type]


class InstrumentOut(serializers.Serializer):
    id = serializers.IntegerField()
    symbol = serializers.CharField()
    name = serializers.CharField()
    display_precision = serializers.IntegerField()
    price_format = serializers.ChoiceField(choices=["decimal", "32nds"])
    show_in_ribbon = serializers.BooleanField()
    tick_size = serializers.FloatField()
    tick_value = serializers.FloatField()
    sort_order = serializers.IntegerField()


class ExtendedDataOut(serializers.Serializer):
    signal = serializers.CharField(allow_null=True)
    stat_value = Price()
    contract_weight = serializers.FloatField()
    signal_weight = serializers.IntegerField(allow_null=True)
    high_52w = Price()
    low_52w = Price()


class QuoteRowOut(serializers.Serializer):
    """One instrument's row (SPEC §4), with the row metrics (points and percent)."""

    instrument = InstrumentOut()
    symbol = serializers.CharField()
    price = Price()
    last = Price()
    bid = Price()
    ask = Price()
    bid_size = serializers.IntegerField(allow_null=True)
    ask_size = serializers.IntegerField(allow_null=True)
    volume = serializers.IntegerField(allow_null=True)
    open_price = Price()
    high_price = Price()
    low_price = Price()
    close_price = Price()
    previous_close = Price()
    change = Price()
    change_percent = Price()
    spread = Price()
    vwap = Price()
    extended_data = ExtendedDataOut()
    ts_ingest = serializers.CharField(allow_null=True)
    stale = serializers.BooleanField()


# "source" is also an attribute of every DRF field, so it cannot be declared in the class body.
QuoteRowOut._declared_fields["source"] = serializers.CharField(allow_null=True, help_text="tos_excel, demo, replay…")


class TotalOut(serializers.Serializer):
    """The composite (SPEC §4)."""

    symbol = serializers.CharField()
    signal_weight_sum = serializers.IntegerField()
    sum_weighted = serializers.FloatField()
    avg_weighted = Price()
    count = serializers.IntegerField()
    composite_signal = serializers.CharField(allow_null=True)
    composite_signal_weight = serializers.IntegerField()
    as_of = serializers.DateTimeField(allow_null=True)
    stale_symbols = serializers.ListField(child=serializers.CharField())
    sources = serializers.ListField(child=serializers.CharField())


class LatestQuotesOut(serializers.Serializer):
    rows = QuoteRowOut(many=True)
    total = TotalOut()


class RibbonItemOut(serializers.Serializer):
    symbol = serializers.CharField()
    name = serializers.CharField()
    last = Price()
    change = Price()
    change_percent = Price()
    signal = serializers.CharField(allow_null=True)
    stale = serializers.BooleanField()


class RibbonOut(serializers.Serializer):
    symbols = RibbonItemOut(many=True)
    count = serializers.IntegerField()
    last_updated = serializers.DateTimeField(allow_null=True)


class BarOut(serializers.Serializer):
    minute = serializers.DateTimeField()
    open = serializers.FloatField()
    high = serializers.FloatField()
    low = serializers.FloatField()
    close = serializers.FloatField()
    volume = serializers.IntegerField()
    bid = Price()
    ask = Price()
    spread = Price()
    session_vwap = Price(help_text="the CME day's session VWAP as of this minute")


class BarsOut(serializers.Serializer):
    symbol = serializers.CharField()
    bars = BarOut(many=True)


class VwapMinuteOut(serializers.Serializer):
    minute = serializers.DateTimeField()
    vwap = Price()
    volume = serializers.IntegerField()
    session_vwap = Price()


class VwapSessionOut(serializers.Serializer):
    trading_day = serializers.DateField()
    vwap = Price()
    volume = serializers.IntegerField()


class VwapOut(serializers.Serializer):
    symbol = serializers.CharField()
    session = VwapSessionOut(allow_null=True)
    minutes = VwapMinuteOut(many=True)


class FiftyTwoWeekOut(serializers.Serializer):
    symbol = serializers.CharField()
    high_52w = Price()
    high_52w_date = serializers.DateField(allow_null=True)
    low_52w = Price()
    low_52w_date = serializers.DateField(allow_null=True)
    history_days = serializers.IntegerField()
    updated_at = serializers.DateTimeField(allow_null=True)


class SummaryOut(serializers.Serializer):
    """One grouping's figures (SPEC §8): counts, hit rate with its 95 % Wilson interval (percent),
    expected value with its 95 % confidence interval, profit factor, total P&L and drawdown (USD), average resolution (seconds)."""

    key = serializers.CharField(required=False)
    rows = serializers.IntegerField()
    trades = serializers.IntegerField()
    worked = serializers.IntegerField()
    didnt_work = serializers.IntegerField()
    expired = serializers.IntegerField()
    pending = serializers.IntegerField()
    neutral = serializers.IntegerField()
    hit_rate = Price()
    hit_rate_low = Price()
    hit_rate_high = Price()
    expected_value = Price()
    expected_value_low = Price(help_text="95 % confidence interval of the expected value (USD per trade), low end")
    expected_value_high = Price(help_text="…and high end (null below two resolved trades)")
    profit_factor = Price()
    total_pnl = serializers.FloatField()
    max_drawdown = serializers.FloatField()
    avg_resolution_seconds = Price()


class PnlDayOut(serializers.Serializer):
    date = serializers.DateField()
    trades = serializers.IntegerField()
    pnl = serializers.FloatField()
    cumulative_pnl = serializers.FloatField()


class WindowsOut(serializers.Serializer):
    default = serializers.IntegerField(allow_null=True)
    markets = serializers.DictField(child=serializers.IntegerField(allow_null=True))


class NetStatsOut(serializers.Serializer):
    """The figures net of costs: each resolved trade less its round trip commission (the desk's contract
    table) and a tick of slippage when it left at its stop (issue 26)."""

    overall = SummaryOut()
    by_market = SummaryOut(many=True)
    by_weekday = SummaryOut(many=True)


class StatsOut(serializers.Serializer):
    overall = SummaryOut()
    by_market = SummaryOut(many=True)
    by_weekday = SummaryOut(many=True)
    by_signal = SummaryOut(many=True)
    by_future = SummaryOut(many=True)
    last_7_days = SummaryOut()
    pnl_by_day = PnlDayOut(many=True)
    evaluation_window_minutes = WindowsOut(required=False)
    net = NetStatsOut(required=False, allow_null=True)


SYMBOL = OpenApiParameter("symbol", str, required=True, enum=FUTURES, description="The future, e.g. YM")
START = OpenApiParameter("start", OpenApiTypes.DATETIME, description="ISO-8601 instant with offset")
END = OpenApiParameter("end", OpenApiTypes.DATETIME, description="ISO-8601 instant with offset (default: now)")
