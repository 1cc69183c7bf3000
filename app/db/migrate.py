"""Apply the Alembic migrations at start-up, safely when several processes start at once.

PostgreSQL: a session advisory lock serialises concurrent upgrades. SQLite: the whole
upgrade is one transaction, begun IMMEDIATE (see database.py), so a second process waits for
the first and then finds nothing to do. (Left to itself Alembic commits after each revision
on SQLite, whose DDL it takes for non-transactional: a second process then read the version
between two revisions and ran the next one too, failing on the columns it found.)
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import Connection, inspect, text

from app.db.database import Database

if TYPE_CHECKING:
    from alembic.config import Config

log = structlog.get_logger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant 64-bit number, the same in every process of this service.
ADVISORY_LOCK = 7_415_202_611


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration built in code, so an installed package needs no alembic.ini."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _upgrade(connection: Connection) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def head() -> str | None:
    """The newest revision, read from the version files themselves (a test checks it is
    Alembic's head); None where they do not make one line. A database already at head is
    left as it is without importing Alembic, which would stay ~10 MiB resident in every
    server for a check that almost always finds nothing to do."""
    revisions: set[Any] = set()
    parents: set[Any] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        names = _assigned(path.read_text(encoding="utf-8"))
        revisions.add(names.get("revision"))
        down = names.get("down_revision")
        parents.update(down if isinstance(down, tuple) else (down,))
    heads = revisions - parents
    found = heads.pop() if len(heads) == 1 else None
    return found if isinstance(found, str) else None


def _assigned(source: str) -> dict[str, Any]:
    """The module-level constants (`revision: str = "0005"`) of one version file."""
    names: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                # A value that is not a constant is not one of the revision ids.
                if isinstance(target, ast.Name):
                    with contextlib.suppress(ValueError):
                        names[target.id] = ast.literal_eval(node.value)
    return names


def _revisions(connection: Connection) -> list[str]:
    """What alembic_version holds: empty for a new database."""
    if not inspect(connection).has_table("alembic_version"):
        return []
    return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


async def at_head(database: Database) -> bool:
    """Whether the schema is at the newest revision, read without Alembic (and without the
    lock: a revision another process is still writing is not seen before it commits, and
    then the upgrade waits for the lock and finds nothing to do)."""
    newest = head()
    if newest is None:
        return False
    async with database.engine.connect() as connection:
        return await connection.run_sync(_revisions) == [newest]


async def migrate(database: Database) -> None:
    """Bring the schema to the newest revision (a no-op when it is there already)."""
    if await at_head(database):
        return
    async with database.engine.connect() as connection:
        if database.is_postgresql:
            await connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK})
            await connection.commit()
        else:
            await connection.begin()  # Alembic runs inside a transaction it is given
        try:
            await connection.run_sync(_upgrade)
            await connection.commit()
        finally:
            if database.is_postgresql:
                await connection.execute(
                    text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK}
                )
                await connection.commit()


async def migrate_apart(url: str) -> None:
    """For the long-running commands (`serve`, `worker`), before they start: a schema that is
    behind is upgraded by a child `python -m app migrate`, so Alembic, which stays ~8 MiB
    resident once imported, never enters them; their own migrate() then finds it at head."""
    database = Database.connect(url)
    try:
        if await at_head(database):
            return
    finally:
        await database.dispose()
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "migrate", env={**os.environ, "LETTERS_DATABASE_URL": url})
    if await child.wait() != 0:
        raise RuntimeError(f"`python -m app migrate` exited with {child.returncode}")


def upgraded_before_start(url: str) -> bool:
    """migrate_apart on its own event loop, as `serve` and `worker` start: False if the
    database could not be reached or upgraded, logged as the logs keep errors (its type and
    frames; a driver's message may name the database's user)."""
    try:
        asyncio.run(migrate_apart(url))
    except Exception:
        log.error("schema_upgrade_failed", exc_info=True)
        return False
    return True
