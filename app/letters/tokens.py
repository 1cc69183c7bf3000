"""Unguessable ids and tokens; only hashes of tokens are ever stored."""

import hashlib
import json
import secrets
from typing import Any


def new_letter_id() -> str:
    """128 random bits: the id is the key to the status URL and to erasing the letter."""
    return secrets.token_urlsafe(16)


def new_token() -> str:
    """256 random bits for the confirmation link."""
    return secrets.token_urlsafe(32)


def new_reference() -> str:
    """Our correlation id for one e-mail (hex: every provider's metadata accepts it)."""
    return secrets.token_hex(16)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def body_hash(body: dict[str, Any]) -> str:
    """The same JSON body, however its keys are ordered, hashes the same."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
