"""Who may put the embed page in a frame: the partners' origins, and nobody else.

Sets `Content-Security-Policy: frame-ancestors 'self' <origins>` on every answer under
`/embed`, keeping whatever else the page's own policy says, so the embed routes need not
know about partners. X-Frame-Options is dropped there: it cannot list origins, and a
browser that knows frame-ancestors ignores it anyway.
"""

from collections.abc import Callable, Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

EMBED_PREFIX = "/embed"


def with_frame_ancestors(policy: str | None, origins: Iterable[str]) -> str:
    """`policy` with its frame-ancestors directive replaced by 'self' plus `origins`."""
    kept = [
        d.strip()
        for d in (policy or "").split(";")
        if d.strip() and d.split()[0].lower() != "frame-ancestors"
    ]
    kept.append(" ".join(["frame-ancestors", "'self'", *origins]))
    return "; ".join(kept)


def is_embed_path(path: str) -> bool:
    return path == EMBED_PREFIX or path.startswith(EMBED_PREFIX + "/")


class EmbedFraming:
    def __init__(self, app: ASGIApp, ancestors: Callable[[], Iterable[str]]) -> None:
        self.app = app
        self.ancestors = ancestors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_embed_path(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def send_framed(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                policy = with_frame_ancestors(out.get("content-security-policy"), self.ancestors())
                out["Content-Security-Policy"] = policy
                if "x-frame-options" in out:
                    del out["x-frame-options"]
            await send(message)

        await self.app(scope, receive, send_framed)
