"""Whether a client asks for JSON rather than a page, from its Accept header. Pure.

The embed routes are pages for browsers; a script that says it wants JSON (as `fetch` with
`Accept: application/json` does) gets the API's problem+json instead. A browser's own
Accept names text/html first, and `*/*` alone asks for nothing in particular: a page.
"""

from app.qvalues import quality

JSON_TYPES = ("application/json", "application/problem+json")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def wants_json(accept: str | None) -> bool:
    """JSON named, with a quality no lower than any HTML type named."""
    best = {"json": 0.0, "html": 0.0}
    for item in (accept or "").split(","):
        media, *parameters = item.split(";")
        media = media.strip().lower()
        kind = "json" if media in JSON_TYPES or media.endswith("+json") else (
            "html" if media in HTML_TYPES else None)
        if kind is not None:
            best[kind] = max(best[kind], quality(parameters) or 0.0)
    return best["json"] > 0 and best["json"] >= best["html"]
