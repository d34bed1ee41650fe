"""Guards of the citizens' pages (/m/): a double-submit CSRF token and a server-made arithmetic captcha.

CSRF: the page answer sets the cookie `gh_csrf` (random, SameSite=Strict, not HttpOnly so the page's script can
copy it); every write of the citizens' API must carry the same value in `X-CSRF-Token`. A page on another site
can neither read the cookie nor set the header. The cookie authenticates nothing: staff routes read only the
Authorization header, so no citizen's cookie reaches them.

Captcha: a sum of two small numbers, chosen by the server and sealed in a token signed with a key derived from
the server's audit key (HMAC-SHA256), valid a few minutes: stateless, so it works the same on every worker
process. It stops a naive script, not a determined one; the per-client and per-person booking limits
(server/queue/booking_limits.py) are what bound abuse. An SMS code would bind a phone, but citizens booking
without a mobile number (it is optional) could not book at all."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import datetime as dt

from fastapi import Request

from server.api.errors import ApiError

CSRF_COOKIE = "gh_csrf"
CSRF_HEADER = "x-csrf-token"
CAPTCHA_TTL = dt.timedelta(minutes=5)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def check_csrf(request: Request) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), header.encode()):
        raise ApiError(403, "csrf_failed", "页面已过期，请刷新页面后重试（CSRF token missing or wrong）")


def _key(request: Request) -> bytes:
    return hmac.new(request.app.state.database.audit_key, b"govhall citizen captcha v1", hashlib.sha256).digest()


def _sign(key: bytes, body: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode().rstrip("=")


def new_captcha(request: Request, now: dt.datetime) -> tuple[str, str]:
    """(question, token): the question in Chinese, the token to send back with the answer."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    body = json.dumps({"s": a + b, "e": int((now + CAPTCHA_TTL).timestamp()), "n": secrets.token_hex(6)},
                      separators=(",", ":")).encode()
    token = base64.urlsafe_b64encode(body).decode().rstrip("=") + "." + _sign(_key(request), body)
    return f"{a} + {b} = ?", token


def check_captcha(request: Request, token: str, answer: str, now: dt.datetime) -> None:
    wrong = ApiError(422, "captcha_wrong", "验证码计算结果不正确或已过期，请重新计算")
    encoded, _, signature = token.partition(".")
    try:
        body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except ValueError:
        raise wrong from None
    if not hmac.compare_digest(_sign(_key(request), body), signature):
        raise wrong
    try:
        sealed = json.loads(body)
        expected, expires = int(sealed["s"]), int(sealed["e"])
    except (ValueError, KeyError, TypeError):
        raise wrong from None
    if now.timestamp() > expires or answer.strip() != str(expected):
        raise wrong
