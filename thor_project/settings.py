"""Thor settings, read from the environment (SPEC §2).

Every variable has a default that works on one machine: SQLite in WAL mode under ``var/``, Redis on
localhost, the sample workbook shipped in ``LiveData/sample/``. Secrets that must persist between runs
(``SECRET_KEY``) are generated once and kept in ``var/``. DEBUG is never on by default.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from core.files import write_private
from core.platforms import make_files_private

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("THOR_VAR_DIR", BASE_DIR / "var"))
# var/ holds the secret key, the admin password, the SQLite database (API tokens) and the tick
# archive: everything Thor creates is its own user's only — files 0600, folders 0700 — from the
# moment it exists (a umask, not a chmod afterwards, so there is no window; on Windows, the user
# profile's ACL: see core.platforms.make_files_private).
make_files_private()
VAR_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
VAR_DIR.chmod(0o700)


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable: ``0``/``false``/``no``/``off`` (any case) is False, anything else True."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() not in {"0", "false", "no", "off"}


def env_float(name: str, default: float) -> float:
    """Read a float variable; an unparseable value raises ``ImproperlyConfigured`` naming the variable."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from exc


def _persistent_secret(filename: str) -> str:
    path = VAR_DIR / filename
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(50)
    write_private(path, value)
    return value


SECRET_KEY = os.environ.get("SECRET_KEY") or _persistent_secret("secret_key")
DEBUG = env_bool("THOR_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("THOR_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "thor_project.apps.ThorProjectConfig",
    "GlobalMarkets",
    "LiveData",
    "ThorTrading.apps.ThorTradingConfig",
    "ActAndPos.apps.ActAndPosConfig",
    "Trades",
    "Notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "thor_project.urls"
ASGI_APPLICATION = "thor_project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'thor.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under daphne every sync view runs on some thread of a pool; persistent connections
    # (CONN_MAX_AGE) left one behind per thread, 48–61 for one process. psycopg's pool bounds them
    # per process and hands the same few to every request and worker (THOR_DB_POOL_SIZE).
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "pool": {"min_size": 2, "max_size": int(os.environ.get("THOR_DB_POOL_SIZE", "12")), "timeout": 10},
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the feed, the web process and the workers read while one of them writes;
    # IMMEDIATE transactions take the write lock up front instead of failing half-way.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
# The built dashboard (frontend/dist) is served under /static/dashboard/.
DASHBOARD_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [("dashboard", DASHBOARD_DIST)] if DASHBOARD_DIST.exists() else []
# Serve straight from the app folders too, so a fresh build needs no collectstatic to be seen.
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous request gets 401 with a WWW-Authenticate header.
        "thor_project.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.FastJSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
    # `?format=` belongs to the export endpoint (csv | xlsx), not to renderer selection.
    "URL_FORMAT_OVERRIDE": None,
    # Login attempts, per client address and per username (thor_project.auth).
    "DEFAULT_THROTTLE_RATES": {
        "login": os.environ.get("THOR_LOGIN_RATE", "10/min"),
        "login_user": os.environ.get("THOR_LOGIN_USER_RATE", "5/min"),
    },
}
#: API tokens expire after this many days (0 = never); DELETE /api/auth/token/revoke/ ends one sooner.
THOR_TOKEN_TTL_DAYS = int(os.environ.get("THOR_TOKEN_TTL_DAYS", "30") or 0)

SPECTACULAR_SETTINGS = {
    "TITLE": "Thor API",
    "DESCRIPTION": "Live futures quotes, signals, market-open captures and grading.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the installed package, not a CDN (Thor runs on machines without internet).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.schema.document_errors"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets several serializers share, named once (else drf-spectacular names them by a hash).
    "ENUM_NAME_OVERRIDES": {
        "BacktestStatusEnum": ["QUEUED", "RUNNING", "DONE", "FAILED", "CANCELLED"],
        "FutureOrAllEnum": ["TOTAL", "all", "YM", "ES", "NQ", "RTY", "CL", "SI", "HG", "GC", "VX", "DX", "ZB"],
    },
}

# --- Thor ---------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def channel_layers(redis_url: str) -> dict[str, dict[str, object]]:
    """Live push (SPEC §14) on ``redis_url``: channels-redis' RedisPubSubChannelLayer, one Redis
    PUBLISH per message whatever the number of sockets (works with the embedded Redis of `make run`).
    Redis pub/sub ignores the database number, so the channel prefix carries it: two Thors on one
    Redis server with different databases (a dev server beside the test suite) must not hear each
    other's quotes."""
    from urllib.parse import urlparse

    database = (urlparse(redis_url).path or "/0").strip("/") or "0"
    return {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": f"thor-db{database}"},
        }
    }


CHANNEL_LAYERS = channel_layers(REDIS_URL)
THOR_HOST = os.environ.get("THOR_HOST", "127.0.0.1")
THOR_PORT = int(os.environ.get("THOR_PORT", "8000"))
#: The TOS RTD workbook; empty = none, and THOR_FEED_MODE=auto then runs the demo feed (SPEC §13).
THOR_WORKBOOK = os.environ.get("THOR_WORKBOOK", "").strip()
THOR_WORKBOOK_SHEET = os.environ.get("THOR_WORKBOOK_SHEET", "LiveData")
THOR_WORKBOOK_RANGE = os.environ.get("THOR_WORKBOOK_RANGE", "A1:N13")
THOR_FEED_MODE = os.environ.get("THOR_FEED_MODE", "auto").strip().lower() or "auto"
#: THOR_FEED_MODE=schwab: the Schwab Trader API app's key, secret and registered callback URL
#: (developer.schwab.com), and where `manage.py schwab_login` keeps the token (private, under var/).
THOR_SCHWAB_API_KEY = os.environ.get("THOR_SCHWAB_API_KEY", "")
THOR_SCHWAB_APP_SECRET = os.environ.get("THOR_SCHWAB_APP_SECRET", "")
THOR_SCHWAB_CALLBACK_URL = os.environ.get("THOR_SCHWAB_CALLBACK_URL", "https://127.0.0.1:8182")
THOR_SCHWAB_TOKEN = Path(os.environ.get("THOR_SCHWAB_TOKEN") or VAR_DIR / "schwab_token.json")
THOR_DEMO_SEED = int(os.environ.get("THOR_DEMO_SEED", "1") or 1)
#: Replay feed: archived ticks from this instant (ISO-8601 with offset) to THOR_REPLAY_TO (or the end).
THOR_REPLAY_FROM = os.environ.get("THOR_REPLAY_FROM", "").strip()
THOR_REPLAY_TO = os.environ.get("THOR_REPLAY_TO", "").strip()
THOR_STACK_AUTO_START = env_bool("THOR_STACK_AUTO_START", True)
THOR_QUOTE_STALE_SECONDS = env_float("THOR_QUOTE_STALE_SECONDS", 15.0)
THOR_CAPTURE_CATCHUP_MINUTES = env_float("THOR_CAPTURE_CATCHUP_MINUTES", 30.0)
THOR_CAPTURE_RETRY_SECONDS = env_float("THOR_CAPTURE_RETRY_SECONDS", 2.0)
#: Minutes after a capture that a PENDING trade expires (the market-open plan, Q5); 0 = never. Markets may override it.
THOR_EVALUATION_WINDOW_MINUTES = int(env_float("THOR_EVALUATION_WINDOW_MINUTES", 30))
THOR_STREAM_MAXLEN = int(os.environ.get("THOR_STREAM_MAXLEN", "100000"))
# The statistics store re-reads every captured row at least this often (seconds), for writes made
# outside Thor's own writers (which log what they change).
THOR_STATS_RELOAD_SECONDS = env_float("THOR_STATS_RELOAD_SECONDS", 3600)
# …in a thread of its own, answering from the database meanwhile (off in the tests: their rows live in
# a transaction another thread cannot see).
THOR_STATS_LOAD_IN_BACKGROUND = True
#: The tick archive (SPEC §13): Parquet, one file per CME trading day; retention in days (empty = keep all).
THOR_TICK_DIR = Path(os.environ.get("THOR_TICK_DIR") or VAR_DIR / "ticks")
THOR_TICK_RETENTION_DAYS = (
    int(os.environ["THOR_TICK_RETENTION_DAYS"]) if os.environ.get("THOR_TICK_RETENTION_DAYS", "").strip() else None
)
#: Notifications (issue 25): the site's Apprise URLs (comma/space separated; every broadcast goes there
#: as well as to each user's own), the longest pause between retries of a failing destination, and
#: how long after the event a message is still retried.
THOR_NOTIFY_URLS = os.environ.get("THOR_NOTIFY_URLS", "")
THOR_NOTIFY_MAX_PAUSE_SECONDS = env_float("THOR_NOTIFY_MAX_PAUSE_SECONDS", 600.0)
THOR_NOTIFY_GIVE_UP_HOURS = env_float("THOR_NOTIFY_GIVE_UP_HOURS", 24.0)
THOR_ADMIN_USER = os.environ.get("THOR_ADMIN_USER", "admin")
THOR_ADMIN_PASSWORD = os.environ.get("THOR_ADMIN_PASSWORD", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("THOR_LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}
