"""The health-check registry behind ``GET /api/health/`` (SPEC §9).

Each app registers the checks of what it owns in its ``AppConfig.ready()`` (LiveData: Redis and the
feed; GlobalMarkets: calendar coverage; ThorTrading: the grader's archive catch-up); the project's
health view runs them in registration order. The view asks the apps, never reaches into them, so the
ground floor and the roof import no app's internals for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

#: A check: returns its section of the health body (JSON-ready), with ``"ok": False`` when what it
#: checks is down. It should catch its own service's errors and say so in the section.
Check = Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class Registered:
    """One registered check: the body's key (``name``), the function, and whether its ``ok: false``
    makes the whole status "degraded" (``affects_status``)."""

    name: str
    check: Check
    affects_status: bool


_CHECKS: dict[str, Registered] = {}


def register(name: str, check: Check, *, affects_status: bool = False) -> None:
    """Add (or replace: ``ready()`` may run twice in tests) the check answering the body's ``name``."""
    _CHECKS[name] = Registered(name, check, affects_status)


def run_checks() -> tuple[dict[str, dict[str, Any]], bool]:
    """Every registered check's section by name, and whether all that affect the status are ok. A
    check that raises is reported as ``{"ok": False, "error": "<type>: <message>"}`` and logged, never
    raised: health must answer when parts of Thor do not."""
    sections: dict[str, dict[str, Any]] = {}
    healthy = True
    for item in list(_CHECKS.values()):
        try:
            section = item.check()
        except Exception as exc:  # a broken check must not break /api/health/
            logger.exception("health check %s failed", item.name)
            section = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        sections[item.name] = section
        if item.affects_status and section.get("ok") is False:
            healthy = False
    return sections, healthy
