"""Shared pieces: Retry-After, reasons without addresses, webhook timestamps and freshness."""

from datetime import UTC, datetime

import pytest

from app.delivery.provider import Address, InvalidSignature, PermanentSendError
from app.delivery.providers.common import display, fresh, parse_time, tag_value
from app.delivery.providers.transport import parse_retry_after
from app.delivery.redact import redact

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC).timestamp()


def test_retry_after_seconds_or_http_date() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Tue, 01 Dec 2026 07:01:30 GMT", now=NOW) == 90.0
    assert parse_retry_after("Tue, 01 Dec 2026 06:00:00 GMT", now=NOW) == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None


def test_redact_removes_addresses_and_bounds_length() -> None:
    text = "550 5.1.1 <ivan.petrov@mail.example>: unknown; also bob@example.org\r\nfolded"
    assert redact(text) == "550 5.1.1 [address]: unknown; also [address] folded"
    assert len(redact("x" * 1000)) == 200


def test_display_quotes_names_and_refuses_line_breaks() -> None:
    assert display(Address("a@b.example")) == "a@b.example"
    assert display(Address("a@b.example", 'Say "hi"')) == '"Say \\"hi\\"" <a@b.example>'
    with pytest.raises(PermanentSendError):
        display(Address("a@b.example", "Ivan\r\nBcc: x@y.example"))


def test_tag_values_keep_to_the_allowed_alphabet() -> None:
    assert tag_value("outbox-42") == "outbox-42"
    assert tag_value("<id@host>") == "_id_host_"


def test_parse_time_accepts_provider_forms() -> None:
    expected = datetime(2026, 12, 1, 16, 33, 54, 907025, tzinfo=UTC)
    assert parse_time("2026-12-01T16:33:54.9070259Z") == expected
    assert parse_time("2026-12-01T19:33:54.907025+03:00") == expected
    assert parse_time(NOW) == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    assert parse_time(int(NOW)) == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    assert parse_time("yesterday") is None and parse_time(None) is None and parse_time(True) is None


def test_freshness_window() -> None:
    assert fresh(str(int(NOW) - 299), NOW) == int(NOW) - 299
    for stale in (str(int(NOW) - 301), str(int(NOW) + 301), "", "12a", None):
        with pytest.raises(InvalidSignature):
            fresh(stale, NOW)
