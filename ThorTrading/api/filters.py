"""Filters for ``/api/ThorTrading/market-opens/`` (SPEC §9)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import QuerySet

from ThorTrading.models import MarketSession


class MarketSessionFilter(django_filters.FilterSet):
    """``country`` (any case), ``status`` (wndw), ``date`` (market-local YYYY-MM-DD), ``future``,
    ``signal`` (bhs). A malformed value answers 400 naming the parameter."""

    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact")
    status = django_filters.CharFilter(method="filter_status")
    date = django_filters.DateFilter(method="filter_date")
    future = django_filters.CharFilter(field_name="future", lookup_expr="iexact")
    signal = django_filters.CharFilter(method="filter_signal")

    class Meta:
        model = MarketSession
        fields = ["country", "status", "date", "future", "signal"]

    def filter_status(self, queryset: QuerySet[MarketSession], name: str, value: str) -> QuerySet[MarketSession]:
        return queryset.filter(wndw=value.strip().upper().replace("'", "").replace(" ", "_"))

    def filter_signal(self, queryset: QuerySet[MarketSession], name: str, value: str) -> QuerySet[MarketSession]:
        return queryset.filter(bhs=value.strip().upper().replace(" ", "_"))

    def filter_date(self, queryset: QuerySet[MarketSession], name: str, value: dt.date) -> QuerySet[MarketSession]:
        return queryset.filter(year=value.year, month=value.month, date=value.day)
