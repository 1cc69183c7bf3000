"""INSERT ... ON CONFLICT for the database at hand: SQLite and PostgreSQL spell it alike,
but SQLAlchemy keeps the construct per dialect."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    """`insert(table)` with `.on_conflict_do_update` / `.excluded` for this session's database."""
    # Each dialect is imported when its database is in use: the engine loads its own dialect
    # anyway, and a server on SQLite never holds PostgreSQL's (~2 MiB resident).
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    if name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)
    raise NotImplementedError(f"upsert on {name}")
