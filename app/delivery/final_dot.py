"""An SMTP client whose end of data waits its turn: at most `unanswered` of one worker's
messages are ever at a relay with their final dot sent and the relay's answer not yet read.

Once a relay has a message's final dot it delivers it, even if the sender dies before it
reads the 250 (RFC 5321 §4.1.1.4; RFC 1047 on the duplicates this causes). Those messages
are the only ones a crash can send twice. Unbounded, they were every conversation that had
reached its end at a relay slow to answer: kills during a busy relay's backlog sent up to 20
of 32 twice. Bounded, a crash sends at most `unanswered` twice, however slow the relay is.
Everything before the dot (connect, EHLO, MAIL, RCPT, DATA and the body) still runs for
every conversation at once, and a crash there is harmless: a relay discards a message whose
end of data never came.

The place is given back when the 250 has been read; the worker records the acceptance in
the same step of the event loop (worker._record_sent writes the ledger before its first
await), so no other dot can go before it is durable.
"""

import asyncio
from typing import Any, Literal

import aiosmtplib
from aiosmtplib.protocol import PERIOD_REGEX, normalize_message_line_endings
from aiosmtplib.response import SMTPResponse
from aiosmtplib.typing import Default, SMTPStatus

END_OF_DATA = b".\r\n"


def transparent(message: bytes) -> bytes:
    """The message as DATA sends it before its final dot, exactly as aiosmtplib sends it:
    CRLF line ends, and a line's leading period doubled (RFC 5321 §4.5.2)."""
    return PERIOD_REGEX.sub(b"..", normalize_message_line_endings(message))


class PacedSMTP(aiosmtplib.SMTP):
    def __init__(self, *, unanswered: asyncio.Semaphore, **options: Any) -> None:
        super().__init__(**options)
        self.unanswered = unanswered

    async def data(
        self, message: str | bytes, /, *,
        timeout: float | Literal[Default.token] | None = Default.token,
    ) -> SMTPResponse:
        """aiosmtplib's DATA, with the final dot held until a place is free."""
        wait = self.timeout if timeout is Default.token else timeout
        content = message.encode("ascii") if isinstance(message, str) else message
        start = await self.execute_command(b"DATA", timeout=wait)
        if start.code != SMTPStatus.start_input:
            raise aiosmtplib.SMTPDataError(start.code, start.message)
        try:
            protocol = self.protocol
            if protocol is None:
                raise aiosmtplib.SMTPServerDisconnected("Connection lost")
            protocol.write(transparent(content))
            async with self.unanswered:
                protocol.write(END_OF_DATA)
                response = await protocol.read_response(timeout=wait)
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError):
            self.close()  # as aiosmtplib does: the conversation is out of step
            raise
        if response.code != SMTPStatus.completed:
            raise aiosmtplib.SMTPDataError(response.code, response.message)
        return response
