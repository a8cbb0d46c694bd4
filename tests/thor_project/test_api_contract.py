"""The API keeps the contract its OpenAPI schema states (issue 11): schemathesis generates requests
for every operation from ``/api/schema/`` — good and bad input — and checks that none answers 5xx,
every answer matches its documented status, content type and shape, and input the schema forbids is
refused. A bounded number of examples per operation, authenticated with a token; runs in
``make test``."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from LiveData.redis_client import LiveDataRedis


def _as_json(value: Any) -> Any:
    """The schema as /api/schema/ serves it (JSON: Decimal bounds become numbers)."""
    return json.loads(json.dumps(value, default=lambda v: float(v) if isinstance(v, Decimal) else str(v)))


schema = schemathesis.openapi.from_dict(_as_json(SchemaGenerator().get_schema(request=None, public=True)))
schema.app = get_wsgi_application()

EXAMPLES = 15


class _Inline:
    """Runs a submitted backtest at once, so none is still writing when the test's database goes."""

    def submit(self, job: Any) -> None:
        job()


@pytest.fixture
def token(seeded: None, live: LiveDataRedis, django_user_model: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from tests.conftest import TOS_DATA

    monkeypatch.setattr("ThorTrading.services.backtest._executor", _Inline())
    call_command("poll_tos_excel", "--once", "--file", str(TOS_DATA / "rtd_2025-11-26.xlsm"))
    user = django_user_model.objects.create_user("schemathesis", password="pw-123456")
    return Token.objects.create(user=user).key


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
# Derandomized: the same examples on every run of the same code, so the suite never flips; new
# code or schema changes bring new examples.
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
def test_every_operation_keeps_its_contract(case: Any, token: str) -> None:
    # Every check but "schema-valid data is accepted": rules across parameters (start before end,
    # an account that is yours, a market that has captures) cannot be written in OpenAPI, and
    # refusing them with a 400 naming the parameter is the right answer.
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"}, excluded_checks=[schemathesis.checks.positive_data_acceptance]
    )
