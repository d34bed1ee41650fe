"""A hall's public base URL (an admin setting per hall, `hall.public_url`): the address phones reach the hall's
server at from outside its network, under which the ticket's follow page (shared/queue/follow.py) is printed.
The rule it must meet lives here, checked by the admin API and by provisioning."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from shared.errors import DomainError

PUBLIC_URL_MAX = 200
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
                   r"[A-Za-z0-9])?$")
_SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")  # no ".", "..", percent-escapes or braces


class InvalidPublicUrl(DomainError):
    code = "invalid_public_url"


def public_base(url: str) -> str:
    """The hall's public base URL as kept: "" (unset), or scheme://host[:port][/prefix] with no trailing slash.
    Only http and https; a host name or an IP address, no user or password; a path prefix made of plain
    segments (no "." or "..", no empty segment, no percent-escapes, backslashes or braces); no query, no
    fragment. Raises InvalidPublicUrl naming what is wrong."""
    text = (url or "").strip()
    if not text:
        return ""
    if len(text) > PUBLIC_URL_MAX:
        raise InvalidPublicUrl(f"longer than {PUBLIC_URL_MAX} characters", reason="too_long")
    if any(c.isspace() or not c.isprintable() or c in "\\{}%" for c in text):
        raise InvalidPublicUrl("spaces, control characters, backslashes, braces or percent-escapes", reason="characters")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidPublicUrl("only http:// or https:// addresses", reason="scheme")
    if "@" in parts.netloc:
        raise InvalidPublicUrl("no user name or password in the address", reason="userinfo")
    if parts.query or parts.fragment or "?" in text or "#" in text or ";" in parts.path:
        raise InvalidPublicUrl("no query, fragment or parameters", reason="query")
    try:
        port = parts.port
    except ValueError:
        raise InvalidPublicUrl("the port is not a number from 1 to 65535", reason="port") from None
    host = parts.hostname or ""
    if not _valid_host(host) or port == 0:
        raise InvalidPublicUrl("no valid host name or IP address", reason="host")
    path = parts.path.rstrip("/")
    if path and not all(_SEGMENT.match(s) for s in path[1:].split("/")):
        raise InvalidPublicUrl("the path may only be a plain prefix such as /govhall", reason="path")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def _valid_host(host: str) -> bool:
    if ":" in host:  # an IPv6 literal (urlsplit took its brackets off)
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    return bool(_HOST.match(host)) and len(host) <= 253
