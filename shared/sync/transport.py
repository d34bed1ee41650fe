"""How the client reaches the server. `Transport` is the interface (the harness plugs a simulated network in
here); `HttpTransport` is the real one: a requests Session with timeouts on every call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import requests


class TransportError(Exception):
    """The request may or may not have reached the server (timeout, refused, dropped)."""


@dataclass
class Reply:
    status: int
    body: Any

    @property
    def error_code(self) -> str | None:
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"].get("code")
        return None


class Transport(Protocol):
    def request(self, method: str, path: str, *, params: dict | None = None, json: Any = None,
                headers: dict | None = None, timeout: float = 10.0) -> Reply: ...


class HttpTransport:
    def __init__(self, base_url: str, *, connect_timeout: float = 3.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.connect_timeout = connect_timeout
        self.session = requests.Session()

    def request(self, method: str, path: str, *, params: dict | None = None, json: Any = None,
                headers: dict | None = None, timeout: float = 10.0) -> Reply:
        try:
            response = self.session.request(method, self.base_url + path, params=params, json=json, headers=headers,
                                            timeout=(self.connect_timeout, timeout))
        except requests.RequestException as exc:
            raise TransportError(str(exc)) from exc
        try:
            body = response.json()
        except ValueError:
            body = {"error": {"code": "not_json", "message": response.text[:200]}}
        return Reply(response.status_code, body)

    def close(self) -> None:
        self.session.close()
