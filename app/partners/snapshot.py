"""The partners as the hot path sees them: an immutable snapshot, swapped whole. Pure."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.partners.keys import digest, key_id_of, matches


@dataclass(frozen=True, slots=True)
class PartnerRecord:
    """One partner and its key as stored (the digest, never the key)."""

    id: str
    name: str
    key_digest: str
    origins: tuple[str, ...]
    rate_limit: str | None = None
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class Snapshot:
    by_key_id: dict[str, PartnerRecord] = field(default_factory=dict)
    origins: frozenset[str] = frozenset()

    @classmethod
    def of(cls, records: Iterable[PartnerRecord]) -> "Snapshot":
        active = [r for r in records if not r.revoked]
        return cls(
            by_key_id={r.id: r for r in active},
            origins=frozenset(o for r in active for o in r.origins),
        )

    def authenticate(self, secret: bytes, key: str) -> PartnerRecord | None:
        """The active partner whose key this is, or None (unknown, malformed or revoked)."""
        key_id = key_id_of(key)
        record = self.by_key_id.get(key_id) if key_id else None
        if record is None:
            # Spend the same HMAC as a real check: timing does not tell a known id apart.
            digest(secret, key)
            return None
        return record if matches(secret, key, record.key_digest) else None
