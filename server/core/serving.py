"""How uvicorn serves the app: X-Forwarded-For is believed only from the proxies named in settings
(`GOVHALL_TRUSTED_PROXIES`); with none named, the peer's own address is the client's, whoever sends the header."""

from __future__ import annotations

from typing import Any

from server.core.settings import Settings


def proxy_options(settings: Settings) -> dict[str, Any]:
    proxies = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    if not proxies:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(proxies)}
