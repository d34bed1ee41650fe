"""How the client reaches the server. `Transport` is the interface (the harness plugs a simulated network in
here); `HttpTransport` is the real one: a requests Session with timeouts on every call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
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


class BinaryTransport(Transport, Protocol):
    """A transport that can also send raw bytes (attachment chunks: base64 in JSON would cost a third more)."""

    def request(self, method: str, path: str, *, params: dict | None = None, json: Any = None,
                headers: dict | None = None, timeout: float = 10.0, content: bytes | None = None) -> Reply: ...


def pinned_session(ca_file: str | Path | None = None) -> requests.Session:
    """A requests Session for the hall server. With `ca_file` (the hall CA pinned in the device config, handed
    over at provisioning) the server's certificate must chain to that CA and nothing else; without it the
    system's CAs apply (and plain http stays possible for a loopback demo)."""
    session = requests.Session()
    if ca_file:
        if not Path(ca_file).is_file():
            raise FileNotFoundError(f"the hall CA file {ca_file} does not exist")
        session.verify = str(ca_file)
        # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's verify: a pin must not yield
        session.trust_env = False
    return session


class HttpTransport:
    def __init__(self, base_url: str, *, connect_timeout: float = 3.0, ca_file: str | Path | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.connect_timeout = connect_timeout
        self.session = pinned_session(ca_file)

    def request(self, method: str, path: str, *, params: dict | None = None, json: Any = None,
                headers: dict | None = None, timeout: float = 10.0, content: bytes | None = None) -> Reply:
        try:
            response = self.session.request(method, self.base_url + path, params=params, json=json, headers=headers,
                                            data=content, timeout=(self.connect_timeout, timeout))
        except requests.RequestException as exc:
            raise TransportError(str(exc)) from exc
        kind = response.headers.get("content-type", "")
        if response.ok and response.content and not kind.startswith("application/json"):
            return Reply(response.status_code, response.content)  # a file (a notice PDF, a CSV export): its bytes
        try:
            body = response.json()
        except ValueError:
            body = {"error": {"code": "not_json", "message": response.text[:200]}}
        return Reply(response.status_code, body)

    def close(self) -> None:
        self.session.close()
