"""The migrations build exactly the tables the models describe, on both databases."""

import asyncio
import os
import secrets
import sys
from asyncio.subprocess import PIPE
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

import app.db.models
import app.partners.models  # noqa: F401
from app.db.base import Base
from app.db.database import Database
from app.db.migrate import alembic_config, at_head, head, migrate, migrate_apart
from tests.databases import POSTGRES, admin


def _differences(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


async def test_the_schema_matches_the_models(database: Database) -> None:
    async with database.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_migrating_again_is_a_no_op(database: Database) -> None:
    await migrate(database)
    async with database.sessions() as session:
        versions = (await session.execute(text("SELECT version_num FROM alembic_version"))).all()
    assert len(versions) == 1


async def _migrate_in_a_process(url: str) -> str:
    """'ok', or what the process said when it failed."""
    env = {**os.environ, "LETTERS_DATABASE_URL": url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "migrate", env=env, stdout=PIPE, stderr=PIPE
    )
    _, err = await process.communicate()
    return "ok" if process.returncode == 0 else err.decode()[-2000:]


async def test_processes_starting_at_once_migrate_once(tmp_path: Path) -> None:
    # A brand-new database and three processes upgrading it together (serve + workers).
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    assert await asyncio.gather(*(_migrate_in_a_process(url) for _ in range(3))) == ["ok"] * 3
    database = Database.connect(url)
    try:
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await database.dispose()


async def test_processes_starting_at_once_on_a_fresh_postgresql_database() -> None:
    name = f"letters_test_{secrets.token_hex(6)}"
    await admin(f'CREATE DATABASE "{name}"')
    url = POSTGRES.format(name=name)
    try:
        assert await asyncio.gather(*(_migrate_in_a_process(url) for _ in range(3))) == ["ok"] * 3
        database = Database.connect(url)
        try:
            async with database.engine.connect() as connection:
                assert await connection.run_sync(_differences) == []
        finally:
            await database.dispose()
    finally:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_migrations_form_one_line() -> None:
    # Two helpers adding a migration each at once leave two heads: the second must re-chain.
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1


def test_head_read_from_the_files_is_alembics() -> None:
    assert head() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def _revisions(database: Database) -> list[str]:
    async with database.engine.connect() as connection:
        return list((await connection.execute(text("SELECT version_num FROM alembic_version")))
                    .scalars())


async def test_a_database_behind_head_is_upgraded(tmp_path: Path) -> None:
    database = Database.connect(f"sqlite+aiosqlite:///{tmp_path / 'behind.db'}")
    try:
        await migrate(database)
        async with database.engine.connect() as connection:
            await connection.run_sync(_downgrade, "0003")
            await connection.commit()
        assert await _revisions(database) == ["0003"]
        await migrate(database)
        assert await _revisions(database) == [head()]
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await database.dispose()


MIGRATE_AND_SAY = """
import asyncio, sys
from app.db.database import Database
from app.db.migrate import migrate, migrate_apart
async def run():
    if sys.argv[2] == "apart":
        await migrate_apart(sys.argv[1])
    database = Database.connect(sys.argv[1])
    await migrate(database)
    await database.dispose()
asyncio.run(run())
print("alembic" in sys.modules)
"""


async def _imports_alembic(url: str, how: str = "here") -> bool:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", MIGRATE_AND_SAY, url, how, stdout=PIPE, stderr=PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]
    return {"True": True, "False": False}[out.decode().strip()]


async def test_only_a_database_behind_head_needs_alembic(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    assert await _imports_alembic(url)  # a new database: migrated by Alembic
    assert not await _imports_alembic(url)  # at head: one SELECT, Alembic never imported


async def test_serve_and_worker_leave_the_upgrade_to_a_child(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    assert not await _imports_alembic(url, "apart")  # a new database, upgraded by the child
    database = Database.connect(url)
    try:
        assert await at_head(database)
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await database.dispose()


async def test_a_failed_upgrade_apart_stops_the_start(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'unknown.db'}"
    database = Database.connect(url)
    try:
        async with database.engine.begin() as connection:  # a revision this code never had
            await connection.execute(text("CREATE TABLE alembic_version (version_num TEXT)"))
            await connection.execute(text("INSERT INTO alembic_version VALUES ('9999')"))
        assert not await at_head(database)
    finally:
        await database.dispose()
    with pytest.raises(RuntimeError, match="app migrate"):
        await migrate_apart(url)
