"""Each HTTP provider paired with its fake server, for the tests every adapter must pass."""

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from app.delivery.provider import Provider
from app.delivery.providers.mailgun import MailgunConfig, MailgunProvider
from app.delivery.providers.postmark import PostmarkConfig, PostmarkProvider
from app.delivery.providers.resend import ResendConfig, ResendProvider
from app.delivery.providers.sendgrid import SendGridConfig, SendGridProvider
from app.delivery.providers.ses import SesConfig, SesProvider
from app.delivery.providers.sigv4 import AwsCredentials
from tests.fakes.provider_servers import (
    FakeProvider,
    MailgunServer,
    PostmarkServer,
    ResendServer,
    SendGridServer,
    SesServer,
)

TIMEOUT = 10.0  # generous: a loaded CI machine can take a while even on loopback
SLOW_TIMEOUT = 1.0  # for the hang case only; the fake hangs far longer (slow_seconds)


@dataclass(frozen=True)
class Kind:
    name: str
    fake: Callable[[], FakeProvider]
    # (fake, client, right credentials?) -> adapter pointed at the fake
    adapter: Callable[[FakeProvider, httpx.AsyncClient, bool, float], Provider]


def _postmark(
    fake: FakeProvider, http: httpx.AsyncClient, good: bool, timeout: float = TIMEOUT
) -> Provider:
    assert isinstance(fake, PostmarkServer)
    token = fake.token if good else "wrong"
    return PostmarkProvider(PostmarkConfig(token, fake.url, timeout), http)


def _sendgrid(
    fake: FakeProvider, http: httpx.AsyncClient, good: bool, timeout: float = TIMEOUT
) -> Provider:
    assert isinstance(fake, SendGridServer)
    key = fake.api_key if good else "SG.wrong"
    return SendGridProvider(SendGridConfig(key, fake.url, timeout), http)


def _mailgun(
    fake: FakeProvider, http: httpx.AsyncClient, good: bool, timeout: float = TIMEOUT
) -> Provider:
    assert isinstance(fake, MailgunServer)
    key = fake.api_key if good else "key-wrong"
    return MailgunProvider(MailgunConfig(key, fake.domain, fake.url, timeout), http)


def _ses(
    fake: FakeProvider, http: httpx.AsyncClient, good: bool, timeout: float = TIMEOUT
) -> Provider:
    assert isinstance(fake, SesServer)
    real = fake.credentials
    secret = real.secret_access_key if good else "not/the/secret"
    credentials = AwsCredentials(real.access_key_id, secret, real.region, "ses")
    return SesProvider(SesConfig(credentials, fake.url, timeout, "letters"), http)


def _resend(
    fake: FakeProvider, http: httpx.AsyncClient, good: bool, timeout: float = TIMEOUT
) -> Provider:
    assert isinstance(fake, ResendServer)
    key = fake.api_key if good else "re_wrong"
    return ResendProvider(ResendConfig(key, fake.url, timeout), http)


KINDS = [
    Kind("postmark", PostmarkServer, _postmark),
    Kind("sendgrid", SendGridServer, _sendgrid),
    Kind("mailgun", MailgunServer, _mailgun),
    Kind("ses", SesServer, _ses),
    Kind("resend", ResendServer, _resend),
]
