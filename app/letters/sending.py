"""The send flow's use-cases: create, confirm, read, erase. Each owns one transaction.

The letter row and the outbox row that will carry its first e-mail are written together,
so a letter can never exist without the e-mail that moves it on, nor the other way round.
"""

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from app.campaigns.signature import initials
from app.db.database import Database
from app.db.models import IdempotencyRow, LetterRow
from app.delivery import outbox
from app.delivery.address_health import hard_bounced
from app.delivery.budget import give_back
from app.errors import (
    Conflict,
    EmailBounced,
    EmailDated,
    Gone,
    NoEmailOnFile,
    NotFound,
    Unprocessable,
)
from app.letters import repository
from app.letters.compose import Context, compose
from app.letters.schemas import ComposeResponse
from app.letters.send_schemas import ConfirmAnswer, SendAccepted, SendRequest
from app.letters.stored import Platform
from app.letters.tokens import body_hash, new_letter_id, new_reference, new_token, token_hash


@dataclass(frozen=True, slots=True)
class Policy:
    """The settings the flow obeys."""

    require_confirmation: bool
    confirmation_ttl: timedelta


@dataclass(frozen=True, slots=True)
class Idempotency:
    key: str
    scope: str  # the partner, or "" for the public
    body: dict[str, Any]


async def create(
    database: Database, ctx: Context, req: SendRequest, platform: Platform, policy: Policy,
    partner_id: str | None, idempotency: Idempotency | None,
) -> SendAccepted:
    """Compose, store the letter and its first e-mail; a repeated key answers as before."""
    if idempotency is not None:
        async with database.begin() as session:
            earlier = await repository.idempotent_answer(
                session, idempotency.scope, idempotency.key
            )
        if earlier is not None:
            return _replayed(earlier, idempotency)
    async with database.begin() as session:  # fresh: a bounce seconds ago counts
        bounced = await hard_bounced(session)
    composed = compose(ctx._replace(mail=replace(ctx.mail, bounced=bounced)), req)
    refusal = _refusal(composed)
    if refusal is not None:
        raise refusal
    try:
        return await _store(database, ctx.now, req, composed, platform, policy, partner_id,
                            idempotency)
    except IntegrityError:
        if idempotency is None:
            raise
        # Another request with the same key won the race: answer as it did.
        async with database.begin() as session:
            earlier = await repository.idempotent_answer(
                session, idempotency.scope, idempotency.key
            )
        if earlier is None:
            raise
        return _replayed(earlier, idempotency)


_REFUSALS: dict[str, tuple[type[Unprocessable], str]] = {
    "no_email_on_file": (NoEmailOnFile, "has no e-mail address on file"),
    "email_bounced": (EmailBounced, "has no e-mail address that did not bounce"),
    "email_dated": (EmailDated, "has only a dated e-mail address off the ministry's domain, "
                   "which the platform does not send to (LETTERS_SEND_TO_DATED_EMAILS)"),
}


def _refusal(composed: ComposeResponse) -> Unprocessable | None:
    """Why the platform will not send what compose chose (its `send_by_platform`)."""
    reason = composed.send_by_platform.reason
    if reason not in _REFUSALS:
        return None  # sendable; or `campaign`, which the request's own checks answer
    kind, why = _REFUSALS[reason]
    warning = next((w.message for w in composed.warnings if w.code == reason), "")
    return kind.for_field("embassy_id", f"The platform cannot send this letter: "
                          f"{composed.embassy.id} {why}. {warning}".strip())


def _replayed(earlier: tuple[str, str], idempotency: Idempotency) -> SendAccepted:
    stored_hash, answer = earlier
    if stored_hash != body_hash(idempotency.body):
        raise Conflict("This Idempotency-Key was used with another body.")
    return SendAccepted.model_validate_json(answer)


async def _store(
    database: Database, now: datetime, req: SendRequest, composed: ComposeResponse,
    platform: Platform, policy: Policy, partner_id: str | None,
    idempotency: Idempotency | None,
) -> SendAccepted:
    token = new_token() if policy.require_confirmation else None
    row = _letter_row(now, req, composed, platform, policy, partner_id, token)
    answer = SendAccepted(
        id=row.id, status=row.status, status_url=platform.status_url(row.id),
        expires_at=row.expires_at,
    )
    async with database.begin() as session:
        await repository.add(session, row)
        if token is not None:
            await outbox.enqueue(session, row.id, "confirmation", new_reference(), now, token)
        else:
            await outbox.enqueue(session, row.id, "letter", row.reference or "", now)
        if idempotency is not None:
            await repository.remember_answer(session, IdempotencyRow(
                scope=idempotency.scope, key=idempotency.key,
                body_hash=body_hash(idempotency.body), letter_id=row.id,
                response=answer.model_dump_json(), created_at=now,
            ))
    return answer


def _signing_name(req: SendRequest) -> str:
    """The name the embassy sees in From and Reply-To is the one the letter is signed with:
    a person who signs with initials must not be named in full by the headers (and the
    full name is then never stored)."""
    return initials(req.sender.name) if req.signature == "initials" else req.sender.name


def _letter_row(
    now: datetime, req: SendRequest, composed: ComposeResponse, platform: Platform,
    policy: Policy, partner_id: str | None, token: str | None,
) -> LetterRow:
    reference = new_reference()
    return LetterRow(
        id=new_letter_id(), campaign_id=composed.campaign_id, embassy_id=composed.embassy.id,
        country=composed.embassy.country, language=composed.language, partner_id=partner_id,
        status="awaiting_confirmation" if token else "queued",
        sender_name=_signing_name(req), sender_email=str(req.sender.email),
        subject=composed.subject, body=composed.body, recipients=json.dumps(composed.to),
        cc_sender=req.cc_sender, token_hash=token_hash(token) if token else None,
        message_id=platform.message_id(reference), reference=reference,
        created_at=now, expires_at=now + policy.confirmation_ttl,
    )


@dataclass(frozen=True, slots=True)
class Confirmed:
    answer: ConfirmAnswer
    language: str
    embassy_id: str


async def confirm(
    database: Database, token: str, platform: Platform, now: datetime
) -> Confirmed:
    """The person's click: the letter is queued, the token is spent."""
    async with database.begin() as session:
        row = await repository.by_token(session, token_hash(token))
        if row is None or row.status != "awaiting_confirmation":
            raise NotFound("This confirmation link is not known, or was already used.")
        if row.expires_at <= now:
            await repository.erase(session, row, "expired", now)
            expired = True
        else:
            expired = False
            row.token_hash = None
            pending = await outbox.for_letter(session, row.id, "confirmation")
            if pending is not None:
                # A statement, not the ORM's delete: the worker may have deleted the row
                # meanwhile (it records the confirmation as sent as the person clicks).
                await outbox.done(session, pending.id)
            await outbox.enqueue(session, row.id, "letter", row.reference or "", now)
            await repository.move(session, row, "queued", now)
    if expired:
        raise Gone("This confirmation link has expired; the letter was erased.")
    answer = ConfirmAnswer(id=row.id, status="queued", status_url=platform.status_url(row.id))
    return Confirmed(answer, row.language, row.embassy_id)


async def erase(database: Database, letter_id: str, now: datetime) -> None:
    """The person's data goes now; the letter's bare status stays."""
    async with database.begin() as session:
        row = await repository.get(session, letter_id, lock=True)
        if row is None:
            raise NotFound(f"No letter has the id {letter_id[:40]!r}.")
        if row.erased_at is None:
            if row.status == "queued" and row.budget_day is not None:
                # A retry that will now never go: its slot is free for another letter
                # (the addresses are erased below, so it is now or never).
                await give_back(session, repository.recipients(row), row.budget_day)
                row.budget_day = None
            await repository.erase(session, row, "erased", now)
