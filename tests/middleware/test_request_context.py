"""Request ids and the one access line per request, over HTTP through the real app."""

import re

import httpx

from app.middleware.request_context import request_id

from ..conftest import LogLines

COMPOSE = {
    "campaign_id": "navalny-appeal",
    "sender": {"name": "Jane Doe", "email": "jane@example.org", "city": "Basel", "country": "CH"},
    "personal_note": "I read about this case in the news.",
}


def test_a_sane_incoming_id_is_kept_and_anything_else_replaced() -> None:
    assert request_id("req-2026.12.01_abc") == "req-2026.12.01_abc"
    for insane in (None, "", "short", "a b c d e f g h", "jane@example.org", "x" * 65, "<script>x"):
        generated = request_id(insane)
        assert generated != insane
        assert re.fullmatch(r"[0-9a-f]{32}", generated)


async def test_the_response_carries_the_request_id(client: httpx.AsyncClient) -> None:
    kept = await client.get("/healthz", headers={"X-Request-ID": "proxy-1234abcd"})
    assert kept.headers["x-request-id"] == "proxy-1234abcd"
    fresh = await client.get("/healthz", headers={"X-Request-ID": "jane@example.org"})
    assert re.fullmatch(r"[0-9a-f]{32}", fresh.headers["x-request-id"])
    other = await client.get("/healthz")
    assert other.headers["x-request-id"] != fresh.headers["x-request-id"]


async def test_problems_carry_the_request_id_too(client: httpx.AsyncClient) -> None:
    answer = await client.get(
        "/v1/embassies/xx-none-embassy", headers={"X-Request-ID": "trace-00000001"}
    )
    assert answer.status_code == 404
    assert answer.headers["x-request-id"] == "trace-00000001"


async def test_one_access_line_per_request_with_the_route_template(
    client: httpx.AsyncClient, log_lines: LogLines
) -> None:
    await client.get("/v1/embassies/ch-bern-embassy", headers={"X-Request-ID": "trace-00000002"})
    (line,) = log_lines.events("http_request")
    assert line["method"] == "GET"
    assert line["route"] == "/v1/embassies/{embassy_id}"
    assert line["status"] == 200
    assert line["request_id"] == "trace-00000002"
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "info"
    assert "timestamp" in line


async def test_access_lines_hold_no_query_body_name_email_or_address(
    client: httpx.AsyncClient, log_lines: LogLines
) -> None:
    await client.get("/v1/embassies/nearest", params={"q": "Basel", "city": "Riehen"})
    await client.post("/v1/letters/compose", json=COMPOSE)
    await client.post("/v1/letters/compose", json={**COMPOSE, "campaign_id": "no-such-campaign"})
    routes = [e["route"] for e in log_lines.events("http_request")]
    assert routes == ["/v1/embassies/nearest", "/v1/letters/compose", "/v1/letters/compose"]
    for secret in ("Basel", "Riehen", "Jane", "jane@example.org", "news", "203.0.113.7", "q="):
        assert secret not in log_lines.text
