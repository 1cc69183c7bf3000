"""The letter's own correlation id for provider webhooks.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("reference", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(batch.f("uq_letters_reference"), ["reference"])


def downgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.drop_constraint(batch.f("uq_letters_reference"), type_="unique")
        batch.drop_column("reference")
