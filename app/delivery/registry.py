"""Which adapter `LETTERS_EMAIL_PROVIDER` names, and which parser reads a provider's webhook."""

from collections.abc import Awaitable, Callable

import httpx

from app.delivery.console import ConsoleProvider
from app.delivery.provider import (
    DeliveryEvent,
    Provider,
    WebhookRequest,
)
from app.delivery.providers import mailgun, postmark, resend, sendgrid, ses
from app.delivery.providers.sns import SnsCertificates
from app.settings import Settings

ProviderFactory = Callable[[Settings, httpx.AsyncClient], Provider]
WebhookParser = Callable[[Settings, WebhookRequest], list[DeliveryEvent]]
FetchedKeyCheck = Callable[[WebhookRequest, SnsCertificates], Awaitable[None]]


class UnknownProvider(Exception):
    """A provider name that is not one of ours (or one that has no webhooks)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown e-mail provider: {name[:40]!r}")
        self.provider_name = name


def make_provider(settings: Settings, http: httpx.AsyncClient) -> Provider:
    """The adapter for `settings.email_provider`, sharing the app's pooled HTTP client."""
    factory = _FACTORIES.get(settings.email_provider)
    if factory is None:
        raise UnknownProvider(settings.email_provider)
    return factory(settings, http)


async def read_webhook(
    provider_name: str, settings: Settings, request: WebhookRequest,
    certificates: SnsCertificates,
) -> list[DeliveryEvent]:
    """The events in one webhook call; InvalidSignature unless it verifies. SES's signature
    is checked against a certificate fetched once (`certificates`), after the cheap checks."""
    parser = _WEBHOOKS.get(provider_name)
    if parser is None:
        raise UnknownProvider(provider_name)
    events = parser(settings, request)
    fetched = _FETCHED_KEY_CHECKS.get(provider_name)
    if fetched is not None:
        await fetched(request, certificates)
    return events


def webhook_providers() -> frozenset[str]:
    """The names `POST /v1/webhooks/{provider}` accepts."""
    return frozenset(_WEBHOOKS)


def _console(settings: Settings, http: httpx.AsyncClient) -> Provider:
    return ConsoleProvider(settings.console_outbox)


def _smtp(settings: Settings, http: httpx.AsyncClient) -> Provider:
    # Imported here: only a server that sends by SMTP holds aiosmtplib (~1 MiB resident).
    from app.delivery.smtp import SmtpConfig, SmtpProvider

    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    config = SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        tls=settings.smtp_tls,
        username=settings.smtp_username,
        password=password,
        timeout=settings.smtp_timeout,
        unanswered=settings.smtp_max_unanswered,
    )
    return SmtpProvider(config)


_HTTP_PROVIDERS = {
    "postmark": postmark,
    "sendgrid": sendgrid,
    "mailgun": mailgun,
    "ses": ses,
    "resend": resend,
}
_FACTORIES: dict[str, ProviderFactory] = {
    "console": _console,
    "smtp": _smtp,
    **{name: module.make for name, module in _HTTP_PROVIDERS.items()},
}
# console and smtp have no webhooks: a bounce reaches them as mail, not as an HTTP call.
_WEBHOOKS: dict[str, WebhookParser] = {
    name: module.parse_webhook for name, module in _HTTP_PROVIDERS.items()
}
# Signatures checked against a key fetched from the provider (after the parser's cheap checks).
_FETCHED_KEY_CHECKS: dict[str, FetchedKeyCheck] = {ses.NAME: ses.verify_signature}
