"""Where notifications go (each user's Apprise URLs) and the outbox of messages to send."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from Notifications.choices import DeliveryStatus, NotificationKind


class NotificationSettings(models.Model):
    """One user's destinations: Apprise URLs (``mailto://…``, ``tgram://…``, ``discord://…``,
    ``ntfy://…``, ``json://…``), one per line. They hold tokens and passwords: the API and the admin
    show them only with their secrets masked (Apprise's own privacy form), and only to their owner."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    urls = models.TextField(blank=True, help_text="Apprise URLs, one per line")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {len(self.url_list())} destination(s)"

    def url_list(self) -> list[str]:
        """The URLs, blank lines and surrounding spaces left out."""
        return [line.strip() for line in self.urls.splitlines() if line.strip()]


class Notification(models.Model):
    """One message to one destination (the transactional outbox): written in the transaction of
    the event it tells (or right after its commit), sent by the notification worker, retried with a
    growing pause while the destination fails, so a failing service never loses the message nor
    delays the others. ``user`` None = the site's ``THOR_NOTIFY_URLS``. Times are real UTC (the
    retry pause is wall-clock time, whatever Thor's simulated clock does)."""

    kind = models.CharField(max_length=20, choices=NotificationKind.choices())
    title = models.CharField(max_length=200)
    body = models.TextField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    url = models.TextField(help_text="The Apprise URL (secret: never shown whole)")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices(), default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user or 'site'}: {self.title} ({self.status})"
