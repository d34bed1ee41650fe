"""A real server on loopback for client tests: the app under uvicorn in a thread, on a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(app, port: int | None = None, **ssl) -> Iterator[str]:  # noqa: ANN001
    """`ssl`: uvicorn's ssl_certfile and ssl_keyfile, as `python -m server serve --tls-cert --tls-key` passes."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                           timeout_graceful_shutdown=2, **ssl))
    thread = threading.Thread(target=server.run, name=f"live-server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.01)
    try:
        yield f"{'https' if ssl else 'http'}://127.0.0.1:{port}"
    finally:
        # A client still waiting on /sync/events holds its request open; uvicorn would wait for it without end
        # (the join below gave up after 10 s, once per test): after 2 s the open requests are cancelled.
        server.should_exit = True
        thread.join(10)
