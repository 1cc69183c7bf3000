"""The service's Prometheus instruments, in one registry per app.

Each `create_app()` makes its own `Metrics` (so two apps in one test process never share a
counter). Labels carry route templates, statuses and provider names only: never a path with
an id in it, a query string or anything about a person.

Two small hooks for the sending side:
- `watch_letters(source)`: an async function returning a `LetterSnapshot`, awaited at scrape
  time (letters by status, outbox depth and the age of the oldest due entry);
- `observed(provider)`: wraps any `Provider` so each `send` is timed and its failures counted
  as transient or permanent (and each search of one that can be asked, by its outcome),
  without the adapters knowing about metrics.
"""

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Literal, cast

import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from app.delivery.provider import (
    Accepted,
    OutgoingEmail,
    PermanentSendError,
    Provider,
    SentLookup,
)

CONTENT_TYPE = CONTENT_TYPE_LATEST
ErrorKind = Literal["transient", "permanent"]
LookupOutcome = Literal["found", "absent", "error"]
log = structlog.get_logger(__name__)

# Seconds; compose answers in milliseconds, PDFs and provider calls take longer.
HTTP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
PROVIDER_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass(frozen=True, slots=True)
class LetterSnapshot:
    """What the database says at scrape time."""

    by_status: Mapping[str, int]
    outbox_depth: int
    oldest_due_age_seconds: float | None = None  # None: nothing is due


LetterSnapshotSource = Callable[[], Awaitable[LetterSnapshot]]


class Metrics:
    """The instruments and the few calls that feed them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.http_requests = Counter(
            "letters_http_requests",
            "HTTP requests answered, by route template and status.",
            ["method", "route", "status"],
            registry=r,
        )
        self.http_duration = Histogram(
            "letters_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ["method", "route"],
            buckets=HTTP_BUCKETS,
            registry=r,
        )
        self.letters = Gauge("letters_letters", "Letters by status.", ["status"], registry=r)
        self.outbox_depth = Gauge(
            "letters_outbox_depth", "Outbox entries waiting to be sent.", registry=r
        )
        self.outbox_oldest_due_age = Gauge(
            "letters_outbox_oldest_due_age_seconds",
            "How long the oldest due outbox entry has waited (0 when none is due).",
            registry=r,
        )
        self.snapshot_up = Gauge(
            "letters_snapshot_up",
            "1 when the last scrape could read the letters from the database, else 0.",
            registry=r,
        )
        self.provider_duration = Histogram(
            "letters_provider_request_duration_seconds",
            "Time of one provider send call, by provider.",
            ["provider"],
            buckets=PROVIDER_BUCKETS,
            registry=r,
        )
        self.provider_errors = Counter(
            "letters_provider_errors",
            "Failed provider send calls, by provider and kind (transient, permanent).",
            ["provider", "kind"],
            registry=r,
        )
        self.provider_lookups = Counter(
            "letters_provider_lookups",
            "Provider searches before a second attempt, by provider and outcome (found: it"
            " had the e-mail, which was recorded, not resent; absent; error).",
            ["provider", "outcome"],
            registry=r,
        )
        self._letters_source: LetterSnapshotSource | None = None

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.http_requests.labels(method, route, str(status)).inc()
        self.http_duration.labels(method, route).observe(seconds)

    def observe_provider(self, provider: str, seconds: float, error: ErrorKind | None) -> None:
        self.provider_duration.labels(provider).observe(seconds)
        if error is not None:
            self.provider_errors.labels(provider, error).inc()

    def observed(self, provider: Provider) -> Provider:
        """`provider`, timed and counted; one that can be asked (SentLookup) still can."""
        if isinstance(provider, SentLookup):
            return ObservedLookupProvider(provider, self)
        return ObservedProvider(provider, self)

    def watch_letters(self, source: LetterSnapshotSource | None) -> None:
        """Read the letters through `source` at each scrape (None: stop)."""
        self._letters_source = source

    async def render(self) -> bytes:
        """The text exposition format, with the letter gauges read just now."""
        if self._letters_source is not None:
            await self._refresh_letters(self._letters_source)
        return generate_latest(self.registry)

    async def _refresh_letters(self, source: LetterSnapshotSource) -> None:
        try:
            snapshot = await source()
        except Exception as exc:  # a scrape must answer even while the database is away
            log.warning("metrics_snapshot_failed", error_type=type(exc).__name__)
            self.snapshot_up.set(0)
            return
        self.letters.clear()
        for status, count in snapshot.by_status.items():
            self.letters.labels(status).set(count)
        self.outbox_depth.set(snapshot.outbox_depth)
        self.outbox_oldest_due_age.set(snapshot.oldest_due_age_seconds or 0.0)
        self.snapshot_up.set(1)


class ObservedProvider:
    """A provider whose every `send` is timed; its errors pass through unchanged."""

    def __init__(self, inner: Provider, metrics: Metrics) -> None:
        self.inner = inner
        self.name = inner.name
        self._metrics = metrics

    async def send(self, email: OutgoingEmail) -> Accepted:
        started = time.perf_counter()
        # TransientSendError, and anything unexpected (the worker retries those too).
        error: ErrorKind | None = "transient"
        try:
            accepted = await self.inner.send(email)
            error = None
            return accepted
        except PermanentSendError:
            error = "permanent"
            raise
        finally:
            self._metrics.observe_provider(self.name, time.perf_counter() - started, error)

    async def aclose(self) -> None:
        await self.inner.aclose()


class ObservedLookupProvider(ObservedProvider):
    """The same, for a provider that can be asked whether it has a message: the worker looks
    for `find` on the provider it is given, so it must be here too; each search counted.
    Made by `Metrics.observed` only for an `inner` that is a SentLookup."""

    async def find(self, email: OutgoingEmail) -> Accepted | None:
        outcome: LookupOutcome = "error"
        try:
            found = await cast(SentLookup, self.inner).find(email)
            outcome = "absent" if found is None else "found"
            return found
        finally:
            self._metrics.provider_lookups.labels(self.name, outcome).inc()
