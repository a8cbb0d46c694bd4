"""The captured sessions (SPEC §8, §9): the lists, one row, today's, pending, the latest per market,
statistics, signal insight, capture events and the export, all under the one set of filters
(``ThorTrading.filtersets``). Views validate their input, call one selector or service, and shape
the output."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import clock
from core.params import KnownQueryParamsMixin
from GlobalMarkets.reference import CONTROL_COUNTRIES
from ThorTrading import grading
from ThorTrading.api import schemas
from ThorTrading.api.serializers import (
    SESSION_COLUMNS,
    EventsPageOut,
    MarketSessionSerializer,
    iso_datetimes,
    session_rows,
)
from ThorTrading.choices import FUTURES, TOTAL, Outcome, Signal
from ThorTrading.filtersets import ALIASES, STALE_CHOICES, MarketSessionFilter, filter_sessions, session_conditions
from ThorTrading.models import MarketSession
from ThorTrading.selectors.analytics import capture_events, session_stats, signal_insight
from ThorTrading.selectors.cache import SESSIONS_VERSION_KEY, cached
from ThorTrading.selectors.sessions import latest_capture_groups
from ThorTrading.selectors.stat_store import STORE
from ThorTrading.services.config import get_trading_config
from ThorTrading.services.costs import cost_cents
from ThorTrading.services.export import sessions_csv, sessions_xlsx
from ThorTrading.services.grading import evaluation_window_minutes

#: The session filters of MarketSessionFilter, for views that apply them through filter_sessions.
#: Lists are comma-separated (OpenAPI: form style, not exploded); an unknown value is a 400.
SESSION_FILTERS = [
    OpenApiParameter("country", str, description="control market(s), comma-separated, e.g. USA,Japan (any case)"),
    OpenApiParameter(
        "status",
        str,
        many=True,
        explode=False,
        style="form",
        enum=Outcome.values(),
        description="outcome(s) (wndw), comma-separated",
    ),
    OpenApiParameter("date", OpenApiTypes.DATE, description="market-local date"),
    OpenApiParameter("start", OpenApiTypes.DATE, description="from this market-local date"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="to this market-local date (inclusive)"),
    OpenApiParameter("weekday", str, description="Mon…Sun or 0–6, comma-separated"),
    OpenApiParameter(
        "future",
        str,
        many=True,
        explode=False,
        style="form",
        enum=[*FUTURES, TOTAL, "all"],
        description="future(s), TOTAL, or all (every future)",
    ),
    OpenApiParameter(
        "signal",
        str,
        many=True,
        explode=False,
        style="form",
        enum=Signal.values(),
        description="signal(s) at capture (bhs), comma-separated",
    ),
    OpenApiParameter("late", bool),
    OpenApiParameter("demo", bool, description="false leaves demo captures out"),
    OpenApiParameter(
        "stale",
        str,
        enum=list(STALE_CHOICES),
        description=(
            "rows captured on a stale quote: false leaves them out, true keeps them, only selects them. "
            "stats/ and insight/ default to false (a stale trade's fill price is not one a trader could get); "
            "the lists and the export default to true"
        ),
    ),
    *(
        OpenApiParameter(
            alias,
            OpenApiTypes.DATE if name in ("start", "end") else str,
            description=f"the design documents' name for {name}",
        )
        for alias, name in ALIASES.items()
    ),
]


class SessionPagination(PageNumberPagination):
    """100 rows a page by default; ``page_size`` up to 500."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        """``page`` when given must be a whole number (1 = the first page): an empty or malformed one
        is a 400, not the first page; a page past the end is a 404."""
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isdigit() or raw == "last"):
            raise ValidationError({"page": f"{raw!r} is not a page number"})
        return super().get_page_number(request, paginator)

    def get_page_size(self, request: Request) -> int:
        """``page_size`` when given must be a whole number from 1 to 500: anything else is a 400, not
        a silently different page."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({"page_size": f"{raw!r} is not a whole number from 1 to {self.max_page_size}"})
        return int(raw)


class StableOrdering(OrderingFilter):
    """DRF's ``ordering`` with a tie-break (newest capture, then the row): rows equal on the chosen
    column keep one order, so page 2 never repeats nor skips a row of page 1."""

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> list[str] | None:
        ordering = super().get_ordering(request, queryset, view)
        if ordering is None:
            return None
        return [
            *ordering,
            *(
                key
                for key in ("-captured_at", "-capture_group", "id")
                if key.lstrip("-") not in {o.lstrip("-") for o in ordering}
            ),
        ]


@extend_schema_view(get=extend_schema(parameters=SESSION_FILTERS))
class MarketSessionListView(KnownQueryParamsMixin, generics.ListAPIView):
    """``GET market-opens/``: capture rows, newest first; filters ``country``, ``status``,
    ``date``, ``start``, ``end``, ``weekday``, ``future``, ``signal``, ``late``, ``demo``;
    ``ordering`` by any of :attr:`ordering_fields` (ties newest capture first, so pages never
    overlap); paginated."""

    known_query_params = (*MarketSessionFilter.PARAMS, "page", "page_size", "ordering")

    serializer_class = MarketSessionSerializer
    filterset_class = MarketSessionFilter
    filter_backends = [DjangoFilterBackend, StableOrdering]
    ordering_fields = [
        "captured_at",
        "session_date",
        "country",
        "day",
        "future",
        "bhs",
        "entry_price",
        "wndw",
        "pnl_usd",
        "target_hit_at",
        "resolved_at",
        "capture_group",
    ]
    pagination_class = SessionPagination
    queryset = MarketSession.objects.order_by("-captured_at", "-capture_group", "future")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The filtered, ordered page, rendered from ``values()`` (as the serializer would, faster)."""
        queryset = self.filter_queryset(self.get_queryset()).values(*SESSION_COLUMNS)
        page = self.paginate_queryset(queryset) or []
        return self.get_paginated_response(iso_datetimes(list(page)))


class MarketSessionDetailView(KnownQueryParamsMixin, generics.RetrieveAPIView):
    """``GET market-opens/<id>/``: one row; unknown id → 404."""

    known_query_params = ()

    serializer_class = MarketSessionSerializer
    queryset = MarketSession.objects.all()


class CaptureRowsView(KnownQueryParamsMixin, APIView):
    """``GET market-opens/captures/<capture_group>/``: the capture's 12 rows in instrument order,
    TOTAL last (History's expanded row); unknown capture → 404."""

    known_query_params = ()

    @extend_schema(responses={200: MarketSessionSerializer(many=True), 404: dict})
    def get(self, request: Request, capture_group: int) -> Response:
        order = {s: i for i, s in enumerate(i.symbol for i in get_trading_config().instruments)}
        rows = session_rows(MarketSession.objects.filter(capture_group=capture_group))
        if not rows:
            return Response({"error": f"capture_group: no capture {capture_group}"}, status=404)
        rows.sort(key=lambda r: order.get(r["future"], len(order)))
        return Response(rows)


class PendingMarketSessionsView(MarketSessionListView):
    """``GET market-opens/pending/``: rows still waiting for a target or stop."""

    queryset = MarketSession.objects.filter(wndw=grading.PENDING).order_by("-captured_at", "future")


class TodayMarketSessionsView(MarketSessionListView):
    """``GET market-opens/today/``: rows captured since 00:00 UTC today (the clock's today)."""

    def get_queryset(self) -> QuerySet[MarketSession]:
        start = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        return MarketSession.objects.filter(captured_at__gte=start).order_by("-captured_at", "future")


class LatestPerMarketSessionsView(KnownQueryParamsMixin, APIView):
    """``GET market-opens/latest/``: the rows of each control market's latest capture, markets
    east to west, each capture's rows in instrument order with TOTAL last."""

    known_query_params = ()

    @extend_schema(responses={200: MarketSessionSerializer(many=True)})
    def get(self, request: Request) -> Response:
        # Cached until any captured row changes (issue 11: ~100 columns × 108 rows cost ~7 ms to
        # read and convert on every poll of every open dashboard).
        return Response(cached("latest", {}, _latest_rows, version_key=SESSIONS_VERSION_KEY))


def _latest_rows() -> list[dict[str, Any]]:
    groups = latest_capture_groups()
    order = {s: i for i, s in enumerate(i.symbol for i in get_trading_config().instruments)}
    rows = session_rows(MarketSession.objects.filter(capture_group__in=groups))
    country_rank = {c: i for i, c in enumerate(CONTROL_COUNTRIES)}
    rows.sort(
        key=lambda r: (
            country_rank.get(r["country"], len(country_rank)),
            r["capture_group"],
            order.get(r["future"], len(order)),
        )
    )
    return rows


def _params(request: Request, **defaults: str) -> dict[str, str]:
    params: dict[str, str] = {k: str(v) for k, v in request.query_params.items()}
    for key, value in defaults.items():
        params.setdefault(key, value)
    return params


class MarketSessionStatsView(KnownQueryParamsMixin, APIView):
    """``GET market-opens/stats/`` with the list filters: overall, by market, by weekday, by
    signal, by future, last 7 days and P&L by day. ``future`` defaults to TOTAL (the YM trade the
    composite makes); ``future=all`` covers every future. ``evaluation_window_minutes`` says how
    long a trade may stay pending before it counts as EXPIRED: the global window and each market's
    (null = never). ``net``: overall, by market and by weekday net of the desk's commissions and a
    tick of slippage on stops (null when the figures came from the database instead of the store)."""

    known_query_params = MarketSessionFilter.PARAMS

    @extend_schema(parameters=SESSION_FILTERS, responses={200: schemas.StatsOut})
    def get(self, request: Request) -> Response:
        params = _params(request, future=TOTAL, stale="false")
        now = clock.now()
        conditions = session_conditions(params)
        stored = STORE.session_stats(conditions, now=now, costs=cost_cents())
        # From the database (Redis away, the store loading) the figures come gross only: "net" is null.
        body = dict(stored if stored is not None else {**session_stats(filter_sessions(params), now=now), "net": None})
        body["evaluation_window_minutes"] = evaluation_window_minutes()
        return Response(body)


class MarketSessionInsightView(KnownQueryParamsMixin, APIView):
    """``GET market-opens/insight/`` with the list filters: for each instrument and signal at
    capture, how often ``target`` (TOTAL by default, or YM) worked; ``future`` and ``signal``
    choose which cells to show."""

    known_query_params = (*MarketSessionFilter.PARAMS, "target")

    @extend_schema(
        parameters=[*SESSION_FILTERS, OpenApiParameter("target", str, enum=[TOTAL, "YM"])],
        responses={
            200: inline_serializer(
                "Insight",
                {
                    "target": serializers.CharField(),
                    "base_rate": serializers.FloatField(allow_null=True),
                    "base_n": serializers.IntegerField(),
                    "cells": inline_serializer(
                        "InsightCell",
                        {
                            "future": serializers.CharField(),
                            "signal": serializers.CharField(),
                            "captures": serializers.IntegerField(),
                            "n": serializers.IntegerField(),
                            "worked": serializers.IntegerField(),
                            "didnt_work": serializers.IntegerField(),
                            "hit_rate": serializers.FloatField(allow_null=True),
                            "hit_rate_low": serializers.FloatField(allow_null=True),
                            "hit_rate_high": serializers.FloatField(allow_null=True),
                            "lift": serializers.FloatField(allow_null=True),
                            "low_sample": serializers.BooleanField(),
                        },
                        many=True,
                    ),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        target = request.query_params.get("target", TOTAL)
        if target not in (TOTAL, "YM"):
            return Response({"error": f"target: {target!r} is not TOTAL or YM"}, status=400)
        params = _params(request, stale="false")
        futures = [
            f.strip().upper() for f in params.pop("future", "").split(",") if f.strip() and f.strip().lower() != "all"
        ]
        chosen = [s.strip().upper().replace(" ", "_") for s in params.pop("signal", "").split(",") if s.strip()]
        queryset = filter_sessions(params)
        return Response(
            cached(
                "insight",
                {**params, "target": target, "future": futures, "signal": chosen},
                lambda: signal_insight(queryset, target=target, futures=futures, signals=chosen),
            )
        )


class MarketSessionEventsView(KnownQueryParamsMixin, APIView):
    """``GET market-opens/events/``: one entry per capture event, newest first, paginated
    (``page``, ``page_size`` ≤ 500); ``rows=1`` adds each event's 12 rows. The list filters apply
    to the rows of ``future`` (TOTAL by default, whose trade is YM's); another future, a list of
    them or ``all`` gives one entry per matching row with that future's own trade."""

    known_query_params = (*MarketSessionFilter.PARAMS, "page", "page_size", "rows")

    @extend_schema(
        parameters=[
            *SESSION_FILTERS,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
            OpenApiParameter("rows", bool, description="add each event's 12 rows"),
        ],
        responses={200: EventsPageOut},
    )
    def get(self, request: Request) -> Response:
        params = _params(request, future=TOTAL)
        queryset = filter_sessions(params).order_by("-captured_at", "-capture_group", "id")
        paginator = SessionPagination()
        page = paginator.paginate_queryset(queryset, request, view=self) or []
        raw_rows = str(request.query_params.get("rows", "0")).lower()
        if raw_rows not in {"0", "1", "true", "false"}:
            raise ValidationError({"rows": f"{raw_rows!r} is not true or false"})
        with_rows = raw_rows in {"1", "true"}
        events = capture_events(page, with_rows=with_rows)
        if with_rows:
            for event in events:
                event["rows"] = MarketSessionSerializer(event["rows"], many=True).data
        return paginator.get_paginated_response(events)


class MarketSessionExportView(KnownQueryParamsMixin, APIView):
    """``GET market-opens/export?format=csv|xlsx`` with the list filters: every column of every
    matching row (datetimes in UTC)."""

    known_query_params = (*MarketSessionFilter.PARAMS, "format")

    @extend_schema(
        parameters=[*SESSION_FILTERS, OpenApiParameter("format", str, enum=["csv", "xlsx"])],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request) -> HttpResponse | StreamingHttpResponse | Response:
        kind = request.query_params.get("format", "csv")
        if kind not in ("csv", "xlsx"):
            return Response({"error": f"format: {kind!r} is not csv or xlsx"}, status=400)
        params = _params(request)
        params.pop("format", None)
        queryset = filter_sessions(params).order_by("captured_at", "capture_group", "future")
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        response: HttpResponse | StreamingHttpResponse
        if kind == "csv":
            response = StreamingHttpResponse(sessions_csv(queryset), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                sessions_xlsx(queryset),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="thor-market-opens-{stamp}.{kind}"'
        return response
