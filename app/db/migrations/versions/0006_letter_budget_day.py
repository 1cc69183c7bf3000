"""Letters: the UTC day a letter holds a slot of its embassy's daily budget.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("letters") as table:
        table.add_column(sa.Column("budget_day", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("letters") as table:
        table.drop_column("budget_day")
