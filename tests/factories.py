"""factory_boy factories for the rows tests need (STYLE.md: factories rather than hand-built rows).

``MarketSessionFactory`` builds one row of a capture: give ``captured_at`` (aware UTC) and the
factory derives the market-local calendar fields (``year``, ``month``, ``date``, ``day``,
``session_date``) from it in the row's own ``country``'s time zone, as the capture service does;
every capture gets a fresh ``capture_group``. Build a whole capture with ``capture_rows``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth.models import User

from GlobalMarkets.reference import CONTROL_MARKETS
from ThorTrading.models import MarketSession

TIMEZONES = {str(m["country"]): str(m["timezone_name"]) for m in CONTROL_MARKETS}


def _local(row: Any) -> datetime:
    """The row's capture instant in its market's time zone."""
    return row.captured_at.astimezone(ZoneInfo(TIMEZONES.get(row.country, "UTC")))


class UserFactory(factory.django.DjangoModelFactory):
    """A user (each gets a FUTURES paper account from ActAndPos' receiver)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"trader{n}")


class MarketSessionFactory(factory.django.DjangoModelFactory):
    """One captured row: YM's BUY at 47,000 with a $100 target and stop, PENDING, at New York's open
    of Monday 3 November 2025 unless told otherwise."""

    class Meta:
        model = MarketSession

    capture_group = factory.Sequence(lambda n: n + 1)
    session_number = factory.SelfAttribute("capture_group")
    country = "USA"
    captured_at = datetime(2025, 11, 3, 14, 30, tzinfo=UTC)
    year = factory.LazyAttribute(lambda row: _local(row).year)
    month = factory.LazyAttribute(lambda row: _local(row).month)
    date = factory.LazyAttribute(lambda row: _local(row).day)
    day = factory.LazyAttribute(lambda row: _local(row).strftime("%a"))
    session_date = factory.LazyAttribute(lambda row: _local(row).date())
    future = "YM"
    bhs = "BUY"
    wndw = "PENDING"
    entry_price = Decimal(47000)
    target_high = Decimal(47020)
    target_low = Decimal(46980)
    forced = True


def capture_rows(*, futures: dict[str, dict[str, Any]], **common: Any) -> list[MarketSession]:
    """The (unsaved) rows of one capture: ``futures`` maps each future to its own fields, ``common``
    gives the fields they share (``captured_at``, ``country``…); one ``capture_group`` for all."""
    group = MarketSessionFactory.build(**common).capture_group
    return [
        MarketSessionFactory.build(capture_group=group, future=future, **common, **fields)
        for future, fields in futures.items()
    ]
