"""`Cache-Control: no-store` on every HTTP response unless the route set its own, as plain ASGI middleware.
(`@app.middleware("http")` would run each request through a task group and memory streams of its own: about
half the memory a waiting long-poll holds, and time on every request.)"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = (b"cache-control", b"no-store")


class NoStore:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    message = {**message, "headers": [*headers, HEADER]}
            await send(message)

        return await self.app(scope, receive, send_no_store)
