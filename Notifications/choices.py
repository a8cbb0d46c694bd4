"""The notifications' fixed vocabularies (pure: no Django)."""

from __future__ import annotations

from core.choices import ChoiceSet


class NotificationKind(ChoiceSet):
    """What a message is about. Broadcast kinds go to the site's URLs and every user's; ``FILL`` and
    ``MARGIN_CALL`` only to the account's owner; ``TEST`` only to whoever asked for it."""

    CAPTURE = "capture"
    RESOLUTION = "resolution"
    MISSED_CAPTURE = "missed_capture"
    FILL = "fill"
    MARGIN_CALL = "margin_call"
    FEED = "feed"
    ARCHIVE = "archive"
    TEST = "test"


class DeliveryStatus(ChoiceSet):
    """An outbox row: waiting (first try or a retry), delivered, or given up after the retry span."""

    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"


#: Kinds only the account's owner receives.
OWNER_ONLY = frozenset({NotificationKind.FILL, NotificationKind.MARGIN_CALL, NotificationKind.TEST})
