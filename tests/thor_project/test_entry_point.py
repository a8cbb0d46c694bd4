"""The README's two commands are one entry point on every platform (issue 24): ``python thor.py run``
serves ``/api/health/`` and Ctrl+C stops the web process, the feed and the embedded Redis."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = sys.platform == "win32"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_thor_py_run_serves_health_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    web, dead_redis = free_port(), free_port()
    env = {
        **os.environ,
        "THOR_PORT": str(web),
        "THOR_VAR_DIR": str(tmp_path / "var"),
        "THOR_TICK_DIR": str(tmp_path / "ticks"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'thor.sqlite3'}",
        # Nothing answers here: the launcher starts its embedded Redis (and must stop it).
        "REDIS_URL": f"redis://127.0.0.1:{dead_redis}/0",
        "THOR_ADMIN_PASSWORD": "entry-point-test",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = (tmp_path / "run.log").open("wb")
    group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if WINDOWS else {"start_new_session": True}  # type: ignore[attr-defined]
    thor = subprocess.Popen(
        [sys.executable, "thor.py", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, **group
    )
    try:
        deadline, body = time.monotonic() + 180, b""
        while time.monotonic() < deadline and thor.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{web}/api/health/", timeout=2) as response:
                    body = response.read()
                    break
            except OSError:
                time.sleep(0.5)
        output = (tmp_path / "run.log").read_text(errors="replace")
        assert b'"database"' in body, output[-3000:]
        embedded = int(
            output.split("started an embedded Redis-compatible server (fakeredis) at redis://127.0.0.1:")[1].split("/")[
                0
            ]
        )
        assert answers(embedded)
        # Ctrl+C, as a terminal sends it: to the whole process group.
        if WINDOWS:
            thor.send_signal(signal.CTRL_BREAK_EVENT)  # type: ignore[attr-defined]
        else:
            os.killpg(thor.pid, signal.SIGINT)
        assert thor.wait(60) == 0
    finally:
        if thor.poll() is None:
            thor.kill()
        log.close()
    output = (tmp_path / "run.log").read_text(errors="replace")
    assert "thor: stopping the web process and the feed" in output and "poll_tos_excel stopped" in output, output[
        -3000:
    ]
    assert not answers(web) and not answers(embedded)
