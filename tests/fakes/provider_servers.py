"""Local servers that speak each provider's sending API as its documentation describes it.

Each one checks the credentials the way the provider does, checks the request carries the
documented required fields, and answers with the provider's documented success or error
bodies (/work/shared/reference/providers.md). `behaviour` switches it to a 429, a 500, a 4xx
rejection, a hang or a connection reset; `delay` slows every answer (benchmarks).

    with PostmarkServer(delay=0.05) as postmark:
        settings = Settings(email_provider="postmark", postmark_base_url=postmark.url,
                            postmark_server_token=postmark.token)
"""

import base64
import binascii
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from typing import Literal
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.delivery.providers.sigv4 import AwsCredentials, authorization, sha256_hex
from tests.fakes.fake_provider import FakeProvider, json_object, missing
from tests.fakes.http_server import Behaviour, Received

__all__ = [
    "Behaviour",
    "FakeProvider",
    "MailgunServer",
    "PostmarkMessage",
    "PostmarkServer",
    "Received",
    "ResendServer",
    "SendGridServer",
    "SesServer",
]


@dataclass(frozen=True)
class PostmarkMessage:
    message_id: str
    metadata: dict[str, str]
    at: float  # time.monotonic() when accepted


class PostmarkServer(FakeProvider):
    """`POST /email`, header X-Postmark-Server-Token; 200 with MessageID, 422 ErrorCode.
    `GET /messages/outbound` searches what it accepted (count and offset required,
    `metadata_<key>=<value>` filters), each message found only `search_lag` seconds after
    it was accepted; `search_answer` "server_error" makes the search answer 500, "rejected"
    422."""

    path = "/email"

    def __init__(self, token: str = "pm-server-token", delay: float = 0.0) -> None:
        self.token = token
        self.last_message_id: str | None = None
        self.messages: list[PostmarkMessage] = []
        self.searches: list[dict[str, str]] = []  # the query of every search
        self.search_lag = 0.0
        self.search_answer: Literal["ok", "server_error", "rejected"] = "ok"
        super().__init__(delay)

    def more_routes(self) -> list[Route]:
        return [Route("/messages/outbound", self._search, methods=["GET"])]

    async def _search(self, request: Request) -> Response:
        query = dict(request.query_params)
        self.searches.append(query)
        headers = {k.lower(): v for k, v in request.headers.items()}
        denied = self.check_auth_headers(headers)
        if denied is not None:
            return denied
        if self.search_answer == "server_error":
            return self.server_error()
        if self.search_answer == "rejected":
            return self.invalid("The search is not available")
        try:
            count, offset = int(query["count"]), int(query["offset"])
        except (KeyError, ValueError):
            return self.invalid("count and offset are required")
        if not 0 < count <= 500 or offset < 0:
            return self.invalid("count must be 1 to 500, offset at least 0")
        filters = {k.removeprefix("metadata_"): v for k, v in query.items()
                   if k.startswith("metadata_")}
        visible = time.monotonic() - self.search_lag
        found = [m for m in self.messages if m.at <= visible
                 and all(m.metadata.get(k) == v for k, v in filters.items())]
        page = [{"MessageID": m.message_id, "Metadata": m.metadata, "Status": "Sent"}
                for m in found[offset:offset + count]]
        return JSONResponse({"TotalCount": len(found), "Messages": page})

    def check_auth(self, request: Received) -> Response | None:
        return self.check_auth_headers(request.headers)

    def check_auth_headers(self, headers: dict[str, str]) -> Response | None:
        if headers.get("x-postmark-server-token") == self.token:
            return None
        body = {"ErrorCode": 10, "Message": "The Server Token you provided was invalid."}
        return JSONResponse(body, status_code=401)

    def check_shape(self, request: Received) -> str | None:
        body = json_object(request)
        if body is None or request.headers.get("accept") != "application/json":
            return "JSON body and Accept: application/json required"
        if not (body.get("TextBody") or body.get("HtmlBody")):
            return "Provide either email TextBody or HtmlBody or both."
        headers = body.get("Headers", [])
        if not all(isinstance(h, dict) and {"Name", "Value"} <= h.keys() for h in headers):
            return "Headers must be a list of Name/Value objects"
        return missing(body, "From", "To", "Subject")

    def success(self, request: Received) -> Response:
        self.last_message_id = str(uuid.uuid4())
        metadata = request.json().get("Metadata") or {}
        self.messages.append(PostmarkMessage(self.last_message_id, metadata, time.monotonic()))
        return JSONResponse(
            {
                "To": request.json()["To"],
                "SubmittedAt": datetime.now(UTC).isoformat(),
                "MessageID": self.last_message_id,
                "ErrorCode": 0,
                "Message": "OK",
            }
        )

    def invalid(self, problem: str) -> Response:
        return JSONResponse({"ErrorCode": 300, "Message": problem}, status_code=422)

    def rejected(self) -> Response:
        message = (
            "You tried to send to recipient(s) that have been marked as inactive. "
            "Found inactive addresses: consulate@embassy.example."
        )
        return JSONResponse({"ErrorCode": 406, "Message": message}, status_code=422)

    def rate_limited(self) -> Response:
        return JSONResponse({"ErrorCode": 429, "Message": "Rate Limit Exceeded"}, status_code=429)


class SendGridServer(FakeProvider):
    """`POST /v3/mail/send`, Bearer key; 202 with X-Message-Id and no body; 400 errors[]."""

    path = "/v3/mail/send"

    def __init__(self, api_key: str = "SG.test-key", delay: float = 0.0) -> None:
        self.api_key = api_key
        self.reset_in = 9  # seconds until X-RateLimit-Reset of a 429
        super().__init__(delay)

    def check_auth(self, request: Received) -> Response | None:
        if request.headers.get("authorization") == f"Bearer {self.api_key}":
            return None
        errors = [{"field": None, "message": "The provided authorization grant is invalid."}]
        return JSONResponse({"errors": errors}, status_code=401)

    def check_shape(self, request: Received) -> str | None:
        body = json_object(request)
        if body is None:
            return "JSON body required"
        personalizations = body.get("personalizations")
        if not personalizations or not all(p.get("to") for p in personalizations):
            return "The personalizations field is required and must have at least one to."
        content = body.get("content") or []
        types = [c.get("type") for c in content]
        if "text/html" in types and types[0] != "text/plain":
            return "If present, text/plain must be first, followed by text/html"
        if not isinstance(body.get("from"), dict) or not body["from"].get("email"):
            return "The from object must be provided for every email send."
        return missing(body, "subject", "content")

    def success(self, request: Received) -> Response:
        return Response(status_code=202, headers={"X-Message-Id": secrets.token_urlsafe(16)})

    def invalid(self, problem: str) -> Response:
        return JSONResponse({"errors": [{"message": problem, "field": None}]}, status_code=400)

    def rejected(self) -> Response:
        errors = [
            {
                "message": "The from address does not match a verified Sender Identity: "
                "letters@platform.example",
                "field": "from",
            }
        ]
        return JSONResponse({"errors": errors}, status_code=403)

    def rate_limited(self) -> Response:
        reset = str(int(time.time()) + self.reset_in)
        headers = {
            "X-RateLimit-Limit": "600",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset,
        }
        body = {"errors": [{"field": None, "message": "too many requests"}]}
        return JSONResponse(body, status_code=429, headers=headers)


class MailgunServer(FakeProvider):
    """`POST /v3/{domain}/messages`, Basic api:key, form fields; 200 id + "Queued."."""

    path = "/v3/{domain}/messages"

    def __init__(
        self, api_key: str = "key-test", domain: str = "mg.platform.example", delay: float = 0.0
    ) -> None:
        self.api_key, self.domain = api_key, domain
        super().__init__(delay)

    def route(self) -> str:
        return f"/v3/{self.domain}/messages"

    def fields(self, request: Received) -> dict[str, list[str]]:
        return parse_qs(request.body.decode(), keep_blank_values=True)

    def check_auth(self, request: Received) -> Response | None:
        expected = base64.b64encode(f"api:{self.api_key}".encode()).decode()
        if request.headers.get("authorization") == f"Basic {expected}":
            return None
        return Response("Forbidden", status_code=401, media_type="text/plain")

    def check_shape(self, request: Received) -> str | None:
        if request.headers.get("content-type") != "application/x-www-form-urlencoded":
            return "form body required"
        fields = self.fields(request)
        for name in ("from", "to", "subject"):
            if not fields.get(name):
                return f"'{name}' parameter is missing"
        if not (fields.get("text") or fields.get("html")):
            return "Need at least one of 'text', 'html' or 'template' parameters specified"
        return None

    def success(self, request: Received) -> Response:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        return JSONResponse(
            {
                "id": f"<{stamp}.{secrets.token_hex(8)}@{self.domain}>",
                "message": "Queued. Thank you.",
            }
        )

    def invalid(self, problem: str) -> Response:
        return JSONResponse({"message": problem}, status_code=400)

    def rejected(self) -> Response:
        message = (
            "Sandbox subdomains are for test purposes only. Please add "
            "consulate@embassy.example to authorized recipients in Account Settings."
        )
        return JSONResponse({"message": message}, status_code=403)

    def rate_limited(self) -> Response:
        return JSONResponse({"message": "Too many requests"}, status_code=429)


class SesServer(FakeProvider):
    """`POST /v2/email/outbound-emails` signed with SigV4; raw MIME; 200 MessageId."""

    path = "/v2/email/outbound-emails"

    def __init__(
        self,
        access_key_id: str = "AKIDLOCALTEST",
        secret_access_key: str = "local/secret/KEY",
        region: str = "eu-west-1",
        delay: float = 0.0,
    ) -> None:
        self.credentials = AwsCredentials(access_key_id, secret_access_key, region, "ses")
        self.throttle_status = 429
        super().__init__(delay)

    def check_auth(self, request: Received) -> Response | None:
        given = request.headers.get("authorization", "")
        amz_date = request.headers.get("x-amz-date", "")
        names = given.partition("SignedHeaders=")[2].partition(",")[0].split(";")
        if not {"host", "x-amz-date"} <= set(names) or len(amz_date) != 16:
            return self._error(403, "MissingAuthenticationTokenException", "Missing auth")
        signed = {n: request.headers.get(n, "") for n in names}
        expected = authorization(
            "POST",
            self.path,
            sorted(request.query.items()),
            signed,
            sha256_hex(request.body),
            self.credentials,
            amz_date,
        )
        if given != expected:
            return self._error(
                403,
                "SignatureDoesNotMatchException",
                "The request signature we calculated does not match the signature you provided.",
            )
        return None

    def check_shape(self, request: Received) -> str | None:
        body = json_object(request)
        raw = ((body or {}).get("Content") or {}).get("Raw") or {}
        try:
            data = base64.b64decode(raw.get("Data", ""), validate=True)
        except (binascii.Error, TypeError):
            return "Content.Raw.Data must be base64"
        message = message_from_bytes(data, policy=policy.default)
        if not data or not message["From"] or not message["To"]:
            return "Raw message needs From and To headers"
        return None

    def success(self, request: Received) -> Response:
        return JSONResponse({"MessageId": f"0102{secrets.token_hex(20)}-000000"})

    def invalid(self, problem: str) -> Response:
        return self._error(400, "BadRequestException", problem)

    def rejected(self) -> Response:
        return self._error(
            400,
            "MessageRejected",
            "Email address is not verified. The following "
            "identities failed the check in region EU-WEST-1: "
            "letters@platform.example",
        )

    def rate_limited(self) -> Response:
        if self.throttle_status == 400:  # the daily quota, reported as a limit error
            return self._error(400, "LimitExceededException", "Daily message quota exceeded.")
        return self._error(429, "TooManyRequestsException", "Maximum sending rate exceeded.")

    def _error(self, status: int, kind: str, message: str) -> Response:
        return JSONResponse(
            {"message": message},
            status_code=status,
            headers={"x-amzn-ErrorType": f"{kind}:http://internal.amazon.com/"},
        )


class ResendServer(FakeProvider):
    """`POST /emails`, Bearer re_ key; 200 id; Idempotency-Key replays the first answer."""

    path = "/emails"

    def __init__(self, api_key: str = "re_test_key", delay: float = 0.0) -> None:
        self.api_key = api_key
        self.idempotent: dict[str, str] = {}
        super().__init__(delay)

    def check_auth(self, request: Received) -> Response | None:
        if request.headers.get("authorization") == f"Bearer {self.api_key}":
            return None
        body = {"statusCode": 401, "name": "validation_error", "message": "API key is invalid"}
        return JSONResponse(body, status_code=401)

    def check_shape(self, request: Received) -> str | None:
        body = json_object(request)
        if body is None:
            return "JSON body required"
        if not (body.get("text") or body.get("html")):
            return "Missing `html` or `text` field."
        return missing(body, "from", "to", "subject")

    def success(self, request: Received) -> Response:
        key = request.headers.get("idempotency-key")
        if key is not None and key in self.idempotent:
            self.accepted.pop()  # a replay: nothing is sent again
            return JSONResponse({"id": self.idempotent[key]})
        email_id = str(uuid.uuid4())
        if key is not None:
            self.idempotent[key] = email_id
        return JSONResponse({"id": email_id})

    def invalid(self, problem: str) -> Response:
        body = {"statusCode": 422, "name": "validation_error", "message": problem}
        return JSONResponse(body, status_code=422)

    def rejected(self) -> Response:
        body = {
            "statusCode": 403,
            "name": "validation_error",
            "message": "You can only send "
            "testing emails to your own email address (owner@platform.example).",
        }
        return JSONResponse(body, status_code=403)

    def rate_limited(self) -> Response:
        body = {
            "statusCode": 429,
            "name": "rate_limit_exceeded",
            "message": "Too many requests. You can only make 2 requests per second.",
        }
        headers = {"ratelimit-limit": "2", "ratelimit-remaining": "0", "ratelimit-reset": "1"}
        return JSONResponse(body, status_code=429, headers=headers)


SERVERS: dict[str, type[FakeProvider]] = {
    "postmark": PostmarkServer,
    "sendgrid": SendGridServer,
    "mailgun": MailgunServer,
    "ses": SesServer,
    "resend": ResendServer,
}


def main(argv: list[str] | None = None) -> None:
    """Serve one fake in its own process (benchmarks: no GIL shared with the sender).

    python -m tests.fakes.provider_servers postmark --delay 0.05   # prints its base URL

    It takes the default credentials of its class (Postmark: token "pm-server-token").
    """
    import argparse
    import signal

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("provider", choices=sorted(SERVERS))
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(argv)
    stop = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)  # before the server thread, which inherits it
    with SERVERS[args.provider](delay=args.delay) as fake:
        print(fake.url, flush=True)
        signal.sigwait(stop)
        print(f"accepted {len(fake.accepted)}", flush=True)


if __name__ == "__main__":
    main()
