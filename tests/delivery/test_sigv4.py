"""SigV4 against AWS's published examples (signature test suite and the S3 GET example)."""

from datetime import UTC, datetime

from app.delivery.providers.sigv4 import (
    AwsCredentials,
    authorization,
    canonical_request,
    sha256_hex,
    signed_headers,
)

SUITE = AwsCredentials(
    "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service"
)
SUITE_HEADERS = {"Host": "example.amazonaws.com", "X-Amz-Date": "20150830T123600Z"}
EMPTY = sha256_hex(b"")


def test_get_vanilla() -> None:
    value = authorization("GET", "/", [], SUITE_HEADERS, EMPTY, SUITE, "20150830T123600Z")
    assert value == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    )


def test_get_vanilla_query_order_key_case() -> None:
    query = [("Param2", "value2"), ("Param1", "value1")]
    value = authorization("GET", "/", query, SUITE_HEADERS, EMPTY, SUITE, "20150830T123600Z")
    assert value.endswith("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")


def test_s3_get_object_example() -> None:
    credentials = AwsCredentials(
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3"
    )
    headers = {
        "Host": "examplebucket.s3.amazonaws.com",
        "Range": "bytes=0-9",
        "x-amz-content-sha256": EMPTY,
        "x-amz-date": "20130524T000000Z",
    }
    canonical, names = canonical_request("GET", "/test.txt", [], headers, EMPTY)
    assert names == "host;range;x-amz-content-sha256;x-amz-date"
    assert sha256_hex(canonical.encode()) == (
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
    )
    value = authorization("GET", "/test.txt", [], headers, EMPTY, credentials, "20130524T000000Z")
    assert value.endswith(
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )


def test_signed_headers_sign_host_with_port_and_body() -> None:
    now = datetime(2015, 8, 30, 12, 36, tzinfo=UTC)
    headers = signed_headers(
        "POST",
        "http://127.0.0.1:8123/v2/email/outbound-emails",
        b"{}",
        SUITE,
        now,
        {"Content-Type": "application/json"},
    )
    assert headers["Host"] == "127.0.0.1:8123"
    assert headers["X-Amz-Date"] == "20150830T123600Z"
    assert "SignedHeaders=content-type;host;x-amz-date," in headers["Authorization"]
    other = signed_headers(
        "POST",
        "http://127.0.0.1:8123/v2/email/outbound-emails",
        b"{ }",
        SUITE,
        now,
        {"Content-Type": "application/json"},
    )
    assert other["Authorization"] != headers["Authorization"]
