"""The API's JSON renderer writes what DRF's would (issue 11: orjson for speed, same answers)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer

from core.renderers import FastJSONRenderer

SAMPLE = {
    "last": Decimal("6835.25"),
    "tick": Decimal("0.0001"),
    "captured_at": datetime(2025, 11, 26, 14, 30, 0, 123456, tzinfo=UTC),
    "local": datetime(2025, 11, 26, 9, 30, tzinfo=timezone(timedelta(hours=-5))),
    "day": date(2025, 11, 26),
    "open": time(9, 30),
    "window": timedelta(minutes=30),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "label": gettext_lazy("Market"),
    "rows": [{"symbol": "ES", "pnl_usd": Decimal("-210.00"), "signal": None, "stale": False}],
    "count": 11,
    "name": "Nikkei ✓ – \u2028",
}


def test_every_value_a_view_returns_is_written_as_drf_writes_it() -> None:
    fast = FastJSONRenderer().render(SAMPLE)
    assert json.loads(fast) == json.loads(JSONRenderer().render(SAMPLE))
    body = json.loads(fast)
    assert body["captured_at"] == "2025-11-26T14:30:00.123456Z"  # DRF: ISO-8601, Z for UTC
    assert body["last"] == 6835.25 and body["rows"][0]["pnl_usd"] == -210.0  # numbers, not strings


def test_no_data_is_an_empty_body_and_an_indent_asks_for_drfs_pretty_print() -> None:
    assert FastJSONRenderer().render(None) == b""
    pretty = FastJSONRenderer().render({"a": 1}, "application/json; indent=2")
    assert pretty == b'{\n  "a": 1\n}'


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(2**53), 2**53)
        | st.text()
        | st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9)
        | st.datetimes(timezones=st.just(UTC)),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
        max_leaves=12,
    )
)
def test_any_nesting_of_api_values_renders_the_same(value: object) -> None:
    body = {"value": value}
    assert json.loads(FastJSONRenderer().render(body)) == json.loads(JSONRenderer().render(body))
