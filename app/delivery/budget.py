"""The daily budget per embassy address, counted in the database so it holds across workers,
campaigns and partners: one conditional upsert per address takes a slot or says no."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import EmbassySendRow
from app.db.upsert import insert_for


async def take_slot(session: AsyncSession, address: str, day: date, limit: int) -> bool:
    """One more letter to `address` on `day`, if fewer than `limit` went already."""
    insert = insert_for(session, EmbassySendRow).values(address=address.lower(), day=day, count=1)
    taken = await session.execute(
        insert.on_conflict_do_update(
            index_elements=["address", "day"],
            set_={"count": EmbassySendRow.count + 1},
            where=EmbassySendRow.count < limit,
        ).returning(EmbassySendRow.count)
    )
    return taken.first() is not None


async def take_slots(
    session: AsyncSession, addresses: tuple[str, ...], day: date, limit: int
) -> bool:
    """A slot at every address, or none at all (a savepoint undoes a partial take)."""
    savepoint = await session.begin_nested()
    for address in addresses:
        if not await take_slot(session, address, day, limit):
            await savepoint.rollback()
            return False
    await savepoint.commit()
    return True
