"""`GET /api/v1/sync/events` answered before FastAPI's middleware stack and routing. Thousands of devices hold
this long-poll at once, and every layer a request passes through keeps its frame alive for the whole wait:
FastAPI's per-request machinery (dependency solving, exit stacks, the route wrappers) kept about 25 KiB per
waiting device, and the middleware layers (error middleware, telemetry, body limit…) a few KiB more. Here a
waiting device costs little more than its connection. The work is the route's own function (server/api/sync.py
`events`, which also documents the endpoint in OpenAPI): this checks the query with the route's constraints,
calls it, and answers with the app's own error handlers and security headers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import FastAPI
from pydantic import Field, TypeAdapter, ValidationError
from starlette.datastructures import Headers, QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from server.api import errors
from server.api.security_headers import headers_for

PATH = "/api/v1/sync/events"
SINCE = TypeAdapter(Annotated[int, Field(ge=0)])
TIMEOUT = TypeAdapter(Annotated[float, Field(ge=0, le=60)])


def is_events(scope: Scope) -> bool:
    return scope["type"] == "http" and scope["path"] == PATH and scope["method"] == "GET"


class ServerApp(FastAPI):
    """The server's FastAPI app, except that the events long-poll skips the middleware stack: `events` (an
    EventsLongPoll, set by server/main.py) answers it."""

    events: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.events is not None and is_events(scope):
            scope["app"] = self  # as Starlette sets it: the route reads app.state through the request
            return await self.events(scope, receive, send)
        await super().__call__(scope, receive, send)


class EventsLongPoll:
    """The ASGI app of the long-poll, one coroutine from the query to the answer (each coroutine between the
    server and the wait is kept for the whole wait). An error is answered by the app's handler for its type
    (server/api/errors.py: a busy database 503 busy_retry, anything unexpected 500 internal_error), as on every
    other endpoint; every answer carries the security headers."""

    def __init__(self, handlers: Mapping[Any, Any], *, tls: bool = False) -> None:
        self.handlers = handlers  # the app's exception handlers, filled in as errors.install registers them
        self.tls = tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from server.api.sync import events  # the route module imports much; this one is imported by main
        query, problems, values = QueryParams(scope["query_string"]), [], {}
        for name, adapter, default in (("since", SINCE, 0), ("timeout", TIMEOUT, 25.0)):
            raw = query.get(name)
            try:
                values[name] = default if raw is None else adapter.validate_python(raw)
            except ValidationError as exc:
                problems += [{"field": f"query.{name}", "type": e["type"], "message": e["msg"]} for e in exc.errors()]
        if problems:
            response = errors.envelope(422, "invalid_request", "请求内容有误（request fields are invalid）", problems)
        else:
            headers, request = Headers(scope=scope), Request(scope)
            try:
                out = await events(request, authorization=headers.get("authorization"),
                                   x_staff_token=headers.get("x-staff-token"), **values)
                response = Response(out.model_dump_json(), media_type="application/json")
            except Exception as exc:
                handler = next((self.handlers[t] for t in type(exc).__mro__ if t in self.handlers), None)
                if handler is None:
                    raise
                response = await handler(request, exc)
        response.raw_headers.extend(headers_for(scope, self.tls))
        await response(scope, receive, send)
