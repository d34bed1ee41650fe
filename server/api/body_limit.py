"""Request bodies over the app's limit are refused with 413 before they are read into memory."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from server.api import errors


def declared_over(scope: Scope, limit: int) -> bool:
    """The request declares a body over `limit` bytes (or a length that is not a number)."""
    declared = dict(scope["headers"]).get(b"content-length")
    return declared is not None and (not declared.isdigit() or int(declared) > limit)


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413 before they are read into memory."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if declared_over(scope, self.limit):
            return await errors.envelope(413, "payload_too_large",
                                         f"请求内容过大（body over {self.limit} bytes）")(scope, receive, send)
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise errors.ApiError(413, "payload_too_large", f"请求内容过大（body over {self.limit} bytes）")
            return message

        return await self.app(scope, counted, send)
