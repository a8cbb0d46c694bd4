"""``manage.py ensure_admin``: create the first-run superuser (SPEC §2)."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from core.files import write_private


class Command(BaseCommand):
    help = (
        "Create the superuser THOR_ADMIN_USER (default 'admin') if it does not exist. Its password is "
        "THOR_ADMIN_PASSWORD, or a generated one that is printed once and kept in var/admin_password."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        username = settings.THOR_ADMIN_USER
        password_file = settings.VAR_DIR / "admin_password"
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"admin user {username!r} exists")
            return
        password = settings.THOR_ADMIN_PASSWORD or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        if not settings.THOR_ADMIN_PASSWORD:
            password_file.unlink(missing_ok=True)  # a stale one from an earlier database
            write_private(password_file, password + "\n")
            # Printed this once, when it is made; later runs point at the file instead.
            self.stdout.write(
                f"created admin user {username!r} with password {password} (kept in {password_file}, "
                "readable by you only)"
            )
        else:
            self.stdout.write(f"created admin user {username!r} with the password from THOR_ADMIN_PASSWORD")
