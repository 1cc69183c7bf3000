"""The partners table, read and written inside a transaction the caller owns."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.database import Database
from app.db.models import CounterRow
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


@dataclass(frozen=True, slots=True)
class Totals:
    """What a partner's requests added to the public counters, over all campaigns and days."""

    composed: int = 0
    reported: int = 0
    sent: int = 0
    delivered: int = 0


async def totals_by_partner(session: AsyncSession) -> dict[str, Totals]:
    c = CounterRow
    rows = await session.execute(
        select(
            c.partner_id,
            func.sum(c.composed),
            func.sum(c.reported),
            func.sum(c.sent),
            func.sum(c.delivered),
        )
        .where(c.partner_id != "")
        .group_by(c.partner_id)
    )
    return {pid: Totals(*(int(v or 0) for v in values)) for pid, *values in rows}


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
