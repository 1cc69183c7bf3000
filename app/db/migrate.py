"""Apply the Alembic migrations at start-up, safely when several processes start at once.

PostgreSQL: a session advisory lock serialises concurrent upgrades. SQLite: the whole
upgrade is one transaction, begun IMMEDIATE (see database.py), so a second process waits for
the first and then finds nothing to do. (Left to itself Alembic commits after each revision
on SQLite, whose DDL it takes for non-transactional: a second process then read the version
between two revisions and ran the next one too, failing on the columns it found.)
"""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from app.db.database import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant 64-bit number, the same in every process of this service.
ADVISORY_LOCK = 7_415_202_611


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration built in code, so an installed package needs no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(database: Database) -> None:
    """Bring the schema to the newest revision (a no-op when it is there already)."""
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
