"""How a place name becomes a lookup key.

Shared by `scripts/build_gazetteer.py` and the runtime: a key built one way and looked up
another would miss silently, so there is exactly one definition.
"""

import unicodedata
from hashlib import blake2b

# Bump when `name_key` or `key_hash` changes: the packed data records it, and a file built
# with other keys refuses to load rather than silently missing every name.
KEY_VERSION = 2
# 47 bits: a name that is not in the index matches one by chance once in ~300 million
# lookups (510k names / 2^47), and an index entry keeps 17 bits for the city in 64.
HASH_BITS = 47

_MARKS = (
    # Latin, Greek and Cyrillic accents after NFKD (é, ü, й, ё): people type them or not.
    *range(0x0300, 0x0370),
    # Arabic harakat and Hebrew points are optional in ordinary writing.
    *range(0x064B, 0x0660),
    0x0670,
    *range(0x0591, 0x05BE),
    *range(0x05BF, 0x05C8),
)
# Indic vowel signs and kana voicing marks are NOT listed: they change the word itself
# (ベ is not ヘ), so stripping them would merge different names.
_DROP = "'’ʼ`´.()\"" + "«»"
_SPACE = "-‐‑‒–—―_,/\u05be"

_TABLE: dict[int, int | None] = {
    **dict.fromkeys(_MARKS),
    **dict.fromkeys(map(ord, _DROP)),
    **dict.fromkeys(map(ord, _SPACE), ord(" ")),
}


def name_key(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name; other scripts kept."""
    folded = unicodedata.normalize("NFKD", name.casefold()).translate(_TABLE)
    return " ".join(folded.split())


def key_hash(key: str) -> int:
    """A stable HASH_BITS-bit hash of a key (Python's own `hash` changes per process)."""
    digest = blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> (64 - HASH_BITS)


def name_hash(name: str) -> int:
    """`key_hash(name_key(name))`: the form stored in the packed name indexes."""
    return key_hash(name_key(name))
