"""Raw quote access (SPEC §9): ``GET /api/feed/quotes/snapshot?symbols=YM,ES``."""

from __future__ import annotations

import re

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.params import KnownQueryParamsMixin
from LiveData.api import serializers
from LiveData.redis_client import get_live_data_redis

_SYMBOL_RE = re.compile(r"^[A-Za-z0-9$/._-]{1,20}$")


class QuoteSnapshotView(KnownQueryParamsMixin, APIView):
    """The latest raw quotes as the feed wrote them; all symbols, or those in ``symbols``."""

    known_query_params = ("symbols",)

    @extend_schema(parameters=[serializers.SYMBOLS], responses={200: serializers.SnapshotOut})
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("symbols")
        symbols = None
        if raw is not None:
            symbols = [s.strip() for s in raw.split(",") if s.strip()]
            bad = [s for s in symbols if not _SYMBOL_RE.match(s)]
            if bad or not symbols:
                return Response(
                    {"error": f"symbols: {bad or raw!r} is not a comma-separated list of symbols"}, status=400
                )
        quotes = get_live_data_redis().get_latest_quotes(symbols)
        return Response({"quotes": quotes, "count": len(quotes)})
