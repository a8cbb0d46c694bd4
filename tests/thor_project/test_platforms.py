"""Thor imports where traders sit (issue 24): every module, and the ASGI application daphne loads,
with the POSIX-only parts of ``os`` and ``signal`` taken away as on Windows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import os, signal, sys
POSIX_OS = ("register_at_fork", "fork", "forkpty", "setsid", "setpgid", "getpgid", "killpg", "getuid", "geteuid",
            "getgid", "getegid", "getppid", "sync", "wait3", "wait4", "sched_getaffinity", "nice", "getloadavg")
POSIX_SIGNAL = ("SIGKILL", "SIGHUP", "SIGQUIT", "SIGALRM", "SIGUSR1", "SIGUSR2", "SIGCHLD", "SIGPIPE", "SIGSTOP",
                "SIGCONT", "alarm", "setitimer", "getitimer", "pause", "siginterrupt", "pthread_kill", "pthread_sigmask")
removed = [n for n in POSIX_OS if hasattr(os, n)] + [n for n in POSIX_SIGNAL if hasattr(signal, n)]
for name in POSIX_OS:
    if hasattr(os, name):
        delattr(os, name)
for name in POSIX_SIGNAL:
    if hasattr(signal, name):
        delattr(signal, name)
os.environ["DJANGO_SETTINGS_MODULE"] = "thor_project.settings_test"
import django
django.setup()
import importlib, pkgutil
modules = []
for package in ("core", "thor_project", "GlobalMarkets", "LiveData", "ThorTrading", "ActAndPos", "Trades", "Notifications"):
    root = importlib.import_module(package)
    modules.append(package)
    for info in pkgutil.walk_packages(root.__path__, prefix=package + "."):
        importlib.import_module(info.name)
        modules.append(info.name)
from thor_project.asgi import application
print(len(removed), len(modules), type(application).__name__)
"""


def test_every_module_and_the_asgi_app_import_without_posix_only_functions() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr[-3000:]
    removed, modules, application = out.stdout.split()[-3:]
    assert int(removed) >= 10 and int(modules) > 150, out.stdout
    assert application  # daphne's application object was built
