#!/bin/sh
# The web process in its container: prepare the database, then become daphne (exec): daphne replaces
# this shell, so it receives docker's SIGTERM itself and stops cleanly.
set -eu
python manage.py migrate --noinput
python manage.py seed_thor
python manage.py ensure_admin
python manage.py sync_market_calendars --if-stale
python manage.py collectstatic --noinput --verbosity 0
exec daphne -b "${THOR_HOST:-0.0.0.0}" -p "${THOR_PORT:-8000}" thor_project.asgi:application
