"""Security headers on every answer (issue 18): no MIME sniffing, no framing, no referrer, no caching of API
answers (they carry personal data), and HSTS when the request came over TLS. A plain ASGI middleware, so it
also covers answers made by other middleware (413) and by the error handlers."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, tls: bool = False) -> None:
        self.app, self.tls = app, tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = headers_for(scope, self.tls)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *((n, v) for n, v in extra if n not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)


def headers_for(scope: Scope, tls: bool) -> tuple[tuple[bytes, bytes], ...]:
    """The headers every answer to this request carries."""
    return ALWAYS + ((HSTS,) if tls or scope.get("scheme") == "https" else ())
