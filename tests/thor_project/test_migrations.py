"""The models and the migrations agree (issue 22: vocabularies moved into choices.py, labels kept)."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_its_migration() -> None:
    # Exits with SystemExit(1) and names the app when a model (a field, a choice, a label) changed
    # without a migration: the vocabularies now come from choices.py and must stay what was migrated.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
