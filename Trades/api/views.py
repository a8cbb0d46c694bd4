"""``/api/trades/``: placing, listing and cancelling orders, and statements (SPEC §11).

The HTTP face of ActAndPos: it never talks to Redis itself. A user acts only on their own
accounts: another user's account or order answers 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ActAndPos.api.serializers import LedgerEntrySerializer, OrderSerializer
from ActAndPos.models import Order
from ActAndPos.selectors import accounts_of, statement, statement_csv
from ActAndPos.services.capture_trades import trade_capture
from ActAndPos.services.order_engine import OrderRejected, cancel_all, cancel_order, flatten, place_order
from ActAndPos.services.order_request import OrderRequest
from core.params import KnownQueryParamsMixin
from ThorTrading.models import MarketSession
from Trades.api.serializers import (
    CancelAllInputSerializer,
    CaptureTradeInputSerializer,
    FlattenInputSerializer,
    OrderInputSerializer,
    OrderQuerySerializer,
    StatementQuerySerializer,
)


class OrderListCreateView(KnownQueryParamsMixin, APIView):
    """``POST orders``: place an order (201 with the order; 400 with the reason when rejected).
    ``GET orders?account=&status=``: the caller's orders, newest first."""

    known_query_params = tuple(OrderQuerySerializer().fields)

    @extend_schema(request=OrderInputSerializer, responses={201: OrderSerializer, 200: OrderSerializer})
    def post(self, request: Request) -> Response:
        serializer = OrderInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = dict(serializer.validated_data)
        account = accounts_of(request.user).filter(pk=params.pop("account")).first()
        if account is None:
            return Response(
                {"error": f"account: no account {serializer.validated_data['account']} of yours"}, status=404
            )
        try:
            result = place_order(account=account, request=OrderRequest(**params))
        except OrderRejected as exc:
            return Response({"error": str(exc)}, status=400)
        body = OrderSerializer(result.order).data
        if result.rejected:
            return Response({"error": result.order.reject_reason, "order": body}, status=400)
        return Response(body, status=201 if result.created else 200)

    @extend_schema(parameters=[OrderQuerySerializer], responses={200: OrderSerializer(many=True)})
    def get(self, request: Request) -> Response:
        query = OrderQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        orders = Order.objects.filter(account__owner_id=request.user.pk)
        if "account" in query.validated_data:
            orders = orders.filter(account_id=query.validated_data["account"])
        if "status" in query.validated_data:
            orders = orders.filter(status=query.validated_data["status"])
        return Response(OrderSerializer(orders[:500], many=True).data)


class ActiveOrderListView(KnownQueryParamsMixin, APIView):
    """``GET orders/active``: the caller's working orders and pending bracket children."""

    known_query_params = ()

    @extend_schema(responses={200: OrderSerializer(many=True)})
    def get(self, request: Request) -> Response:
        orders = Order.objects.filter(account__owner_id=request.user.pk, status__in=["WORKING", "PENDING"])
        return Response(OrderSerializer(orders, many=True).data)


class CaptureTradeView(KnownQueryParamsMixin, APIView):
    """``POST orders/from-capture/<market-session id>`` with ``account`` and ``quantity``: place
    the capture's trade (TOTAL trades YM) as a bracket at market with the capture's target and
    stop. 201 with the entry order; 400 when the capture has no trade or the order is rejected;
    404 for an unknown capture or an account that is not yours."""

    known_query_params = ()

    @extend_schema(request=CaptureTradeInputSerializer, responses={201: OrderSerializer})
    def post(self, request: Request, pk: int) -> Response:
        serializer = CaptureTradeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = get_object_or_404(MarketSession, pk=pk)
        account = accounts_of(request.user).filter(pk=serializer.validated_data["account"]).first()
        if account is None:
            return Response(
                {"error": f"account: no account {serializer.validated_data['account']} of yours"}, status=404
            )
        try:
            result = trade_capture(account=account, session=session, quantity=serializer.validated_data["quantity"])
        except OrderRejected as exc:
            return Response({"error": str(exc)}, status=400)
        body = OrderSerializer(result.order).data
        if result.rejected:
            return Response({"error": result.order.reject_reason, "order": body}, status=400)
        return Response(body, status=201)


class CancelOrderView(KnownQueryParamsMixin, APIView):
    """``POST orders/<id>/cancel``: cancel a working order of the caller's (404 for anyone else's)."""

    known_query_params = ()

    @extend_schema(request=None, responses={200: OrderSerializer})
    def post(self, request: Request, pk: int) -> Response:
        order = get_object_or_404(Order.objects.filter(account__owner_id=request.user.pk), pk=pk)
        try:
            return Response(OrderSerializer(cancel_order(order=order)).data)
        except OrderRejected as exc:
            return Response({"error": str(exc)}, status=400)


class CancelAllView(KnownQueryParamsMixin, APIView):
    """``POST orders/cancel-all`` with ``account`` (and optionally ``symbol``): cancel every working
    order of that account, bracket legs included. 200 with the cancelled orders (none is fine)."""

    known_query_params = ()

    @extend_schema(
        request=CancelAllInputSerializer,
        responses={200: inline_serializer("CancelAllOut", {"canceled": OrderSerializer(many=True)})},
    )
    def post(self, request: Request) -> Response:
        given = CancelAllInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        account = accounts_of(request.user).filter(pk=given.validated_data["account"]).first()
        if account is None:
            return Response({"error": f"account: no account {given.validated_data['account']} of yours"}, status=404)
        cancelled = cancel_all(account=account, symbol=given.validated_data.get("symbol"))
        return Response({"canceled": OrderSerializer(cancelled, many=True).data})


class FlattenView(KnownQueryParamsMixin, APIView):
    """``POST positions/flatten`` with ``account`` and ``symbol``: cancel the symbol's working orders
    (its bracket) and close the position at market. 201 with the closing order and the cancelled
    ones; 400 when there is no position or the closing order is rejected (e.g. a stale quote: the
    orders stay cancelled, the position open)."""

    known_query_params = ()

    @extend_schema(
        request=FlattenInputSerializer,
        responses={
            201: inline_serializer("FlattenOut", {"order": OrderSerializer(), "canceled": OrderSerializer(many=True)})
        },
    )
    def post(self, request: Request) -> Response:
        given = FlattenInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        account = accounts_of(request.user).filter(pk=given.validated_data["account"]).first()
        if account is None:
            return Response({"error": f"account: no account {given.validated_data['account']} of yours"}, status=404)
        try:
            result, cancelled = flatten(account=account, symbol=given.validated_data["symbol"])
        except OrderRejected as exc:
            return Response({"error": str(exc)}, status=400)
        body = {"order": OrderSerializer(result.order).data, "canceled": OrderSerializer(cancelled, many=True).data}
        if result.rejected:
            return Response({"error": result.order.reject_reason, **body}, status=400)
        return Response(body, status=201)


class StatementEntrySerializer(LedgerEntrySerializer):
    """A ledger entry in a statement, with its order's ``commission`` and the closed-trade
    ``equity`` after it (USD)."""

    commission = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    equity = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta(LedgerEntrySerializer.Meta):
        fields = [*LedgerEntrySerializer.Meta.fields, "commission", "equity"]


def _statement(request: Request) -> tuple[Any, dict[str, Any] | None]:
    """(the caller's account, its statement) for the query, or (a 404 response, None)."""
    query = StatementQuerySerializer(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    account = accounts_of(request.user).filter(pk=query.validated_data["account"]).first()
    if account is None:
        return Response({"error": f"account: no account {query.validated_data['account']} of yours"}, status=404), None
    return account, statement(account, start=query.validated_data.get("start"), end=query.validated_data.get("end"))


class StatementView(KnownQueryParamsMixin, APIView):
    """``GET statements?account=&start=&end=`` (dates YYYY-MM-DD, UTC, inclusive) for one of the
    caller's accounts: fills, every cash movement (with commission and closed-trade equity after
    it), cash change, realised P&L and commissions, realised P&L by day, the equity curve and the
    net liq now (USD)."""

    known_query_params = tuple(StatementQuerySerializer().fields)

    @extend_schema(
        parameters=[StatementQuerySerializer],
        responses={
            200: inline_serializer(
                "Statement",
                {
                    "account": serializers.IntegerField(),
                    "fills": StatementEntrySerializer(many=True),
                    "cash_movements": StatementEntrySerializer(many=True),
                    "cash_change": serializers.FloatField(),
                    "realized_pnl": serializers.FloatField(),
                    "commission": serializers.FloatField(),
                    "pnl_by_day": inline_serializer(
                        "PnlDay",
                        {
                            "date": serializers.DateField(),
                            "fills": serializers.IntegerField(),
                            "realized_pnl": serializers.FloatField(),
                            "commission": serializers.FloatField(),
                            "net_pnl": serializers.FloatField(),
                        },
                        many=True,
                    ),
                    "equity_curve": inline_serializer(
                        "EquityPoint",
                        {"at": serializers.DateTimeField(), "equity": serializers.FloatField()},
                        many=True,
                    ),
                    "net_liq": serializers.FloatField(),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        account, data = _statement(request)
        if data is None:
            return account
        return Response(
            {
                "account": account.pk,
                "fills": StatementEntrySerializer(data["fills"], many=True).data,
                "cash_movements": StatementEntrySerializer(data["entries"], many=True).data,
                **{
                    key: data[key]
                    for key in ("cash_change", "realized_pnl", "commission", "pnl_by_day", "equity_curve", "net_liq")
                },
            }
        )


class StatementExportView(KnownQueryParamsMixin, APIView):
    """``GET statements/export?account=&start=&end=``: the statement's ledger entries as CSV (one
    row per entry: time UTC, kind, symbol, quantity, price, cash, realised P&L, commission,
    equity in USD, order, reason)."""

    known_query_params = tuple(StatementQuerySerializer().fields)

    @extend_schema(parameters=[StatementQuerySerializer], responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request: Request) -> HttpResponse | Response:
        account, data = _statement(request)
        if data is None:
            return account
        response = HttpResponse(statement_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="thor-statement-{account.pk}.csv"'
        return response
