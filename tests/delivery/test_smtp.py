"""The SMTP adapter against a real aiosmtpd relay on loopback."""

import asyncio
import socket
import ssl
import threading
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any, Literal

import pytest

from app.delivery.provider import PermanentSendError, TransientSendError
from app.delivery.smtp import SmtpConfig, SmtpProvider, classify_reply
from tests.fakes.smtp_relay import Credentials, RelayHandler, free_port, running_relay
from tests.fakes.tls import LoopbackCert, self_signed

from .factory import EMBASSY, PERSON, letter


@pytest.fixture(scope="module")
def cert() -> LoopbackCert:
    return self_signed()


@pytest.fixture
def relay() -> RelayHandler:
    return RelayHandler()


@pytest.fixture
def plain_port(relay: RelayHandler) -> Iterator[int]:
    with running_relay(relay) as port:
        yield port


OPENED: list[SmtpProvider] = []


@pytest.fixture(autouse=True)
async def closed_after() -> AsyncIterator[None]:
    """Every provider a test made says its QUITs before the test's event loop ends."""
    yield
    while OPENED:
        await OPENED.pop().aclose()


def provider(
    port: int,
    tls: Literal["none", "starttls", "tls"] = "none",
    username: str | None = None,
    password: str | None = None,
    tls_context: ssl.SSLContext | None = None,
    unanswered: int = 2,
) -> SmtpProvider:
    config = SmtpConfig("127.0.0.1", port, tls, username, password, timeout=5.0,
                        unanswered=unanswered)
    OPENED.append(SmtpProvider(config, tls_context=tls_context))
    return OPENED[-1]


async def test_send_returns_at_the_relays_acceptance_and_quits_afterwards(
    relay: RelayHandler, plain_port: int
) -> None:
    """The acceptance is recorded without waiting for QUIT's answer (the duplicate window);
    the QUIT still goes, and aclose waits for it."""
    smtp = provider(plain_port)
    await smtp.send(letter())
    assert len(relay.messages) == 1 and len(smtp.closing) == 1
    await smtp.aclose()
    assert relay.quits == 1 and not smtp.closing


async def test_plain_relay_gets_the_message_and_our_id_comes_back(
    relay: RelayHandler, plain_port: int
) -> None:
    accepted = await provider(plain_port).send(letter())
    assert accepted.provider_message_id == "<0f3a9c.letter@platform.example>"
    (got,) = relay.messages
    assert got.mail_from == "letters@platform.example"
    assert got.rcpt_tos == (EMBASSY.email, PERSON.email)
    parsed = message_from_bytes(got.content, policy=policy.default)
    assert parsed["Message-ID"] == "<0f3a9c.letter@platform.example>"
    assert parsed["Subject"] == "Обращение в защиту политзаключённого"
    assert not got.tls


async def test_an_end_of_data_waits_while_another_awaits_its_answer(
    relay: RelayHandler, plain_port: int
) -> None:
    """With one place, a message's final dot goes only once the relay has answered the one
    before: a crash meanwhile could send one message twice, not all three. The rest of each
    conversation (up to its body) does not wait."""
    relay.hold = threading.Event()
    smtp = provider(plain_port, unanswered=1)
    sends = [asyncio.create_task(smtp.send(letter(message_id=f"<{i}.letter@platform.example>")))
             for i in range(3)]
    try:
        await relay.enveloped_sessions(3)  # every conversation past RCPT
        await relay.arrived(1)
        await asyncio.sleep(0.5)  # room for the others' dots, were they not held back
        assert len(relay.messages) == 1
    finally:
        relay.hold.set()
    await asyncio.gather(*sends)
    assert len({m.parsed()["Message-ID"] for m in relay.messages}) == 3


async def test_lines_that_begin_with_a_period_arrive_as_written(
    relay: RelayHandler, plain_port: int
) -> None:
    """The body goes apart from its final dot, transparent as RFC 5321 §4.5.2 says: a line
    that is only a period does not end the message early, and none loses its period."""
    text = "First line\n.\n..two\n.leading\nlast\n"
    await provider(plain_port).send(letter(text=text, html=None))
    (got,) = relay.messages
    body = got.parsed().get_body(("plain",))
    assert body is not None and body.get_content().replace("\r\n", "\n") == text


async def test_starttls_with_auth(cert: LoopbackCert, tmp_path: Path, relay: RelayHandler) -> None:
    server = cert.server_context(tmp_path)
    with running_relay(relay, starttls=server, credentials=Credentials("relay", "s3cret")) as port:
        smtp = provider(
            port,
            tls="starttls",
            username="relay",
            password="s3cret",
            tls_context=cert.client_context(),
        )
        await smtp.send(letter())
    (got,) = relay.messages
    assert got.tls and got.authenticated_as == "relay"


async def test_wrong_password_is_permanent(
    cert: LoopbackCert, tmp_path: Path, relay: RelayHandler
) -> None:
    server = cert.server_context(tmp_path)
    with running_relay(relay, starttls=server, credentials=Credentials("relay", "s3cret")) as port:
        smtp = provider(
            port,
            tls="starttls",
            username="relay",
            password="wrong",
            tls_context=cert.client_context(),
        )
        with pytest.raises(PermanentSendError, match="smtp 535"):
            await smtp.send(letter())
    assert relay.messages == []


async def test_implicit_tls(cert: LoopbackCert, tmp_path: Path, relay: RelayHandler) -> None:
    with running_relay(relay, implicit_tls=cert.server_context(tmp_path)) as port:
        await provider(port, tls="tls", tls_context=cert.client_context()).send(letter())
    (got,) = relay.messages
    assert got.rcpt_tos == (EMBASSY.email, PERSON.email)


async def test_untrusted_certificate_is_not_accepted(
    cert: LoopbackCert, tmp_path: Path, relay: RelayHandler
) -> None:
    # The default context trusts the system CAs only, not the test's self-signed cert.
    with (
        running_relay(relay, implicit_tls=cert.server_context(tmp_path)) as port,
        pytest.raises(TransientSendError, match="smtp connection"),
    ):
        await provider(port, tls="tls", tls_context=ssl.create_default_context()).send(letter())
    assert relay.messages == []


async def test_starttls_required_but_relay_offers_none(plain_port: int) -> None:
    with pytest.raises(TransientSendError):
        await provider(plain_port, tls="starttls").send(letter())


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ("421 4.7.0 Try again later, closing connection", TransientSendError),
        ("451 4.3.0 Local error in processing", TransientSendError),
        ("550 5.7.1 Message rejected as spam", PermanentSendError),
    ],
)
async def test_data_replies_are_classified(
    relay: RelayHandler, plain_port: int, reply: str, error: type[Exception]
) -> None:
    relay.data_reply = reply
    with pytest.raises(error) as caught:
        await provider(plain_port).send(letter())
    assert str(caught.value).startswith(f"smtp {reply[:3]}")


async def test_refused_embassy_is_permanent_and_its_address_is_not_in_the_reason(
    relay: RelayHandler, plain_port: int
) -> None:
    relay.rcpt_replies[EMBASSY.email] = f"550 5.1.1 <{EMBASSY.email}>: Recipient address rejected"
    with pytest.raises(PermanentSendError) as caught:
        await provider(plain_port).send(letter(cc=()))
    assert "550" in caught.value.reason
    assert "@" not in caught.value.reason and "[address]" in caught.value.reason


async def test_refused_embassy_with_cc_accepted_still_fails(
    relay: RelayHandler, plain_port: int
) -> None:
    relay.rcpt_replies[EMBASSY.email] = "450 4.2.1 Mailbox is receiving mail too fast"
    with pytest.raises(TransientSendError, match="smtp 450"):
        await provider(plain_port).send(letter())


async def test_refused_cc_only_still_counts_as_sent(relay: RelayHandler, plain_port: int) -> None:
    relay.rcpt_replies[PERSON.email] = "550 5.1.1 no such user"
    await provider(plain_port).send(letter())
    (got,) = relay.messages
    assert got.rcpt_tos == (EMBASSY.email,)


async def test_nothing_listening_is_transient() -> None:
    with pytest.raises(TransientSendError, match="smtp connection"):
        await provider(free_port()).send(letter())


async def test_silent_server_times_out_as_transient() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        accepted: list[socket.socket] = []
        thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]))
        thread.start()
        smtp = SmtpProvider(SmtpConfig("127.0.0.1", listener.getsockname()[1], timeout=0.3))
        with pytest.raises(TransientSendError, match="smtp connection"):
            await smtp.send(letter())
        thread.join()
        for connection in accepted:
            connection.close()


def test_reply_classes_follow_rfc5321() -> None:
    assert isinstance(classify_reply(452, "4.3.1 insufficient storage"), TransientSendError)
    assert isinstance(classify_reply(554, "5.7.1 blocked"), PermanentSendError)
    assert classify_reply(550, "x" * 500).reason.endswith("…")


class SlowRelay(RelayHandler):
    """Answers RCPT and DATA after `pause` seconds each: every reply in time, not all."""

    pause = 0.25

    async def handle_RCPT(self, *args: Any) -> str:
        await asyncio.sleep(self.pause)
        return await super().handle_RCPT(*args)

    async def handle_DATA(self, *args: Any) -> str:
        await asyncio.sleep(self.pause)
        return await super().handle_DATA(*args)


async def test_the_timeout_bounds_the_whole_conversation() -> None:
    """LETTERS_SMTP_TIMEOUT is one deadline for the conversation, not one per reply."""
    relay = SlowRelay()
    with running_relay(relay) as port:
        smtp = SmtpProvider(SmtpConfig("127.0.0.1", port, timeout=0.4))
        OPENED.append(smtp)
        with pytest.raises(TransientSendError, match="smtp connection: TimeoutError"):
            await smtp.send(letter(cc=()))  # RCPT and DATA: 0.5 s of replies, each 0.25 s


async def test_no_reply_waits_through_wait_for(
    plain_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """asyncio.wait_for with a timeout (aiosmtplib's per-reply timeout) hands a reply over
    two turns of the event loop late; the relay's 250 to DATA is the duplicate window."""
    timed: list[float] = []
    wait_for = asyncio.wait_for

    async def spied(awaitable: Any, timeout: float | None) -> Any:
        if timeout is not None:
            timed.append(timeout)
        return await wait_for(awaitable, timeout)

    monkeypatch.setattr(asyncio, "wait_for", spied)
    await provider(plain_port).send(letter())
    assert timed == []


async def test_the_ehlo_name_is_looked_up_once(
    relay: RelayHandler, plain_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiosmtplib looks up the machine's name in a thread for every connection; the
    provider once, for all of them (the relay sees the same EHLO name)."""
    looked_up: list[str] = []
    real = socket.getfqdn

    def getfqdn(name: str = "") -> str:
        if threading.current_thread().name.startswith("asyncio"):  # not the relay's own
            looked_up.append(name)
        return real(name)

    monkeypatch.setattr(socket, "getfqdn", getfqdn)
    smtp = provider(plain_port)
    for _ in range(3):
        await smtp.send(letter())
    assert len(relay.messages) == 3 and len(looked_up) == 1
