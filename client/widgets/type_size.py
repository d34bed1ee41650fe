"""大字体 (large type) for the workstation: one switch that scales the application font and the stylesheet's
explicit sizes, for staff who read better with larger characters. The administrator may make it the
workstation's default (`large_type = true` in workstation.toml); the person at the desk toggles it from the
显示 menu, and that choice is kept in `<data dir>/display.json` across restarts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from gui.qt import QApplication, QWidget
from client.widgets.style import stylesheet

LARGE_SCALE = 1.3
BASE_POINT_SIZE = "govhall_base_point_size"  # the application's normal size, kept on the QApplication
FILE_NAME = "display.json"


class BadDisplaySettings(ValueError):
    pass


@dataclass
class TypeSize:
    large: bool = False
    path: Path | None = None  # where the choice is kept; None: not kept (tests, a read-only data dir)

    @property
    def scale(self) -> float:
        return LARGE_SCALE if self.large else 1.0

    @classmethod
    def load(cls, data_dir: Path, default: bool = False) -> TypeSize:
        """The kept choice, else the workstation's default."""
        path = data_dir / FILE_NAME
        if not path.exists():
            return cls(default, path)
        try:
            value = json.loads(path.read_text(encoding="utf-8")).get("large_type")
        except (ValueError, AttributeError) as exc:
            raise BadDisplaySettings(f"{path}: not a JSON object ({exc}); delete the file to reset") from exc
        if not isinstance(value, bool):
            raise BadDisplaySettings(f"{path}: large_type must be true or false, found {value!r}")
        return cls(value, path)

    def save(self) -> None:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps({"large_type": self.large}), encoding="utf-8")


def apply_type_size(size: TypeSize, *windows: QWidget) -> None:
    """Scale the application font (every widget without its own font follows) and re-style `windows`, which
    carry the workstation stylesheet themselves."""
    app = QApplication.instance()
    base = app.property(BASE_POINT_SIZE)
    if base is None:
        base = app.font().pointSizeF()
        app.setProperty(BASE_POINT_SIZE, base)
    font = app.font()
    font.setPointSizeF(base * size.scale)
    app.setFont(font)
    sheet = stylesheet(size.scale)
    if app.styleSheet():
        app.setStyleSheet(sheet)
    for window in windows:
        window.setStyleSheet(sheet)
