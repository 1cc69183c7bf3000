"""Dated addresses and hard bounces: compose says so, the platform does not send blindly.

Research keeps confirming addresses, so the two cases are fixed by an overrides file
(tests/conftest.py: DATED_OVERRIDES)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from app.delivery.address_health import record_bounce
from app.services import Services
from app.settings import Settings
from tests.send_fixtures import BERN, Harness, harness_for, send_body

COPENHAGEN = {"city": "Copenhagen", "country": "DK"}
BUJUMBURA = {"city": "Bujumbura", "country": "BI"}
@pytest.fixture
async def harness(dated_services: Services, send_settings: Settings) -> AsyncIterator[Harness]:
    async with harness_for(dated_services, send_settings) as running:
        yield running


def _warning(letter: dict[str, Any], code: str) -> str:
    found = [w["message"] for w in letter["warnings"] if w["code"] == code]
    assert found, (code, letter["warnings"])
    return found[0]


async def _compose(harness: Harness, sender: dict[str, str]) -> dict[str, Any]:
    body = send_body(sender=sender)
    del body["consent"], body["sender"]["email"]
    answer = await harness.client.post("/v1/letters/compose", json=body)
    assert answer.status_code == 200, answer.text
    letter: dict[str, Any] = answer.json()
    return letter


async def test_a_dated_address_is_served_with_a_warning_and_not_sent_by_the_platform(
    harness: Harness,
) -> None:
    letter = await _compose(harness, COPENHAGEN)
    assert letter["to"] == ["embrus@mail.dk"] and letter["links"]["mailto"]
    assert letter["embassy"]["email_dates"]["embrus@mail.dk"] == "2015-03"
    message = _warning(letter, "email_dated")
    assert "foreign ministry" in message and "2015" in message
    assert "may no longer work" in message and "print the letter" in message
    assert letter["embassy"]["website"] in message
    assert letter["send_by_platform"] == {"possible": False, "reason": "email_dated"}

    answer = await harness.client.post("/v1/letters", json=send_body(sender=COPENHAGEN))
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "/problems/email-dated"
    assert problem["errors"][0]["field"] == "embassy_id"
    assert "2015" in problem["detail"]
    assert await harness.deliver() == 0 and harness.provider.sent == []


async def test_a_dated_address_on_the_ministry_domain_is_sent_to(harness: Harness) -> None:
    letter = await _compose(harness, BUJUMBURA)
    assert letter["to"] == ["ambrusburundi@mid.ru"]
    assert "may no longer work" in _warning(letter, "email_dated")
    assert letter["send_by_platform"] == {"possible": True, "reason": None}
    answer = await harness.client.post("/v1/letters", json=send_body(sender=BUJUMBURA))
    assert answer.status_code == 202, answer.text


async def test_the_setting_lets_the_platform_send_to_dated_addresses(
    dated_services: Services, send_settings: Settings,
) -> None:
    allowed = send_settings.model_copy(update={"send_to_dated_emails": True})
    async with harness_for(dated_services, allowed) as running:
        letter = await _compose(running, COPENHAGEN)
        assert letter["send_by_platform"]["possible"] is True
        assert "may no longer work" in _warning(letter, "email_dated")
        answer = await running.client.post("/v1/letters", json=send_body(sender=COPENHAGEN))
        assert answer.status_code == 202, answer.text


async def test_a_hard_bounced_address_is_no_longer_chosen_nor_sent_to(harness: Harness) -> None:
    assert (await _compose(harness, {}))["to"] == [BERN]
    async with harness.resources.database.begin() as session:
        await record_bounce(session, BERN, "ch-bern-embassy", "550 5.1.1 unknown user",
                            datetime.now(UTC))
    answer = await harness.client.post("/v1/letters", json=send_body())
    assert answer.status_code == 422
    assert answer.json()["type"] == "/problems/email-bounced"
    await harness.resources.bounced.refresh(harness.resources.database)  # compose's copy
    letter = await _compose(harness, {})
    assert letter["to"] == [] and letter["links"]["mailto"] is None
    assert BERN in _warning(letter, "email_bounced")
    assert letter["send_by_platform"] == {"possible": False, "reason": "email_bounced"}
    assert {"pdf", "post", "website"} <= {w["kind"] for w in letter["other_ways"]}
    assert await harness.deliver() == 0


async def test_with_more_years_the_2015_address_is_not_dated(
    dated_services: Services, send_settings: Settings,
) -> None:
    longer = send_settings.model_copy(update={"email_dated_after_years": 50})
    async with harness_for(dated_services, longer) as running:
        letter = await _compose(running, COPENHAGEN)
        assert not [w for w in letter["warnings"] if w["code"] == "email_dated"]
        assert letter["send_by_platform"]["possible"] is True


async def test_a_letter_queued_before_the_bounce_is_not_sent_there(harness: Harness) -> None:
    letter_id = await harness.confirmed_letter()  # queued for Bern
    async with harness.resources.database.begin() as session:
        await record_bounce(session, BERN, "ch-bern-embassy", "550 5.1.1 unknown user",
                            datetime.now(UTC))
    await harness.deliver()
    assert harness.provider.to(BERN) == []
    status = (await harness.client.get(f"/v1/letters/{letter_id}")).json()
    assert status["status"] == "failed"
    notice = harness.provider.sent[-1]  # the person hears of it, with the other ways in
    assert [a.email for a in notice.to] == [send_body()["sender"]["email"]]
