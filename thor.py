#!/usr/bin/env python3
"""Thor's two commands on every platform: ``python thor.py run`` and ``python thor.py test``.

Standard library only, so it runs before anything is installed — on Windows (where TOS and Excel
live, and there is no ``make``), macOS and Linux. The Makefile is a thin wrapper around it.

- ``run``: create ``.venv`` and install Thor into it (again only when ``pyproject.toml`` changed),
  build the dashboard when Node.js is installed (again only when its sources changed), migrate, seed,
  sync the market calendars, make the admin user, collect static files, then start the web process
  and the quote feed (``thor_project.launch``; Ctrl+C stops both, and the embedded Redis).
- ``test``: the same virtualenv with the dev tools, the dashboard's checks (tsc, ESLint, Vitest)
  when Node.js is installed, then ruff, import-linter, mypy (as this platform, Windows and macOS)
  and pytest; extra arguments go to pytest.
- ``test-quick``, ``bench``, ``lint``, ``api-types``, ``dashboard``, ``sample-workbook``: as the
  Makefile's targets of the same names.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import venv
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
FRONTEND = ROOT / "frontend"
WINDOWS = sys.platform == "win32"
BIN = VENV / ("Scripts" if WINDOWS else "bin")
PY = BIN / ("python.exe" if WINDOWS else "python")


class Failed(Exception):
    """A step failed; the message says which and what to do."""


def say(text: str) -> None:
    print(f"thor: {text}", flush=True)


def step(command: Sequence[str | Path], *, cwd: Path = ROOT, env: dict[str, str] | None = None) -> None:
    """Run one command, echoed; raise :class:`Failed` naming it when it fails."""
    printable = " ".join(str(c) for c in command)
    print(f"$ {printable}", flush=True)
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, check=False)
    if result.returncode != 0:
        raise Failed(f"'{printable}' failed (exit {result.returncode})")


def tool(name: str) -> Path:
    """A console script installed in the virtualenv (``ruff``, ``mypy``…)."""
    return BIN / (f"{name}.exe" if WINDOWS else name)


def newer(target: Path, sources: Sequence[Path]) -> bool:
    """True when ``target`` exists and is newer than every existing one of ``sources``."""
    if not target.exists():
        return False
    stamp = target.stat().st_mtime
    return all(not s.exists() or s.stat().st_mtime <= stamp for s in sources)


def ensure_venv() -> None:
    """``.venv`` with an up-to-date pip, made with this Python (3.11 or newer)."""
    if sys.version_info < (3, 11):  # noqa: UP036 (this file runs before the virtualenv, on any Python)
        raise Failed(
            f"Thor needs Python 3.11 or newer; this is {sys.version.split()[0]} (install 3.11+ from python.org)"
        )
    if not PY.exists():
        say(f"creating the virtualenv in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
        step([PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])


def install(*, dev: bool) -> None:
    """Install Thor (with the dev tools when ``dev``) into ``.venv`` unless already done since
    ``pyproject.toml`` last changed."""
    ensure_venv()
    stamp = VENV / (".installed-dev" if dev else ".installed-run")
    if newer(stamp, [ROOT / "pyproject.toml"]):
        return
    step([PY, "-m", "pip", "install", "--quiet", "-e", ".[dev]" if dev else "."])
    stamp.touch()
    if dev:
        (VENV / ".installed-run").touch()


def npm() -> str | None:
    """The npm command, or None when Node.js is not installed (the dashboard is then skipped)."""
    return shutil.which("npm")


def frontend_sources() -> list[Path]:
    files = [p for p in (FRONTEND / "src").rglob("*") if p.is_file()]
    return files + [FRONTEND / n for n in ("index.html", "vite.config.ts", "tsconfig.json")]


def node_modules(command: str) -> None:
    stamp = FRONTEND / "node_modules" / ".installed"
    if not newer(stamp, [FRONTEND / "package.json", FRONTEND / "package-lock.json"]):
        step([command, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=FRONTEND)
        stamp.touch()


def dashboard() -> bool:
    """Build the dashboard when Node.js is there and its sources changed; False without Node.js."""
    command = npm()
    if command is None:
        say("Node.js/npm not found: Thor serves the API and the admin only. Install Node.js 20+ for the dashboard.")
        return False
    node_modules(command)
    index = FRONTEND / "dist" / "index.html"
    if not newer(index, [FRONTEND / "node_modules" / ".installed", *frontend_sources()]):
        step([command, "run", "build", "--silent"], cwd=FRONTEND)
    return True


def frontend_test() -> None:
    """tsc, ESLint and Vitest over the dashboard, when Node.js is installed."""
    if not dashboard():
        say("frontend checks and browser tests skipped (no Node.js)")
        return
    npx = shutil.which("npx") or "npx"
    step([npx, "tsc", "-b"], cwd=FRONTEND)
    step([npx, "eslint", "src"], cwd=FRONTEND)
    step([npx, "vitest", "run"], cwd=FRONTEND)


def manage(*args: str) -> None:
    step([PY, "manage.py", *args])


def run(args: Sequence[str]) -> None:
    install(dev=False)
    dashboard()
    manage("migrate", "--noinput")
    manage("seed_thor")
    manage("sync_market_calendars", "--if-stale")
    manage("ensure_admin")
    manage("collectstatic", "--noinput", "--verbosity", "0")
    raise SystemExit(launch(args))


def launch(args: Sequence[str]) -> int:
    """Run ``thor_project.launch`` until it ends; its exit code is Thor's (0 after Ctrl+C). Ctrl+C
    reaches the launcher too (same console), which stops the web process, the feed and the embedded
    Redis: this waits for it rather than killing it mid-way. SIGTERM is passed on to it."""
    launcher = subprocess.Popen([str(PY), "-m", "thor_project.launch", *args], cwd=ROOT)
    signal.signal(signal.SIGTERM, lambda signum, frame: launcher.terminate())
    if hasattr(signal, "SIGBREAK"):  # Windows: Ctrl+Break reaches the launcher too; wait for it
        signal.signal(signal.SIGBREAK, lambda signum, frame: None)
    while True:
        try:
            return launcher.wait()
        except KeyboardInterrupt:
            continue


def lint() -> None:
    install(dev=True)
    step([tool("ruff"), "check", "."])
    step([tool("ruff"), "format", "--check", "."])


def test(args: Sequence[str]) -> None:
    install(dev=True)
    frontend_test()
    lint()
    step([tool("lint-imports"), "--no-cache"])
    step([tool("mypy")])
    # Traders run Thor on Windows (TOS and Excel live there) and macOS: type-check as those too.
    step([tool("mypy"), "--platform", "win32", "--cache-dir", str(Path(".mypy_cache") / "win32")])
    step([tool("mypy"), "--platform", "darwin", "--cache-dir", str(Path(".mypy_cache") / "darwin")])
    step([tool("pytest"), *args])


def test_quick(args: Sequence[str]) -> None:
    install(dev=True)
    step([tool("pytest"), "-m", "not browser and not contract and not slow", *args])


def bench(args: Sequence[str]) -> None:
    install(dev=True)
    step([PY, "-m", "bench", *args])


def api_types() -> None:
    install(dev=True)
    command = npm()
    if command is None:
        raise Failed("api-types needs Node.js (npx openapi-typescript); install Node.js 20+")
    node_modules(command)
    (ROOT / "var").mkdir(exist_ok=True)
    manage("spectacular", "--format", "openapi-json", "--file", str(Path("var") / "openapi.json"))
    step(
        [shutil.which("npx") or "npx", "openapi-typescript", "../var/openapi.json", "-o", "src/types/schema.d.ts"],
        cwd=FRONTEND,
    )


def build_dashboard() -> None:
    install(dev=False)
    dashboard()


def sample_workbook() -> None:
    install(dev=True)
    step([PY, "scripts/make_sample_workbook.py"])


COMMANDS: dict[str, Callable[[Sequence[str]], None]] = {
    "run": run,
    "test": test,
    "test-quick": test_quick,
    "bench": bench,
    "lint": lambda args: lint(),
    "api-types": lambda args: api_types(),
    "dashboard": lambda args: build_dashboard(),
    "frontend-test": lambda args: frontend_test(),
    "sample-workbook": lambda args: sample_workbook(),
}


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        print("usage: python thor.py {" + ",".join(COMMANDS) + "} [arguments]", file=sys.stderr)
        return 2
    os.chdir(ROOT)
    try:
        COMMANDS[argv[0]](argv[1:])
    except Failed as exc:
        say(f"{exc}; fix it and run 'python thor.py {argv[0]}' again")
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
