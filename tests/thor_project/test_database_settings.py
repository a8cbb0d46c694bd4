"""Database settings under daphne (issue 11): PostgreSQL through a bounded connection pool, never one
persistent connection left behind per request thread."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def settings_for(url: str) -> dict[str, object]:
    code = "import json; from thor_project import settings as s; print(json.dumps(s.DATABASES['default'], default=str))"
    env = {**os.environ, "DATABASE_URL": url, "THOR_DB_POOL_SIZE": "9"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(out.stdout)


def test_postgresql_uses_a_bounded_pool_and_no_persistent_connections() -> None:
    db = settings_for("postgres://thor:pw@127.0.0.1:5432/thor")
    assert db["CONN_MAX_AGE"] == 0
    assert db["OPTIONS"] == {"pool": {"min_size": 2, "max_size": 9, "timeout": 10}}


def test_sqlite_keeps_wal_and_no_pool() -> None:
    db = settings_for("sqlite:////tmp/thor-settings-check.sqlite3")
    assert db["CONN_MAX_AGE"] == 0 and "pool" not in db["OPTIONS"]
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
