"""Plain SMTP submission through aiosmtplib (none, STARTTLS or implicit TLS; optional AUTH).

Reply classes follow RFC 5321 §4.2.1: a 4yz reply, a dropped or timed-out connection, is
worth trying again; a 5yz reply is final. The provider id is our own Message-ID, since a relay
names no id of its own that a later event would carry.
"""

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import aiosmtplib

from app.delivery.mime import envelope_recipients, smtp_address, to_mime
from app.delivery.provider import (
    Accepted,
    OutgoingEmail,
    PermanentSendError,
    SendError,
    TransientSendError,
)
from app.delivery.redact import redact


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    tls: Literal["none", "starttls", "tls"] = "none"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0


class SmtpProvider:
    """One connection per message: simple, and a broken connection never leaks into the next."""

    name = "smtp"

    def __init__(self, config: SmtpConfig, tls_context: ssl.SSLContext | None = None) -> None:
        self.config = config
        # Certificates are always verified; tests pass a context that trusts their own CA.
        self.tls_context = tls_context or ssl.create_default_context()

    async def send(self, email: OutgoingEmail) -> Accepted:
        config = self.config
        try:
            refused, _reply = await aiosmtplib.send(
                to_mime(email),
                sender=smtp_address(email.sender),  # bounces come back to the platform
                recipients=envelope_recipients(email),
                hostname=config.host,
                port=config.port,
                timeout=config.timeout,
                use_tls=config.tls == "tls",
                # "starttls" insists, so a stripped STARTTLS fails closed; "none" never upgrades.
                start_tls=config.tls == "starttls",
                tls_context=self.tls_context,
                username=config.username or None,
                password=(config.password or "") if config.username else None,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            raise _worst([(r.code, r.message) for r in error.recipients]) from error
        except aiosmtplib.SMTPResponseException as error:
            raise classify_reply(error.code, error.message) from error
        except (aiosmtplib.SMTPException, OSError) as error:
            # Connect failures, timeouts, resets, a missing STARTTLS: the relay may recover.
            raise TransientSendError(f"smtp connection: {type(error).__name__}") from error
        _raise_for_refused(email, refused)
        return Accepted(provider_message_id=email.message_id)

    async def aclose(self) -> None:
        return None


def classify_reply(code: int, message: str) -> SendError:
    """A negative SMTP reply as the error the worker acts on."""
    reason = f"smtp {code}: {redact(message)}"
    if 400 <= code < 500 or code < 0:
        return TransientSendError(reason)
    return PermanentSendError(reason)


def _worst(replies: list[tuple[int, str]]) -> SendError:
    # A permanent refusal of any recipient decides: retrying would not change it.
    permanent = [r for r in replies if r[0] >= 500]
    code, message = (permanent or replies)[0]
    return classify_reply(code, message)


def _raise_for_refused(email: OutgoingEmail, refused: Mapping[str, object]) -> None:
    """The relay took the message but refused some recipient: fail if it was a To."""
    wanted = {a.lower() for a in envelope_recipients(email)[: len(email.to)]}
    replies = [
        (reply.code, reply.message)
        for address, reply in refused.items()
        if address.lower() in wanted and isinstance(reply, aiosmtplib.SMTPResponse)
    ]
    if replies:
        raise _worst(replies)
