"""What each LED card should show, decided from the hall's synced rows alone (pure functions: the controller
re-decides after every pull and sends only what changed).

A window's screen has two lines: the number being served and "请到 N 号窗口" while a ticket is called to it
(and "正在办理" once it is served); "暂停服务" when the window is paused; "窗口关闭" when the admin closed it;
otherwise the window and the name of the clerk who last served there today, from the window's badge row
("欢迎办理" before anyone has).
The hall strip scrolls the admin's notice (the hall's welcome until one is set)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kiosk.services.reference import HallDirectory, badge_clerk

CALLED_STATES = ("called",)
SERVING_STATES = ("serving", "held")


@dataclass(frozen=True)
class Screen:
    lines: tuple[str, ...]
    scroll: bool = False  # the strip scrolls left; window screens stand still


def window_title(number: int) -> str:
    return f"{number}号窗口"


def called_text(number: int) -> str:
    return f"请到{number}号窗口"


PAUSED = "暂停服务"
CLOSED = "窗口关闭"
SERVING = "正在办理"
WELCOME = "欢迎办理"


def clerk_text(name: str) -> str:
    return f"{name} 为您服务"


@dataclass(frozen=True)
class HallRows:
    """The synced rows the screens depend on (each: pk → row)."""
    windows: Mapping[str, dict]
    tickets: Mapping[str, dict]
    badges: Mapping[str, dict]  # window id → the badge of the clerk who last called there
    notices: Mapping[str, dict]


def window_screen(number: int, rows: HallRows, directory: HallDirectory, day: dt.date) -> Screen:
    window = next((w for w in directory.windows if w.number == number), None)
    if window is None or not window.active:
        return Screen((window_title(number), CLOSED))
    state = rows.windows.get(str(window.id), {})
    if state.get("paused"):
        return Screen((window_title(number), PAUSED))
    current = rows.tickets.get(str(state.get("current_ticket_id") or ""))
    if current is not None and current.get("state") in CALLED_STATES + SERVING_STATES:
        second = called_text(number) if current["state"] in CALLED_STATES else SERVING
        return Screen((str(current["display"]), second))
    return Screen((window_title(number), idle_text(window.id, rows, directory, day)))


def idle_text(window_id: int, rows: HallRows, directory: HallDirectory, day: dt.date) -> str:
    """The clerk who last called at this window today (the window's badge, when it is today's)."""
    clerk = badge_clerk(rows.badges.get(str(window_id)), day)
    return clerk_text(clerk.name) if clerk is not None and clerk.name else WELCOME


def strip_screen(rows: HallRows, directory: HallDirectory) -> Screen:
    notice = rows.notices.get(str(directory.hall_id), {})
    text = str(notice.get("text") or "").strip()
    return Screen((text or f"欢迎光临{directory.hall_name}",), scroll=True)


def screens(cards: Iterable, rows: HallRows, directory: HallDirectory, day: dt.date) -> dict[str, Screen]:
    """card name → the screen it should show now."""
    out = {}
    for card in cards:
        out[card.name] = (window_screen(card.window, rows, directory, day) if card.role == "window"
                          else strip_screen(rows, directory))
    return out
