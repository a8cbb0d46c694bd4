"""Settings for the test suite: workers never auto-start; PostgreSQL when THOR_TEST_DATABASE_URL is set
(CI), else SQLite. Redis is chosen per test in ``tests/conftest.py`` (THOR_TEST_REDIS_URL or fakeredis)."""

import os

os.environ.setdefault("THOR_STACK_AUTO_START", "0")

import tempfile
from pathlib import Path

import dj_database_url

from thor_project.settings import *  # noqa: F403

THOR_STACK_AUTO_START = False
# A test's rows live in its transaction, which the statistics store's loading thread could not see.
THOR_STATS_LOAD_IN_BACKGROUND = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
_test_db = os.environ.get("THOR_TEST_DATABASE_URL")
if _test_db:
    DATABASES = {"default": dj_database_url.parse(_test_db)}
else:
    # A file, not ":memory:": the browser tests' live server answers from several threads, and an
    # in-memory database would make them share one connection.
    import tempfile

    _test_file = os.path.join(tempfile.gettempdir(), f"thor-test-{os.getpid()}.sqlite3")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _test_file,
            "TEST": {"NAME": _test_file},
            # As in production: IMMEDIATE transactions take the write lock up front, so two threads
            # never deadlock upgrading a read to a write ("database is locked").
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;",
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
# Tests that archive ticks point THOR_TICK_DIR at their own tmp_path; nothing writes under var/.
THOR_TICK_DIR = Path(tempfile.gettempdir()) / f"thor-test-ticks-{os.getpid()}"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Live push is off unless a test turns it on (the `channel_layer` fixture in tests/conftest.py).
CHANNEL_LAYERS = {}
