"""Query parameters a view does not take are mistakes, not "no filter" (issue 22).

A misspelt parameter (``?regoin=Japan``) used to be ignored, so the answer silently covered every
market. Views that take query parameters name them; any other answers 400 with the one error shape,
naming the parameter and the ones the endpoint takes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


def reject_unknown_params(params: Iterable[str], allowed: Iterable[str]) -> None:
    """Raise DRF ``ValidationError`` (400) naming the first of ``params`` not in ``allowed``, with the
    allowed ones listed: ``{"regoin": "unknown parameter; this endpoint takes country, date, …"}``."""
    known = set(allowed)
    unknown = sorted(set(params) - known)
    if unknown:
        takes = ", ".join(sorted(known)) if known else "no query parameters"
        raise ValidationError({unknown[0]: f"unknown parameter; this endpoint takes {takes}"})


class KnownQueryParamsMixin:
    """A DRF view mixin: ``known_query_params`` are the query parameters the view takes; any other
    answers 400 before the handler runs (after authentication, so a stranger still gets 401; a
    method the view does not take still gets its 405)."""

    known_query_params: tuple[str, ...] = ()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if getattr(self, (request.method or "").lower(), None) is None:
            return  # a method the view does not take: its 405 says more than the parameters would
        reject_unknown_params(request.query_params.keys(), self.known_query_params)
