"""The WebSocket routes (SPEC §14, issue 13): ``/ws/quotes/`` and ``/ws/events/``.

Both refuse a socket without a signed-in user (the handshake is rejected: HTTP 403) and, being behind
``AllowedHostsOriginValidator``, one from a foreign ``Origin``. A user is the session cookie's, or for
API clients the token of an ``Authorization: Token …`` header or a ``?token=`` query parameter
(expired and revoked tokens are refused as over HTTP).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path
from rest_framework.exceptions import AuthenticationFailed

from core.push import EVENTS_GROUP, MESSAGE_TYPE, QUOTES_GROUP, render, user_group
from thor_project.auth import ExpiringTokenAuthentication
from ThorTrading.services.quotes import quotes_message


def _token_user(key: str) -> Any:
    try:
        user, _ = ExpiringTokenAuthentication().authenticate_credentials(key)
    except AuthenticationFailed:
        return None
    return user


class TokenAuthMiddleware:
    """Sets ``scope["user"]`` from an API token when the session gave no signed-in user."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            headers = dict(scope.get("headers") or [])
            key = None
            authorization = headers.get(b"authorization", b"").decode("latin-1")
            if authorization.lower().startswith("token "):
                key = authorization[6:].strip()
            else:
                key = (parse_qs(scope.get("query_string", b"").decode()).get("token") or [None])[0]
            if key:
                token_user = await sync_to_async(_token_user)(key)
                if token_user is not None:
                    scope = {**scope, "user": token_user}
        return await self.inner(scope, receive, send)


class _PushConsumer(AsyncWebsocketConsumer):
    """Joins its groups when a signed-in user connects and forwards every pushed message's text."""

    def groups_for(self, user: Any) -> list[str]:
        raise NotImplementedError

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()  # before accept: the handshake is refused (403)
            return
        self.joined = self.groups_for(user)
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.on_open()

    async def on_open(self) -> None:
        """What a new socket receives first (nothing by default)."""

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Pushed messages go straight to :meth:`push_message`. Channels' own dispatch first closes
        stale database connections through ``sync_to_async`` — one hop to the single
        thread-sensitive executor per socket per message, so 200 sockets queued 200 hops behind
        each other (issue 13, found with py-spy). Forwarding a rendered text touches no database;
        every other message (connect, disconnect) keeps Channels' dispatch."""
        if message.get("type") == MESSAGE_TYPE:
            await self.push_message(message)
            return
        await super().dispatch(message)

    async def push_message(self, event: dict[str, Any]) -> None:
        """A message from :func:`core.push.push`: its JSON text, as rendered once by the sender."""
        await self.send(text_data=event["text"])


class QuotesConsumer(_PushConsumer):
    """``/ws/quotes/``: ``{"type": "quotes", "rows": […11], "total": {…}}`` — the ``quotes/latest``
    body — on connect, then coalesced snapshots (at most 4 a second) as quotes change."""

    def groups_for(self, user: Any) -> list[str]:
        return [QUOTES_GROUP]

    async def on_open(self) -> None:
        try:
            message = await sync_to_async(quotes_message)()
        except Exception as exc:
            await self.send(text_data=render({"type": "error", "error": f"quotes unavailable: {exc}"}))
            return
        await self.send(text_data=render(message))


class EventsConsumer(_PushConsumer):
    """``/ws/events/``: ``{"type": "market_status" | "capture" | "grade" | "expiry" | "order" |
    "margin_call", …}`` — everyone's market events and this user's own orders."""

    def groups_for(self, user: Any) -> list[str]:
        return [EVENTS_GROUP, user_group(user.pk)]


websocket_urlpatterns = [
    path("ws/quotes/", QuotesConsumer.as_asgi()),
    path("ws/events/", EventsConsumer.as_asgi()),
]


def websocket_application() -> Any:
    """The ``websocket`` protocol's ASGI app: origin check, session then token auth, the two routes."""
    from channels.routing import URLRouter

    return AllowedHostsOriginValidator(AuthMiddlewareStack(TokenAuthMiddleware(URLRouter(websocket_urlpatterns))))
