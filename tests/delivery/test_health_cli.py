"""`python -m app embassies health [--clear ADDRESS]`: an operator lists the addresses that
bounced and puts one back in use, on both databases, without touching the database."""

import asyncio
from datetime import UTC, datetime

import pytest

from app.__main__ import main
from app.delivery.address_health import record_bounce
from tests.send_fixtures import BERN, Harness, send_body


@pytest.fixture(autouse=True)
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LETTERS_DATABASE_URL", database_url)  # the app's own database


async def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    # Its own event loop, as from a shell: the test's loop is running.
    code = await asyncio.to_thread(main, ["embassies", "health", *argv])
    out, err = capsys.readouterr()
    return code, out, err


async def test_a_cleared_address_is_sent_to_again(
    harness: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    async with harness.resources.database.begin() as session:
        await record_bounce(session, BERN, "ch-bern-embassy", "550 5.1.1 unknown user",
                            datetime(2026, 11, 30, tzinfo=UTC))
        await record_bounce(session, "old@embassy.example", "xx-old-embassy", None,
                            datetime(2026, 11, 29, tzinfo=UTC))
    refused = await harness.client.post("/v1/letters", json=send_body())
    assert refused.json()["type"] == "/problems/email-bounced"

    code, out, _ = await cli(capsys)
    assert code == 0
    assert "2 addresses" in out
    assert f"{BERN} (ch-bern-embassy): 1 bounces, last 2026-11-30: 550 5.1.1 unknown user" in out

    code, out, _ = await cli(capsys, "--clear", f"  {BERN.upper()} ")
    assert code == 0 and out.startswith(f"cleared: {BERN} (ch-bern-embassy): 1 bounces")
    code, out, _ = await cli(capsys)
    assert "1 addresses" in out and BERN not in out and "old@embassy.example" in out
    again = await harness.client.post("/v1/letters", json=send_body())
    assert again.status_code == 202, again.text


async def test_an_address_with_no_bounce_is_an_error_and_nothing_is_cleared(
    harness: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    async with harness.resources.database.begin() as session:
        await record_bounce(session, BERN, "ch-bern-embassy", None, datetime.now(UTC))
    code, out, err = await cli(capsys, "--clear", BERN, "--clear", "typo@embassy.example")
    assert code == 2 and out == ""
    assert "No bounce is recorded for typo@embassy.example" in err
    code, out, _ = await cli(capsys)
    assert BERN in out  # all or none: the good address was not cleared either


def test_the_help_says_what_clearing_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["embassies", "health", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--clear ADDRESS" in out and "never chosen" in out
