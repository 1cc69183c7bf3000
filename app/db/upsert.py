"""INSERT ... ON CONFLICT for the database at hand: SQLite and PostgreSQL spell it alike,
but SQLAlchemy keeps the construct per dialect."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    """`insert(table)` with `.on_conflict_do_update` / `.excluded` for this session's database."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"upsert on {name}")
