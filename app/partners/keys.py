"""API keys: made once, shown once, kept only as a keyed digest. Pure (stdlib only).

A key reads `el_<key id>_<secret>`. The key id is public (it names the key in
`partners list` and `partners revoke`) and lets the server find the one record to
compare against, so checking a key costs one HMAC whatever the number of partners.
The secret part is 32 random bytes: far beyond guessing, which is why a fast keyed
SHA-256 is enough and a slow password hash would only cost latency.
"""

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass

PREFIX = "el_"
KEY_ID_LENGTH = 10
_KEY_ID_ALPHABET = frozenset(string.hexdigits.lower())
_SECRET_LENGTH = 43  # token_urlsafe(32): 32 bytes in unpadded base64url


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key: `key` is shown to the operator once and never stored."""

    key_id: str
    key: str


def issue() -> IssuedKey:
    key_id = secrets.token_hex(KEY_ID_LENGTH // 2)
    return IssuedKey(key_id, f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}")


def key_id_of(key: str) -> str | None:
    """The key id a well-formed key carries, or None for anything else."""
    if not key.startswith(PREFIX) or len(key) != len(PREFIX) + KEY_ID_LENGTH + 1 + _SECRET_LENGTH:
        return None
    key_id, sep = key[len(PREFIX) : len(PREFIX) + KEY_ID_LENGTH], key[len(PREFIX) + KEY_ID_LENGTH]
    if sep != "_" or not set(key_id) <= _KEY_ID_ALPHABET:
        return None
    return key_id


def digest(secret: bytes, key: str) -> str:
    """What is stored for a key: HMAC-SHA-256 under the server's key secret, hex."""
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


def matches(secret: bytes, key: str, stored_digest: str) -> bool:
    """Constant time, so an attacker cannot learn a digest byte by byte from timings."""
    return hmac.compare_digest(digest(secret, key), stored_digest)
