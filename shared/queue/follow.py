"""The ticket's follow URL (我的排队): the phone page the server serves for one ticket, which the dispenser prints
as a QR code on the ticket and shows on its screen, and the remote ticket answer points to. One path, read by
the server (server/api/citizen_pages.py, server/api/citizen.py), provisioning and the kiosk,
under the server's own address or the hall's public base URL (shared/public_url.py) when the admin set one."""

from __future__ import annotations

PATH = "/m/q/{ticket}"


def follow_template(server: str) -> str:
    """The kiosk's `follow_url` template ("{ticket}" filled per ticket) under a server's base URL."""
    return server.rstrip("/") + PATH


def follow_path(ticket_id: str) -> str:
    return PATH.format(ticket=ticket_id)
