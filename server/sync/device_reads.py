"""The devices' two constant reads, `GET /api/v1/sync/events` and `GET /api/v1/sync/pull`, answered before
FastAPI's middleware stack and routing.

- Thousands of devices hold the events long-poll at once, and every layer a request passes through keeps its
  frame alive for the whole wait: FastAPI's per-request machinery (dependency solving, exit stacks, the route
  wrappers) kept about 25 KiB per waiting device, and the middleware layers a few KiB more. Here a waiting
  device costs little more than its connection.
- Every change in a hall wakes all its devices, and each pulls: routing among some 300 routes, solving the
  route's parameters and passing eight middleware layers were half of a woken pull's CPU once its reads went in
  batches (issue 19).

The work is the routes' own functions (server/api/sync.py `events` and `pull`, which also document the endpoints
in OpenAPI): this checks the query as the app does (shared.protocol.limits, then the route's constraints), calls
the function, and answers with the app's own error handlers and security headers. Neither holds an admission
place while it waits: their database reads are admitted in batches (server/api/sync.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any

from fastapi import FastAPI
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from server.api import errors
from server.api.limits import refusal
from server.api.security_headers import headers_for
from shared.protocol import limits

EVENTS = "/api/v1/sync/events"
PULL = "/api/v1/sync/pull"
MAX_PULL = 5000
# Each read's query parameters: (adapter with the route's constraints, default).
QUERIES: dict[str, dict[str, tuple[TypeAdapter, Any]]] = {
    EVENTS: {"since": (TypeAdapter(Annotated[int, Field(ge=0)]), 0),
             "timeout": (TypeAdapter(Annotated[float, Field(ge=0, le=60)]), 25.0)},
    PULL: {"cursors": (TypeAdapter(str), ""), "limit": (TypeAdapter(Annotated[int, Field(ge=1, le=MAX_PULL)]), 1000)},
}


class ServerApp(FastAPI):
    """The server's FastAPI app, except that the requests in `ahead` ((method, path) → ASGI app, set by
    server/main.py) skip the middleware stack and the router."""

    ahead: Mapping[tuple[str, str], ASGIApp] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            app = self.ahead.get((scope["method"], scope["path"]))
            if app is not None:
                scope["app"] = self  # as Starlette sets it: the route reads app.state through the request
                return await app(scope, receive, send)
        await super().__call__(scope, receive, send)

    async def stack(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The whole middleware stack and router, for a request that came ahead and is not ours to answer."""
        await super().__call__(scope, receive, send)


Route = Callable[..., Awaitable[BaseModel | Response]]


class Ahead:
    """Answers a request ahead of the stack as the stack would: an error by the app's handler for its type
    (server/api/errors.py: a busy database 503 busy_retry, anything unexpected 500 internal_error), and every
    answer with the security headers."""

    def __init__(self, handlers: Mapping[Any, Any], *, tls: bool = False) -> None:
        self.handlers = handlers  # the app's exception handlers, filled in as errors.install registers them
        self.tls = tls

    async def respond(self, scope: Scope, receive: Receive, send: Send,
                      answer: Callable[[Request], Awaitable[Response]]) -> None:
        request = Request(scope)
        try:
            response = await answer(request)
        except Exception as exc:
            handler = next((self.handlers[t] for t in type(exc).__mro__ if t in self.handlers), None)
            if handler is None:
                raise
            response = await handler(request, exc)
        response.raw_headers.extend(headers_for(scope, self.tls))
        await response(scope, receive, send)


class DeviceRead(Ahead):
    """One read as an ASGI app, one coroutine from the query to the answer (each coroutine between the server and
    a long-poll's wait is kept for the whole wait)."""

    def __init__(self, route: Route, query: dict[str, tuple[TypeAdapter, Any]], handlers: Mapping[Any, Any], *,
                 tls: bool = False) -> None:
        super().__init__(handlers, tls=tls)
        self.route, self.query = route, query

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.respond(scope, receive, send,
                           lambda request: self._answer(request, QueryParams(scope["query_string"])))

    async def _answer(self, request: Request, query: QueryParams) -> Response:
        for name, value in query.multi_items():  # the app-wide rule comes first, as its dependency does
            try:
                limits.check_parameter(value, f"query.{name}")
            except limits.LimitExceeded as exc:
                raise refusal(exc) from None
        values, problems = {}, []
        for name, (adapter, default) in self.query.items():
            raw = query.get(name)
            try:
                values[name] = default if raw is None else adapter.validate_python(raw)
            except ValidationError as exc:
                problems += [{"field": f"query.{name}", "type": e["type"], "message": e["msg"]} for e in exc.errors()]
        if problems:
            return errors.envelope(422, "invalid_request", "请求内容有误（request fields are invalid）", problems)
        headers = request.headers
        out = await self.route(request, authorization=headers.get("authorization"),
                               x_staff_token=headers.get("x-staff-token"), **values)
        return out if isinstance(out, Response) else Response(out.model_dump_json(), media_type="application/json")


def device_reads(app: FastAPI, *, tls: bool) -> dict[tuple[str, str], ASGIApp]:
    from server.api.sync import events, pull  # the route module imports much; this one is imported by main
    return {("GET", EVENTS): DeviceRead(events, QUERIES[EVENTS], app.exception_handlers, tls=tls),
            ("GET", PULL): DeviceRead(pull, QUERIES[PULL], app.exception_handlers, tls=tls)}
