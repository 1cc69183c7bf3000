"""Dockerfile and deploy/compose.yaml: the same start command as the README, real settings.

There is no container engine here to build them; these checks keep the files honest.
"""

import json
import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from app.__main__ import parser
from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
README = (ROOT / "README.md").read_text()


def instruction(name: str) -> list[str]:
    """Every argument of the Dockerfile's instructions called `name`, continuation lines joined."""
    text = DOCKERFILE.replace("\\\n", " ")
    return [m.group(1).strip() for m in re.finditer(rf"^{name}\s+(.*)$", text, re.MULTILINE)]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    return loaded


def setting_name(variable: str) -> str:
    assert variable.startswith("LETTERS_"), variable
    return variable.removeprefix("LETTERS_").lower()


def test_the_image_starts_with_the_readmes_command() -> None:
    (cmd,) = instruction("CMD")
    argv = json.loads(cmd)
    assert argv == ["python", "-m", "app", "serve", "--host", "0.0.0.0", "--port", "8000"]
    synopsis = re.search(r"`(python -m app serve [^`]*)`", README)
    assert synopsis is not None, "the README names the start command"
    assert shlex.split(synopsis.group(1))[:4] == argv[:4]
    assert "--host" in synopsis.group(1) and "--port" in synopsis.group(1)
    args = parser().parse_args(argv[3:])
    assert (args.command, args.host, args.port) == ("serve", "0.0.0.0", 8000)


def test_the_image_is_slim_runs_as_no_root_and_checks_healthz() -> None:
    assert instruction("FROM") == ["python:3.11-slim"]
    (user,) = instruction("USER")
    assert user not in ("root", "0")
    (healthcheck,) = instruction("HEALTHCHECK")
    assert "/healthz" in healthcheck
    copied = " ".join(instruction("COPY"))
    assert "data" in copied and "templates" in copied


def test_the_images_settings_exist() -> None:
    names = re.findall(r"(LETTERS_[A-Z_]+)=", " ".join(instruction("ENV")))
    assert names
    for name in names:
        assert setting_name(name) in Settings.model_fields, name


def test_compose_has_the_scaled_out_shape() -> None:
    services = compose()["services"]
    assert set(services) == {"api", "worker", "postgres", "redis"}
    assert services["api"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 2
    api = services["api"]["environment"]
    assert api["LETTERS_WORKER_IN_PROCESS"] == "false"
    assert api["LETTERS_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert api["LETTERS_REDIS_URL"].startswith("redis://")
    for name in ("api", "worker"):
        command = services[name]["command"]
        assert command[:3] == ["python", "-m", "app"]
        parser().parse_args(command[3:])  # a command the CLI has (it exits otherwise)


def test_compose_names_only_settings_that_exist_with_values_they_accept() -> None:
    for service in ("api", "worker"):
        environment = compose()["services"][service]["environment"]
        values = {setting_name(k): v for k, v in environment.items()}
        for name in values:
            assert name in Settings.model_fields, f"{service}: LETTERS_{name.upper()}"
        Settings.model_validate(values)  # each value is one the setting accepts


def test_the_api_service_runs_the_images_command() -> None:
    api = compose()["services"]["api"]
    assert api["command"] == json.loads(instruction("CMD")[0])
