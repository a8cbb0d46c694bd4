"""URL converters (issue 11): an object id in a path is 1 to 18 digits, so it always fits the
database's 64-bit keys — a longer one is simply a 404, never an overflow and a 500."""

from __future__ import annotations

from django.urls import register_converter


class PrimaryKeyConverter:
    """``<pk:name>``: a positive whole number of at most 18 digits, as ``int``."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(PrimaryKeyConverter, "pk")
