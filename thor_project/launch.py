"""``python thor.py run``'s (and ``make run``'s) last step: make sure Redis answers, then start the
web process and the feed as plain subprocesses (the same on Windows, macOS and Linux; honcho and the
Procfile remain for Docker).

When nothing answers at ``REDIS_URL`` and ``THOR_EMBEDDED_REDIS`` is not 0, an embedded
Redis-compatible server (fakeredis over TCP) is started on a free local port for this run, and the
web process and the feed are pointed at it. ``THOR_CLOCK_ANCHOR`` is taken here, just before the
processes start, so that a simulated clock (``THOR_CLOCK_START``) agrees across all of them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = sys.platform == "win32"


def redis_answers(url: str, timeout: float = 1.0) -> bool:
    """True when a Redis server answers PING at ``url`` within ``timeout`` seconds."""
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping())
    except (redis.RedisError, ValueError, OSError):
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_embedded_redis() -> tuple[subprocess.Popen[bytes], str]:
    """Start ``thor_project.embedded_redis`` on a free port; returns the process and its URL.
    Raises ``RuntimeError`` when it does not answer within 10 seconds."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "thor_project.embedded_redis", "--port", str(port)], cwd=ROOT)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if redis_answers(url, timeout=0.5):
            return process, url
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the embedded Redis did not start; install Redis or set REDIS_URL")


def login_line(env: dict[str, str]) -> str:
    """The launcher's "Login:" line: the user and where the password is — never the password itself
    (a supplied one is the user's own; a generated one was printed once, when it was made)."""
    user = env.get("THOR_ADMIN_USER", "admin")
    password_file = Path(env.get("THOR_VAR_DIR", ROOT / "var")) / "admin_password"
    where = (
        "(your THOR_ADMIN_PASSWORD)"
        if env.get("THOR_ADMIN_PASSWORD")
        else f"(the generated password, in {password_file})"
    )
    return f"  Login:  {user} / {where}"


# The processes Thor runs (the Procfile says the same, for honcho and Docker users).
def processes(env: dict[str, str]) -> dict[str, list[str]]:
    """Name → command of each process: the web process (daphne) and the quote feed."""
    return {
        "web": [
            sys.executable, "-m", "daphne", "-b", env["THOR_HOST"], "-p", env["THOR_PORT"],
            "thor_project.asgi:application",
        ],
        "feed": [sys.executable, "manage.py", "poll_tos_excel"],
    }  # fmt: skip


class Processes:
    """The web process and the feed as plain subprocesses, on Windows, macOS and Linux alike: each
    child's output prefixed with its name (as honcho does), and :meth:`stop` ends them all — politely
    first (SIGTERM on POSIX; CTRL_BREAK to the child's own process group on Windows, where
    ``send_signal(SIGINT)`` does not exist), then by force after ``grace`` seconds."""

    def __init__(self, commands: dict[str, list[str]], *, env: dict[str, str], grace: float = 10.0) -> None:
        self.grace = grace
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)  # Windows only
        for name, command in commands.items():
            child = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, creationflags=flags
            )
            self.children[name] = child
            threading.Thread(target=self._echo, args=(name, child), daemon=True, name=f"thor-{name}-out").start()

    @staticmethod
    def _echo(name: str, child: subprocess.Popen[bytes]) -> None:
        assert child.stdout is not None
        for raw in iter(child.stdout.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip()
            print(f"{time.strftime('%H:%M:%S')} {name + '.1':<7}| {line}", flush=True)

    def first_exit(self, stop: threading.Event) -> tuple[str, int] | None:
        """Wait until a child exits (its name and code) or ``stop`` is set (None)."""
        while not stop.is_set():
            for name, child in self.children.items():
                code = child.poll()
                if code is not None:
                    return name, code
            stop.wait(0.2)
        return None

    def stop(self) -> None:
        """End every child still running: politely, then by force after the grace period."""
        for child in self.children.values():
            if child.poll() is None:
                with contextlib.suppress(OSError):
                    if WINDOWS:
                        child.send_signal(getattr(signal, "CTRL_BREAK_EVENT"))  # noqa: B009 (Windows only)
                    else:
                        child.terminate()
        deadline = time.monotonic() + self.grace
        for child in self.children.values():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(5)


def main() -> int:
    """Start Thor: Redis (or an embedded one), the clock and feed settings, then the web process and
    the feed. Returns 0 after Ctrl+C (or SIGTERM), the exit code of a process that stopped on its
    own (the other is then stopped too), or 1 with what to do when a setting is wrong."""
    env = os.environ.copy()
    ready, embedded = _redis_for_run(env)
    if not ready:
        return 1
    try:
        feed_mode = (env.get("THOR_FEED_MODE") or "auto").strip().lower()
        if not _clock_for_run(env, feed_mode):
            return 1
        _print_banner(env, feed_mode)
        return _supervise(Processes(processes(env), env=env))
    finally:
        if embedded is not None:
            embedded.terminate()
            try:
                embedded.wait(5)
            except subprocess.TimeoutExpired:
                embedded.kill()


def _supervise(children: Processes) -> int:
    """Wait for Ctrl+C, SIGTERM or a child's exit; then stop every child."""
    stop = threading.Event()
    with contextlib.suppress(ValueError):  # signals can only be set from the main thread
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
        if WINDOWS:
            signal.signal(getattr(signal, "SIGBREAK"), lambda signum, frame: stop.set())  # noqa: B009 (Windows only)
    code = 0
    try:
        ended = children.first_exit(stop)
        if ended is not None:
            name, code = ended
            print(f"thor: the {name} process stopped (exit {code}); stopping the others", file=sys.stderr)
    except KeyboardInterrupt:
        code = 0
    finally:
        print("thor: stopping the web process and the feed", flush=True)
        children.stop()
    return code


def _redis_for_run(env: dict[str, str]) -> tuple[bool, subprocess.Popen[bytes] | None]:
    """``(ready, embedded process)``: ``REDIS_URL`` when it answers, else an embedded fakeredis
    server (its URL written into ``env``) unless ``THOR_EMBEDDED_REDIS=0`` forbids it (not ready)."""
    url = env.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if redis_answers(url):
        print(f"Redis: {url}")
        return True, None
    if env.get("THOR_EMBEDDED_REDIS", "1").strip().lower() in {"0", "false", "no", "off"}:
        print(f"Redis is not answering at {url} and THOR_EMBEDDED_REDIS=0 forbids the embedded one.", file=sys.stderr)
        print(
            "Start Redis (e.g. 'redis-server --daemonize yes') or set REDIS_URL, then run 'make run' again.",
            file=sys.stderr,
        )
        return False, None
    embedded, env["REDIS_URL"] = start_embedded_redis()
    print(f"Redis is not answering at {url};")
    print(
        f"started an embedded Redis-compatible server (fakeredis) at {env['REDIS_URL']} for this run (in memory only)."
    )
    return True, embedded


def _clock_for_run(env: dict[str, str], feed_mode: str) -> bool:
    """Anchor a simulated clock (``THOR_CLOCK_START``); a replay starts the clock at its tape. False,
    with what to do, when a replay has no ``THOR_REPLAY_FROM``."""
    if feed_mode == "replay":
        if not env.get("THOR_REPLAY_FROM"):
            print(
                "THOR_FEED_MODE=replay needs THOR_REPLAY_FROM (e.g. 2025-12-01T00:00:00Z): the first tick to replay.",
                file=sys.stderr,
            )
            return False
        # The whole of Thor lives the tape's day: its clock starts where the tape does.
        env.setdefault("THOR_CLOCK_START", env["THOR_REPLAY_FROM"])
    if env.get("THOR_CLOCK_START"):
        env["THOR_CLOCK_ANCHOR"] = datetime.now(UTC).isoformat()
        print(f"Simulated clock: starts at {env['THOR_CLOCK_START']}, speed {env.get('THOR_CLOCK_SPEED', '1')}x")
    return True


def _print_banner(env: dict[str, str], feed_mode: str) -> None:
    """Where Thor listens, how to log in, and where its quotes come from."""
    host = env.setdefault("THOR_HOST", "127.0.0.1")
    port = env.setdefault("THOR_PORT", "8000")
    if feed_mode == "replay":
        quotes = f"replay of the tick archive from {env['THOR_REPLAY_FROM']}"
    elif env.get("THOR_WORKBOOK"):
        quotes = env["THOR_WORKBOOK"]
    elif feed_mode in {"auto", "demo"}:
        quotes = "DEMO feed (a random walk from the sample workbook; set THOR_WORKBOOK for your TOS sheet)"
    else:
        quotes = f"{feed_mode} mode"
    print()
    print(f"  Thor:   http://{host}:{port}/   (admin: http://{host}:{port}/admin/)")
    print(f"  Health: http://{host}:{port}/api/health/")
    print(login_line(env))
    print(f"  Quotes: {quotes}")
    print()
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
