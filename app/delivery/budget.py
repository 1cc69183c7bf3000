"""The daily budget per embassy address, counted in the database so it holds across workers,
campaigns and partners: one conditional upsert per address takes a slot or says no.

A slot stands for a letter that reaches the embassy that day: the letter keeps its slot
through retries (the caller remembers the day), and gives it back when it fails for good or
is held to another day."""

from datetime import date

from sqlalchemy import update
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


async def give_back(session: AsyncSession, addresses: tuple[str, ...], day: date) -> None:
    """The slot a letter took at each of `addresses` on `day`, free again."""
    await session.execute(
        update(EmbassySendRow)
        .where(
            EmbassySendRow.address.in_({a.lower() for a in addresses}),
            EmbassySendRow.day == day, EmbassySendRow.count > 0,
        )
        .values(count=EmbassySendRow.count - 1)
        .execution_options(synchronize_session=False)
    )
