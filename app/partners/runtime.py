"""The partners while the app runs: a cached table, the allowed origins, the rate limiter.

The partner table is read into memory and reloaded every `partners_refresh_seconds`
(default 5 s) by one background task. The hot path (every request with a key, every
CORS check) then costs a dict lookup and one HMAC, never a database round trip, and a
revoked key stops working on every replica within one refresh. If a reload fails the
last good table stays in use (and the failure is logged), so a database hiccup does not
lock every partner out.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Literal

import structlog
from limits import RateLimitItem

from app.errors import TooManyRequests, Unauthorized, Unavailable
from app.partners.limit_spec import parse_rate_limit
from app.partners.origins import normalize_origin
from app.partners.ratelimit import Limiter
from app.partners.snapshot import PartnerRecord, Snapshot
from app.settings import DEV_KEY_SECRET, Settings

Scope = Literal["compose", "send"]
PartnerSource = Callable[[], Awaitable[Sequence[PartnerRecord]]]
log = structlog.get_logger(__name__)


class PartnerRuntime:
    """Made in create_app (holds nothing open); `start()`/`stop()` run in the lifespan."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._secret = settings.key_secret.get_secret_value().encode()
        self._static_origins = frozenset(settings.cors_origins)
        self._snapshot = Snapshot()
        self._source: PartnerSource | None = None
        self._loaded = True
        self._task: asyncio.Task[None] | None = None
        self._limiter: Limiter | None = None
        self._per_ip: dict[Scope, RateLimitItem] = {
            "compose": parse_rate_limit(settings.rate_limit_compose),
            "send": parse_rate_limit(settings.rate_limit_send),
        }

    async def start(self, source: PartnerSource | None = None) -> None:
        """Open the limiter's storage, load the partners, keep them fresh."""
        s = self.settings
        redis_url = s.redis_url
        self._limiter = Limiter.redis(redis_url, s.redis_prefix) if redis_url else Limiter.memory()
        if s.key_secret.get_secret_value() == DEV_KEY_SECRET:
            log.warning("partners_dev_key_secret", hint="set LETTERS_KEY_SECRET in production")
        self._source = source
        if source is not None:
            self._loaded = False
            await self.try_refresh()
            self._task = asyncio.create_task(self._keep_fresh())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._limiter is not None:
            await self._limiter.close()

    async def refresh(self) -> None:
        """Reload the partner table now (the background task does this on its own)."""
        if self._source is not None:
            self._snapshot = Snapshot.of(await self._source())
            self._loaded = True

    async def try_refresh(self) -> None:
        """Reload, keeping the last table if the database fails (logged, never raised)."""
        try:
            await self.refresh()
        except Exception as exc:  # any database failure: keep serving the last table
            log.warning("partners_reload_failed", error_type=type(exc).__name__)

    async def _keep_fresh(self) -> None:
        while True:
            await asyncio.sleep(self.settings.partners_refresh_seconds)
            await self.try_refresh()

    # --- what requests ask -------------------------------------------------------------
    def authenticate(self, key: str) -> PartnerRecord:
        """The partner a key belongs to; 401 for a wrong or revoked key."""
        if not self._loaded:
            raise Unavailable("The partner table is not loaded yet; try again shortly.", 5)
        partner = self._snapshot.authenticate(self._secret, key)
        if partner is None:
            raise Unauthorized("The X-API-Key is not valid or has been revoked.")
        return partner

    def allows_origin(self, origin: str) -> bool:
        try:
            canonical = normalize_origin(origin)
        except ValueError:
            return False
        return canonical in self._static_origins or canonical in self._snapshot.origins

    def frame_ancestors(self) -> list[str]:
        return sorted(self._static_origins | self._snapshot.origins)

    async def check_rate(self, scope: Scope, ip: str | None, partner: PartnerRecord | None) -> None:
        """Count this request; 429 with Retry-After once over the limit.

        A partner's server speaks for many people from one address, so a request with a
        key is counted per key, under the partner's own (higher) limit, not per IP.
        """
        assert self._limiter is not None, "PartnerRuntime.start() runs in the lifespan"
        if partner is not None:
            item = parse_rate_limit(partner.rate_limit or self.settings.rate_limit_partner)
            identity = f"partner:{partner.id}"
        else:
            item, identity = self._per_ip[scope], f"ip:{ip or 'unknown'}"
        verdict = await self._limiter.hit(item, scope, identity)
        if not verdict.allowed:
            raise TooManyRequests(
                f"Over the limit of {item}; try again in {verdict.retry_after} s.",
                verdict.retry_after,
                verdict.limit,
            )
