"""Where a GovHall server listens unless told otherwise: one default for the server, the clients, the kiosks
and the demo, so a program started without arguments finds the others."""

from __future__ import annotations

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_SERVER_URL = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"
