"""Text encoding for ESC/POS printers, done by us (python-escpos guesses per string and garbles "，" or "¥").

Each printer has an `encoding` (gb18030, gbk or utf-8) and a `font_charset`: the characters its built-in font
can draw (many printers only carry GB2312 glyphs). Lines the font can draw are sent as encoded bytes; a line
with any other character is printed as a raster image (GS v 0) drawn with a CJK font we install."""

from __future__ import annotations

import functools
from pathlib import Path

from drivers.core.errors import ConfigError

ENCODINGS = ("gb18030", "gbk", "utf-8")
FONT_CANDIDATES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                   "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
                   "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


def check_encoding(name: str) -> str:
    name = (name or "gb18030").lower().replace("_", "-")
    if name == "utf8":
        name = "utf-8"
    if name not in ENCODINGS:
        raise ConfigError(f"printer encoding must be one of {ENCODINGS}, got {name!r}", device="printer")
    return name


def font_has(char: str, charset: str) -> bool:
    try:
        char.encode(charset)
        return True
    except UnicodeEncodeError:
        return False


def split_runs(text: str, charset: str) -> list[tuple[bool, str]]:
    """[(drawable_by_printer_font, run), ...] in order."""
    runs: list[tuple[bool, str]] = []
    for ch in text:
        ok = font_has(ch, charset)
        if runs and runs[-1][0] == ok:
            runs[-1] = (ok, runs[-1][1] + ch)
        else:
            runs.append((ok, ch))
    return runs


@functools.lru_cache(maxsize=1)
def cjk_font_path() -> str:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    raise ConfigError("no CJK font found for printing rare characters (install fonts-noto-cjk)",
                      device="printer")


def raster_image(text: str, height: int = 24) -> bytes:
    """GS v 0 raster of `text` drawn with the CJK font: 1 bit per dot, MSB left, width padded to bytes."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(cjk_font_path(), height - 2, index=2)  # index 2: the SC (simplified) face
    width = max(8, int(font.getlength(text)) + 2)
    width = (width + 7) // 8 * 8
    image = Image.new("1", (width, height), 1)
    ImageDraw.Draw(image).text((0, 0), text, font=font, fill=0)
    bits = bytes(b ^ 0xFF for b in image.tobytes())  # PIL "1": 1 = white; ESC/POS: 1 = print a dot
    xl = width // 8
    return b"\x1d\x76\x30\x00" + xl.to_bytes(2, "little") + height.to_bytes(2, "little") + bits
