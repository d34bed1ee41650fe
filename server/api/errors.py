"""One error envelope for every failure: {"error": {"code", "message", "details"}} with a specific 4xx.
Messages are Chinese first (what a clerk or kiosk shows), with the English detail in `details` where useful."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError, TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.storage import StorageUnavailable
from shared.calendar import CalendarNotPublished
from shared.errors import Conflict, DomainError, NotFound, PermissionDenied
from shared.protocol.limits import CODES as LIMIT_CODES
from shared.protocol.limits import MAX_DEPTH, TOO_DEEP

log = logging.getLogger("govhall.server")


class ApiError(DomainError):
    """An error raised by a route with its HTTP status."""

    def __init__(self, status: int, code: str, message: str, **details) -> None:
        super().__init__(message, code=code, **details)
        self.status = status


STATUS_BY_TYPE: list[tuple[type[DomainError], int]] = [
    (NotFound, 404), (Conflict, 409), (PermissionDenied, 403), (CalendarNotPublished, 409),
]


def envelope(status: int, code: str, message: str, details=None) -> JSONResponse:  # noqa: ANN001
    body = {"code": code, "message": message}
    if details:
        body["details"] = details
    # A busy server (a locked database, an exhausted pool, no admission in time): the client may simply retry.
    headers = {"Retry-After": "1"} if code == "busy_retry" else None
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return envelope(exc.status, exc.code, exc.message, exc.details or None)

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        status = next((s for t, s in STATUS_BY_TYPE if isinstance(exc, t)), 422)
        return envelope(status, exc.code, exc.message, exc.details or None)

    @app.exception_handler(StorageUnavailable)
    async def _storage(request: Request, exc: StorageUnavailable) -> JSONResponse:
        # The file storage (a disk, an S3 bucket) is down or refuses the server: the request's unit of work
        # rolled back, nothing was recorded; the operator has the reason in the log, the client may retry.
        log.error("file storage unavailable on %s %s: %s", request.method, request.url.path, exc.message)
        answer = envelope(503, exc.code, "文件存储暂不可用，请稍后重试；如持续出现请联系管理员（file storage unavailable）",
                          {"reason": exc.reason})
        answer.headers["Retry-After"] = "5"
        return answer

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"field": ".".join(str(p) for p in e["loc"]), "type": e["type"], "message": e["msg"]}
                    for e in exc.errors()]
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            return envelope(400, "invalid_json", "请求内容不是有效的 JSON（request body is not valid JSON）", problems)
        breached = sorted({e["type"] for e in exc.errors()} & set(LIMIT_CODES))
        if breached:  # a limit of shared.protocol.limits: its own code (too_deep, value_out_of_range, …)
            return envelope(422, breached[0], "请求内容超出允许范围（a value breaks an input limit）", problems)
        return envelope(422, "invalid_request", "请求内容有误（request fields are invalid）", problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        unread = _unreadable_body(exc.__cause__)  # FastAPI's one "error parsing the body" for any cause
        if exc.status_code == 400 and unread is not None:
            return unread
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorised", 413: "payload_too_large"}
        return envelope(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> JSONResponse:
        # A safety net behind shared.protocol.limits: a number no column or date can hold.
        log.warning("overflow on %s %s: %s", request.method, request.url.path, exc)
        return envelope(422, "value_out_of_range", "数值超出范围（value out of range）")

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        log.warning("database refused a value on %s %s: %s", request.method, request.url.path, exc.orig)
        return envelope(422, "value_rejected", "数据库拒绝了该数值（value refused by the database）")

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, exc: Exception) -> JSONResponse:
        # A locked SQLite file or an exhausted connection pool under load: the request did nothing (its unit of
        # work rolled back), so the client may simply retry — 503, never a 500.
        log.warning("database busy on %s %s: %s", request.method, request.url.path, exc)
        return envelope(503, "busy_retry", "服务器繁忙，请稍后重试（database busy, retry with backoff）")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return envelope(500, "internal_error", "服务器内部错误，请稍后重试（internal error）")


def _unreadable_body(cause: BaseException | None) -> JSONResponse | None:
    """Why a JSON body could not be read, in the words of the other refusals: nested too deep for the parser to
    descend (a limit of shared.protocol.limits), or not UTF-8 text (not JSON at all)."""
    if isinstance(cause, RecursionError):
        return envelope(422, TOO_DEEP, "请求内容超出允许范围（a value breaks an input limit）",
                        [{"field": "body", "type": TOO_DEEP, "message": f"nested deeper than {MAX_DEPTH} levels"}])
    if isinstance(cause, UnicodeDecodeError):
        return envelope(400, "invalid_json", "请求内容不是有效的 JSON（request body is not valid JSON）",
                        [{"field": "body", "type": "json_invalid", "message": "not UTF-8 text"}])
    return None
