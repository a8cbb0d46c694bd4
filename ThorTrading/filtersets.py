"""Filters for ``/api/ThorTrading/market-opens/`` and its stats, events, insight and export (SPEC §9)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import django_filters
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from rest_framework.exceptions import ValidationError

from GlobalMarkets.reference import CONTROL_COUNTRIES, normalize_country
from ThorTrading.choices import FUTURES, TOTAL, WEEKDAYS, Outcome, Signal
from ThorTrading.models import MarketSession


class Condition(NamedTuple):
    """One narrowing of the captured rows, as a Django lookup: ``field`` (a MarketSession column),
    ``lookup`` (``in``, ``exact``, ``gte`` or ``lte``) and the normalised ``value`` (a tuple for
    ``in``). The filter set turns a request's parameters into these once; the ORM
    (:meth:`MarketSessionFilter.filter_queryset`) and the statistics store
    (``ThorTrading.selectors.stat_store``) both apply them, so the two cannot disagree."""

    field: str
    lookup: str
    value: Any


#: The design documents' names for the filters (the market-open plan's API summary), accepted as
#: aliases wherever the filters are: ``?region=Japan`` is ``?country=Japan``.
ALIASES: dict[str, str] = {
    "region": "country",
    "day_of_week": "weekday",
    "outcome": "status",
    "start_date": "start",
    "end_date": "end",
}


def canonical_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with the design documents' aliases (:data:`ALIASES`) renamed to the filters' own
    names; raises DRF ``ValidationError`` when a filter is given under both names."""
    found: dict[str, Any] = {}
    for key, value in params.items():
        name = ALIASES.get(key, key)
        if name != key and name in params:
            raise ValidationError({key: f"is another name for {name}: give one of them"})
        found[name] = value
    return found


class MarketSessionFilter(django_filters.FilterSet):
    """``country`` (a control market, any case or alias), ``status`` (wndw), ``date`` / ``start`` /
    ``end`` (market-local YYYY-MM-DD, ``end`` inclusive), ``weekday`` (Mon…Sun or 0–6), ``future``
    (a future, TOTAL, or ``all`` for every future), ``signal`` (bhs), ``late``, ``demo``, ``stale``
    (:data:`STALE_CHOICES`: ``false`` leaves out rows captured on a stale quote, ``true`` keeps them,
    ``only`` selects just them; the statistics default to ``false``); lists are comma-separated. ``region``, ``outcome``, ``day_of_week``, ``start_date`` and ``end_date`` are the
    design documents' names for them (:data:`ALIASES`). A malformed or unknown value answers 400
    naming the parameter and the allowed values.

    django-filter parses and validates the parameters (the form); :meth:`conditions` says what they
    select, and :meth:`filter_queryset` applies exactly that."""

    # The form fields (types and validation); the fields named are the columns conditions() narrows.
    country = django_filters.CharFilter(field_name="country")
    status = django_filters.CharFilter(field_name="wndw")
    date = django_filters.DateFilter(field_name="session_date")
    start = django_filters.DateFilter(field_name="session_date", lookup_expr="gte")
    end = django_filters.DateFilter(field_name="session_date", lookup_expr="lte")
    weekday = django_filters.CharFilter(field_name="day")
    future = django_filters.CharFilter(field_name="future")
    signal = django_filters.CharFilter(field_name="bhs")
    late = django_filters.BooleanFilter(field_name="late")
    demo = django_filters.BooleanFilter(field_name="is_demo")
    stale = django_filters.CharFilter(field_name="stale")

    class Meta:
        model = MarketSession
        fields = ["country", "status", "date", "start", "end", "weekday", "future", "signal", "late", "demo", "stale"]

    #: Parameters that filter by a value: given empty (``?start=``, ``?future=``, ``?signal=,``) they
    #: are a mistake, not "no filter" (nor "nothing").
    NOT_EMPTY = ("date", "start", "end", "country", "status", "weekday", "future", "signal")
    #: Yes/no parameters: anything but these words is a mistake, not "no filter".
    BOOLEANS = ("late", "demo")
    YES_NO = frozenset({"true", "false", "True", "False"})

    #: Every query parameter the filters take, under their own names and the aliases.
    PARAMS: tuple[str, ...] = ()

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        #: The aliases this request used, by the filter's own name: errors name what the user sent.
        self.aliases_used = {ALIASES[key]: key for key in (data or {}) if key in ALIASES}
        super().__init__(canonical_params(data) if data is not None else None, *args, **kwargs)

    @property
    def errors(self) -> ErrorDict:
        """The form's errors (django-filter's backend reads them as an ``ErrorDict``), each under
        the parameter's name as the request gave it."""
        return ErrorDict(self._as_sent(dict(super().errors)))

    def _as_sent(self, errors: dict[str, Any]) -> dict[str, Any]:
        return {self.aliases_used.get(name, name): problems for name, problems in errors.items()}

    def is_valid(self) -> bool:
        """The form's checks, and: a date parameter that is present is not empty, and a yes/no
        parameter says true or false."""
        valid = bool(super().is_valid())
        for name in self.NOT_EMPTY:
            if name in self.data and str(self.data.get(name)).replace(",", "").strip() == "":
                self.form.add_error(name, "is empty: give a value or leave the parameter out")
                valid = False
        for name in self.BOOLEANS:
            if name in self.data and str(self.data.get(name)).strip() not in self.YES_NO:
                # Not echoed: a raw value may hold "%", which Django's messages format.
                self.form.add_error(name, "must be true or false")
                valid = False
        if "stale" in self.data and str(self.data.get("stale")).strip().lower() not in STALE_CHOICES:
            self.form.add_error("stale", f"must be one of {', '.join(STALE_CHOICES)}")
            valid = False
        return valid

    def conditions(self) -> list[Condition]:
        """What the validated parameters select, as :class:`Condition` s (an absent or empty
        parameter selects everything; ``future=all`` too). Raises DRF ``ValidationError`` for a
        weekday that is none."""
        data = self.form.cleaned_data
        found: list[Condition] = []
        for name, (column, value_of) in LIST_FILTERS.items():
            raw = data.get(name)
            values = None if raw in (None, "") else [v.strip() for v in str(raw).split(",") if v.strip()]
            if values is not None and not (name == "future" and str(raw).strip().lower() == "all"):
                try:
                    found.append(Condition(column, "in", tuple(value_of(v) for v in values)))
                except ValidationError as exc:
                    raise ValidationError(self._as_sent(dict(exc.detail))) from None  # type: ignore[arg-type]
        for name, column, lookup in SINGLE_FILTERS:
            if data.get(name) is not None:
                found.append(Condition(column, lookup, data[name]))
        stale = str(data.get("stale") or "true").strip().lower()
        if stale != "true":
            found.append(Condition("stale", "exact", stale == "only"))
        return found

    def filter_queryset(self, queryset: QuerySet[MarketSession]) -> QuerySet[MarketSession]:
        """``queryset`` narrowed by :meth:`conditions`."""
        for condition in self.conditions():
            queryset = queryset.filter(**{f"{condition.field}__{condition.lookup}": condition.value})
        return queryset


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> str:
    """``value`` when it is one of ``allowed``; else DRF ``ValidationError`` naming ``name`` and the
    allowed values (a misspelt status used to select nothing, without a word)."""
    if value not in allowed:
        raise ValidationError({name: f"{value!r} is not one of {', '.join(allowed)}"})
    return value


def _country(raw: str) -> str:
    """The control market ``raw`` names (any case, or an alias such as ``us``, ``london``); else DRF
    ``ValidationError`` naming ``country`` and the control markets."""
    country = normalize_country(raw)
    if country is None:
        raise ValidationError({"country": f"{raw!r} is not one of {', '.join(CONTROL_COUNTRIES)}"})
    return country


def _weekday(raw: str) -> str:
    """``Mon``…``Sun`` from a weekday's name, abbreviation or number 0–6 (Monday = 0); raises DRF
    ``ValidationError`` naming ``weekday`` otherwise."""
    if raw.isdigit() and int(raw) < 7:
        return WEEKDAYS[int(raw)]
    if raw[:3].title() in WEEKDAYS:
        return raw[:3].title()
    raise ValidationError({"weekday": f"{raw!r} is not a weekday (Mon…Sun or 0–6)"})


def _status(raw: str) -> str:
    """An outcome as a trader types it (``didn't work``, ``worked``) → its value; 400 otherwise."""
    return _one_of("status", raw.upper().replace("'", "").replace(" ", "_"), Outcome.values())


def _future(raw: str) -> str:
    return _one_of("future", raw.upper(), (*FUTURES, TOTAL))


def _signal(raw: str) -> str:
    return _one_of("signal", raw.upper().replace(" ", "_"), Signal.values())


#: The comma-separated filters: parameter → (column, one value's normalisation, which raises a 400
#: naming the parameter and the allowed values). ``future=all`` selects every future.
LIST_FILTERS: dict[str, tuple[str, Callable[[str], str]]] = {
    "country": ("country", _country),
    "status": ("wndw", _status),
    "weekday": ("day", _weekday),
    "future": ("future", _future),
    "signal": ("bhs", _signal),
}
#: ``stale``: leave out rows captured on a stale quote (``false``), keep them (``true``), or only them.
STALE_CHOICES = ("false", "true", "only")
#: The single-valued filters, already parsed by the form: (parameter, column, lookup).
SINGLE_FILTERS = (
    ("date", "session_date", "exact"),
    ("start", "session_date", "gte"),
    ("end", "session_date", "lte"),
    ("late", "late", "exact"),
    ("demo", "is_demo", "exact"),
)

MarketSessionFilter.PARAMS = (*MarketSessionFilter.Meta.fields, *ALIASES)


def _valid_filterset(params: dict[str, str], queryset: QuerySet[MarketSession] | None = None) -> MarketSessionFilter:
    filterset = MarketSessionFilter(params, queryset=queryset if queryset is not None else MarketSession.objects.all())
    if not filterset.is_valid():
        raise ValidationError(
            {name: [str(problem) for problem in problems] for name, problems in filterset.errors.items()}
        )
    return filterset


def filter_sessions(params: dict[str, str], queryset: QuerySet[MarketSession] | None = None) -> QuerySet[MarketSession]:
    """Apply the list filters to ``queryset`` (all rows by default); raises DRF ``ValidationError``
    naming the bad parameter."""
    return _valid_filterset(params, queryset).qs


def session_conditions(params: dict[str, str]) -> list[Condition]:
    """The list filters' :class:`Condition` s for ``params`` (what :func:`filter_sessions` applies);
    raises DRF ``ValidationError`` naming the bad parameter. Remembered per distinct ``params``
    (they depend on nothing else): building the filter set's form costs ~1 ms a request."""
    return list(_conditions(tuple(sorted(params.items()))))


@functools.lru_cache(maxsize=256)
def _conditions(params: tuple[tuple[str, str], ...]) -> tuple[Condition, ...]:
    return tuple(_valid_filterset(dict(params)).conditions())


def today_start(now: dt.datetime) -> dt.datetime:
    """00:00 UTC of ``now``'s day."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)
