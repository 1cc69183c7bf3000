"""What a provider's delivery events do to letters: delivered, bounced, failed.

A later bounce overrides "delivered" (asynchronous bounces); a bounce from an embassy
address counts against that address; a bounce or failure tells the person, once.
"""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import LetterRow
from app.delivery.address_health import record_bounce
from app.delivery.dispatch import Dispatch
from app.delivery.provider import DeliveryEvent
from app.delivery.redact import redact
from app.letters import repository
from app.stats.counters import count_one

DELIVERABLE = ("sending", "sent")


async def apply_events(
    dispatch: Dispatch, events: list[DeliveryEvent], now: datetime
) -> int:
    """Apply each event in one transaction; the number that matched a letter."""
    matched = 0
    async with dispatch.database.begin() as session:
        for event in events:
            row = await repository.by_provider_reference(
                session, event.provider_message_id, event.reference
            )
            if row is not None:
                matched += 1
                # The provider's time, unless its clock runs ahead of ours.
                at = min(event.at, now) if event.at else now
                await _apply(session, dispatch, row, event, at, now)
    return matched


async def _apply(
    session: AsyncSession, dispatch: Dispatch, row: LetterRow, event: DeliveryEvent,
    at: datetime, now: datetime,
) -> None:
    if event.status == "delivered" and row.status in DELIVERABLE:
        await repository.move(session, row, "delivered", at)
        await count_one(session, "delivered", row.campaign_id, row.country, row.partner_id,
                        at.date())
    elif event.status in ("bounced", "failed") and event.permanent:
        row.reason = redact(event.reason or event.status)
        await _record_address(session, row, event, at)
        if row.status not in ("bounced", "failed", "erased", "expired"):
            await repository.move(session, row, event.status, at)
            await dispatch.notify(session, row, now)


async def _record_address(
    session: AsyncSession, row: LetterRow, event: DeliveryEvent, at: datetime
) -> None:
    """Count the bounce against the embassy address it came from (not the person's Cc)."""
    embassy_addresses = {a.lower() for a in repository.stored(row).recipients}
    recipient = (event.recipient or "").lower()
    if recipient in embassy_addresses:
        addresses = [recipient]
    elif not recipient:
        addresses = sorted(embassy_addresses)
    else:
        addresses = []  # the person's own copy bounced, or a redirected staging address
    for address in addresses:
        await record_bounce(session, address, row.embassy_id, row.reason, at)
