"""Shared fixtures: the loaded services once per run, an HTTP client over the real app,
and real databases (a SQLite file and a PostgreSQL database of this test session)."""

# ruff: noqa: E402 (what `python -m app` leaves out, left out before anything imports it)
import sys

from app.memory import NEVER_USED  # only ctypes, gc and sys

for _name in NEVER_USED:  # see app/memory.py: a dependency that needs one fails here
    sys.modules.setdefault(_name, None)  # type: ignore[arg-type]

import asyncio
import dataclasses
import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import structlog

from app import logs
from app.db.database import Database
from app.directory.directory import Directory
from app.main import create_app
from app.services import Services
from app.settings import Settings
from tests.databases import emptied, fresh_postgres, migrated

pytest_plugins = ["tests.send_fixtures"]

# Hypothesis's per-example deadline is a timed assertion: on a shared, loaded machine it
# fails tests that are right. Speed is measured in bench/, not asserted here.
hypothesis.settings.register_profile("project", deadline=None)
hypothesis.settings.load_profile("project")


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def services(settings: Settings) -> Services:
    return Services.load(settings)


# Missions the suite writes to as "no e-mail on file" (The Hague; Rabat, whose consulate in
# Casablanca has one). Research keeps finding addresses, so the tests retire them with an
# overrides file, as an operator would (README, "The directory").
NO_EMAIL_OVERRIDES = [{"id": "nl-the-hague-embassy", "emails": []},
                      {"id": "ma-rabat-embassy", "emails": []}]


def services_with(services: Services, path: Path, overrides: list[dict[str, Any]]) -> Services:
    """The loaded services with an overrides file (written to `path`) over the directory."""
    path.write_text(json.dumps(overrides), encoding="utf-8")
    settings = services.settings.model_copy(update={"directory_overrides": path})
    directory = Directory.load(settings.directory_path, path)
    return dataclasses.replace(services, settings=settings, directory=directory)


@pytest.fixture(scope="session")
def no_email_services(services: Services, tmp_path_factory: pytest.TempPathFactory) -> Services:
    """The loaded services with those two missions' addresses retired."""
    path = tmp_path_factory.mktemp("overrides") / "no-email.json"
    return services_with(services, path, NO_EMAIL_OVERRIDES)


# Two dated addresses, whatever research confirms later: Copenhagen's only address comes from
# the MFA's 2015 list and is off the ministry's domain; Bujumbura's is as old but on it.
MFA_2015 = "github:a1essar/embassies-list-of-russia-parser/data.json"
DATED_OVERRIDES = [
    {"id": record_id, "emails": [address], "email_dates": {address: "2015-03"},
     "sources": {"emails": {address: [MFA_2015]}}, "source_dates": {MFA_2015: "2015-03"}}
    for record_id, address in (("dk-copenhagen-embassy", "embrus@mail.dk"),
                               ("bi-bujumbura-embassy", "ambrusburundi@mid.ru"))
]


@pytest.fixture(scope="session")
def dated_services(services: Services, tmp_path_factory: pytest.TempPathFactory) -> Services:
    return services_with(services, tmp_path_factory.mktemp("dated") / "overrides.json",
                         DATED_OVERRIDES)


@pytest.fixture
def app_settings(services: Services, tmp_path: Path) -> Settings:
    """Settings for one test's app: its own SQLite file, no background worker."""
    return services.settings.model_copy(
        update={
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'letters.db'}",
            "worker_in_process": False,
            "console_outbox": tmp_path / "outbox",
            # partners: many requests come from one test address; tests/partners sets the
            # limits it tests explicitly.
            "rate_limit_compose": "100000/minute",
            "rate_limit_send": "100000/minute",
        }
    )


@pytest.fixture
async def client(services: Services, app_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(app_settings, services=services)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


# --- Databases: every test that takes `database_url` runs on SQLite and on PostgreSQL ---


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A PostgreSQL database of this test session only (others share the server)."""
    with fresh_postgres("letters_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database: a fresh SQLite file, or the session's
    PostgreSQL database with every table emptied. (Sync, so it runs outside the test's loop.)"""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'letters.db'}"
        asyncio.run(migrated(url))
        return url
    url = str(request.getfixturevalue("postgres_database"))
    asyncio.run(emptied(url))
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database.connect(database_url)
    yield database
    await database.dispose()


# --- ops: the JSON log lines a test produced (app.logs configured on a buffer, then undone)
class LogLines:
    def __init__(self, buffer: io.StringIO) -> None:
        self.buffer = buffer

    @property
    def text(self) -> str:
        return self.buffer.getvalue()

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        lines = [json.loads(line) for line in self.text.splitlines() if line.strip()]
        return [e for e in lines if name is None or e.get("event") == name]


@pytest.fixture
def log_lines() -> Iterator[LogLines]:
    touched = [logging.getLogger(n) for n in ("", "uvicorn", "uvicorn.error", "uvicorn.access")]
    touched += [logging.getLogger(n) for n in ("httpx", "httpcore", "aiohttp")]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate, lg.disabled) for lg in touched]
    buffer = io.StringIO()
    logs.configure("info", "json", buffer)
    yield LogLines(buffer)
    for lg, handlers, level, propagate, disabled in saved:
        lg.handlers[:] = handlers
        lg.setLevel(level)
        lg.propagate, lg.disabled = propagate, disabled
    structlog.reset_defaults()
