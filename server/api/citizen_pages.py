"""The citizens' phone pages (H5) under /m/: one HTML page (hash-routed views), its script and style sheet, all
served by this server (no CDN, no build step). The HTML answer carries a strict Content-Security-Policy (script
and style from this origin only, no inline script) and sets the CSRF cookie the page's writes echo back.
`/m/?hall=CODE` opens a hall; `/m/q/<ticket id>` is the dispenser's follow URL (the ticket's QR code)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from server.api.citizen_guard import CSRF_COOKIE, new_csrf_token

WEB = Path(__file__).resolve().parent.parent / "citizen_web"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
router = APIRouter(tags=["citizens' pages"], include_in_schema=False)
static = StaticFiles(directory=WEB / "static")


def _page(request: Request) -> Response:
    answer = Response((WEB / "index.html").read_bytes(), media_type="text/html; charset=utf-8",
                      headers={"content-security-policy": CSP})
    token = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
    secure = request.url.scheme == "https" or request.app.state.settings.tls
    answer.set_cookie(CSRF_COOKIE, token, samesite="strict", secure=secure, path="/", httponly=False)
    return answer


@router.get("/m/")
def home(request: Request) -> Response:
    return _page(request)


@router.get("/m/q/{ticket_id}")
def follow(ticket_id: str, request: Request) -> Response:
    return _page(request)  # the script reads the ticket id from the path
