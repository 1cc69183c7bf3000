"""The outbox: e-mails waiting to be sent, claimed by workers under a lease.

A claim is one UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING: on
PostgreSQL concurrent workers skip each other's rows; SQLite (which ignores FOR UPDATE) runs
the statement under its single write lock, so it is just as atomic. A lease that expires
(its worker died) makes the row claimable again. Functions flush, never commit.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import OutboxRow

OUTBOX = OutboxRow.metadata.tables[OutboxRow.__tablename__]


def _claim_statement() -> Any:
    c = OUTBOX.c
    now = bindparam("now", type_=c.due_at.type)
    due = (
        select(c.id)
        .where(c.due_at <= now, or_(c.lease_expires_at.is_(None), c.lease_expires_at < now))
        .order_by(c.due_at, c.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)
    )
    return (
        update(OUTBOX)
        .where(c.id.in_(due.scalar_subquery()))
        .values(lease_owner=bindparam("owner"), lease_expires_at=bindparam("until"),
                attempts=c.attempts + 1)
        .returning(c.id, c.letter_id, c.kind, c.reference, c.secret, c.attempts,
                   c.accepted_by, c.provider_message_id)
    )


# Built once, their values bound per call: the claim and the outbox delete run once per
# round of letters, and building a statement anew (and its cache key, which SQLAlchemy
# keeps on the statement) cost more than running it (python -m bench delivery).
CLAIM = _claim_statement()
DONE = delete(OUTBOX).where(OUTBOX.c.id.in_(bindparam("ids", expanding=True)))


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    letter_id: str
    kind: str
    reference: str
    secret: str | None
    attempts: int
    # Set when a provider had already accepted this e-mail (delivery/acceptances.py) and
    # its worker died before the bookkeeping: the e-mail is recorded, not sent again.
    accepted_by: str | None = None
    provider_message_id: str | None = None


async def enqueue(
    session: AsyncSession, letter_id: str, kind: str, reference: str, due_at: datetime,
    secret: str | None = None,
) -> None:
    session.add(
        OutboxRow(
            letter_id=letter_id, kind=kind, reference=reference, secret=secret, due_at=due_at,
            attempts=0, created_at=due_at,
        )
    )
    await session.flush()


async def claim(
    session: AsyncSession, owner: str, now: datetime, lease: timedelta, limit: int
) -> list[Claimed]:
    """Up to `limit` due rows, leased to `owner` until now + lease; each attempt counted.
    A Core statement on the table (no ORM objects are involved), built once (CLAIM)."""
    connection = await session.connection()
    result = await connection.execute(
        CLAIM, {"now": now, "limit": limit, "owner": owner, "until": now + lease}
    )
    return sorted((Claimed(**row._mapping) for row in result.all()), key=lambda c: c.id)


async def extend(
    session: AsyncSession, ids: list[int], owner: str, until: datetime
) -> None:
    """Keep the leases of e-mails still in flight: a live worker's rows are never re-claimed."""
    if ids:
        await session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), OutboxRow.lease_owner == owner)
            .values(lease_expires_at=until)
            .execution_options(synchronize_session=False)
        )


def _mine(outbox_id: int, owner: str) -> list[object]:
    return [OutboxRow.id == outbox_id, OutboxRow.lease_owner == owner]


async def done(session: AsyncSession, *outbox_ids: int) -> None:
    """The e-mails went: their rows (and any secret they held) are gone. A Core statement:
    no caller holds these rows as objects, and the ORM's delete also looked for them among
    the session's objects (group commit deletes a round of them at once)."""
    if outbox_ids:
        connection = await session.connection()
        await connection.execute(DONE, {"ids": list(outbox_ids)})


async def retry_at(
    session: AsyncSession, outbox_id: int, owner: str, due_at: datetime, error: str,
    *, count_attempt: bool = True,
) -> bool:
    """Release the lease and try again at `due_at`; False if the lease was lost meanwhile."""
    values: dict[str, object] = {
        "due_at": due_at, "lease_owner": None, "lease_expires_at": None, "last_error": error,
    }
    if not count_attempt:  # held back by pacing: that was no attempt at all
        values["attempts"] = OutboxRow.attempts - 1
    result = await session.execute(
        update(OutboxRow)
        .where(*_mine(outbox_id, owner))  # type: ignore[arg-type]
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def for_letter(session: AsyncSession, letter_id: str, kind: str) -> OutboxRow | None:
    query = select(OutboxRow).where(OutboxRow.letter_id == letter_id, OutboxRow.kind == kind)
    return (await session.execute(query)).scalars().first()
