"""Reads and writes of letters. Functions flush, never commit: the use-case owns the
transaction. Also the small read-only queries metrics use (letters by status, the outbox)."""

import json
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, delete, event, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.db.models import IdempotencyRow, LetterEventRow, LetterRow, OutboxRow
from app.letters.stored import StoredLetter

EVENTS = LetterEventRow.metadata.tables[LetterEventRow.__tablename__]
LETTERS = LetterRow.metadata.tables[LetterRow.__tablename__]
# A provider's acceptance on its letter, for many letters in one executemany (Core: the ORM
# loaded each whole row, text and all, to write these five columns; python -m bench delivery).
SENT = (
    update(LETTERS)
    .where(LETTERS.c.id == bindparam("b_id"))
    .values(status=bindparam("b_status"), provider=bindparam("b_provider"),
            provider_message_id=bindparam("b_message_id"), sent_at=bindparam("b_at"),
            reason=None)
)
# A claim's letters marked `sending`, for many letters in one executemany (Core: through the
# ORM's unit of work, a claim's flush was ~6% of a worker's CPU; python -m bench delivery).
SENDING = (
    update(LETTERS)
    .where(LETTERS.c.id == bindparam("b_id"))
    .values(status="sending", not_before=None)
)
EVENTS_DUE = "letter_events_due"  # session.info: events of status changes not yet flushed
SENDING_DUE = "letters_sending_due"  # session.info: `mark_sending` not yet written
PERSONAL = (
    "sender_name", "sender_email", "subject", "body", "recipients", "token_hash",
    "pdf_token_hash",
)


def recipients(row: LetterRow) -> tuple[str, ...]:
    """The embassy addresses the letter goes to (none once erased)."""
    return tuple(json.loads(row.recipients or "[]"))


def stored(row: LetterRow) -> StoredLetter:
    return StoredLetter(
        id=row.id, campaign_id=row.campaign_id, embassy_id=row.embassy_id, country=row.country,
        language=row.language, partner_id=row.partner_id, status=row.status,
        sender_name=row.sender_name, sender_email=row.sender_email, subject=row.subject,
        body=row.body, recipients=recipients(row),
        cc_sender=row.cc_sender, message_id=row.message_id, reference=row.reference,
        reason=row.reason, not_before=row.not_before, created_at=row.created_at,
        expires_at=row.expires_at, sent_at=row.sent_at,
    )


async def add(session: AsyncSession, row: LetterRow) -> None:
    session.add(row)
    await session.flush()  # the letter first: no relationship() tells the ORM the order
    session.add(LetterEventRow(letter_id=row.id, status=row.status, at=row.created_at))
    await session.flush()


async def get(session: AsyncSession, letter_id: str, *, lock: bool = False) -> LetterRow | None:
    query = select(LetterRow).where(LetterRow.id == letter_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def get_many(
    session: AsyncSession, letter_ids: list[str], *, lock: bool = False
) -> dict[str, LetterRow]:
    """Several letters in one query, by id; locked in id order, so that two transactions
    locking overlapping sets cannot deadlock."""
    if not letter_ids:
        return {}
    query = MANY_LOCKED if lock else MANY
    rows = await session.execute(query, {"ids": sorted(set(letter_ids))})
    return {row.id: row for row in rows.scalars()}


# The claim's and the bookkeeping's reads, built once (values bound per call): built anew,
# a statement's construction and cache key cost more than its trip to SQLite.
MANY = (
    select(LetterRow).where(LetterRow.id.in_(bindparam("ids", expanding=True)))
    .order_by(LetterRow.id)
)
MANY_LOCKED = MANY.with_for_update()
ACCEPTING = (
    select(LETTERS.c.id, LETTERS.c.status, LETTERS.c.campaign_id, LETTERS.c.country,
           LETTERS.c.partner_id)
    .where(LETTERS.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(LETTERS.c.id).with_for_update()
)


class Accepting(NamedTuple):
    """What recording a letter as sent reads of it."""

    status: str
    campaign_id: str
    country: str
    partner_id: str | None


async def accepting(session: AsyncSession, letter_ids: list[str]) -> dict[str, Accepting]:
    """`Accepting` of several letters, locked in id order (as `get_many`), for `sent_many`."""
    if not letter_ids:
        return {}
    connection = await session.connection()
    result = await connection.execute(ACCEPTING, {"ids": sorted(set(letter_ids))})
    return {row.id: Accepting(row.status, row.campaign_id, row.country, row.partner_id)
            for row in result}


async def record_sent(
    session: AsyncSession, updates: list[dict[str, object]], events: list[dict[str, object]]
) -> None:
    """`SENT` for each of `updates` and the status `events` (both Core, in one executemany
    each): the ORM's `mark` path for a batch whose rows are not loaded as objects."""
    connection = await session.connection()
    if updates:
        await connection.execute(SENT, updates)
    if events:
        await connection.execute(insert(EVENTS), events)


async def by_token(session: AsyncSession, token_hash: str) -> LetterRow | None:
    query = select(LetterRow).where(LetterRow.token_hash == token_hash).with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def by_pdf_token(
    session: AsyncSession, letter_id: str, pdf_token_hash: str
) -> LetterRow | None:
    """The letter whose notice carried this PDF link, while it still holds the person's data.
    One query for id and token together: a wrong token and an unknown id look the same."""
    query = select(LetterRow).where(
        LetterRow.id == letter_id, LetterRow.pdf_token_hash == pdf_token_hash,
        LetterRow.erased_at.is_(None), LetterRow.body.is_not(None),
    )
    return (await session.execute(query)).scalar_one_or_none()


async def by_provider_reference(
    session: AsyncSession, provider_message_id: str | None, reference: str | None
) -> LetterRow | None:
    """The letter a webhook event names, by the provider's id or by our reference."""
    for column, value in (
        (LetterRow.provider_message_id, provider_message_id),
        (LetterRow.reference, reference),
        (LetterRow.message_id, provider_message_id),
    ):
        if value:
            query = select(LetterRow).where(column == value).with_for_update()
            row = (await session.execute(query)).scalars().first()
            if row is not None:
                return row
    return None


async def move(session: AsyncSession, row: LetterRow, status: str, at: datetime) -> None:
    """A new status, with its event (only when it is new)."""
    mark(session, row, status, at)
    await session.flush()


def mark(session: AsyncSession, row: LetterRow, status: str, at: datetime) -> None:
    """`move` without the flush, for many rows written by one flush (their events too: in
    one statement, see `_write_events`)."""
    if row.status != status:
        row.status = status
        session.info.setdefault(EVENTS_DUE, []).append(
            {"letter_id": row.id, "status": status, "at": at}
        )


def mark_sending(session: AsyncSession, row: LetterRow, at: datetime) -> None:
    """The letter is being sent (its `not_before` cleared), written with the others a claim
    marks by `write_sending`, not by the ORM's flush: the object shows the new values, as
    loaded ones, so the flush has nothing of it to write."""
    due = session.info.setdefault(SENDING_DUE, ([], []))
    due[0].append({"b_id": row.id})
    if row.status != "sending":
        due[1].append({"letter_id": row.id, "status": "sending", "at": at})
    set_committed_value(row, "status", "sending")
    set_committed_value(row, "not_before", None)


async def write_sending(session: AsyncSession) -> None:
    """What `mark_sending` noted, in its transaction: one executemany of the letters, one of
    their events. (Not undone by a savepoint's rollback, as the ORM's marks are: none is
    made inside one, and one made before must stay.)"""
    due = session.info.pop(SENDING_DUE, None)
    if due is None:
        return
    updates, events = due
    connection = await session.connection()
    await connection.execute(SENDING, updates)
    if events:
        await connection.execute(insert(EVENTS), events)


@event.listens_for(Session, "after_flush")
def _write_events(session: Session, _: object) -> None:
    """The events of the letters a flush wrote, in one executemany. As ORM objects they went
    one INSERT each on SQLite, whose RETURNING order the ORM cannot rely on to learn ids that
    nothing reads: two statements per letter sent, half a worker's trips to its database
    thread (python -m bench.bench_delivery)."""
    due = session.info.pop(EVENTS_DUE, None)
    if due:
        session.connection().execute(insert(EVENTS), due)


@event.listens_for(Session, "after_soft_rollback")
def _drop_events(session: Session, _: object) -> None:
    # A savepoint or transaction undone undoes its status changes: their events with them.
    # (Events marked before a savepoint were flushed when it began.)
    session.info.pop(EVENTS_DUE, None)


async def erase(session: AsyncSession, row: LetterRow, status: str, at: datetime) -> None:
    """Null the person's data, drop its pending e-mails and idempotency answer, keep the rest."""
    for column in PERSONAL:
        setattr(row, column, None)
    row.erased_at = at
    await session.execute(delete(OutboxRow).where(OutboxRow.letter_id == row.id))
    await session.execute(delete(IdempotencyRow).where(IdempotencyRow.letter_id == row.id))
    await move(session, row, status, at)


async def events(session: AsyncSession, letter_id: str) -> list[tuple[str, datetime]]:
    query = (
        select(LetterEventRow.status, LetterEventRow.at)
        .where(LetterEventRow.letter_id == letter_id)
        .order_by(LetterEventRow.id)
    )
    return [(status, at) for status, at in (await session.execute(query)).all()]


async def idempotent_answer(
    session: AsyncSession, scope: str, key: str
) -> tuple[str, str] | None:
    """(body hash, stored answer JSON) of an earlier request with this key."""
    query = select(IdempotencyRow.body_hash, IdempotencyRow.response).where(
        IdempotencyRow.scope == scope, IdempotencyRow.key == key
    )
    found = (await session.execute(query)).one_or_none()
    return (found[0], found[1]) if found else None


async def remember_answer(session: AsyncSession, row: IdempotencyRow) -> None:
    session.add(row)
    await session.flush()


async def expire_due(session: AsyncSession, now: datetime, limit: int) -> list[LetterRow]:
    query = (
        select(LetterRow)
        .where(LetterRow.status == "awaiting_confirmation", LetterRow.expires_at <= now)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(query)).scalars())


async def delete_retained(session: AsyncSession, before: datetime) -> int:
    """Delete letters done before `before` (their counters stay); the count deleted."""
    done = ("sent", "delivered", "bounced", "failed", "expired", "erased")
    finished = func.coalesce(LetterRow.sent_at, LetterRow.erased_at, LetterRow.created_at)
    result = await session.execute(
        delete(LetterRow).where(LetterRow.status.in_(done), finished < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def clear_not_before(session: AsyncSession, letter_id: str) -> None:
    await session.execute(
        update(LetterRow).where(LetterRow.id == letter_id).values(not_before=None)
    )


# --- Read-only figures for metrics (helper `ops`) ---


async def letters_by_status(session: AsyncSession) -> dict[str, int]:
    """How many letters are in each status right now."""
    query = select(LetterRow.status, func.count()).group_by(LetterRow.status)
    return {status: int(n) for status, n in (await session.execute(query)).all()}


async def outbox_depth(session: AsyncSession, now: datetime) -> tuple[int, float]:
    """(e-mails waiting to be sent, seconds the oldest due one has waited; 0 if none due)."""
    depth = int(await session.scalar(select(func.count()).select_from(OutboxRow)) or 0)
    oldest = await session.scalar(select(func.min(OutboxRow.due_at)).where(OutboxRow.due_at <= now))
    waited = (now - oldest).total_seconds() if oldest is not None else 0.0
    return depth, max(0.0, waited)
