"""Choosing the adapter from the settings, and routing webhooks by provider name."""

from pathlib import Path

import httpx
import pytest

from app.delivery.console import ConsoleProvider
from app.delivery.provider import InvalidSignature, ProviderNotConfigured, WebhookRequest
from app.delivery.providers.sns import SnsCertificates
from app.delivery.registry import (
    UnknownProvider,
    make_provider,
    read_webhook,
    webhook_providers,
)
from app.delivery.smtp import SmtpProvider
from app.settings import Settings
from tests.fakes.provider_servers import PostmarkServer

from .factory import letter


async def test_console_is_the_default(tmp_path: Path) -> None:
    async with httpx.AsyncClient() as http:
        provider = make_provider(Settings(console_outbox=tmp_path), http)
    assert isinstance(provider, ConsoleProvider)
    assert provider.outbox == tmp_path


async def test_smtp_takes_its_settings() -> None:
    settings = Settings(
        email_provider="smtp",
        smtp_host="127.0.0.1",
        smtp_port=2525,
        smtp_tls="starttls",
        smtp_username="relay",
        smtp_password="pw",
        smtp_timeout=3.0,
        smtp_max_unanswered=5,
    )
    async with httpx.AsyncClient() as http:
        provider = make_provider(settings, http)
    assert isinstance(provider, SmtpProvider)
    assert provider.config.port == 2525 and provider.config.tls == "starttls"
    assert provider.config.password == "pw" and provider.config.timeout == 3.0
    assert provider.config.unanswered == 5


async def test_webhook_for_a_name_that_is_not_ours(http: httpx.AsyncClient) -> None:
    request = WebhookRequest.of({"Content-Type": "application/json"}, {}, b"[]")
    with pytest.raises(UnknownProvider):
        await read_webhook("acme-mail", Settings(), request, SnsCertificates(http))
    with pytest.raises(UnknownProvider):
        await read_webhook("console", Settings(), request, SnsCertificates(http))


def test_webhook_request_lowercases_header_names() -> None:
    request = WebhookRequest.of({"Svix-Id": "msg_1"}, {"secret": "s"}, b"{}")
    assert request.headers == {"svix-id": "msg_1"}
    assert request.header("SVIX-ID") == "msg_1"


CONFIGURED = {
    "postmark": {"postmark_server_token": "pm"},
    "sendgrid": {"sendgrid_api_key": "SG.x"},
    "mailgun": {"mailgun_api_key": "key", "mailgun_domain": "mg.platform.example"},
    "ses": {"ses_access_key_id": "AKID", "ses_secret_access_key": "secret"},
    "resend": {"resend_api_key": "re_x"},
}


@pytest.mark.parametrize("name", sorted(CONFIGURED))
async def test_http_providers_need_their_credentials(name: str) -> None:
    async with httpx.AsyncClient() as http:
        provider = make_provider(Settings(email_provider=name, **CONFIGURED[name]), http)
        assert provider.name == name
        with pytest.raises(ProviderNotConfigured):
            make_provider(Settings(email_provider=name), http)


async def test_made_provider_sends_through_the_shared_client(http: httpx.AsyncClient) -> None:
    with PostmarkServer(token="pm") as fake:
        settings = Settings(
            email_provider="postmark", postmark_server_token="pm", postmark_base_url=fake.url
        )
        accepted = await make_provider(settings, http).send(letter())
    assert accepted.provider_message_id == fake.last_message_id


@pytest.mark.parametrize("name", sorted(CONFIGURED))
async def test_every_http_provider_refuses_unsigned_webhooks_by_default(
    name: str, http: httpx.AsyncClient
) -> None:
    request = WebhookRequest.of({"Content-Type": "application/json"}, {}, b"{}")
    with pytest.raises(InvalidSignature):
        await read_webhook(name, Settings(), request, SnsCertificates(http))
    assert name in webhook_providers()
