"""Amazon SNS message signatures: the proof that a message to our SES webhook came from SNS.

SNS signs a fixed, ordered list of the message's fields with the key of a certificate it
serves from `SigningCertURL` (SignatureVersion 1: RSA with SHA1, 2: with SHA256). Anyone
can host a file that looks like a certificate, so the URL must name an SNS host over HTTPS
before it is fetched. A signature proves SNS sent the message, not that our topic did: the
SES adapter checks the topic (or the URL's secret) as well.

Certificates are fetched through the providers' pooled client and kept by URL (SNS rotates
them rarely), so a webhook costs a fetch only the first time a certificate is seen.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, parse_qs, urlsplit

import httpx

from app.delivery.provider import InvalidSignature
from app.errors import Unavailable

if TYPE_CHECKING:  # cryptography is imported only where SNS messages arrive (~8 MiB)
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

CERT_HOST = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")
_CONFIRMATION = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn",
                 "Type")
# The fields signed, in the order signed (AWS's "verifying the signatures" page).
SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": _CONFIRMATION,
    "UnsubscribeConfirmation": _CONFIRMATION,
}
OPTIONAL_FIELDS = frozenset({"Subject"})
MAX_CERTIFICATE_BYTES = 16_384
KEPT_CERTIFICATES = 8
FETCH_TIMEOUT_S = 5.0
RETRY_AFTER_S = 30


def string_to_sign(envelope: Mapping[str, Any]) -> bytes:
    """`name\\nvalue\\n` for each signed field the message type has, in order."""
    fields = SIGNED_FIELDS.get(envelope.get("Type"))  # type: ignore[arg-type]
    if fields is None:
        raise InvalidSignature("not a signed SNS message type")
    parts = []
    for name in fields:
        value = envelope.get(name)
        if value is None and name in OPTIONAL_FIELDS:
            continue
        if not isinstance(value, str):
            raise InvalidSignature(f"SNS message without a {name}")
        parts.append(f"{name}\n{value}\n")
    return "".join(parts).encode()


def subscribe_url(envelope: Mapping[str, Any]) -> str:
    """`SubscribeURL`, if it is SNS's ConfirmSubscription on an SNS host over HTTPS."""
    url = envelope.get("SubscribeURL")
    parts = urlsplit(url if isinstance(url, str) else "")
    if (not _sns_host(parts) or parts.path not in ("", "/")
            or parse_qs(parts.query).get("Action") != ["ConfirmSubscription"]):
        raise InvalidSignature("SubscribeURL is not SNS's ConfirmSubscription")
    return str(url)


def _sns_host(parts: SplitResult) -> bool:
    return (parts.scheme == "https" and not parts.username and not parts.password
            and parts.port in (None, 443) and CERT_HOST.fullmatch(parts.hostname or "") is not None)


def certificate_url(envelope: Mapping[str, Any]) -> str:
    """`SigningCertURL`, if it names a certificate on an SNS host over HTTPS."""
    url = envelope.get("SigningCertURL")
    if not isinstance(url, str):
        raise InvalidSignature("SNS message without a SigningCertURL")
    parts = urlsplit(url)
    if not _sns_host(parts) or not parts.path.endswith(".pem"):
        raise InvalidSignature("SigningCertURL is not an SNS certificate")
    return url


def check_signature(envelope: Mapping[str, Any], key: RSAPublicKey) -> None:
    """InvalidSignature unless `key` signed this message's fields."""
    from cryptography.exceptions import InvalidSignature as BadRsaSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    digests: dict[object, type[hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}
    digest = digests.get(envelope.get("SignatureVersion"))
    if digest is None:
        raise InvalidSignature("unknown SNS SignatureVersion")
    signature = envelope.get("Signature")
    try:
        raw = base64.b64decode(signature if isinstance(signature, str) else "", validate=True)
        key.verify(raw, string_to_sign(envelope), padding.PKCS1v15(), digest())
    except (binascii.Error, BadRsaSignature) as error:
        raise InvalidSignature("SNS signature does not verify") from error


def public_key(pem: bytes) -> RSAPublicKey:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

    try:
        key = x509.load_pem_x509_certificate(pem).public_key()
    except ValueError as error:
        raise InvalidSignature("SigningCertURL did not serve a certificate") from error
    if not isinstance(key, RSAPublicKey):
        raise InvalidSignature("SNS certificate without an RSA key")
    return key


class SnsCertificates:
    """SNS's signing certificates, fetched on first sight and kept (a few, by URL); and the
    confirmation of a subscription whose message verified."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http
        self._keys: OrderedDict[str, RSAPublicKey] = OrderedDict()

    async def verify(self, envelope: Mapping[str, Any]) -> None:
        """InvalidSignature unless SNS signed `envelope`; Unavailable (503, which SNS
        retries) while its certificate cannot be fetched."""
        url = certificate_url(envelope)
        check_signature(envelope, await self._key(url))

    async def confirm(self, envelope: Mapping[str, Any]) -> bool:
        """Visit a verified SubscriptionConfirmation's `SubscribeURL`, as SNS asks; whether
        SNS took it (if not, the operator can still confirm it in the AWS console)."""
        url = subscribe_url(envelope)
        try:
            answer = await self._http.get(url, timeout=FETCH_TIMEOUT_S, follow_redirects=False)
        except httpx.HTTPError:
            return False
        return answer.status_code == 200

    async def _key(self, url: str) -> RSAPublicKey:
        key = self._keys.get(url)
        if key is None:
            key = public_key(await self._fetch(url))
            self._keys[url] = key
            while len(self._keys) > KEPT_CERTIFICATES:
                self._keys.popitem(last=False)
        else:
            self._keys.move_to_end(url)
        return key

    async def _fetch(self, url: str) -> bytes:
        try:
            answer = await self._http.get(url, timeout=FETCH_TIMEOUT_S, follow_redirects=False)
        except httpx.HTTPError as error:
            raise Unavailable("SNS's signing certificate could not be fetched; try again.",
                              RETRY_AFTER_S) from error
        if answer.status_code != 200:
            raise Unavailable(f"SNS's signing certificate answered {answer.status_code}.",
                              RETRY_AFTER_S)
        if len(answer.content) > MAX_CERTIFICATE_BYTES:
            raise InvalidSignature("SigningCertURL served more than a certificate")
        return answer.content
