"""`GET /api/v1/sync/events` answered ahead of FastAPI's routing. Thousands of devices hold this long-poll at
once, and FastAPI's per-request machinery (dependency solving, exit stacks, the route wrappers) kept about
25 KiB per waiting device; here a waiting device costs little more than its connection. The work is the route's
own function (server/api/sync.py `events`, which also documents the endpoint in OpenAPI): this only checks the
query with the route's constraints, calls it, and writes the answer or the error envelope."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, TypeAdapter, ValidationError
from starlette.datastructures import Headers, QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from server.api import errors

PATH = "/api/v1/sync/events"
SINCE = TypeAdapter(Annotated[int, Field(ge=0)])
TIMEOUT = TypeAdapter(Annotated[float, Field(ge=0, le=60)])


class EventsLongPoll:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        response = await self._answer(scope)
        await response(scope, receive, send)

    async def _answer(self, scope: Scope) -> Response:
        from server.api.sync import events  # the route module imports much; this one is imported by main
        query, problems, values = QueryParams(scope["query_string"]), [], {}
        for name, adapter, default in (("since", SINCE, 0), ("timeout", TIMEOUT, 25.0)):
            raw = query.get(name)
            try:
                values[name] = default if raw is None else adapter.validate_python(raw)
            except ValidationError as exc:
                problems += [{"field": f"query.{name}", "type": e["type"], "message": e["msg"]} for e in exc.errors()]
        if problems:
            return errors.envelope(422, "invalid_request", "请求内容有误（request fields are invalid）", problems)
        headers = Headers(scope=scope)
        try:
            out = await events(Request(scope), authorization=headers.get("authorization"),
                               x_staff_token=headers.get("x-staff-token"), **values)
        except errors.ApiError as exc:
            return errors.envelope(exc.status, exc.code, exc.message, exc.details or None)
        return Response(out.model_dump_json(), media_type="application/json")
