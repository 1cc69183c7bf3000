"""POST /v1/webhooks/{provider}: signed events move letters on; a bounce counts against
the embassy address and tells the person. Postmark's webhook (Basic auth) stands in."""

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from app.db.models import LetterRow
from app.delivery.cli import bounce_report
from app.delivery.providers.sns import SnsCertificates
from app.services import Services
from app.settings import Settings
from tests.fakes.sns import TOPIC, SnsSigner, ToLoopback, certificate_server, notification
from tests.send_fixtures import BERN, PERSON, Harness, harness_for

SIGNER = SnsSigner.new()

AUTH = {"Authorization": "Basic " + base64.b64encode(b"hooks:s3cret-pass").decode()}


@pytest.fixture
def hook_settings(send_settings: Settings) -> Settings:
    return send_settings.model_copy(
        update={
            "postmark_webhook_username": "hooks",
            "postmark_webhook_password": SecretStr("s3cret-pass"),
        }
    )


@pytest.fixture
async def sent(services: Services, hook_settings: Settings) -> AsyncIterator[Harness]:
    """One letter confirmed and sent."""
    async with harness_for(services, hook_settings) as harness:
        await harness.confirmed_letter()
        await harness.deliver()
        assert len(harness.provider.to(BERN)) == 1
        yield harness


async def letter(harness: Harness) -> LetterRow:
    async with harness.resources.database.begin() as session:
        return (await session.execute(select(LetterRow))).scalar_one()


def bounce(message_id: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "Email": BERN,
        "MessageID": message_id,
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "BouncedAt": "2026-12-01T10:00:00Z",
        **extra,
    }


async def test_a_delivery_event_marks_the_letter_delivered(sent: Harness) -> None:
    row = await letter(sent)
    answer = await sent.client.post(
        "/v1/webhooks/postmark",
        headers=AUTH,
        json={
            "RecordType": "Delivery",
            "MessageID": row.provider_message_id,
            "Recipient": BERN,
            "DeliveredAt": "2026-12-01T10:00:00Z",
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"events": 1, "matched": 1}
    status = (await sent.client.get(f"/v1/letters/{row.id}")).json()
    assert status["status"] == "delivered"


async def test_a_bounce_counts_against_the_address_and_tells_the_person(
    sent: Harness, hook_settings: Settings
) -> None:
    row = await letter(sent)
    answer = await sent.client.post(
        "/v1/webhooks/postmark", headers=AUTH, json=bounce(row.provider_message_id)
    )
    assert answer.json()["matched"] == 1
    status = (await sent.client.get(f"/v1/letters/{row.id}")).json()
    assert status["status"] == "bounced"
    assert status["reason"].startswith("HardBounce")
    assert await sent.deliver() == 1
    (notice,) = sent.provider.to(PERSON)[-1:]
    assert "did not arrive" in notice.subject and "Jane Doe" in notice.text
    link = f"/v1/letters/{row.id}/pdf?token="
    assert f"A printable letter to post: https://letters.example{link}" in notice.text
    token = notice.text.split(link)[1].split()[0]
    pdf = await sent.client.get(link + token)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The CLI's adapter runs its own event loop, as `embassies check` does.
    report = await asyncio.to_thread(bounce_report, hook_settings)
    assert report[0].endswith("1 addresses")
    assert f"{BERN} (ch-bern-embassy): 1 bounces" in report[1]


async def test_a_bounce_found_by_our_reference_alone(sent: Harness) -> None:
    row = await letter(sent)
    event = bounce("unknown-id", Metadata={"reference": row.reference})
    assert (await sent.client.post("/v1/webhooks/postmark", headers=AUTH, json=event)).json()[
        "matched"
    ] == 1
    assert (await letter(sent)).status == "bounced"


async def test_a_later_bounce_overrides_delivered_but_not_the_other_way(sent: Harness) -> None:
    row = await letter(sent)
    delivered = {
        "RecordType": "Delivery",
        "MessageID": row.provider_message_id,
        "Recipient": BERN,
        "DeliveredAt": "2026-12-01T10:00:00Z",
    }
    await sent.client.post("/v1/webhooks/postmark", headers=AUTH, json=delivered)
    await sent.client.post(
        "/v1/webhooks/postmark", headers=AUTH, json=bounce(row.provider_message_id)
    )
    await sent.client.post("/v1/webhooks/postmark", headers=AUTH, json=delivered)
    assert (await letter(sent)).status == "bounced"


async def test_a_wrong_signature_is_401_and_changes_nothing(sent: Harness) -> None:
    row = await letter(sent)
    wrong = {"Authorization": "Basic " + base64.b64encode(b"hooks:guess").decode()}
    answer = await sent.client.post(
        "/v1/webhooks/postmark", headers=wrong, json=bounce(row.provider_message_id)
    )
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    unsigned = await sent.client.post("/v1/webhooks/postmark", json=bounce(row.provider_message_id))
    assert unsigned.status_code == 401
    assert (await letter(sent)).status == "sent"


@pytest.fixture
async def ses_sent(services: Services, send_settings: Settings) -> AsyncIterator[Harness]:
    """One letter sent, SES events taken from our topic, SNS's certificate served over
    loopback HTTP."""
    settings = send_settings.model_copy(update={"ses_sns_topic_arns": (TOPIC,)})
    with certificate_server(SIGNER) as server:
        async with harness_for(services, settings) as harness, \
                httpx.AsyncClient(transport=ToLoopback(server.url)) as http:
            harness.app.state.resources = replace(
                harness.resources, certificates=SnsCertificates(http))
            await harness.confirmed_letter()
            await harness.deliver()
            yield harness


def ses_bounce(message_id: str | None) -> dict[str, Any]:
    return notification(json.dumps({
        "notificationType": "Bounce",
        "mail": {"messageId": message_id},
        "bounce": {"bounceType": "Permanent", "bounceSubType": "General",
                   "timestamp": "2026-12-01T10:00:00.000Z",
                   "bouncedRecipients": [{"emailAddress": BERN, "diagnosticCode": "550"}]},
    }))


async def test_a_signed_ses_bounce_from_our_topic_bounces_the_letter(ses_sent: Harness) -> None:
    row = await letter(ses_sent)
    answer = await ses_sent.client.post(
        "/v1/webhooks/ses", json=SIGNER.sign(ses_bounce(row.provider_message_id)))
    assert answer.json() == {"events": 1, "matched": 1}
    assert (await ses_sent.client.get(f"/v1/letters/{row.id}")).json()["status"] == "bounced"


async def test_an_ses_bounce_signed_by_another_key_is_401_and_changes_nothing(
    ses_sent: Harness,
) -> None:
    row = await letter(ses_sent)
    forged = SnsSigner.new().sign(ses_bounce(row.provider_message_id))
    answer = await ses_sent.client.post("/v1/webhooks/ses", json=forged)
    assert answer.status_code == 401, answer.text
    assert (await ses_sent.client.get(f"/v1/letters/{row.id}")).json()["status"] == "sent"


async def test_an_unknown_provider_is_404(sent: Harness) -> None:
    answer = await sent.client.post("/v1/webhooks/pigeon", json={})
    assert answer.status_code == 404
    assert (await sent.client.post("/v1/webhooks/smtp", json={})).status_code == 404
