"""Provider and relay replies made fit for a stored reason: short, and with no addresses.

Relays and APIs quote the rejected recipient ("550 5.1.1 <ivan@mail.example>: unknown"), and
a reason is stored and shown, so every address is cut out before it leaves an adapter.
"""

import re

# Anything shaped like local@domain, bracketed or not; deliberately loose, false positives
# only cost a word of the reason.
_ADDRESS = re.compile(r"<?[^\s<>@\"',;:()]+@[^\s<>@\"',;:()]+>?")
_SPACE = re.compile(r"\s+")
MAX_REASON = 200


def redact(text: str) -> str:
    """`text` on one line, addresses replaced by [address], at most MAX_REASON characters."""
    cleaned = _SPACE.sub(" ", _ADDRESS.sub("[address]", text)).strip()
    if len(cleaned) <= MAX_REASON:
        return cleaned
    return cleaned[: MAX_REASON - 1] + "…"
