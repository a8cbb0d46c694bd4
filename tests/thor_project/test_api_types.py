"""The dashboard's response types are the API's schema (issue 14): ``frontend/src/types/schema.d.ts``
is what openapi-typescript makes of ``/api/schema/`` today. A serializer change without
``make api-types`` fails here, naming the command, instead of leaving the dashboard typed against
an API that no longer exists."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

FRONTEND = Path(settings.BASE_DIR) / "frontend"
GENERATOR = FRONTEND / "node_modules" / ".bin" / "openapi-typescript"


@pytest.mark.skipif(
    shutil.which("node") is None or not GENERATOR.exists(),
    reason="Node.js or the dashboard's node_modules are missing (make dashboard)",
)
def test_dashboard_types_match_the_api_schema(tmp_path: Path) -> None:
    schema = tmp_path / "openapi.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema))
    generated = tmp_path / "schema.d.ts"
    subprocess.run(
        [str(GENERATOR), str(schema), "-o", str(generated)], cwd=FRONTEND, check=True, capture_output=True, timeout=60
    )
    committed = (FRONTEND / "src" / "types" / "schema.d.ts").read_text()
    assert generated.read_text() == committed, (
        "the dashboard's API types are out of date: run `make api-types` and commit"
    )
