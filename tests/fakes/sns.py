"""SNS as our SES webhook meets it: messages signed with a key of our own, and the
certificate served over real HTTP at the path SNS would serve it from.

`sns.<region>.amazonaws.com` is not reachable here, so the client the app fetches with is
given a transport that carries those requests to the loopback server instead; the app's
checks of the URL itself run unchanged.
"""

import base64
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from starlette.responses import Response

from app.delivery.providers.sns import string_to_sign
from tests.fakes.http_server import LoopbackHttpServer, Received

CERT_PATH = "/SimpleNotificationService-0123456789abcdef.pem"
CERT_URL = f"https://sns.eu-west-1.amazonaws.com{CERT_PATH}"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:letters-events"


def _certificate(key: rsa.RSAPrivateKey) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


@dataclass
class SnsSigner:
    key: rsa.RSAPrivateKey
    certificate: bytes

    @classmethod
    def new(cls) -> "SnsSigner":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(key, _certificate(key))

    def sign(self, envelope: dict[str, Any], version: str = "2",
             cert_url: str = CERT_URL) -> dict[str, Any]:
        """`envelope` as SNS sends it: with its certificate's URL and signature."""
        digest = hashes.SHA1() if version == "1" else hashes.SHA256()
        signed = {**envelope, "SignatureVersion": version, "SigningCertURL": cert_url}
        signature = self.key.sign(string_to_sign(signed), padding.PKCS1v15(), digest)
        return {**signed, "Signature": base64.b64encode(signature).decode()}


class ToLoopback(httpx.AsyncBaseTransport):
    """Carries requests for SNS hosts to `base` (http://127.0.0.1:port), others nowhere."""

    def __init__(self, base: str) -> None:
        self._base = httpx.URL(base)
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert request.url.host.endswith(".amazonaws.com"), request.url
        request.url = request.url.copy_with(scheme=self._base.scheme, host=self._base.host,
                                            port=self._base.port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


SUBSCRIBE_URL = ("https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription"
                 f"&TopicArn={TOPIC}&Token=2336412f37")


@contextmanager
def certificate_server(signer: SnsSigner) -> Iterator[LoopbackHttpServer]:
    """SNS's side over real HTTP on 127.0.0.1: the signer's certificate at CERT_PATH, and
    ConfirmSubscription at `/`."""

    async def answer(received: Received) -> Response:
        if received.path == CERT_PATH:
            return Response(signer.certificate, media_type="application/x-pem-file")
        if received.path == "/" and received.query.get("Action") == "ConfirmSubscription":
            return Response("<ConfirmSubscriptionResponse/>", media_type="text/xml")
        return Response(status_code=404)

    with LoopbackHttpServer("/{rest:path}", answer, methods=("GET",)) as server:
        yield server


def subscription_confirmation(subscribe_url: str = SUBSCRIBE_URL) -> dict[str, Any]:
    return {
        "Type": "SubscriptionConfirmation",
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": "2336412f37",
        "TopicArn": TOPIC,
        "Message": f"You have chosen to subscribe to the topic {TOPIC}.",
        "SubscribeURL": subscribe_url,
        "Timestamp": "2026-12-01T07:00:00.000Z",
    }


def notification(message: str, topic: str = TOPIC) -> dict[str, Any]:
    return {
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": topic,
        "Timestamp": "2026-12-01T07:01:00.000Z",
        "Message": message,
    }
