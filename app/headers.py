"""One request header, read from the ASGI scope as Starlette's `request.headers.get` reads it.

That builds a `Headers` view and, for a header that is absent, raises and catches a KeyError
inside `Mapping.get`: 5-7K instructions a lookup, and the compose route looks up three
headers that are usually absent or first. Same answer: the first value of that name.
"""

from starlette.requests import HTTPConnection


def header(request: HTTPConnection, name: str) -> str | None:
    """The first value of the header `name` (any case), or None."""
    key = name.lower().encode("latin-1")  # ASGI servers give header names in lower case
    for raw, value in request.scope["headers"]:
        if raw == key:
            decoded: str = value.decode("latin-1")
            return decoded
    return None
