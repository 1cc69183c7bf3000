"""app.metrics: the instruments, the provider hook and the letters read at scrape time."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.delivery.provider import (
    Accepted,
    Address,
    OutgoingEmail,
    PermanentSendError,
    SentLookup,
    TransientSendError,
)
from app.metrics import LetterSnapshot, Metrics

EMAIL = OutgoingEmail(
    sender=Address("letters@localhost"),
    to=(Address("embassy@example.org"),),
    subject="An appeal",
    text="Dear Ambassador",
    message_id="<1@localhost>",
    date=datetime(2026, 12, 1, tzinfo=UTC),
)


class ScriptedProvider:
    """Answers each send with the next scripted outcome."""

    name = "scripted"

    def __init__(self, *outcomes: Exception | None) -> None:
        self.outcomes = list(outcomes)
        self.closed = False

    async def send(self, email: OutgoingEmail) -> Accepted:
        outcome = self.outcomes.pop(0)
        if outcome is not None:
            raise outcome
        return Accepted(provider_message_id="pm-1")

    async def aclose(self) -> None:
        self.closed = True


async def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = (await metrics.render()).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_the_provider_hook_times_sends_and_counts_errors_by_kind() -> None:
    metrics = Metrics()
    inner = ScriptedProvider(
        None, TransientSendError("429", retry_after=3), PermanentSendError("550")
    )
    provider = metrics.observed(inner)
    assert provider.name == "scripted"
    assert (await provider.send(EMAIL)).provider_message_id == "pm-1"
    with pytest.raises(TransientSendError) as transient:
        await provider.send(EMAIL)
    assert transient.value.retry_after == 3
    with pytest.raises(PermanentSendError):
        await provider.send(EMAIL)
    await provider.aclose()
    assert inner.closed

    seen = await samples(metrics)
    who = (("provider", "scripted"),)
    assert seen[("letters_provider_request_duration_seconds_count", who)] == 3
    assert seen[("letters_provider_errors_total", (("kind", "transient"), *who))] == 1
    assert seen[("letters_provider_errors_total", (("kind", "permanent"), *who))] == 1


class SearchableProvider(ScriptedProvider):
    """One that can also be asked whether it has a message (as Postmark can)."""

    async def find(self, email: OutgoingEmail) -> Accepted | None:
        if email.message_id == "<down@localhost>":
            raise TransientSendError("scripted 503")
        return Accepted("pm-0") if email.message_id == EMAIL.message_id else None


async def test_a_provider_that_can_be_asked_still_can_when_observed() -> None:
    metrics = Metrics()
    provider = metrics.observed(SearchableProvider(None))
    assert isinstance(provider, SentLookup)
    assert await provider.find(EMAIL) == Accepted("pm-0")
    assert await provider.find(replace(EMAIL, message_id="<2@localhost>")) is None
    with pytest.raises(TransientSendError):
        await provider.find(replace(EMAIL, message_id="<down@localhost>"))
    assert (await provider.send(EMAIL)).provider_message_id == "pm-1"
    assert not isinstance(Metrics().observed(ScriptedProvider()), SentLookup)
    seen = await samples(metrics)
    for outcome in ("found", "absent", "error"):
        labels = (("outcome", outcome), ("provider", "scripted"))
        assert seen[("letters_provider_lookups_total", labels)] == 1


async def test_an_unexpected_provider_failure_counts_as_transient() -> None:
    metrics = Metrics()
    provider = metrics.observed(ScriptedProvider(ConnectionResetError()))
    with pytest.raises(ConnectionResetError):
        await provider.send(EMAIL)
    seen = await samples(metrics)
    assert (
        seen[("letters_provider_errors_total", (("kind", "transient"), ("provider", "scripted")))]
        == 1
    )


async def test_letters_and_outbox_are_read_at_each_scrape() -> None:
    metrics = Metrics()
    snapshots = [
        LetterSnapshot({"queued": 4, "sent": 10}, outbox_depth=4, oldest_due_age_seconds=12.5),
        LetterSnapshot({"sent": 14}, outbox_depth=0),
    ]

    async def source() -> LetterSnapshot:
        return snapshots.pop(0)

    metrics.watch_letters(source)
    first = await samples(metrics)
    assert first[("letters_letters", (("status", "queued"),))] == 4
    assert first[("letters_outbox_depth", ())] == 4
    assert first[("letters_outbox_oldest_due_age_seconds", ())] == 12.5
    assert first[("letters_snapshot_up", ())] == 1
    second = await samples(metrics)
    assert ("letters_letters", (("status", "queued"),)) not in second
    assert second[("letters_letters", (("status", "sent"),))] == 14
    assert second[("letters_outbox_oldest_due_age_seconds", ())] == 0


async def test_a_scrape_answers_while_the_database_is_away() -> None:
    metrics = Metrics()

    async def down() -> LetterSnapshot:
        raise ConnectionRefusedError("postgres at 127.0.0.1:5432")

    metrics.watch_letters(down)
    assert (await samples(metrics))[("letters_snapshot_up", ())] == 0


def test_two_apps_never_share_a_registry() -> None:
    a, b = Metrics(), Metrics()
    a.observe_request("GET", "/healthz", 200, 0.001)
    assert a.registry is not b.registry
    assert (
        b.registry.get_sample_value(
            "letters_http_requests_total", {"method": "GET", "route": "/healthz", "status": "200"}
        )
        is None
    )
    assert (
        a.registry.get_sample_value(
            "letters_http_requests_total", {"method": "GET", "route": "/healthz", "status": "200"}
        )
        == 1
    )
