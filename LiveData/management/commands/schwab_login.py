"""``manage.py schwab_login``: log in to Schwab once and keep the token for THOR_FEED_MODE=schwab."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from LiveData.schwab.service import schwab_settings


class Command(BaseCommand):
    help = (
        "Log in to the Schwab Trader API (THOR_SCHWAB_API_KEY, THOR_SCHWAB_APP_SECRET, THOR_SCHWAB_CALLBACK_URL) "
        "and store the token at THOR_SCHWAB_TOKEN (default var/schwab_token.json, readable by you only). "
        "Schwab's refresh tokens last 7 days: run this again when /api/health/ says the token expired."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        config = schwab_settings()
        if not config.api_key or not config.app_secret:
            raise CommandError(
                "set THOR_SCHWAB_API_KEY and THOR_SCHWAB_APP_SECRET (your app at developer.schwab.com) first"
            )
        try:
            from schwab.auth import client_from_manual_flow
        except ImportError as exc:
            raise CommandError("the Schwab feed needs schwab-py: pip install -e '.[schwab]'") from exc
        config.token_path.parent.mkdir(parents=True, exist_ok=True)
        # The browser flow prints a URL to open and asks for the URL Schwab redirects to.
        client_from_manual_flow(config.api_key, config.app_secret, config.callback_url, str(config.token_path))
        with contextlib.suppress(OSError):  # POSIX modes; Windows keeps the user-only ACL of var/
            config.token_path.chmod(0o600)
        self.stdout.write(f"schwab_login: token stored at {config.token_path}; start Thor with THOR_FEED_MODE=schwab")
