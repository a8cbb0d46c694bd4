"""Authentication rules (SPEC §9, issue 11): expiring API tokens, and login throttling.

- :class:`ExpiringTokenAuthentication` — DRF's token scheme, but a token older than
  ``THOR_TOKEN_TTL_DAYS`` (default 30) is refused with a message saying to log in again; the key →
  user lookup is cached for a minute per process (revoking a token clears it at once).
- :class:`LoginAddressThrottle` / :class:`LoginUserThrottle` — DRF throttles on the two login views,
  per client address and per username (``THOR_LOGIN_RATE``, default ``10/min`` and
  ``THOR_LOGIN_USER_RATE``, default ``5/min``).

Both follow the wall clock, never Thor's (possibly simulated) clock: a 600× demo must not expire
tokens in 72 minutes or shrink a one-minute lockout to a tenth of a second.
"""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.throttling import SimpleRateThrottle

CACHE_SECONDS = 60.0
_cache: dict[str, tuple[float, Token]] = {}
_lock = threading.Lock()


def token_expired(created: datetime, *, now: datetime) -> bool:
    """True when a token made at ``created`` is older than ``THOR_TOKEN_TTL_DAYS`` at ``now`` (wall
    clock; 0 days = never expires)."""
    days = settings.THOR_TOKEN_TTL_DAYS
    return bool(days) and now - created > timedelta(days=days)


def forget_token(key: str) -> None:
    """Drop ``key`` from the lookup cache (after it was revoked or replaced)."""
    with _lock:
        _cache.pop(key, None)


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; refuses expired tokens and inactive users with a 401 that says
    what to do. Raises ``AuthenticationFailed``."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        hit = _cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            token = hit[1]
        else:
            try:
                token = Token.objects.select_related("user").get(key=key)
            except Token.DoesNotExist:
                raise AuthenticationFailed("Invalid token: log in at POST /api/auth/token/ for a new one.") from None
            with _lock:
                _cache[key] = (time.monotonic(), token)
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        if token_expired(token.created, now=timezone.now()):
            forget_token(key)
            raise AuthenticationFailed(
                f"Token expired (tokens last {settings.THOR_TOKEN_TTL_DAYS} days): log in again at POST /api/auth/token/."
            )
        return user, token


class LoginAddressThrottle(SimpleRateThrottle):
    """Login attempts per client address (``THOR_LOGIN_RATE``)."""

    scope = "login"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUserThrottle(SimpleRateThrottle):
    """Login attempts per username, whatever the address (``THOR_LOGIN_USER_RATE``)."""

    scope = "login_user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        data = request.data if isinstance(request.data, dict) else {}
        username = str(data.get("username") or "").strip().lower()
        if not username:
            return None
        # Hashed: a username is user input, and a cache key must be short and plain.
        ident = hashlib.sha256(username.encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}
