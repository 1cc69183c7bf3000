"""Real databases for tests: PostgreSQL on 127.0.0.1:5432 (shared, so we make our own)."""

import asyncio
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
from sqlalchemy import text

from app.db.database import Database
from app.db.migrate import migrate

POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"


async def admin(sql: str) -> None:
    connection = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres")
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextmanager
def fresh_postgres(prefix: str) -> Iterator[str]:
    """The URL of a new, migrated PostgreSQL database, dropped afterwards (the tests' session
    database, the scale-out benchmark's run)."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        url = POSTGRES.format(name=name)
        asyncio.run(migrated(url))
        yield url
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def migrated(url: str) -> None:
    database = Database.connect(url)
    try:
        await migrate(database)
    finally:
        await database.dispose()


async def emptied(url: str) -> None:
    database = Database.connect(url)
    try:
        async with database.begin() as session:
            tables = (
                await session.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version'"
                    )
                )
            ).scalars()
            names = ", ".join(f'"{t}"' for t in tables)
            if names:
                await session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await database.dispose()
