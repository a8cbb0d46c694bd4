"""Filters for ``/api/ThorTrading/market-opens/`` and its stats, events, insight and export (SPEC §9)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import QuerySet

from ThorTrading.models import MarketSession

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


class MarketSessionFilter(django_filters.FilterSet):
    """``country`` (any case), ``status`` (wndw), ``date`` / ``start`` / ``end`` (market-local
    YYYY-MM-DD, ``end`` inclusive), ``weekday`` (Mon…Sun or 0–6, comma-separated), ``future``
    (``all`` for every future), ``signal`` (bhs), ``late``, ``demo``. A malformed value answers 400
    naming the parameter."""

    country = django_filters.CharFilter(method="filter_country")
    status = django_filters.CharFilter(method="filter_status")
    date = django_filters.DateFilter(field_name="session_date")
    start = django_filters.DateFilter(field_name="session_date", lookup_expr="gte")
    end = django_filters.DateFilter(field_name="session_date", lookup_expr="lte")
    weekday = django_filters.CharFilter(method="filter_weekday")
    future = django_filters.CharFilter(method="filter_future")
    signal = django_filters.CharFilter(method="filter_signal")
    late = django_filters.BooleanFilter(field_name="late")
    demo = django_filters.BooleanFilter(field_name="is_demo")

    class Meta:
        model = MarketSession
        fields = ["country", "status", "date", "start", "end", "weekday", "future", "signal", "late", "demo"]

    #: Parameters that filter by a value: given empty (``?start=``) they are a mistake, not "no filter".
    NOT_EMPTY = ("date", "start", "end")
    #: Yes/no parameters: anything but these words is a mistake, not "no filter".
    BOOLEANS = ("late", "demo")
    YES_NO = frozenset({"true", "false", "True", "False"})

    def is_valid(self) -> bool:
        """The form's checks, and: a date parameter that is present is not empty, and a yes/no
        parameter says true or false."""
        valid = bool(super().is_valid())
        for name in self.NOT_EMPTY:
            if name in self.data and str(self.data.get(name)).strip() == "":
                self.form.add_error(name, "is empty: give a value or leave the parameter out")
                valid = False
        for name in self.BOOLEANS:
            if name in self.data and str(self.data.get(name)).strip() not in self.YES_NO:
                # Not echoed: a raw value may hold "%", which Django's messages format.
                self.form.add_error(name, "must be true or false")
                valid = False
        return valid

    def filter_country(self, queryset: QuerySet[MarketSession], name: str, value: str) -> QuerySet[MarketSession]:
        from GlobalMarkets.reference import normalize_country

        countries = [normalize_country(v) or v.strip() for v in value.split(",") if v.strip()]
        return queryset.filter(country__in=countries)

    def filter_status(self, queryset: QuerySet[MarketSession], name: str, value: str) -> QuerySet[MarketSession]:
        values = [v.strip().upper().replace("'", "").replace(" ", "_") for v in value.split(",") if v.strip()]
        return queryset.filter(wndw__in=values)

    def filter_signal(self, queryset: QuerySet[MarketSession], name: str, value: str) -> QuerySet[MarketSession]:
        values = [v.strip().upper().replace(" ", "_") for v in value.split(",") if v.strip()]
        return queryset.filter(bhs__in=values)

    def filter_future(self, queryset: QuerySet[MarketSession], name: str, value: str) -> QuerySet[MarketSession]:
        if value.strip().lower() == "all":
            return queryset
        return queryset.filter(future__in=[v.strip().upper() for v in value.split(",") if v.strip()])

    def filter_weekday(self, queryset: QuerySet[MarketSession], name: str, value: str) -> QuerySet[MarketSession]:
        days = []
        for raw in (v.strip() for v in value.split(",") if v.strip()):
            if raw.isdigit() and int(raw) < 7:
                days.append(WEEKDAYS[int(raw)])
            elif raw[:3].title() in WEEKDAYS:
                days.append(raw[:3].title())
            else:
                from rest_framework.exceptions import ValidationError

                raise ValidationError({"weekday": f"{raw!r} is not a weekday (Mon…Sun or 0–6)"})
        return queryset.filter(day__in=days)


def filter_sessions(params: dict[str, str], queryset: QuerySet[MarketSession] | None = None) -> QuerySet[MarketSession]:
    """Apply the list filters to ``queryset`` (all rows by default); raises DRF ``ValidationError``
    naming the bad parameter."""
    from rest_framework.exceptions import ValidationError

    filterset = MarketSessionFilter(params, queryset=queryset if queryset is not None else MarketSession.objects.all())
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def today_start(now: dt.datetime) -> dt.datetime:
    """00:00 UTC of ``now``'s day."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)
