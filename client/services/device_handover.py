"""Handing a newly registered device its config: the file the device program loads (saved readable by its
owner only — it holds the device's token), or a one-time registration code as a QR code the device scans to
register itself (never the token). No Qt here: the page shows the PNG bytes."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import segno

# What an admin may register (the server's provisioning kinds, server/sync/provisioning.py): name → (Chinese
# name, stands at a window). The server refuses anything else with device_kind_unknown.
KINDS: dict[str, tuple[str, bool]] = {
    "dispenser": ("取号机", False),
    "display": ("集中显示屏", False),
    "evaluator": ("评价器", True),
    "clerk": ("窗口受理工作站", True),
    "approver": ("审批工作站", False),
    "controller": ("大厅控制器", False),
}


@dataclass(frozen=True)
class Handover:
    device_id: str
    kind: str
    file_name: str  # the conventional name (the desktop client reads exactly workstation.toml)
    config: str     # the file's text (TOML)

    def start_command(self, path: Path) -> str:
        """How the device program is started with the saved file (what the installer types on the device)."""
        if self.file_name == "workstation.toml":
            return f"python -m client --data-dir {path.parent}"
        return f"python -m kiosk --mode {self.kind} --config {path}"


def from_reply(body: dict) -> Handover:
    """POST /api/v1/sync/provision's answer."""
    return Handover(body["device_id"], body["kind"], body["file_name"], body["config"])


def save_config(path: Path, text: str) -> Path:
    """Write the config file with owner-only permissions (like `python -m server provision`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def qr_png(text: str, scale: int = 3) -> bytes:
    """A text as a QR code (PNG). Low error correction keeps the code small and quick to read; make_qr never
    picks a Micro QR, which scanners do not read; the UTF-8 ECI header tells a scanner the hall's Chinese name
    is UTF-8 (without it, readers guess Shift-JIS)."""
    out = io.BytesIO()
    segno.make_qr(text, error="l", encoding="utf-8", eci=True).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
