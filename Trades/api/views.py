"""``/api/trades/``: placing, listing and cancelling orders, and statements (SPEC §11).

The HTTP face of ActAndPos: it never talks to Redis itself. A user acts only on their own
accounts: another user's account or order answers 404.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_date
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ActAndPos.api.serializers import LedgerEntrySerializer, OrderSerializer
from ActAndPos.models import LedgerEntry, Order
from ActAndPos.selectors import accounts_of, realized_between
from ActAndPos.services.order_engine import OrderRejected, cancel_order, place_order


def _account_param(request: Request, raw: Any) -> Any:
    try:
        pk = int(str(raw))
    except ValueError:
        return None
    return accounts_of(request.user).filter(pk=pk).first()


class OrderListCreateView(APIView):
    """``POST orders``: place an order (201 with the order; 400 with the reason when rejected).
    ``GET orders?account=&status=``: the caller's orders, newest first."""

    @extend_schema(request=dict, responses={201: OrderSerializer, 200: OrderSerializer, 400: dict, 404: dict})
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        if "account" not in data:
            return Response({"error": "account: required (the id of one of your accounts)"}, status=400)
        account = _account_param(request, data.get("account"))
        if account is None:
            return Response({"error": f"account: no account {data.get('account')!r} of yours"}, status=404)
        try:
            result = place_order(account=account, params=dict(data))
        except OrderRejected as exc:
            return Response({"error": str(exc)}, status=400)
        body = OrderSerializer(result.order).data
        if result.rejected:
            return Response({"error": result.order.reject_reason, "order": body}, status=400)
        return Response(body, status=201 if result.created else 200)

    @extend_schema(responses={200: OrderSerializer(many=True)})
    def get(self, request: Request) -> Response:
        orders = Order.objects.filter(account__owner_id=request.user.pk)
        if "account" in request.query_params:
            orders = orders.filter(account_id=str(request.query_params.get("account")))
        if "status" in request.query_params:
            orders = orders.filter(status=str(request.query_params.get("status")).upper())
        return Response(OrderSerializer(orders[:500], many=True).data)


class ActiveOrderListView(APIView):
    """``GET orders/active``: the caller's working orders."""

    @extend_schema(responses={200: OrderSerializer(many=True)})
    def get(self, request: Request) -> Response:
        orders = Order.objects.filter(account__owner_id=request.user.pk, status="WORKING")
        return Response(OrderSerializer(orders, many=True).data)


class CancelOrderView(APIView):
    """``POST orders/<id>/cancel``: cancel a working order of the caller's (404 for anyone else's)."""

    @extend_schema(request=None, responses={200: OrderSerializer, 400: dict, 404: dict})
    def post(self, request: Request, pk: int) -> Response:
        order = get_object_or_404(Order.objects.filter(account__owner_id=request.user.pk), pk=pk)
        try:
            return Response(OrderSerializer(cancel_order(order=order)).data)
        except OrderRejected as exc:
            return Response({"error": str(exc)}, status=400)


class StatementView(APIView):
    """``GET statements?account=&start=&end=`` (dates YYYY-MM-DD, UTC, inclusive): fills, cash
    movements and realised P&L of one of the caller's accounts."""

    @extend_schema(responses={200: dict, 400: dict, 404: dict})
    def get(self, request: Request) -> Response:
        account = _account_param(request, request.query_params.get("account"))
        if account is None:
            return Response({"error": "account: required, one of your accounts' ids"}, status=404)
        entries = LedgerEntry.objects.filter(account=account)
        for name, lookup, clock_time in (("start", "created_at__gte", time.min), ("end", "created_at__lte", time.max)):
            raw = request.query_params.get(name)
            if raw:
                day = parse_date(raw) if isinstance(raw, str) else None
                if day is None:
                    return Response({"error": f"{name}: {raw!r} is not a date (YYYY-MM-DD)"}, status=400)
                entries = entries.filter(**{lookup: datetime.combine(day, clock_time, tzinfo=UTC)})
        rows = list(entries.order_by("id"))
        return Response({
            "account": account.pk,
            "fills": LedgerEntrySerializer([e for e in rows if e.kind == "FILL"], many=True).data,
            "cash_movements": LedgerEntrySerializer(rows, many=True).data,
            "cash_change": sum((e.cash_delta for e in rows), 0),
            "realized_pnl": realized_between(rows),
        })
