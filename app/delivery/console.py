"""The default provider: each message becomes one .eml file in a folder, nothing is sent.

Good for development and for a deployment that has not chosen a provider yet: the files can
be opened in any mail program, and nobody receives anything by mistake.
"""

import asyncio
import os
import re
import tempfile
from pathlib import Path

import structlog

from app.delivery.mime import to_mime
from app.delivery.provider import Accepted, OutgoingEmail, TransientSendError

log = structlog.get_logger(__name__)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class ConsoleProvider:
    """Writes `<outbox>/<message id>.eml` atomically; the Message-ID is the provider id."""

    name = "console"

    def __init__(self, outbox: Path) -> None:
        self.outbox = outbox

    async def send(self, email: OutgoingEmail) -> Accepted:
        data = to_mime(email).as_bytes()
        try:
            path = await asyncio.to_thread(self._write, email.message_id, data)
        except OSError as error:
            # A full or read-only disk may well be fixed by the operator: try again later.
            raise TransientSendError(f"outbox not writable: {error.strerror}") from error
        # Message id and counts only: names, addresses and bodies never reach the log.
        log.info(
            "console_email_written",
            message_id=email.message_id,
            recipient_domains=len({a.email.rpartition("@")[2].lower() for a in email.to}),
            file=path.name,
        )
        return Accepted(provider_message_id=email.message_id)

    async def aclose(self) -> None:
        return None

    def _write(self, message_id: str, data: bytes) -> Path:
        self.outbox.mkdir(parents=True, exist_ok=True)
        target = self.outbox / f"{file_stem(message_id)}.eml"
        fd, temp = tempfile.mkstemp(dir=self.outbox, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            # A reader never sees half a message: the name appears only once it is whole.
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target


def file_stem(message_id: str) -> str:
    """A file name from a Message-ID: `<a.b@c>` -> `a.b_c`."""
    return _UNSAFE.sub("_", message_id.strip("<>")) or "message"
