"""Outbox: the provider's acceptance, recorded on the row the moment it is known.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.add_column(sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("accepted_by", sa.String(length=32), nullable=True))
        table.add_column(sa.Column("provider_message_id", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.drop_column("provider_message_id")
        table.drop_column("accepted_by")
        table.drop_column("accepted_at")
