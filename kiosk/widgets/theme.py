"""Colours and style sheets. Elderly mode (适老化): larger type, higher contrast, fewer choices per screen."""

from __future__ import annotations

from dataclasses import dataclass, replace

BLUE, DEEP, RED, GREEN = "#1459b3", "#0b3573", "#c62828", "#2e7d32"
AMBER, INK, PAPER = "#b26a00", "#1b2430", "#f3f6fa"


TILE_WIDTH = 540     # design px a business tile needs at scale 1 (two across the 1080-px portrait dispenser)
MIN_ASPECT = 1.25    # the long side a layout needs, in short sides: a squarer screen shrinks it


@dataclass(frozen=True)
class Theme:
    """`scale` is the mode's type size (elderly: larger); `fit` resizes everything for the actual screen (see
    `fitted`); `across` is the screen's width in design px, which sets how many tiles a row holds."""
    scale: float = 1.0
    elderly: bool = False
    background: str = PAPER
    card: str = "#ffffff"
    text: str = INK
    accent: str = BLUE
    fit: float = 1.0
    across: int = 1080
    landscape: bool = False

    def px(self, size: int) -> int:
        return max(1, int(size * self.scale * self.fit))

    @property
    def columns(self) -> int:
        """Business tiles per row, from the width: two on the portrait dispenser (one in elderly mode), three
        on a 16:9 landscape screen (two in elderly mode)."""
        return max(1, int(self.across / (TILE_WIDTH * self.scale)))

    def fitted(self, width: int, height: int, design: tuple[int, int] = (1080, 1920)) -> Theme:
        fit = fit_scale(width, height, design)
        return replace(self, fit=fit, across=int(width / fit), landscape=width > height)


def fit_scale(width: int, height: int, design: tuple[int, int]) -> float:
    """How much to resize sizes drawn for a `design` (width, height) screen on a width × height one, in
    either orientation: the design's short side must fit the screen's short side, and the screen's long side
    must hold MIN_ASPECT short sides (a 5:4 screen is as tight as it gets). A 1080×1920 design fits a
    1920×1080 screen at 1.0; a 4K screen doubles every size, as seen from the same distance."""
    if width <= 0 or height <= 0:
        raise ValueError(f"screen size must be positive, got {width}x{height}")
    short_ref = min(design)
    short, long = sorted((width, height))
    return round(min(short / short_ref, long / (short_ref * MIN_ASPECT)), 3)


NORMAL = Theme()
ELDERLY = Theme(scale=1.4, elderly=True, background="#ffffff", card="#ffffff", text="#000000", accent=DEEP)


def sheet(theme: Theme) -> str:
    t = theme
    return f"""
    QWidget#kiosk {{ background: {t.background}; }}
    QLabel {{ color: {t.text}; }}
    QLabel#title {{ font-size: {t.px(44)}px; font-weight: bold; }}
    QLabel#subtitle {{ font-size: {t.px(30)}px; color: #44505f; }}
    QLabel#floor {{ font-size: {t.px(30)}px; font-weight: bold; color: {t.accent}; padding-top: 12px; }}
    QLabel#hint {{ font-size: {t.px(26)}px; color: #44505f; }}
    QLabel#bignumber {{ font-size: {t.px(200)}px; font-weight: bold; color: {t.accent}; }}
    QLabel#message {{ font-size: {t.px(40)}px; }}
    QPushButton {{ font-size: {t.px(32)}px; min-height: {t.px(96)}px; border-radius: 16px; padding: 8px 24px;
                   background: {t.accent}; color: white; border: none; }}
    QPushButton:pressed {{ background: {DEEP}; }}
    QPushButton[role="secondary"] {{ background: #ffffff; color: {t.accent}; border: 3px solid {t.accent}; }}
    QPushButton[role="danger"] {{ background: {RED}; }}
    QPushButton#business {{ background: {t.card}; color: {t.text}; border: {3 if t.scale > 1 else 2}px solid
                            {"#000000" if t.scale > 1 else "#c9d3e0"}; text-align: left; padding: 20px 28px;
                            min-height: {t.px(190)}px; font-size: {t.px(34)}px; }}
    QScrollBar:vertical {{ width: {t.px(16)}px; background: #dde3ea; border-radius: {t.px(8)}px; margin: 0; }}
    QScrollBar::handle:vertical {{ background: {t.accent}; min-height: 120px; border-radius: {t.px(8)}px; }}
    QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
    QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
    QPushButton#business:disabled {{ background: #e4e7eb; color: #7a838f; }}
    """
