"""Reads of capture rows shared by the API's session lists."""

from __future__ import annotations

from functools import cache

from django.db import connection

from GlobalMarkets.reference import CONTROL_COUNTRIES
from ThorTrading.models import MarketSession


@cache
def _latest_groups_sql() -> str:
    table = connection.ops.quote_name(MarketSession._meta.db_table)
    group = connection.ops.quote_name("capture_group")
    country = connection.ops.quote_name("country")
    # Identifiers from the model, quoted by the backend; the countries go in as parameters.
    one = f"(SELECT {group} FROM {table} WHERE {country} = %s ORDER BY {group} DESC LIMIT 1)"  # noqa: S608
    return "SELECT " + ", ".join([one] * len(CONTROL_COUNTRIES))


def latest_capture_groups() -> set[int]:
    """The ``capture_group`` of each control market's latest capture (markets that never captured
    are left out): one row of nine scalar subqueries, each one step down the
    ``(country, -capture_group)`` index, in one round trip, whatever the length of history.

    Plain SQL on purpose: the ORM's UNION of nine sliced querysets took 1.9 ms to compile on every
    request, more than PostgreSQL took to answer it (issue 11)."""
    with connection.cursor() as cursor:
        cursor.execute(_latest_groups_sql(), list(CONTROL_COUNTRIES))
        row = cursor.fetchone()
    return {int(group) for group in row or () if group is not None}
