"""Bounces per embassy address: recorded from webhooks, read by `embassies check` and
`embassies health`, cleared by `embassies health --clear`."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.database import Database
from app.db.models import AddressHealthRow
from app.db.upsert import insert_for


@dataclass(frozen=True, slots=True)
class AddressHealth:
    address: str
    embassy_id: str | None
    bounces: int
    last_bounce_at: datetime | None
    last_reason: str | None


async def record_bounce(
    session: AsyncSession, address: str, embassy_id: str, reason: str | None, at: datetime
) -> None:
    insert = insert_for(session, AddressHealthRow).values(
        address=address.lower(), embassy_id=embassy_id, bounces=1, last_bounce_at=at,
        last_reason=reason,
    )
    await session.execute(insert.on_conflict_do_update(
        index_elements=["address"],
        set_={
            "bounces": AddressHealthRow.bounces + 1, "last_bounce_at": at,
            "last_reason": reason, "embassy_id": embassy_id,
        },
    ))


async def bounced_addresses(session: AsyncSession) -> list[AddressHealth]:
    query = select(AddressHealthRow).order_by(
        AddressHealthRow.bounces.desc(), AddressHealthRow.address
    )
    return [
        AddressHealth(r.address, r.embassy_id, r.bounces, r.last_bounce_at, r.last_reason)
        for r in (await session.execute(query)).scalars()
    ]


async def clear(session: AsyncSession, address: str) -> AddressHealth | None:
    """Forget the bounces of `address` (any case): the platform uses it again. What was
    recorded, or None if nothing was."""
    gone = await session.execute(
        delete(AddressHealthRow).where(AddressHealthRow.address == address.strip().lower())
        .returning(AddressHealthRow.address, AddressHealthRow.embassy_id,
                   AddressHealthRow.bounces, AddressHealthRow.last_bounce_at,
                   AddressHealthRow.last_reason)
    )
    row = gone.first()
    return AddressHealth(*row) if row is not None else None


async def hard_bounced(session: AsyncSession) -> frozenset[str]:
    """Every address a hard bounce was recorded against (only permanent ones are recorded):
    the platform chooses none of them and sends to none of them."""
    rows = await session.execute(select(AddressHealthRow.address))
    return frozenset(a.lower() for a in rows.scalars())


# Built once (every claim asks): built anew, its construction and cache key cost more than
# its trip to SQLite.
AMONG = select(AddressHealthRow.address).where(
    AddressHealthRow.address.in_(bindparam("addresses", expanding=True)))


async def bounced_among(session: AsyncSession, addresses: list[str]) -> list[str]:
    """Those of `addresses` (lower-cased) that a hard bounce was recorded against."""
    lowered = [a.lower() for a in addresses]
    return sorted((await session.execute(AMONG, {"addresses": lowered})).scalars())


@dataclass(slots=True)
class BouncedAddresses:
    """`hard_bounced` kept in memory for compose, which never waits on the database; the
    send path reads the table itself. Reloaded with the counters' flush; a failed reload
    keeps the last set."""

    addresses: frozenset[str] = field(default_factory=frozenset)

    async def refresh(self, database: Database) -> None:
        async with database.begin() as session:
            self.addresses = await hard_bounced(session)
