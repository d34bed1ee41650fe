"""Colours and style sheets. Elderly mode (适老化): larger type, higher contrast, fewer choices per screen."""

from __future__ import annotations

from dataclasses import dataclass

BLUE, DEEP, RED, GREEN = "#1459b3", "#0b3573", "#c62828", "#2e7d32"
AMBER, INK, PAPER = "#b26a00", "#1b2430", "#f3f6fa"


@dataclass(frozen=True)
class Theme:
    scale: float = 1.0
    columns: int = 3
    background: str = PAPER
    card: str = "#ffffff"
    text: str = INK
    accent: str = BLUE

    def px(self, size: int) -> int:
        return int(size * self.scale)


NORMAL = Theme()
ELDERLY = Theme(scale=1.4, columns=2, background="#ffffff", card="#ffffff", text="#000000", accent=DEEP)


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
