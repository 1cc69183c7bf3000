"""GET /metrics over HTTP: requests by route template and status, nothing personal."""

import httpx
from prometheus_client.parser import text_string_to_metric_families

from app.main import create_app
from app.services import Services
from app.settings import Settings


def requests_counted(text: str) -> dict[tuple[str, str, str], float]:
    return {
        (s.labels["method"], s.labels["route"], s.labels["status"]): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "letters_http_requests_total"
    }


async def test_requests_are_counted_by_route_template_and_status(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/v1/embassies/ch-bern-embassy")).status_code == 200
    assert (await client.get("/v1/embassies/xx-nowhere-embassy")).status_code == 404
    assert (await client.get("/v1/embassies/nearest", params={"q": "Basel"})).status_code == 200
    assert (await client.get("/no/such/path/jane@example.org")).status_code == 404

    answer = await client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    counted = requests_counted(answer.text)
    assert counted[("GET", "/v1/embassies/{embassy_id}", "200")] == 1
    assert counted[("GET", "/v1/embassies/{embassy_id}", "404")] == 1
    assert counted[("GET", "/v1/embassies/nearest", "200")] == 1
    assert counted[("GET", "unmatched", "404")] == 1
    for leak in ("ch-bern-embassy", "xx-nowhere", "Basel", "jane@example.org", "/no/such"):
        assert leak not in answer.text


async def test_latency_is_a_histogram_per_route(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    text = (await client.get("/metrics")).text
    assert 'letters_http_request_duration_seconds_count{method="GET",route="/healthz"} 1.0' in text
    assert (
        'letters_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/healthz"}'
        in text
    )


async def test_each_app_counts_only_its_own_requests(
    client: httpx.AsyncClient, services: Services, app_settings: Settings
) -> None:
    await client.get("/healthz")
    other = create_app(app_settings, services=services)
    async with other.router.lifespan_context(other):
        transport = httpx.ASGITransport(app=other)
        async with httpx.AsyncClient(transport=transport, base_url="http://other") as c:
            text = (await c.get("/metrics")).text
    assert ("GET", "/healthz", "200") not in requests_counted(text)


async def test_an_unknown_method_is_one_label_not_many(client: httpx.AsyncClient) -> None:
    await client.request("BREW", "/healthz")
    counted = requests_counted((await client.get("/metrics")).text)
    assert counted[("OTHER", "/healthz", "405")] == 1
