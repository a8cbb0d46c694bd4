"""The outbox: enqueue a message for everyone who should get it, and send what is due through Apprise.

:func:`enqueue` writes one :class:`~Notifications.models.Notification` row per destination — the
site's ``THOR_NOTIFY_URLS`` and each user's own URLs for broadcast kinds, only the owner's for fills,
margin calls and tests — inside the caller's transaction (so a rolled-back event sends nothing).
:func:`send_due` (the notification worker) sends each due row by itself: a destination that fails
is logged and retried after ``5 s × 2^(attempts−1)`` (at most ``THOR_NOTIFY_MAX_PAUSE_SECONDS``),
until ``THOR_NOTIFY_GIVE_UP_HOURS`` after the event; the others are not held up. Apprise is
imported only here and only to send or check a URL.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from Notifications.choices import OWNER_ONLY, DeliveryStatus
from Notifications.models import Notification, NotificationSettings

logger = logging.getLogger(__name__)

TITLE_PREFIX = "Thor · "
FIRST_PAUSE_SECONDS = 5.0


def site_urls() -> list[str]:
    """``THOR_NOTIFY_URLS``: Apprise URLs separated by commas, spaces or new lines."""
    raw = str(getattr(settings, "THOR_NOTIFY_URLS", "") or "")
    return [part for part in raw.replace(",", " ").split() if part]


def _destinations(kind: str, owner_id: int | None) -> list[tuple[int | None, str]]:
    """(user id or None for the site, URL) for a message of ``kind``."""
    found: list[tuple[int | None, str]] = []
    if kind not in OWNER_ONLY:
        found += [(None, url) for url in site_urls()]
        user_settings = NotificationSettings.objects.filter(user__is_active=True)
    elif owner_id is not None:
        user_settings = NotificationSettings.objects.filter(user_id=owner_id)
    else:
        return found
    for item in user_settings.only("user_id", "urls"):
        found += [(item.user_id, url) for url in item.url_list()]
    return found


def enqueue(kind: str, title: str, body: str, *, owner_id: int | None = None) -> int:
    """Queue ``title``/``body`` (plain text) for every destination of ``kind``; returns how many rows.
    ``owner_id``: the user a fill, margin call or test belongs to (required for those kinds).
    Never raises for the database: a message that cannot be queued is logged (the event it tells
    has happened regardless)."""
    if kind in OWNER_ONLY and owner_id is None:
        raise ValueError(f"a {kind} notification needs its owner")
    try:
        now = timezone.now()
        rows = [
            Notification(
                kind=kind,
                title=(TITLE_PREFIX + title)[:200],
                body=body,
                user_id=user_id,
                url=url,
                next_attempt_at=now,
            )
            for user_id, url in _destinations(kind, owner_id)
        ]
        Notification.objects.bulk_create(rows)
        return len(rows)
    except DatabaseError:
        logger.exception("could not queue the %s notification %r", kind, title)
        return 0


def check_url(url: str) -> str | None:
    """None when Apprise understands ``url``; else why not (for the settings form)."""
    import apprise

    if apprise.Apprise.instantiate(url) is None:
        return f"{mask(url)!r} is not an Apprise URL Thor can use (see https://github.com/caronc/apprise/wiki)"
    return None


def mask(url: str) -> str:
    """``url`` with its secrets hidden, as Apprise prints it (``tgram://1...t/987654``); the scheme
    alone when Apprise cannot read it."""
    import apprise

    plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        return url.split("://", 1)[0] + "://…"
    return str(plugin.url(privacy=True)).split("?", 1)[0]


def _pause(attempts: int) -> timedelta:
    seconds = FIRST_PAUSE_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, float(settings.THOR_NOTIFY_MAX_PAUSE_SECONDS)))


def deliver(url: str, title: str, body: str) -> str | None:
    """Send one message to one Apprise URL; None when it went, else the error (Apprise's own log lines)."""
    import apprise

    sender = apprise.Apprise()
    if not sender.add(url):
        return "not an Apprise URL Thor can use"
    with apprise.LogCapture(level=apprise.logging.WARNING) as logs:
        sent = sender.notify(title=title, body=body)
    if sent:
        return None
    return " ".join(str(logs.getvalue()).split(" - ")[-1:]).strip() or "the service did not accept the message"


def send_due(*, now: datetime | None = None, limit: int = 50) -> dict[str, int]:
    """Send up to ``limit`` due messages, oldest first; returns ``{"sent", "retrying", "failed"}``.
    Each row is sent and recorded by itself: one failing destination delays no other."""
    now = now or timezone.now()
    give_up = timedelta(hours=float(settings.THOR_NOTIFY_GIVE_UP_HOURS))
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    due = list(
        Notification.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).order_by("id")[:limit]
    )
    for row in due:
        error = deliver(row.url, row.title, row.body)
        row.attempts += 1
        if error is None:
            row.status, row.sent_at, row.last_error = DeliveryStatus.SENT, timezone.now(), ""
            counts["sent"] += 1
        else:
            row.last_error = error[:2000]
            if now - row.created_at >= give_up:
                row.status = DeliveryStatus.FAILED
                counts["failed"] += 1
                logger.error(
                    "notification %s to %s given up after %d tries: %s", row.pk, mask(row.url), row.attempts, error
                )
            else:
                row.next_attempt_at = now + _pause(row.attempts)
                counts["retrying"] += 1
                logger.warning(
                    "notification %s to %s failed (try %d): %s; next try at %s",
                    row.pk,
                    mask(row.url),
                    row.attempts,
                    error,
                    row.next_attempt_at.isoformat(),
                )
        row.save(update_fields=["status", "attempts", "sent_at", "last_error", "next_attempt_at"])
    return counts


#: Delivered and given-up messages are kept this long (the Notifications page and the admin show them).
KEEP_DAYS = 30


def prune(*, now: datetime | None = None) -> int:
    """Delete messages delivered or given up more than :data:`KEEP_DAYS` days ago; returns how many.
    Waiting ones are never deleted."""
    before = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    deleted, _ = Notification.objects.filter(
        status__in=[DeliveryStatus.SENT, DeliveryStatus.FAILED], created_at__lt=before
    ).delete()
    return int(deleted)
