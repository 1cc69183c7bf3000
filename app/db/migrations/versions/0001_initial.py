"""Letters, their events and outbox, idempotency keys, address health, pacing, counters.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "address_health",
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("embassy_id", sa.String(length=100), nullable=True),
        sa.Column("bounces", sa.Integer(), nullable=False),
        sa.Column("last_bounce_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_address_health")),
    )
    op.create_table(
        "counters",
        sa.Column("campaign_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("composed", sa.Integer(), nullable=False),
        sa.Column("reported", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "campaign_id", "country", "partner_id", "day", name=op.f("pk_counters")
        ),
    )
    op.create_table(
        "embassy_sends",
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("address", "day", name=op.f("pk_embassy_sends")),
    )
    op.create_table(
        "letters",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.String(length=100), nullable=False),
        sa.Column("embassy_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("sender_name", sa.Text(), nullable=True),
        sa.Column("sender_email", sa.Text(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("recipients", sa.Text(), nullable=True),
        sa.Column("cc_sender", sa.Boolean(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=True),
        sa.Column("provider_message_id", sa.String(length=255), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_letters_token_hash")),
    )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letters_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_letters_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_letters_provider_message_id"), ["provider_message_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_letters_sent_at"), ["sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_letters_status"), ["status"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("letter_id", sa.String(length=32), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letters.id"],
            name=op.f("fk_idempotency_keys_letter_id_letters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_keys")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_keys_letter_id"), ["letter_id"], unique=False
        )

    op.create_table(
        "letter_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("letter_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letters.id"],
            name=op.f("fk_letter_events_letter_id_letters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_events")),
    )
    with op.batch_alter_table("letter_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_events_letter_id"), ["letter_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("letter_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["letters.id"],
            name=op.f("fk_outbox_letter_id_letters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("reference", name=op.f("uq_outbox_reference")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["due_at", "lease_expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_letter_id"), ["letter_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_letter_id"))
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox")
    with op.batch_alter_table("letter_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_events_letter_id"))

    op.drop_table("letter_events")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_letter_id"))

    op.drop_table("idempotency_keys")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letters_status"))
        batch_op.drop_index(batch_op.f("ix_letters_sent_at"))
        batch_op.drop_index(batch_op.f("ix_letters_provider_message_id"))
        batch_op.drop_index(batch_op.f("ix_letters_expires_at"))
        batch_op.drop_index(batch_op.f("ix_letters_campaign_id"))

    op.drop_table("letters")
    op.drop_table("embassy_sends")
    op.drop_table("counters")
    op.drop_table("address_health")
