"""Writing a device's config file: flat TOML sections of scalar values, all a device config holds (the standard
library reads TOML but does not write it). Provisioning renders a new device's file with it; a device that
registered itself by scanning a code (kiosk/enrol.py) writes its file with it too."""

from __future__ import annotations

import json
import re
from typing import Any

ScalarValue = str | int | float | bool
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    # A JSON string is a valid TOML basic string (same escapes, \uXXXX included).
    # TOML also forbids a raw DEL, which JSON leaves alone.
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def render_toml(sections: dict[str, dict[str, ScalarValue]], header: str = "") -> str:
    """Flat sections of scalar values: all a device config holds (no TOML writer in the standard library)."""
    lines = [f"# {CONTROL.sub('?', line)}" for line in header.splitlines()]  # TOML comments take no controls
    for name, values in sections.items():
        if lines:
            lines.append("")
        lines.append(f"[{name}]")
        lines += [f"{key} = {_value(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"
