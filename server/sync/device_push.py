"""`POST /api/v1/sync/push` answered ahead of FastAPI's middleware stack and router, when it is well formed.

Every ticket issued, every call and every clerk's action is a push. Routing among some 300 routes, solving the
route's parameters and passing the middleware layers cost about a fifth of a ticket's push in process (issue
19); the reads already come this way (server/sync/device_reads.py).

Only a push the route would take as it stands comes through here: no query string, a JSON content type, a
body within the size limit that parses and validates as a PushRequest. Anything else goes down the whole
stack with its body replayed, so the stack's answers (413 payload_too_large, 422 with the field named, ...)
stay the one definition of a refusal. A push taken here is admitted for its work as every request is
(server/api/admission.py), runs the route's own function in the thread pool, and is answered through the
app's error handlers with the security headers (device_reads.Ahead)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.api.admission import Admission
from server.api.body_limit import declared_over
from server.sync.device_reads import Ahead
from shared.protocol.sync import PushRequest

PUSH = "/api/v1/sync/push"


class DevicePush(Ahead):
    def __init__(self, route: Callable[..., Response], stack: ASGIApp, admission: Admission, limit: int,
                 handlers: Mapping[Any, Any], *, tls: bool = False) -> None:
        """`route`: server/api/sync.py `push_commands`; `stack`: the whole app, for the pushes not taken here;
        `limit`: the largest body the app accepts."""
        super().__init__(handlers, tls=tls)
        self.route, self.stack, self.admission, self.limit = route, stack, admission, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        arrived = await self._arrival(scope, receive)
        body = _push_of(scope, arrived) if arrived is not None and arrived[-1]["type"] == "http.request" else None
        if body is None:  # not ours: the stack answers it from the same bytes
            return await self.stack(scope, _replay(arrived or [], receive), send)
        await self.respond(scope, receive, send, lambda request: self._push(request, body))

    async def _arrival(self, scope: Scope, receive: Receive) -> list[Message] | None:
        """The body's messages, or None (before reading) when its declared length is over the limit; reading
        stops once the body passes the limit (the stack then refuses it as it counts)."""
        if declared_over(scope, self.limit):
            return None
        arrived, seen = [await receive()], 0
        while True:
            seen += len(arrived[-1].get("body", b""))
            if seen > self.limit or arrived[-1]["type"] != "http.request" or not arrived[-1].get("more_body"):
                return arrived
            arrived.append(await receive())

    async def _push(self, request: Request, body: PushRequest) -> Response:
        headers = request.headers
        async with self.admission.admitted():  # no place in time: ApiError 503 busy_retry, as Admitting answers
            return await run_in_threadpool(self.route, body, request, headers.get("authorization"),
                                           headers.get("x-staff-token"))


def _push_of(scope: Scope, arrived: list[Message]) -> PushRequest | None:
    """The request as the route would take it, or None when the stack must look at it."""
    if scope["query_string"] or arrived[-1].get("more_body"):
        return None
    # the first of the name, as the stack reads it
    content_type = next((value for name, value in scope["headers"] if name == b"content-type"), b"")
    if content_type.split(b";")[0].strip().lower() != b"application/json":
        return None
    try:
        return PushRequest.model_validate(json.loads(b"".join(m.get("body", b"") for m in arrived)))
    except (ValueError, RecursionError, ValidationError):  # bad JSON or UTF-8, too deep, or fields to name
        return None


def _replay(arrived: list[Message], receive: Receive) -> Receive:
    async def replayed() -> Message:
        return arrived.pop(0) if arrived else await receive()
    return replayed
