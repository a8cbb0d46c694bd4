"""``/api/actandpos/``: the caller's accounts and positions (SPEC §11). Another user's account is a 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ActAndPos.api.serializers import AccountSerializer, ContractMarginSerializer, PositionSerializer
from ActAndPos.models import ContractMargin
from ActAndPos.selectors import accounts_of, positions_with_marks, with_live_figures
from ActAndPos.services.capture_trades import account_set_auto_trade
from core.params import KnownQueryParamsMixin
from GlobalMarkets.reference import CONTROL_COUNTRIES


class AccountListView(KnownQueryParamsMixin, APIView):
    """``GET accounts/``: the caller's paper accounts (kind, cash, net_liq, buying power, margin, USD)."""

    known_query_params = ()

    @extend_schema(responses={200: AccountSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(AccountSerializer(with_live_figures(list(accounts_of(request.user))), many=True).data)


class AccountDetailView(KnownQueryParamsMixin, APIView):
    """``GET accounts/<id>/``: one of the caller's accounts."""

    known_query_params = ()

    @extend_schema(responses={200: AccountSerializer})
    def get(self, request: Request, pk: int) -> Response:
        account = get_object_or_404(accounts_of(request.user), pk=pk)
        return Response(AccountSerializer(with_live_figures([account])[0]).data)


class PositionListView(KnownQueryParamsMixin, APIView):
    """``GET accounts/<id>/positions/``: positions with live mark, market value and unrealised P&L."""

    known_query_params = ()

    @extend_schema(responses={200: PositionSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        account = get_object_or_404(accounts_of(request.user), pk=pk)
        return Response(PositionSerializer(positions_with_marks(account), many=True).data)


class AutoTradeInputSerializer(serializers.Serializer):
    """``markets``: control markets to trade at every capture (e.g. ``["USA", "Japan"]``; [] stops
    it); ``quantity``: contracts each time (1–100)."""

    markets = serializers.ListField(
        child=serializers.ChoiceField(choices=CONTROL_COUNTRIES), max_length=len(CONTROL_COUNTRIES)
    )
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)


class AccountAutoTradeView(KnownQueryParamsMixin, APIView):
    """``PUT accounts/<id>/auto-trade`` with ``markets`` and ``quantity``: trade the composite's
    trade (TOTAL → YM, a bracket with the capture's target and stop) at every capture of those
    markets. Answers the account; 400 names a bad market; 404 for an account not yours."""

    known_query_params = ()

    @extend_schema(request=AutoTradeInputSerializer, responses={200: AccountSerializer})
    def put(self, request: Request, pk: int) -> Response:
        account = get_object_or_404(accounts_of(request.user), pk=pk)
        data = AutoTradeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = account_set_auto_trade(
            account=account, markets=list(data.validated_data["markets"]), quantity=data.validated_data["quantity"]
        )
        return Response(AccountSerializer(with_live_figures([account])[0]).data)


class ContractMarginListView(KnownQueryParamsMixin, APIView):
    """``GET margins/``: every contract's initial and maintenance margin and commission (USD), the
    figures a FUTURES account's orders are checked against (the ticket's preview uses them)."""

    known_query_params = ()

    @extend_schema(responses={200: ContractMarginSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(ContractMarginSerializer(ContractMargin.objects.all(), many=True).data)
