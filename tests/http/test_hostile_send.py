"""Hostile input on the send flow over HTTP: guessed and replayed tokens, guessed letter
ids, webhooks with bad signatures, CORS from strangers. Each refused, problem+json."""

import secrets
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from app.delivery.registry import webhook_providers
from app.services import Services
from app.settings import Settings
from tests.send_fixtures import BERN, Harness, harness_for, send_body

PROBLEM = "application/problem+json"


def problem(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    body: dict[str, Any] = answer.json()
    assert body["status"] == status
    return body


async def test_a_guessed_token_confirms_nothing(harness: Harness) -> None:
    await harness.client.post("/v1/letters", json=send_body())
    guess = secrets.token_urlsafe(32)
    problem(await harness.client.post("/v1/letters/confirm", json={"token": guess}), 404)
    page = await harness.client.get("/v1/letters/confirm", params={"token": guess})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    await harness.deliver()
    assert harness.provider.to(BERN) == []


async def test_a_replayed_token_sends_nothing_more(harness: Harness) -> None:
    await harness.client.post("/v1/letters", json=send_body())
    await harness.deliver()
    token = harness.token(harness.provider.sent[-1])
    assert (await harness.client.post("/v1/letters/confirm", json={"token": token})).is_success
    problem(await harness.client.post("/v1/letters/confirm", json={"token": token}), 404)
    replayed = await harness.client.get("/v1/letters/confirm", params={"token": token})
    assert replayed.status_code == 404
    await harness.deliver()
    assert len(harness.provider.to(BERN)) == 1


@pytest.mark.parametrize("token", ["", "x" * 201, "../../etc/passwd", "' OR 1=1 --"])
async def test_malformed_tokens_are_refused(harness: Harness, token: str) -> None:
    answer = await harness.client.post("/v1/letters/confirm", json={"token": token})
    assert answer.status_code in (404, 422), answer.text
    problem(answer, answer.status_code)


async def test_a_guessed_letter_id_reveals_and_erases_nothing(harness: Harness) -> None:
    created = (await harness.client.post("/v1/letters", json=send_body())).json()
    guess = secrets.token_urlsafe(16)
    problem(await harness.client.get(f"/v1/letters/{guess}"), 404)
    problem(await harness.client.delete(f"/v1/letters/{guess}"), 404)
    still = await harness.client.get(f"/v1/letters/{created['id']}")
    assert still.json()["status"] == "awaiting_confirmation"


@pytest.fixture
async def signed_webhooks(services: Services, send_settings: Settings) -> Any:
    """Every provider's webhook secret set: only a wrong signature can be the reason."""
    settings = send_settings.model_copy(
        update={
            "postmark_webhook_username": "hook",
            "postmark_webhook_password": SecretStr("right-password"),
            "mailgun_webhook_signing_key": SecretStr("right-key"),
            "ses_webhook_secret": SecretStr("right-secret"),
            "resend_webhook_secret": SecretStr("whsec_" + "A" * 32),
            "sendgrid_webhook_public_key": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" + "A" * 86 + "==",
        }
    )
    async with harness_for(services, settings) as running:
        yield running


@pytest.mark.parametrize("provider", sorted(webhook_providers()))
async def test_a_webhook_with_a_bad_signature_is_401_and_changes_nothing(
    signed_webhooks: Harness, provider: str
) -> None:
    client = signed_webhooks.client
    created = (await client.post("/v1/letters", json=send_body())).json()
    forged = {"RecordType": "Delivery", "event": "delivered", "MessageID": created["id"]}
    headers = {
        "authorization": "Basic aG9vazp3cm9uZw==",  # hook:wrong
        "svix-id": "msg_1",
        "svix-timestamp": "1700000000",
        "svix-signature": "v1,Zm9yZ2Vk",
        "x-twilio-email-event-webhook-signature": "Zm9yZ2Vk",
        "x-twilio-email-event-webhook-timestamp": "1700000000",
        "x-amz-sns-message-type": "Notification",
    }
    answer = await client.post(
        f"/v1/webhooks/{provider}", json=forged, headers=headers, params={"secret": "wrong"}
    )
    problem(answer, 401)
    status = (await client.get(f"/v1/letters/{created['id']}")).json()
    assert status["status"] == "awaiting_confirmation"


async def test_a_webhook_for_an_unknown_provider_is_404(harness: Harness) -> None:
    problem(await harness.client.post("/v1/webhooks/evil", json={}), 404)


async def test_a_stranger_origin_gets_no_cors(harness: Harness) -> None:
    stranger = {"Origin": "https://stranger.example"}
    simple = await harness.client.get("/v1/campaigns", headers=stranger)
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers
    preflight = await harness.client.options(
        "/v1/letters/compose",
        headers=stranger | {"Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 403
    assert "access-control-allow-origin" not in preflight.headers
