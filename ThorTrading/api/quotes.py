"""``quotes/latest`` and ``quotes/ribbon``: the eleven rows with signals and TOTAL (SPEC §4, §9)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.params import KnownQueryParamsMixin
from ThorTrading.api import schemas
from ThorTrading.services.config import get_trading_config
from ThorTrading.services.quotes import get_enriched_quotes_with_composite


class LatestQuotesView(KnownQueryParamsMixin, APIView):
    """``GET quotes/latest`` → ``{"rows": [11 rows], "total": {...}}`` (SPEC §4). Redis down → 503."""

    known_query_params = ()

    @extend_schema(responses={200: schemas.LatestQuotesOut})
    def get(self, request: Request) -> Response:
        rows, total = get_enriched_quotes_with_composite()
        return Response({"rows": rows, "total": total})


class RibbonQuotesView(KnownQueryParamsMixin, APIView):
    """``GET quotes/ribbon`` → the ribbon instruments' last, change, change % and signal."""

    known_query_params = ()

    @extend_schema(responses={200: schemas.RibbonOut})
    def get(self, request: Request) -> Response:
        config = get_trading_config()
        rows, total = get_enriched_quotes_with_composite(config=config)
        ribbon = {i.symbol for i in config.instruments if i.show_in_ribbon}
        symbols = [
            {
                "symbol": r["symbol"],
                "name": r["instrument"]["name"],
                "last": r["last"],
                "change": r["change"],
                "change_percent": r["change_percent"],
                "signal": r["extended_data"]["signal"],
                "stale": r["stale"],
            }
            for r in rows
            if r["symbol"] in ribbon
        ]
        return Response({"symbols": symbols, "count": len(symbols), "last_updated": total["as_of"]})
