"""The Docker image and compose file (issue 11), checked as far as a machine without Docker allows:
the files are parsed and every promise is looked for."""

from __future__ import annotations

import re

import yaml

from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
WEB_SH = (ROOT / "docker" / "web.sh").read_text()


def instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in (raw.strip() for raw in joined.splitlines())
        if line and not line.startswith("#")
    ]


def test_the_image_builds_the_dashboard_with_node_and_serves_it() -> None:
    steps = instructions()
    stages = [arg for op, arg in steps if op == "FROM"]
    assert stages[0].startswith("node:") and stages[0].endswith("AS dashboard") and stages[1].startswith("python:3.11")
    assert ("RUN", "npm run build") in steps
    assert ("COPY", "--from=dashboard /frontend/dist frontend/dist") in steps


def test_the_image_runs_as_a_user_of_its_own_with_a_volume_and_a_health_check() -> None:
    steps = instructions()
    users = [arg for op, arg in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any(op == "VOLUME" and "/var/lib/thor" in arg for op, arg in steps)
    assert any(op == "HEALTHCHECK" and "/api/health/" in arg for op, arg in steps)


def test_daphne_is_execd_so_it_gets_the_stop_signal() -> None:
    assert re.search(r"^exec daphne ", WEB_SH, re.M)
    assert "set -eu" in WEB_SH
    web = COMPOSE["services"]["web"]
    assert web["command"] == ["thor-web"]  # exec form: no "sh -c" in between
    assert isinstance(COMPOSE["services"]["feed"]["command"], list)


def test_every_service_has_a_health_check_and_waits_for_what_it_needs() -> None:
    services = COMPOSE["services"]
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in services[name], name
    assert "redis-cli" in services["redis"]["healthcheck"]["test"]
    assert "/api/health/" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["web"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


def test_the_workbook_and_var_are_documented_volumes() -> None:
    feed = COMPOSE["services"]["feed"]
    assert any(v.endswith(":/workbook:ro") for v in feed["volumes"])
    assert (
        "thorvar:/var/lib/thor" in feed["volumes"] and "thorvar:/var/lib/thor" in COMPOSE["services"]["web"]["volumes"]
    )
    assert "thorvar" in COMPOSE["volumes"]
    assert "THOR_WORKBOOK=/workbook/" in (ROOT / "docker-compose.yml").read_text()
    assert "/workbook" in (ROOT / "README.md").read_text()
