"""The in-memory partner table when the database misbehaves: last good table kept, 503 first."""

from collections.abc import Sequence

import pytest

from app.errors import Unauthorized, Unavailable
from app.partners.keys import digest, issue
from app.partners.runtime import PartnerRuntime
from app.partners.snapshot import PartnerRecord
from app.settings import Settings


class FlakySource:
    """Stands in for the database: answers `records`, or fails while `down` is set."""

    def __init__(self, records: Sequence[PartnerRecord]) -> None:
        self.records = list(records)
        self.down = False

    async def __call__(self) -> Sequence[PartnerRecord]:
        if self.down:
            raise ConnectionError("database unreachable")
        return self.records


def _partner(settings: Settings) -> tuple[str, PartnerRecord]:
    issued = issue()
    secret = settings.key_secret.get_secret_value().encode()
    return issued.key, PartnerRecord(
        issued.key_id, "NGO", digest(secret, issued.key), ("https://ngo.example",)
    )


async def test_a_failed_reload_keeps_the_last_good_table() -> None:
    settings = Settings(key_secret="runtime-test")  # type: ignore[arg-type]
    key, record = _partner(settings)
    source = FlakySource([record])
    runtime = PartnerRuntime(settings)
    await runtime.start(source)
    try:
        source.down = True
        await runtime.try_refresh()
        assert runtime.authenticate(key) == record
        assert runtime.allows_origin("https://ngo.example")
    finally:
        await runtime.stop()


async def test_keys_wait_with_503_until_the_table_has_loaded_once() -> None:
    settings = Settings(key_secret="runtime-test")  # type: ignore[arg-type]
    key, record = _partner(settings)
    source = FlakySource([record])
    source.down = True
    runtime = PartnerRuntime(settings)
    await runtime.start(source)
    try:
        with pytest.raises(Unavailable) as waiting:
            runtime.authenticate(key)
        assert waiting.value.headers["Retry-After"] == "5"
        source.down = False
        await runtime.refresh()
        assert runtime.authenticate(key) == record
        with pytest.raises(Unauthorized):
            runtime.authenticate(issue().key)
    finally:
        await runtime.stop()
