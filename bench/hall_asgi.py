"""Call an ASGI app in process, on an event loop owned by the calling thread.

TestClient runs the app on a portal thread and hands every request, body chunk and response part across
threads (about 9 thread hand-overs per request); the hall day makes ~19,000 requests. This caller builds the
same ASGI scope and runs the app to completion on its own loop, so a request costs the app's work (routing,
middleware, validation, the handler in FastAPI's thread pool) and nothing else."""

from __future__ import annotations

import asyncio
import json as jsonlib
from typing import Any
from urllib.parse import urlencode


class Response:
    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code, self.content = status_code, content

    def json(self) -> Any:
        return jsonlib.loads(self.content) if self.content else None


class AsgiCaller:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()

    def request(self, method: str, path: str, *, params: dict | None = None, json: Any = None,
                headers: dict | None = None, client: str = "127.0.0.1") -> Response:
        body = b"" if json is None else jsonlib.dumps(json, separators=(",", ":")).encode()
        raw = [(b"host", b"testserver"), (b"user-agent", b"hall-day")]
        if json is not None:
            raw += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        raw += [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in (headers or {}).items()]
        query = urlencode({k: v for k, v in (params or {}).items() if v is not None}, doseq=True)
        scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
                 "method": method.upper(), "scheme": "http", "path": path, "raw_path": path.encode(),
                 "query_string": query.encode(), "root_path": "", "headers": raw,
                 "client": (client, 50000), "server": ("testserver", 80), "state": {}, "extensions": {}}
        return self.loop.run_until_complete(self._call(scope, body))

    async def _call(self, scope: dict, body: bytes) -> Response:
        sent = False
        status, chunks = 500, []

        async def receive() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # the client never disconnects mid-request
            raise AssertionError("unreachable")

        async def send(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return Response(status, b"".join(chunks))

    def post(self, path: str, **kwargs: Any) -> Response:
        return self.request("POST", path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def close(self) -> None:
        self.loop.run_until_complete(self.loop.shutdown_default_executor())
        self.loop.close()
