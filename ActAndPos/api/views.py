"""``/api/actandpos/``: the caller's accounts and positions (SPEC §11). Another user's account is a 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ActAndPos.api.serializers import AccountSerializer, PositionSerializer
from ActAndPos.selectors import accounts_of, positions_with_marks, with_live_figures


class AccountListView(APIView):
    """``GET accounts/``: the caller's paper accounts (kind, cash, net_liq, buying power, margin, USD)."""

    @extend_schema(responses={200: AccountSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(AccountSerializer(with_live_figures(list(accounts_of(request.user))), many=True).data)


class AccountDetailView(APIView):
    """``GET accounts/<id>/``: one of the caller's accounts."""

    @extend_schema(responses={200: AccountSerializer})
    def get(self, request: Request, pk: int) -> Response:
        account = get_object_or_404(accounts_of(request.user), pk=pk)
        return Response(AccountSerializer(with_live_figures([account])[0]).data)


class PositionListView(APIView):
    """``GET accounts/<id>/positions/``: positions with live mark, market value and unrealised P&L."""

    @extend_schema(responses={200: PositionSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        account = get_object_or_404(accounts_of(request.user), pk=pk)
        return Response(PositionSerializer(positions_with_marks(account), many=True).data)
