"""The admin workspace's line to the server. Admin edits change what every node of the hall works from, so
they are made on the server directly (never queued in the outbox): offline, an edit is refused at once with
a clear reason and nothing is half-applied. Every other role keeps working from its cache meanwhile and
picks the changes up on its next pull."""

from __future__ import annotations

from typing import Any

from shared.sync.client import SyncClient
from shared.sync.transport import TransportError

API = "/api/v1"
OFFLINE = "admin_offline"


class AdminError(Exception):
    """A refused or failed admin call: `code` is the server's error code (or `admin_offline`), `message` its
    text; `status` the HTTP status (0 when the server was not reached)."""

    def __init__(self, code: str, message: str = "", status: int = 0, details: dict | None = None) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code, self.message, self.status = code, message, status
        self.details = details or {}


class AdminApi:
    """GET/POST/PUT/PATCH/DELETE under /api/v1 with the admin's staff token, over the workstation's transport
    (its pinned TLS session). Blocking: call it through Ops.run, never on the GUI thread."""

    def __init__(self, sync: SyncClient, *, timeout: float = 15.0) -> None:
        self.sync = sync
        self.timeout = timeout

    def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None) -> Any:
        token = self.sync.staff_token
        if not token:
            # signed in offline: the server has not seen this sign-in yet, so it cannot take an admin edit
            raise AdminError(OFFLINE, "signed in offline")
        try:
            reply = self.sync.transport.request(method, API + path, params=params, json=json,
                                                headers={"Authorization": f"Bearer {token}"}, timeout=self.timeout)
        except TransportError as exc:
            raise AdminError(OFFLINE, str(exc)) from exc
        if reply.status == 204:
            return None
        if 200 <= reply.status < 300:
            return reply.body
        body = reply.body if isinstance(reply.body, dict) else {}
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        raise AdminError(error.get("code") or f"http_{reply.status}", error.get("message", ""), reply.status,
                         {k: v for k, v in error.items() if k not in ("code", "message")})

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params={k: v for k, v in params.items() if v is not None})

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, json=body if body is not None else {})

    def put(self, path: str, body: Any) -> Any:
        return self.request("PUT", path, json=body)

    def patch(self, path: str, body: Any) -> Any:
        return self.request("PATCH", path, json=body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)
