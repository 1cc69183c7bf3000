"""GET /metrics on the send flow: letters, outbox and provider calls, on both databases."""

from prometheus_client.parser import text_string_to_metric_families

from app.delivery.provider import PermanentSendError, TransientSendError
from tests.send_fixtures import Harness, send_body


async def scrape(harness: Harness) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = await harness.client.get("/metrics")
    assert answer.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }


async def test_letters_and_the_outbox_are_read_at_each_scrape(harness: Harness) -> None:
    assert (await harness.client.post("/v1/letters", json=send_body())).status_code == 202
    before = await scrape(harness)
    assert before[("letters_letters", (("status", "awaiting_confirmation"),))] == 1
    assert before[("letters_outbox_depth", ())] == 1  # the confirmation e-mail
    assert before[("letters_outbox_oldest_due_age_seconds", ())] >= 0
    assert before[("letters_snapshot_up", ())] == 1

    await harness.deliver()
    after = await scrape(harness)
    assert after[("letters_outbox_depth", ())] == 0
    assert after[("letters_outbox_oldest_due_age_seconds", ())] == 0


async def test_provider_calls_are_timed_and_failures_counted(harness: Harness) -> None:
    harness.provider.failures += [
        TransientSendError("429", retry_after=0),
        PermanentSendError("550"),
    ]
    await harness.client.post("/v1/letters", json=send_body())
    await harness.client.post("/v1/letters", json=send_body(sender={"name": "Max Muster"}))
    await harness.deliver()
    seen = await scrape(harness)
    who = ("provider", "recording")
    assert seen[("letters_provider_request_duration_seconds_count", (who,))] >= 2
    assert seen[("letters_provider_errors_total", (("kind", "permanent"), who))] == 1
    assert seen[("letters_provider_errors_total", (("kind", "transient"), who))] == 1


async def test_the_status_url_is_one_label_whatever_the_letter(harness: Harness) -> None:
    created = (await harness.client.post("/v1/letters", json=send_body())).json()
    assert (await harness.client.get(f"/v1/letters/{created['id']}")).status_code == 200
    text = (await harness.client.get("/metrics")).text
    assert created["id"] not in text
    assert 'route="/v1/letters/{letter_id}"' in text
