from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Messages that reach a trader who is not looking (issue 25): captures, resolutions, fills,
    margin calls, missed captures, the feed and the tick archive, sent through Apprise from an
    outbox by a worker — never from a request or the grader."""

    name = "Notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from Notifications import receivers  # noqa: F401  (the events that become messages)
