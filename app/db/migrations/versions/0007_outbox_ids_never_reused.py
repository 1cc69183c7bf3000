"""Outbox: ids never reused on SQLite (AUTOINCREMENT), as PostgreSQL's sequence never does.

Without it SQLite gives a new row the highest rowid + 1, so a row deleted while a worker
still held its id (the person confirming as their confirmation e-mail was being recorded)
could hand its id to the letter's own e-mail, which the worker's late acceptance and delete
then took for the old one: the letter was never sent.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "outbox", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "outbox", recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ):
            pass
