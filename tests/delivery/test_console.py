"""The console provider: one whole .eml file per message, and a log line with no person in it."""

from email import message_from_bytes, policy
from pathlib import Path

import pytest
import structlog

from app.delivery.console import ConsoleProvider, file_stem
from app.delivery.provider import TransientSendError

from .factory import EMBASSY, PERSON, letter


async def test_writes_one_eml_named_after_the_message_id(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    accepted = await ConsoleProvider(outbox).send(letter())
    assert accepted.provider_message_id == "<0f3a9c.letter@platform.example>"
    (written,) = outbox.iterdir()
    assert written.name == "0f3a9c.letter_platform.example.eml"
    parsed = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Обращение в защиту политзаключённого"
    assert parsed["To"].addresses[0].addr_spec == EMBASSY.email


async def test_leaves_no_temporary_files(tmp_path: Path) -> None:
    provider = ConsoleProvider(tmp_path)
    await provider.send(letter())
    await provider.send(letter(message_id="<second@platform.example>"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "0f3a9c.letter_platform.example.eml",
        "second_platform.example.eml",
    ]


async def test_log_line_carries_no_personal_data(tmp_path: Path) -> None:
    with structlog.testing.capture_logs() as logs:
        await ConsoleProvider(tmp_path).send(letter())
    (line,) = logs
    assert line["message_id"] == "<0f3a9c.letter@platform.example>"
    assert line["recipient_domains"] == 1
    text = repr(line)
    for secret in (PERSON.email, EMBASSY.email, "Иван", "заключённого", "mail.example"):
        assert secret not in text


async def test_unwritable_outbox_is_transient(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the outbox should be")
    with pytest.raises(TransientSendError, match="outbox not writable"):
        await ConsoleProvider(blocker / "outbox").send(letter())


def test_file_stem_keeps_names_safe() -> None:
    assert file_stem("<../../etc/passwd@x>") == ".._.._etc_passwd_x"
    assert "/" not in file_stem("<a/b@c>")
