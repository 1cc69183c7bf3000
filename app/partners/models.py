"""The partners table: who may call with a key, from which origins, at what rate.

One row per key: the key id is the partner's id (what letters and counters record), and
the key itself is never stored, only its keyed digest. A revoked row stays, so letters
and counters keep a partner id that still names someone.
"""

from datetime import datetime

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class PartnerRow(Base):
    __tablename__ = "partners"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the public key id
    name: Mapped[str] = mapped_column(String(200))
    key_digest: Mapped[str] = mapped_column(String(64))  # HMAC-SHA-256, hex
    origins: Mapped[list[str]] = mapped_column(JSON)
    rate_limit: Mapped[str | None] = mapped_column(String(64))  # None: LETTERS_RATE_LIMIT_PARTNER
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
