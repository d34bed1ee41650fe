"""Every path and query parameter obeys shared.protocol.limits before a route reads it (bodies do so in
shared.protocol.base.Request): 64-bit integers, no NUL, dates within the sane range. Installed once for the
whole app; each breach answers 422 with its own code."""

from __future__ import annotations

from fastapi import Request

from server.api.errors import ApiError
from shared.protocol import limits

MESSAGES = {
    limits.TOO_DEEP: "请求内容嵌套过深（nested too deep）",
    limits.OUT_OF_RANGE: "数值超出范围（integer outside the 64-bit range）",
    limits.NOT_FINITE: "数值无效（numbers must be finite）",
    limits.CONTROL_CHARACTER: "内容含有不允许的控制字符（NUL character）",
    limits.DATE_OUT_OF_RANGE: f"日期超出范围（dates lie between {limits.EARLIEST_DAY} and {limits.LATEST_DAY}）",
    limits.TOO_LARGE: f"内容过大（larger than {limits.MAX_FREE_JSON_BYTES} bytes）",
    limits.TIME_ZONE_NOT_ALLOWED: "时刻不应带时区，按大厅当地时间填写（times of day carry no time zone）",
}


def refusal(exc: limits.LimitExceeded) -> ApiError:
    return ApiError(422, exc.code, MESSAGES[exc.code], field=exc.where)


async def parameters_within_limits(request: Request) -> None:
    """An app-wide dependency: runs after routing, before the route's own parameters are converted. A coroutine,
    so it runs in the event loop: FastAPI hands a plain function to the thread pool, a hop on every request."""
    try:
        for name, value in request.path_params.items():
            limits.check_parameter(str(value), f"path.{name}")
        for name, value in request.query_params.multi_items():
            limits.check_parameter(value, f"query.{name}")
    except limits.LimitExceeded as exc:
        raise refusal(exc) from None


def body_within_limits(body: object) -> None:
    """For the few routes that take a free JSON object rather than a Request model."""
    try:
        limits.check_json(body, "body")
    except limits.LimitExceeded as exc:
        raise refusal(exc) from None
