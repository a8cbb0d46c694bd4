"""``/api/notifications/``: a user's own destinations, a test message, and what was sent (issue 25).

A user sees and changes only their own settings; URLs come back masked (Apprise's privacy form) except
in the ``PUT`` that sets them. Sending is the notification worker's: ``POST test`` only queues.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.params import KnownQueryParamsMixin
from Notifications.choices import NotificationKind
from Notifications.models import Notification, NotificationSettings
from Notifications.services import check_url, enqueue, mask, site_urls

#: Most URLs a user may keep (each message is sent once per URL).
MAX_URLS = 10


class SettingsOut(serializers.Serializer):
    """The caller's destinations (masked), whether the site sends too, and what they will receive."""

    urls = serializers.ListField(child=serializers.CharField(), help_text="your Apprise URLs, secrets masked")
    site_default = serializers.BooleanField(help_text="THOR_NOTIFY_URLS is set: broadcasts also go there")
    events = serializers.ListField(child=serializers.CharField())


class SettingsIn(serializers.Serializer):
    """``urls``: every Apprise URL to keep (replaces the list; [] removes all)."""

    urls = serializers.ListField(child=serializers.CharField(max_length=2000), max_length=MAX_URLS)

    def validate_urls(self, urls: list[str]) -> list[str]:
        cleaned = [u.strip() for u in urls if u.strip()]
        problems = [problem for problem in map(check_url, cleaned) if problem]
        if problems:
            raise serializers.ValidationError(problems)
        return list(dict.fromkeys(cleaned))


class NotificationOut(serializers.ModelSerializer):
    """One message to one of the caller's destinations (``destination`` masked)."""

    destination = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "status",
            "attempts",
            "created_at",
            "sent_at",
            "last_error",
            "destination",
        ]
        read_only_fields = fields

    def get_destination(self, row: Notification) -> str:
        return mask(row.url)


def _settings_body(user: Any) -> dict[str, Any]:
    found = NotificationSettings.objects.filter(user=user).first()
    return {
        "urls": [mask(url) for url in (found.url_list() if found else [])],
        "site_default": bool(site_urls()),
        "events": list(NotificationKind.values()),
    }


class NotificationSettingsView(KnownQueryParamsMixin, APIView):
    """``GET settings``: your destinations (masked). ``PUT settings`` with ``{"urls": [...]}``:
    replace them (400 naming each URL Apprise cannot use)."""

    known_query_params = ()

    @extend_schema(responses={200: SettingsOut})
    def get(self, request: Request) -> Response:
        return Response(_settings_body(request.user))

    @extend_schema(request=SettingsIn, responses={200: SettingsOut})
    def put(self, request: Request) -> Response:
        given = SettingsIn(data=request.data)
        given.is_valid(raise_exception=True)
        NotificationSettings.objects.update_or_create(
            user=request.user, defaults={"urls": "\n".join(given.validated_data["urls"])}
        )
        return Response(_settings_body(request.user))


class NotificationTestView(KnownQueryParamsMixin, APIView):
    """``POST test``: queue a test message to each of your destinations (202 with how many; 400 when
    you have none). The worker sends it within seconds; ``GET /api/notifications/`` shows the result."""

    known_query_params = ()

    @extend_schema(request=None, responses={202: dict, 400: dict})
    def post(self, request: Request) -> Response:
        queued = enqueue(
            NotificationKind.TEST,
            "Test message",
            f"This is how Thor's messages reach {request.user.get_username()}.",
            owner_id=request.user.pk,
        )
        if not queued:
            return Response({"error": "urls: you have no destinations; add an Apprise URL first"}, status=400)
        return Response({"queued": queued}, status=202)


class NotificationListView(KnownQueryParamsMixin, APIView):
    """``GET /api/notifications/``: the latest 50 messages to your destinations, newest first, with
    their delivery status (PENDING while retrying, with the last error)."""

    known_query_params = ()

    @extend_schema(responses={200: NotificationOut(many=True)})
    def get(self, request: Request) -> Response:
        rows = Notification.objects.filter(user_id=request.user.pk or 0).order_by("-id")[:50]
        return Response(NotificationOut(rows, many=True).data)
