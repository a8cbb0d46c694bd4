"""Secrets (issue 11): the admin password printed once, when generated; var/ and its files private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.conftest import ROOT
from thor_project.launch import login_line

pytestmark = pytest.mark.django_db


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_generated_password_is_printed_once_and_kept_for_its_owner_only(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.THOR_ADMIN_PASSWORD = ""
    first, second = StringIO(), StringIO()
    call_command("ensure_admin", stdout=first)
    call_command("ensure_admin", stdout=second)
    password = (tmp_path / "admin_password").read_text().strip()
    assert len(password) >= 12 and password in first.getvalue()
    assert password not in second.getvalue() and "exists" in second.getvalue()
    assert mode(tmp_path / "admin_password") == 0o600
    line = login_line({"THOR_VAR_DIR": str(tmp_path)})
    assert password not in line and str(tmp_path / "admin_password") in line


def test_a_supplied_password_is_never_printed(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.THOR_ADMIN_PASSWORD = "my own secret 42"
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    assert "my own secret 42" not in out.getvalue() and not (tmp_path / "admin_password").exists()
    assert "my own secret 42" not in login_line({"THOR_ADMIN_PASSWORD": "my own secret 42"})


def test_var_the_secret_key_and_the_sqlite_database_are_private_from_creation(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "THOR_TEST"))}
    env.update(THOR_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="thor_project.settings", THOR_STACK_AUTO_START="0")
    # A permissive umask, as many shells have: Thor's own files must not follow it.
    code = "import os; os.umask(0o022); import runpy, sys; sys.argv=['manage.py','migrate','-v','0']; runpy.run_path('manage.py', run_name='__main__')"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120, capture_output=True)
    assert mode(var) == 0o700
    assert mode(var / "secret_key") == 0o600
    assert mode(var / "thor.sqlite3") == 0o600
    assert all(mode(p) & 0o077 == 0 for p in var.rglob("*")), {p.name: oct(mode(p)) for p in var.rglob("*")}
