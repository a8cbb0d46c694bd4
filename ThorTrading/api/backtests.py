"""``/api/ThorTrading/backtests/``: run the market-open strategy over the tick archive for a variant,
in a worker thread, and read its progress and result (SPEC §13)."""

from __future__ import annotations

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
from ThorTrading.backtest import Variant
from ThorTrading.models import FUTURES, TOTAL, Backtest, BacktestKind
from ThorTrading.services.backtest import BacktestError, backtest_state, backtest_submit

MAX_DAYS = 366


class SignalWeightsSerializer(serializers.Serializer):
    """The composite's weight for each signal (−10…10); the ones left out keep their configuration."""

    STRONG_BUY = serializers.IntegerField(min_value=-10, max_value=10, required=False)
    BUY = serializers.IntegerField(min_value=-10, max_value=10, required=False)
    HOLD = serializers.IntegerField(min_value=-10, max_value=10, required=False)
    SELL = serializers.IntegerField(min_value=-10, max_value=10, required=False)
    STRONG_SELL = serializers.IntegerField(min_value=-10, max_value=10, required=False)


class BacktestInputSerializer(serializers.Serializer):
    """A variant to test: dates (market-local, inclusive), markets, targets, window, the stats' rows."""

    start = serializers.DateField(help_text="First date, YYYY-MM-DD")
    end = serializers.DateField(help_text="Last date, YYYY-MM-DD (inclusive)")
    markets = serializers.ListField(
        child=serializers.ChoiceField(choices=CONTROL_COUNTRIES),
        required=False,
        help_text="Default: the markets whose capture is on",
    )
    target_mode = serializers.ChoiceField(
        choices=[targets.USD, targets.TICKS, targets.POINTS],
        required=False,
        help_text="Unit of profit_target and stop_loss; default: each instrument's own",
    )
    profit_target = serializers.DecimalField(
        max_digits=12, decimal_places=4, min_value=Decimal("0.0001"), max_value=Decimal(1_000_000), required=False
    )
    stop_loss = serializers.DecimalField(
        max_digits=12, decimal_places=4, min_value=Decimal("0.0001"), max_value=Decimal(1_000_000), required=False
    )
    window_minutes = serializers.IntegerField(
        min_value=0, max_value=24 * 60, required=False, help_text="Evaluation window (0 = none); default: each market's"
    )
    future = serializers.ChoiceField(
        choices=[TOTAL, "all", *FUTURES],
        default=TOTAL,
        help_text="The rows the stats cover (TOTAL as GET market-opens/stats/)",
    )
    signal_weights = SignalWeightsSerializer(required=False, help_text="Composite weight per signal (SPEC §4)")
    roll = serializers.ChoiceField(
        choices=list(ROLL_RULES),
        default="volume",
        help_text="Front-month rule on imported history (SPEC §15): volume on the previous CME day, or open interest",
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["end"] < data["start"]:
            raise serializers.ValidationError({"end": "must not be before start"})
        if (data["end"] - data["start"]).days >= MAX_DAYS:
            raise serializers.ValidationError({"end": f"a backtest covers at most {MAX_DAYS} days"})
        given = [k for k in ("target_mode", "profit_target", "stop_loss") if data.get(k) is not None]
        if given and len(given) != 3:
            missing = sorted({"target_mode", "profit_target", "stop_loss"} - set(given))
            raise serializers.ValidationError({missing[0]: "target_mode, profit_target and stop_loss go together"})
        return data


class BacktestOutputSerializer(serializers.Serializer):
    """A backtest's state; ``result`` (``{params, stats, trades}``, prices in points, P&L in USD)
    only on the detail and once DONE."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["QUEUED", "RUNNING", "DONE", "FAILED", "CANCELLED"])
    progress = serializers.FloatField(help_text="Percent of the opens tested")
    params = serializers.DictField()
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    result = serializers.DictField(allow_null=True, required=False)


def job_state(job: Backtest) -> dict[str, Any]:
    """What a reader sees of a backtest or a sweep while it runs and after: id, status (an interrupted
    one reads FAILED, :func:`backtest_state`), progress (percent), params, error, created and finished."""
    status, error = backtest_state(job, now=clock.now())
    return {
        "id": job.pk,
        "status": status,
        "progress": job.progress,
        "params": job.params,
        "error": error,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def _output(backtest: Backtest, *, with_result: bool) -> dict[str, Any]:
    data = job_state(backtest)
    if with_result:
        data["result"] = backtest.result
    elif backtest.result:
        data["result"] = {"stats": {"overall": backtest.result["stats"]["overall"]}}
    return BacktestOutputSerializer(data).data


class BacktestListCreateView(KnownQueryParamsMixin, APIView):
    """``POST backtests/`` starts a backtest (202, then poll its ``url``); ``GET backtests/`` lists
    your latest 20, each with its overall figures once done. JSON bodies only."""

    known_query_params = ()

    parser_classes = [JSONParser]

    @extend_schema(
        request=BacktestInputSerializer,
        responses={
            202: inline_serializer(
                "BacktestAccepted",
                {"id": serializers.IntegerField(), "status": serializers.CharField(), "url": serializers.CharField()},
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = BacktestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        variant = Variant(
            target_mode=data.get("target_mode"),
            profit_target=data.get("profit_target"),
            stop_loss=data.get("stop_loss"),
            window_minutes=data.get("window_minutes"),
            signal_weights=dict(data.get("signal_weights") or {}),
        )
        try:
            backtest = backtest_submit(
                owner=request.user,
                start=data["start"],
                end=data["end"],
                countries=data.get("markets") or None,
                variant=variant,
                future=data["future"],
                roll=data["roll"],
            )
        except BacktestError as exc:
            return Response({"error": str(exc)}, status=400)
        return Response(
            {"id": backtest.pk, "status": backtest.status, "url": f"/api/ThorTrading/backtests/{backtest.pk}/"},
            status=202,
        )

    @extend_schema(responses={200: BacktestOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        rows = Backtest.objects.filter(owner_id=request.user.pk, kind=BacktestKind.BACKTEST).order_by(
            "-created_at", "-id"
        )[:20]
        return Response([_output(b, with_result=False) for b in rows])


class BacktestDetailView(KnownQueryParamsMixin, APIView):
    """``GET backtests/<id>/``: status, progress and, once done, the result; 404 for someone else's."""

    known_query_params = ()

    @extend_schema(responses={200: BacktestOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        backtest = get_object_or_404(Backtest, pk=pk, owner_id=request.user.pk, kind=BacktestKind.BACKTEST)
        return Response(_output(backtest, with_result=True))
