"""Plain SMTP submission through aiosmtplib (none, STARTTLS or implicit TLS; optional AUTH).

Reply classes follow RFC 5321 §4.2.1: a 4yz reply, a dropped or timed-out connection, is
worth trying again; a 5yz reply is final. The provider id is our own Message-ID, since a relay
names no id of its own that a later event would carry.
"""

import asyncio
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import aiosmtplib

from app.delivery.final_dot import PacedSMTP
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
    unanswered: int = 2  # messages whose final dot may await the relay's answer at once


class SmtpProvider:
    """One connection per message: simple, and a broken connection never leaks into the next.

    The relay's 250 to DATA is its acceptance (RFC 5321 §4.1.1.4): `send` returns then and
    says QUIT in the background, so recording the acceptance never waits for a round trip
    that decides nothing (it is the duplicate window, see README). At most
    `config.unanswered` final dots await their answer at once (delivery/final_dot.py)."""

    name = "smtp"

    def __init__(self, config: SmtpConfig, tls_context: ssl.SSLContext | None = None) -> None:
        self.config = config
        # Certificates are always verified; tests pass a context that trusts their own CA.
        self.tls_context = tls_context or ssl.create_default_context()
        self.closing: set[asyncio.Task[None]] = set()
        self.local_hostname: str | None = None  # for EHLO: looked up once, not per message
        # The most a crash can send twice (delivery/final_dot.py).
        self.unanswered = asyncio.Semaphore(config.unanswered)

    async def send(self, email: OutgoingEmail) -> Accepted:
        message = to_mime(email)  # before connecting: a relay's session is not held open
        if self.local_hostname is None:  # as aiosmtplib would, but once (a thread hop each)
            self.local_hostname = await asyncio.to_thread(socket.getfqdn)
        client = self._client(self.local_hostname)
        try:
            # One deadline for the whole conversation: aiosmtplib's own per-reply timeout
            # (asyncio.wait_for on 3.11) cost every reply two more turns of the event loop
            # before the sender saw it, the relay's 250 to DATA among them (the window).
            async with asyncio.timeout(self.config.timeout):
                await client.connect()
                refused, _reply = await client.send_message(
                    message,
                    sender=smtp_address(email.sender),  # bounces come back to the platform
                    recipients=envelope_recipients(email),
                )
        except (aiosmtplib.SMTPException, OSError) as error:  # a timeout is an OSError
            await _quit(client, self.config.timeout)  # nothing was accepted: no hurry
            raise _send_error(error) from error
        except BaseException:  # cancelled, or a bug: drop the connection at once
            client.close()
            raise
        self._quit_later(client)
        _raise_for_refused(email, refused)
        return Accepted(provider_message_id=email.message_id)

    def _client(self, local_hostname: str) -> PacedSMTP:
        config = self.config
        return PacedSMTP(
            unanswered=self.unanswered,
            hostname=config.host,
            port=config.port,
            local_hostname=local_hostname,
            timeout=None,  # send's deadline covers the conversation
            use_tls=config.tls == "tls",
            # "starttls" insists, so a stripped STARTTLS fails closed; "none" never upgrades.
            start_tls=config.tls == "starttls",
            tls_context=self.tls_context,
            username=config.username or None,
            password=(config.password or "") if config.username else None,
        )

    def _quit_later(self, client: aiosmtplib.SMTP) -> None:
        task = asyncio.create_task(_quit(client, self.config.timeout))
        self.closing.add(task)
        task.add_done_callback(self.closing.discard)

    async def aclose(self) -> None:
        await asyncio.gather(*self.closing, return_exceptions=True)


async def _quit(client: aiosmtplib.SMTP, timeout: float) -> None:
    """A polite QUIT where the connection still stands; its answer changes nothing."""
    try:
        if client.is_connected:
            async with asyncio.timeout(timeout):
                await client.quit()
    except (aiosmtplib.SMTPException, OSError):
        pass
    finally:
        client.close()


def _send_error(error: aiosmtplib.SMTPException | OSError) -> SendError:
    """What the worker acts on, for what aiosmtplib raised."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return _worst([(r.code, r.message) for r in error.recipients])
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return classify_reply(error.code, error.message)
    # Connect failures, timeouts, resets, a missing STARTTLS: the relay may recover.
    return TransientSendError(f"smtp connection: {type(error).__name__}")


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
