"""``/api/ThorTrading/sweeps/``: many variants at once — every target × stop × window — net of costs,
with walk-forward and the probability of backtest overfitting, run in the backtest worker thread,
kept per user and cancellable (issue 26)."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import clock
from core.params import KnownQueryParamsMixin
from GlobalMarkets.reference import CONTROL_COUNTRIES
from LiveData.history.rolls import ROLL_RULES
from ThorTrading import targets
from ThorTrading.api.backtests import MAX_DAYS, job_state
from ThorTrading.backtest import SweepCell
from ThorTrading.models import FUTURES, TOTAL, Backtest, BacktestKind, BacktestStatus
from ThorTrading.services.backtest import BacktestError
from ThorTrading.services.sweep import sweep_submit

#: Most variants one sweep may ask for (targets × stops × windows).
MAX_VARIANTS = 1000


def _amounts(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.DecimalField(
            max_digits=12, decimal_places=4, min_value=Decimal("0.0001"), max_value=Decimal(1_000_000)
        ),
        min_length=1,
        max_length=50,
        **kwargs,
    )


class SweepInputSerializer(serializers.Serializer):
    """What to sweep: dates (market-local, inclusive), markets, the rows (``future``), lists of
    targets and stops in one unit and of windows, the walk-forward spans and the slippage."""

    start = serializers.DateField()
    end = serializers.DateField()
    markets = serializers.ListField(child=serializers.ChoiceField(choices=CONTROL_COUNTRIES), required=False)
    future = serializers.ChoiceField(choices=[TOTAL, "all", *FUTURES], default=TOTAL)
    target_mode = serializers.ChoiceField(choices=[targets.USD, targets.TICKS, targets.POINTS], default=targets.USD)
    profit_targets = _amounts(help_text="e.g. [25, 50, 100] in target_mode's unit")
    stop_losses = _amounts(help_text="e.g. [25, 50, 100]")
    window_minutes = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=24 * 60, allow_null=True),
        required=False,
        max_length=20,
        help_text="windows (0 = none, null = each market's own); default [null]",
    )
    walk_forward = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=366),
        min_length=2,
        max_length=2,
        required=False,
        help_text="[train days, test days]",
    )
    stop_slippage_ticks = serializers.IntegerField(min_value=0, max_value=100, default=1)
    target_slippage_ticks = serializers.IntegerField(min_value=0, max_value=100, default=0)
    roll = serializers.ChoiceField(choices=list(ROLL_RULES), default="volume")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["end"] < data["start"]:
            raise serializers.ValidationError({"end": "must not be before start"})
        if (data["end"] - data["start"]).days >= MAX_DAYS:
            raise serializers.ValidationError({"end": f"a sweep covers at most {MAX_DAYS} days"})
        windows = data.get("window_minutes") or [None]
        count = len(data["profit_targets"]) * len(data["stop_losses"]) * len(windows)
        if count > MAX_VARIANTS:
            raise serializers.ValidationError(
                {"profit_targets": f"{count} variants; a sweep takes at most {MAX_VARIANTS}"}
            )
        return data


class SweepOutputSerializer(serializers.Serializer):
    """A sweep's state; ``result`` (``{params, variants, walk_forward, pbo}``) on the detail once DONE."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=BacktestStatus.values)
    progress = serializers.FloatField(help_text="Percent of the opens read")
    params = serializers.DictField()
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    result = serializers.DictField(allow_null=True, required=False)


def _output(sweep: Backtest, *, with_result: bool) -> dict[str, Any]:
    data = job_state(sweep)
    if with_result:
        data["result"] = sweep.result
    return SweepOutputSerializer(data).data


class SweepListCreateView(KnownQueryParamsMixin, APIView):
    """``POST sweeps/`` starts a sweep (202, then poll its ``url``); ``GET sweeps/``: your latest 20."""

    known_query_params = ()
    parser_classes = [JSONParser]

    @extend_schema(
        request=SweepInputSerializer,
        responses={
            202: inline_serializer(
                "SweepAccepted",
                {"id": serializers.IntegerField(), "status": serializers.CharField(), "url": serializers.CharField()},
            )
        },
    )
    def post(self, request: Request) -> Response:
        given = SweepInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        cells = [
            SweepCell(data["target_mode"], profit, stop, window)
            for profit, stop, window in itertools.product(
                data["profit_targets"], data["stop_losses"], data.get("window_minutes") or [None]
            )
        ]
        spans = data.get("walk_forward")
        try:
            sweep = sweep_submit(
                owner=request.user,
                start=data["start"],
                end=data["end"],
                cells=cells,
                countries=data.get("markets") or None,
                future=data["future"],
                walk_forward_days=(spans[0], spans[1]) if spans else None,
                stop_slippage_ticks=data["stop_slippage_ticks"],
                target_slippage_ticks=data["target_slippage_ticks"],
                roll=data["roll"],
            )
        except BacktestError as exc:
            return Response({"error": str(exc)}, status=400)
        return Response(
            {"id": sweep.pk, "status": sweep.status, "url": f"/api/ThorTrading/sweeps/{sweep.pk}/"}, status=202
        )

    @extend_schema(responses={200: SweepOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        rows = Backtest.objects.filter(owner_id=request.user.pk, kind=BacktestKind.SWEEP).order_by(
            "-created_at", "-id"
        )[:20]
        return Response([_output(s, with_result=False) for s in rows])


class SweepDetailView(KnownQueryParamsMixin, APIView):
    """``GET sweeps/<id>/``: status, progress and, once done, the result; 404 for someone else's."""

    known_query_params = ()

    @extend_schema(responses={200: SweepOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        sweep = get_object_or_404(Backtest, pk=pk, owner_id=request.user.pk, kind=BacktestKind.SWEEP)
        return Response(_output(sweep, with_result=True))


class SweepCancelView(KnownQueryParamsMixin, APIView):
    """``POST sweeps/<id>/cancel``: ask a queued or running sweep to stop (it stops within a second and
    reads CANCELLED); 400 for one already finished."""

    known_query_params = ()

    @extend_schema(request=None, responses={200: SweepOutputSerializer, 400: dict})
    def post(self, request: Request, pk: int) -> Response:
        sweep = get_object_or_404(Backtest, pk=pk, owner_id=request.user.pk, kind=BacktestKind.SWEEP)
        if sweep.status not in (BacktestStatus.QUEUED, BacktestStatus.RUNNING):
            return Response(
                {"error": f"sweep {sweep.pk} is {sweep.status}; only a running one can be cancelled"}, status=400
            )
        Backtest.objects.filter(pk=sweep.pk).update(cancel_requested=True)
        if sweep.status == BacktestStatus.QUEUED:
            Backtest.objects.filter(pk=sweep.pk, status=BacktestStatus.QUEUED).update(
                status=BacktestStatus.CANCELLED,
                error="cancelled by its owner before it started",
                finished_at=clock.now(),
            )
        sweep.refresh_from_db()
        return Response(_output(sweep, with_result=False))
