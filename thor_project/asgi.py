"""ASGI entry point, served by daphne (SPEC §1).

The web process also starts the worker stack here (unless ``THOR_STACK_AUTO_START`` is off), so
that management commands and tests that import the settings never start workers by accident.
"""

import asyncio
import os
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import SyncToAsync, ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase

from core.platforms import after_fork_in_child

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thor_project.settings")


_HANDLERS: "weakref.WeakSet[OneHopASGIHandler]" = weakref.WeakSet()


def _fresh_executors_after_fork() -> None:
    """A forked child (daphne's test server, started after the suite ran the app in process)
    inherits executors whose threads did not survive the fork: work submitted to them never runs,
    and a WebSocket handshake waiting on ``database_sync_to_async`` hung until daphne killed it.
    The child starts with new ones: asgiref's thread-sensitive executor and the request threads."""
    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
    for handler in list(_HANDLERS):
        handler._executors = None


after_fork_in_child(_fresh_executors_after_fork)


class OneHopASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware chain and the view run in one worker-thread hop.

    Why (issue 11, measured by profiling one ``quotes/latest`` request): under the stock handler
    every ``MiddlewareMixin`` hook (sessions, CSRF, auth, messages, …) and the sync DRF view each
    cross from the event loop to a thread and back — about 14 round trips a request, which cost
    more than the view itself (5.4 ms a request in process against 1.2 ms for the same chain run
    synchronously). Thor's views and middleware are synchronous, so the chain is loaded in sync
    mode and called once through ``sync_to_async`` (thread-sensitive: the same request thread
    that ``request_started``/``request_finished`` use, so database connections are returned to
    the pool as before). The rest — reading the body, disconnects, streaming the response — is
    Django's own. An ``async def`` view still works: Django runs it with ``async_to_sync``.

    Request threads are reused: the stock handler starts a new thread for every request, which
    cost ~0.8 ms of CPU a request under 8 connections (290–300 against 380–450 req/s for
    ``quotes/latest`` when reused). Each request borrows one of ``THOR_WEB_THREADS`` (default 16)
    single-thread executors for its whole life, as asgiref's ``ThreadSensitiveContext(executor=…)``
    allows, so a slow request (an export, a cold stats query) holds only its own thread; more
    concurrent requests than threads wait for one, as under a threaded WSGI server.
    """

    def __init__(self, threads: int | None = None) -> None:
        super().__init__()
        self.threads = threads or int(os.environ.get("THOR_WEB_THREADS", "16") or 16)
        self._executors: asyncio.Queue[ThreadPoolExecutor] | None = None
        _HANDLERS.add(self)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Serve one HTTP request on a borrowed request thread (Django's ``__call__`` otherwise)."""
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        if self._executors is None:
            self._executors = asyncio.Queue()
            for i in range(self.threads):
                self._executors.put_nowait(ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"thor-web-{i}"))
        executor = await self._executors.get()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            self._executors.put_nowait(executor)

    def load_middleware(self, is_async: bool = False) -> None:
        """Build the middleware chain in sync mode whatever the caller asks for."""
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        """The sync chain's response for ``request``, computed in one thread hop."""
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def _django_application() -> ASGIHandler:
    import django

    django.setup(set_prefix=False)
    return OneHopASGIHandler()


django_asgi_app = _django_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from thor_project.consumers import websocket_application  # noqa: E402
from thor_project.stack import start_stack  # noqa: E402

application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_application()})

if settings.THOR_STACK_AUTO_START:
    start_stack()
