"""Chinese must render everywhere (no empty boxes). Pick an installed CJK font for the application, or load
one from the font folders we know, and fail loudly when there is none."""

from __future__ import annotations

import os
from pathlib import Path

from gui.qt import QApplication, QFont, QFontDatabase, QFontMetrics

PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei",
             "Noto Serif CJK SC")
FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/wqy"),
             Path(os.environ.get("GOVHALL_FONT_DIR", "/nonexistent")))
SAMPLE = "政务服务中心取号窗口"


class NoChineseFont(RuntimeError):
    pass


def _load_known_files() -> None:
    for folder in FONT_DIRS:
        if folder.is_dir():
            for path in sorted(folder.glob("*CJK*")) + sorted(folder.glob("wqy*")):
                QFontDatabase.addApplicationFont(str(path))


def renders_chinese(font: QFont) -> bool:
    metrics = QFontMetrics(font)
    return all(metrics.inFontUcs4(ord(ch)) for ch in SAMPLE)


def chinese_family() -> str:
    families = set(QFontDatabase.families())
    for family in PREFERRED:
        if family in families:
            return family
    _load_known_files()
    families = set(QFontDatabase.families())
    for family in PREFERRED:
        if family in families:
            return family
    for family in sorted(families):
        if renders_chinese(QFont(family)):
            return family
    raise NoChineseFont("no font with Chinese glyphs is installed; install fonts-noto-cjk "
                        "(installers/dev.sh does this when run as root) or set GOVHALL_FONT_DIR")


def apply_chinese_font(app: QApplication, point_size: int = 11) -> QFont:
    font = QFont(chinese_family(), point_size)
    app.setFont(font)
    return font
