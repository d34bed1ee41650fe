"""Issue 18: X-Forwarded-For is believed only from the proxies named in GOVHALL_TRUSTED_PROXIES; by default
the peer's own address is the client's, so a local process cannot pose as another address (and dodge the
login throttle) by sending the header."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import requests
import uvicorn
from sqlalchemy import select

from server.core.serving import proxy_options
from server.store.models import AuditEntry
from tests.live import free_port


@contextmanager
def served(app, settings):  # noqa: ANN001, ANN202
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                           **proxy_options(settings)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def _login_address(app, url: str) -> str:  # noqa: ANN001
    requests.post(f"{url}/api/v1/auth/login", json={"username": "clerk", "password": "wrong"},
                  headers={"X-Forwarded-For": "203.0.113.7"}, timeout=10)
    with app.state.database.read_session() as s:
        return s.scalars(select(AuditEntry.client_address).order_by(AuditEntry.id.desc())).first()


def test_the_header_is_ignored_unless_its_sender_is_a_configured_proxy(app, settings) -> None:  # noqa: ANN001
    with served(app, settings) as url:
        assert _login_address(app, url) == "127.0.0.1"
    settings.trusted_proxies = "127.0.0.1"
    with served(app, settings) as url:
        assert _login_address(app, url) == "203.0.113.7"
