from typing import Any

from django.contrib import admin

from Notifications.models import Notification, NotificationSettings
from Notifications.services import mask


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    """Each user's destinations, masked: the URLs hold tokens and passwords."""

    list_display = ("user", "destinations", "updated_at")
    fields = ("user", "destinations", "updated_at")
    readonly_fields = ("user", "destinations", "updated_at")

    @admin.display(description="Destinations (secrets masked)")
    def destinations(self, obj: NotificationSettings) -> str:
        return ", ".join(mask(url) for url in obj.url_list()) or "—"

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what is retrying and why."""

    list_display = ("created_at", "kind", "title", "user", "destination", "status", "attempts", "last_error")
    list_filter = ("status", "kind")
    search_fields = ("title", "body")
    exclude = ("url",)
    readonly_fields = (
        "kind",
        "title",
        "body",
        "user",
        "destination",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )

    @admin.display(description="Destination")
    def destination(self, obj: Notification) -> str:
        return mask(obj.url)

    def has_add_permission(self, request: Any) -> bool:
        return False
