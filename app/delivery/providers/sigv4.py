"""AWS Signature Version 4 for one request (header form), enough for the SES v2 API.

Written out rather than pulling in botocore: SES needs one signed POST, and the algorithm is
short. Checked in the tests against AWS's published examples.
"""

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"


@dataclass(frozen=True, slots=True)
class AwsCredentials:
    access_key_id: str
    secret_access_key: str
    region: str
    service: str


def signed_headers(
    method: str,
    url: str,
    body: bytes,
    credentials: AwsCredentials,
    now: datetime,
    headers: Mapping[str, str],
) -> dict[str, str]:
    """`headers` plus Host, X-Amz-Date and Authorization, ready to send."""
    parts = urlsplit(url)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    full = {**headers, "Host": parts.netloc, "X-Amz-Date": amz_date}
    query = _query_pairs(parts.query)
    full["Authorization"] = authorization(
        method, parts.path or "/", query, full, sha256_hex(body), credentials, amz_date
    )
    return full


def authorization(
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: Mapping[str, str],
    payload_hash: str,
    credentials: AwsCredentials,
    amz_date: str,
) -> str:
    """The Authorization header value; every header given is signed."""
    canonical, names = canonical_request(method, path, query, headers, payload_hash)
    scope = f"{amz_date[:8]}/{credentials.region}/{credentials.service}/aws4_request"
    to_sign = "\n".join((ALGORITHM, amz_date, scope, sha256_hex(canonical.encode())))
    key = signing_key(credentials, amz_date[:8])
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"{ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
        f"SignedHeaders={names}, Signature={signature}"
    )


def canonical_request(
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: Mapping[str, str],
    payload_hash: str,
) -> tuple[str, str]:
    """The canonical request text and the signed header names (`a;b;c`)."""
    lowered = sorted((k.lower(), " ".join(v.split())) for k, v in headers.items())
    header_lines = "".join(f"{k}:{v}\n" for k, v in lowered)
    names = ";".join(k for k, _ in lowered)
    encoded_query = "&".join(
        f"{k}={v}" for k, v in sorted((_encode(k), _encode(v)) for k, v in query)
    )
    canonical_path = quote(path, safe="/-_.~")
    text = "\n".join((method.upper(), canonical_path, encoded_query, header_lines, names))
    return f"{text}\n{payload_hash}", names


def signing_key(credentials: AwsCredentials, date: str) -> bytes:
    key = ("AWS4" + credentials.secret_access_key).encode()
    for part in (date, credentials.region, credentials.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def _query_pairs(query: str) -> list[tuple[str, str]]:
    pairs = []
    for item in filter(None, query.split("&")):
        name, _, value = item.partition("=")
        pairs.append((name, value))
    return pairs
