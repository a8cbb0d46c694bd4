"""The shape of every vocabulary in Thor (NetBox's ChoiceSets), pure: no Django, no Redis.

A set is a ``StrEnum``: a member *is* its string (``Outcome.WORKED == "WORKED"``), so rows, JSON and
Redis keep the plain values users know, while models (``choices=Outcome.choices()``), filters,
serializers, the OpenAPI schema and the generated TypeScript take the allowed values from one place.
Each app keeps its own sets in its ``choices.py``.
"""

from __future__ import annotations

from enum import StrEnum


class ChoiceSet(StrEnum):
    """A set of allowed values with the labels people read (admin, exports)."""

    @property
    def label(self) -> str:
        """The member's label: the set's ``_labels()`` when it names one, else the value in title case
        (``STRONG_BUY`` → "Strong Buy")."""
        labels: dict[str, str] = getattr(type(self), "_labels", lambda: {})()
        return labels.get(self.value, self.value.replace("_", " ").title())

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """``[(value, label), …]`` in declaration order, as Django's ``choices=`` takes them."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The values in declaration order."""
        return tuple(member.value for member in cls)
