"""An SMTP relay on loopback (aiosmtpd in its own thread) that records what it accepted.

It can be told to refuse: a reply per recipient at RCPT, or one reply for DATA, so tests see
the 421/451/550 a real relay gives; or to hold its answers to end of data (`hold`), as a
relay slow to answer does: it has the message (and delivers it, whatever happens to the
sender), the 250 comes once `hold` is set. Reused by the delivery benchmarks (messages are
counted).
"""

import asyncio
import socket
import ssl
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


@dataclass(frozen=True)
class Delivered:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes
    authenticated_as: str | None
    tls: bool

    def parsed(self) -> EmailMessage:
        message = message_from_bytes(self.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        return message


@dataclass
class RelayHandler:
    """aiosmtpd handler; replies are full SMTP lines such as "550 5.1.1 no such user"."""

    rcpt_replies: dict[str, str] = field(default_factory=dict)
    data_reply: str | None = None
    messages: list[Delivered] = field(default_factory=list)
    quits: int = 0  # sessions the client ended with QUIT
    hold: threading.Event | None = None  # set: the held answers to end of data go
    enveloped: set[int] = field(default_factory=set)  # sessions that reached RCPT
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def arrived(self, count: int) -> list[Delivered]:
        """Wait until the relay holds `count` messages."""
        await self._until(lambda: len(self.messages) >= count,
                          lambda: f"the relay got {len(self.messages)} of {count} messages")
        with self.lock:
            return list(self.messages)

    async def enveloped_sessions(self, count: int) -> None:
        """Wait until `count` sessions have come as far as RCPT."""
        await self._until(lambda: len(self.enveloped) >= count,
                          lambda: f"{len(self.enveloped)} of {count} sessions reached RCPT")

    async def _until(self, met: Callable[[], bool], failure: Callable[[], str]) -> None:
        """The deadline (30 s) is for a broken sender, not a speed claim."""
        for _ in range(600):
            with self.lock:
                if met():
                    return
            await asyncio.sleep(0.05)
        raise AssertionError(failure())

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        reply = self.rcpt_replies.get(address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        with self.lock:
            self.enveloped.add(id(session))
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply is not None:
            return self.data_reply
        login = session.auth_data.decode() if isinstance(session.auth_data, bytes) else None
        delivered = Delivered(
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            content=envelope.original_content or envelope.content,
            authenticated_as=login if session.authenticated else None,
            tls=session.ssl is not None,
        )
        with self.lock:
            self.messages.append(delivered)
        while self.hold is not None and not self.hold.is_set():
            await asyncio.sleep(0.01)
        return "250 2.0.0 Message accepted for delivery"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.quits += 1
        return "221 Bye"


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == self.username.encode()
            and data.password == self.password.encode()
        )
        return AuthResult(success=ok, handled=False, auth_data=data.login if ok else None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_relay(
    handler: RelayHandler,
    *,
    starttls: ssl.SSLContext | None = None,
    implicit_tls: ssl.SSLContext | None = None,
    credentials: Credentials | None = None,
) -> Iterator[int]:
    """Runs a relay on 127.0.0.1 and yields its port."""
    options: dict[str, Any] = {}
    if starttls is not None:
        options.update(tls_context=starttls, require_starttls=True)
    if credentials is not None:
        options.update(authenticator=credentials, auth_required=True)
    controller = _Controller(
        handler, hostname="127.0.0.1", port=free_port(), ssl_context=implicit_tls, **options
    )
    controller.start()
    try:
        yield controller.port
    finally:
        controller.hang_up()
        controller.stop()


class _Controller(Controller):
    """A Controller that can hang up on clients still connected when it stops (a client
    that has its answer says QUIT in the background, or was killed before saying it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sessions: weakref.WeakSet[SMTP] = weakref.WeakSet()

    def factory(self) -> SMTP:
        session = super().factory()
        self.sessions.add(session)
        return session

    def hang_up(self) -> None:
        async def close() -> None:
            for session in list(self.sessions):
                if session.transport is not None:
                    session.transport.abort()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=10)
