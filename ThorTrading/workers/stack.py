"""Starting and stopping the workers that run inside the web process (SPEC §1).

For now the stack is the grader; later issues tie it to market hours and add the intraday workers.
Workers run only in the process holding the Redis leader lock.
"""

from __future__ import annotations

import logging
import threading

from LiveData.redis_client import get_live_data_redis
from thor_project.workers import Supervisor
from ThorTrading.workers.grader import grader_worker

logger = logging.getLogger(__name__)

_supervisor: Supervisor | None = None
_lock = threading.Lock()


def get_supervisor() -> Supervisor:
    """The process's supervisor (built on first use, not started)."""
    global _supervisor
    with _lock:
        if _supervisor is None:
            live = get_live_data_redis()
            _supervisor = Supervisor(redis=live.client)
            _supervisor.add(grader_worker())
        return _supervisor


def start_stack() -> Supervisor:
    """Start the worker stack (idempotent) and return its supervisor."""
    supervisor = get_supervisor()
    supervisor.start()
    return supervisor


def stack_status() -> dict[str, object]:
    """The supervisor's status for /api/health/ (``{"started": False}`` before it starts)."""
    return _supervisor.status() if _supervisor is not None else {"started": False}


def stop_stack() -> None:
    """Stop every worker (idempotent)."""
    if _supervisor is not None:
        _supervisor.stop()
