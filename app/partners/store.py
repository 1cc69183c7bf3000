"""The partners table, read and written inside a transaction the caller owns."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.database import Database
from app.partners.keys import digest, issue
from app.partners.models import PartnerRow
from app.partners.snapshot import PartnerRecord


@dataclass(frozen=True, slots=True)
class NewPartner:
    row: PartnerRow
    key: str  # shown once, to the operator who asked for it


async def add(
    session: AsyncSession,
    *,
    name: str,
    origins: Sequence[str],
    rate_limit: str | None,
    secret: bytes,
    now: datetime,
) -> NewPartner:
    issued = issue()
    row = PartnerRow(
        id=issued.key_id,
        name=name,
        key_digest=digest(secret, issued.key),
        origins=list(origins),
        rate_limit=rate_limit,
        created_at=now,
        revoked_at=None,
    )
    session.add(row)
    await session.flush()
    return NewPartner(row, issued.key)


async def all_partners(session: AsyncSession) -> list[PartnerRow]:
    return list((await session.scalars(select(PartnerRow).order_by(PartnerRow.created_at))).all())


async def revoke(session: AsyncSession, key_id: str, now: datetime) -> PartnerRow | None:
    """Mark the key revoked (kept, so letters still name their partner); None if unknown."""
    row = await session.get(PartnerRow, key_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        await session.flush()
    return row


def record_of(row: PartnerRow) -> PartnerRecord:
    return PartnerRecord(
        id=row.id,
        name=row.name,
        key_digest=row.key_digest,
        origins=tuple(row.origins),
        rate_limit=row.rate_limit,
        revoked=row.revoked_at is not None,
    )


def source(database: Database) -> Callable[[], Awaitable[list[PartnerRecord]]]:
    """What the runtime reloads from: every partner, as records (revoked ones included)."""

    async def load() -> list[PartnerRecord]:
        async with database.sessions() as session:
            return [record_of(row) for row in await all_partners(session)]

    return load
