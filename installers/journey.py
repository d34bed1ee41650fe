"""The whole-hall journey on a virtual screen, driven the way people and devices drive a hall: the simulators
swipe, press and print; xdotool moves the mouse and types. `installers/dev.sh run --check` runs it, and so does
tests/acceptance/test_whole_hall.py (through that command). Each program tells what it shows through
gui.probe (GOVHALL_UI_PROBE); the server's database tells what it holds.

The clerk signs in by keyboard and sets a keypad PIN (设置 PIN); the clerk client starts again and the clerk
signs in on the calling keypad alone (staff number digits, 确认, PIN, 确认; the PIN shows masked). ID card
swipe → tap a business → ticket printed → keypad "next" at window 1 → the clerk's calling panel, the hall
display and window 1's LED screen (the hall controller) show it, the display says it → the clerk accepts a
case and finishes → the evaluator asks and the citizen taps a 差评 and its reason → the server holds ticket,
call, case and rating, and a 差评整改 record (installers/journey_oversight.py).
The dispenser's printer runs out of paper: the clerk's banner names the fault; refilled, it goes. Then the
server stops: the dispenser keeps issuing, the clerk client starts again and the clerk signs in on the keypad
offline (离线登录), the counter keeps calling; the server restarts and everything converges (the offline
clerk's calls are signed in online and accepted).

The back office: an approver's `python -m client` signs in by keyboard at its own workstation while the hall
runs; the case the clerk accepted arrives in the approver's 待办 by sync. The approver searches it, opens it and
takes the definition's steps (审查 通过, 审核 通过, 决定 准予许可) with typed opinions; the server holds the
approver's decision, and the clerk's open 办件 tab lists the case as 准予许可 at 制证 after its next pull. A
supervisor's client signs in too: its 大厅看板 and 差评整改 are checked against the server, and the approver, the
department's handler, records the 差评's 回访核实 (installers/journey_oversight.py)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from installers.hall import DEVICE_NAMES, WINDOW, Hall, HallError, start_xvfb, xcb_loads

TICKET = re.compile(rb"\x1d!.([A-Z]\d{3})\n", re.DOTALL)  # the number's line, in a large font (GS ! n)
# Where each program's window goes on the 5120×2100 virtual screen (no window manager places them).
LAYOUT = {"dispenser": (0, 0, 1080, 1240), "evaluator": (0, 1260, 1280, 800), "display": (1290, 0, 1910, 1075),
          "clerk": (1290, 1085, 1900, 1010), "approver": (3210, 0, 1900, 1010),
          "supervisor": (3210, 1085, 1900, 1010)}
GUIS = ("dispenser", "display", "evaluator", "clerk")  # shot at every stage; the back office at its own and the end
BACK_OFFICE = ("approver", "supervisor")
SCREEN = "5120x2100x24"
PASSWORD = "GovHall@2026"  # the demo hall's published password (demo mode)
PIN = "2580"                # what the clerk sets for keypad-only login
SECOND_PERSON = "swipe:李四,44190019850615123"
THIRD_PERSON = "swipe:张三,44190019700101123"


class JourneyFailed(HallError):
    pass


@dataclass
class Screen:
    """The virtual screen and what the programs on it show."""
    hall: Hall
    display: str
    shots: Path
    figures: dict[str, float] = field(default_factory=dict)
    stage_no: int = 0

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display}

    def xdo(self, *args: str) -> str:
        done = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise JourneyFailed(f"xdotool {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def windows(self, name: str) -> list[str]:
        done = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(self.hall.process(name).popen.pid)],
                              env=self.env, capture_output=True, text=True, timeout=30)
        return done.stdout.split()

    def probe(self, name: str) -> list[dict]:
        try:
            return json.loads(self.hall.paths.probe(name).read_text(encoding="utf-8"))["windows"]
        except (OSError, ValueError, KeyError):
            return []

    def widgets(self, name: str, window_class: str | None = None) -> list[dict]:
        return [w for win in self.probe(name) if window_class in (None, win["class"]) for w in win["widgets"]]

    def texts(self, name: str) -> str:
        return "\n".join(str(w.get("text", "")) + "\n".join(w.get("rows", [])) for w in self.widgets(name))

    def find(self, name: str, test: Callable[[dict], bool], window_class: str | None = None) -> dict | None:
        return next((w for w in self.widgets(name, window_class) if test(w)), None)

    def wait(self, what: str, check: Callable[[], Any], timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.alive()
            value = check()
            if value:
                return value
            time.sleep(0.1)
        raise JourneyFailed(f"timed out after {timeout:.0f} s waiting for: {what}")

    def alive(self) -> None:
        newest = {p.name: p for p in self.hall.processes}.values()  # a client closed on purpose was started again
        dead = [p for p in newest if not p.alive and p.name != "server"]
        if dead:
            p = dead[0]
            tail = p.log.read_text(encoding="utf-8", errors="replace")[-1500:]
            raise JourneyFailed(f"the {p.name} exited with code {p.popen.returncode}; its log ends:\n{tail}")

    def click(self, widget: dict, dx: int | None = None, dy: int | None = None) -> None:
        x, y, w, h = widget["rect"]
        self.xdo("mousemove", "--sync", str(x + (w // 2 if dx is None else dx)), str(y + (h // 2 if dy is None
                                                                                           else dy)))
        self.xdo("click", "1")

    def focus(self, name: str, title: str | None = None) -> None:
        """Keyboard focus to the program's windows (the last one found wins), or to its window of this title."""
        wids = self.windows(name)
        if title is not None:
            done = subprocess.run(["xdotool", "search", "--all", "--onlyvisible", "--pid",
                                   str(self.hall.process(name).popen.pid), "--name", title],
                                  env=self.env, capture_output=True, text=True, timeout=30)
            wids = done.stdout.split()
        for wid in wids:
            subprocess.run(["xdotool", "windowfocus", "--sync", wid], env=self.env, capture_output=True, timeout=10)

    def type(self, text: str) -> None:
        self.xdo("type", "--delay", "30", text)

    def key(self, *keys: str) -> None:
        self.xdo("key", "--delay", "50", *keys)

    def arrange(self, name: str, *, resize: bool = True) -> None:
        x, y, w, h = LAYOUT[name]
        for wid in self.windows(name):
            if resize:
                self.xdo("windowsize", "--sync", wid, str(w), str(h))
            self.xdo("windowmove", "--sync", wid, str(x + 40), str(y + 40)) if not resize else \
                self.xdo("windowmove", "--sync", wid, str(x), str(y))
            self.xdo("windowraise", wid)

    def shoot(self, stage: str, programs: tuple[str, ...] = GUIS) -> None:
        """The programs' windows (every hall program unless told) as PNG files: NN-stage-program.png."""
        self.stage_no += 1
        self.shots.mkdir(parents=True, exist_ok=True)
        for name in programs:
            process = self.hall.process(name)
            if not process.alive:
                continue
            for i, wid in enumerate(self.windows(name)):
                suffix = f"-{i}" if i else ""
                out = self.shots / f"{self.stage_no:02d}-{stage}-{name}{suffix}.png"
                subprocess.run(["import", "-window", wid, str(out)], env=self.env, capture_output=True, timeout=30)

    def figure(self, name: str, seconds: float) -> None:
        self.figures[name] = seconds
        print(f"  figure: {name} = {seconds:.2f} s", flush=True)


STARTED = [time.monotonic()]  # when the journey began (run_check sets it): each step says how far in it is


def step(text: str) -> None:
    print(f"[journey {time.monotonic() - STARTED[0]:5.1f} s] {text}", flush=True)


def printed_tickets(hall: Hall) -> list[str]:
    try:
        data = hall.paths.printed.read_bytes()
    except OSError:
        return []
    return [m.decode() for m in TICKET.findall(data)]


def server_rows(hall: Hall, sql: str, *params: Any) -> list[tuple]:
    with sqlite3.connect(f"file:{hall.data_dir / 'server.sqlite3'}?mode=ro", uri=True, timeout=10) as db:
        return db.execute(sql, params).fetchall()


def window_business_names(hall: Hall) -> list[str]:
    return [r[0] for r in server_rows(hall, "SELECT b.name FROM business b JOIN window_business wb ON "
                                            "wb.business_id = b.id JOIN window w ON w.id = wb.window_id "
                                            "WHERE w.number = ? ORDER BY wb.priority", WINDOW)]


# -- stages ------------------------------------------------------------------------------------------------
def start(screen: Screen) -> None:
    hall = screen.hall
    step("simulators, provisioning through the admin API, programs")
    hall.start_simulators()
    hall.provision_all()
    hall.start_programs()
    for name in BACK_OFFICE:  # the back office: the approval and the supervisor's workstations
        hall.start_client(name)
    for name in (*GUIS, *BACK_OFFICE):
        screen.wait(f"the {name} window on screen", lambda n=name: screen.windows(n) and screen.probe(n), 90)
    for name in ("dispenser", "display", "evaluator"):
        screen.arrange(name)
    screen.wait("the dispenser lists the businesses", lambda: screen.find("dispenser",
                                                                          lambda w: w["class"] == "BusinessTile"))


def login(screen: Screen) -> None:
    step("the clerk logs in by keyboard")
    screen.wait("the login dialog", lambda: screen.find("clerk", lambda w: w["class"] == "QLineEdit"))
    screen.arrange("clerk", resize=False)  # the dialog opens mid-screen, under the hall display
    user = screen.wait("the login dialog in place", lambda: screen.find(
        "clerk", lambda w: w["class"] == "QLineEdit" and w["rect"][1] > LAYOUT["clerk"][1]))
    screen.focus("clerk")
    screen.click(user)
    screen.type("clerk")
    screen.key("Tab")
    screen.type(PASSWORD)
    screen.shoot("login")
    screen.key("Return")
    main_window(screen)


def main_window(screen: Screen) -> None:
    """The clerk's main window, in place, with its counter's calling panel."""
    screen.wait("the clerk's main window", lambda: any(w["class"] == "MainWindow" for w in screen.probe("clerk")),
                60)
    screen.arrange("clerk")
    for missing in ("本工作站未配置窗口", "工作站未注册"):
        screen.wait(f"the clerk's window without {missing!r}", lambda m=missing: m not in screen.texts("clerk")
                    and screen.find("clerk", lambda w: w.get("text") == "顺呼" or "顺呼" in w.get("text", "")), 30)


def set_pin(screen: Screen) -> None:
    step(f"the clerk sets a keypad PIN (设置 PIN: password, PIN {PIN}, again, Enter)")
    button = screen.wait("the header's 设置 PIN", lambda: screen.find(
        "clerk", lambda w: w["class"] == "QToolButton" and w.get("text") == "设置 PIN", "MainWindow"))
    screen.click(button)
    fields = screen.wait("the PIN dialog's three fields", lambda: [
        w for w in screen.widgets("clerk", "SetPinDialog") if w["class"] == "QLineEdit"][:3], 20)
    screen.focus("clerk", "设置叫号器登录 PIN")
    screen.click(fields[0])
    screen.type(PASSWORD)
    screen.key("Tab")
    screen.type(PIN)
    screen.key("Tab")
    screen.type(PIN)
    screen.shoot("pin-set")
    screen.key("Return")
    screen.wait("the PIN dialog accepted and closed", lambda: not any(
        w["class"] == "SetPinDialog" for w in screen.probe("clerk")), 20)


def clerk_keypad_number() -> str:
    from shared.demo.dongguan_hall import USERS
    from shared.pins import keypad_number
    return keypad_number(next(staff_no for username, _, staff_no, *_ in USERS if username == "clerk"))


def keypad_login(screen: Screen, label: str) -> None:
    """The clerk client is started again; the clerk signs in on the calling keypad alone: staff number digits,
    确认, PIN, 确认. The login dialog shows the PIN masked, then the main window opens."""
    hall = screen.hall
    digits = clerk_keypad_number()
    step(f"{label}: the clerk client starts again; keypad login {digits} 确认 {'*' * len(PIN)} 确认")
    hall.stop_process(hall.process("clerk"))
    hall.start_client("clerk")
    screen.wait("the login dialog's keypad panel", lambda: screen.windows("clerk") and screen.find(
        "clerk", lambda w: w.get("name") == "keypadStaff"), 90)
    screen.arrange("clerk", resize=False)
    # The first key waits for the client to have opened its keypad (a key nobody reads is lost, as on a
    # real line: pyserial empties the input of the port it opens); then the rest in one go.
    screen.wait("the clerk client to hold the keypad's port", lambda: hall.holds("clerk", "keypad"), 60)
    for _attempt in range(3):
        hall.send("keypad", digits[0])
        if _shown(screen, "keypadStaff", digits[0] + "▏", 5):
            break
        hall.send("keypad", "clear")
    else:
        raise JourneyFailed("the login dialog does not show the keypad's first digit")
    for key in [*digits[1:], "enter", *PIN]:
        hall.send("keypad", key)
    screen.wait(f"the staff number {digits} and the PIN masked", lambda: _shown(
        screen, "keypadStaff", digits, 0) and _shown(screen, "keypadPin", "●" * len(PIN) + "▏", 0), 20)
    screen.shoot(f"{label}-keypad-pin")
    started = time.monotonic()
    hall.send("keypad", "enter")
    main_window(screen)
    screen.figure(f"{label} keypad login: 确认 → main window", time.monotonic() - started)


def _shown(screen: Screen, name: str, text: str, timeout: float) -> bool:
    def check() -> bool:
        return screen.find("clerk", lambda w: w.get("name") == name and w.get("text") == text) is not None
    if timeout <= 0:
        return check()
    try:
        return screen.wait(f"{name} shows {text!r}", check, timeout)
    except JourneyFailed:
        return False


def paper_out(screen: Screen) -> None:
    """The dispenser's printer runs out of paper: a device fault in the clerk's banner; refilled, it is gone."""
    hall = screen.hall
    step("the dispenser's printer runs out of paper, then is refilled")

    def banner() -> dict | None:
        return screen.find("clerk", lambda w: w.get("name") == "device-alert", "MainWindow")
    started = time.monotonic()
    hall.send("printer", "paper-out")
    screen.wait("the clerk's banner: the dispenser's printer is out of paper", lambda: (b := banner())
                and f"{DEVICE_NAMES['dispenser']}：打印机缺纸" in b.get("text", ""), 60)
    screen.figure("paper out → clerk's fault banner", time.monotonic() - started)
    screen.shoot("paper-out")
    started = time.monotonic()
    hall.send("printer", "refill")
    screen.wait("the clerk's fault banner gone after the refill", lambda: banner() is None, 60)
    screen.figure("refill → banner gone", time.monotonic() - started)
    screen.shoot("refilled")


def issue(screen: Screen, person: str, business: str, label: str) -> str:
    """Swipe at the dispenser, tap the business, wait for the printer: the printed ticket number."""
    hall = screen.hall
    before = len(printed_tickets(hall))
    started = time.monotonic()
    # The last person's ticket screen: they tap 完成 (or it times out) before the next swipe.
    done = screen.find("dispenser", lambda w: w["class"] == "QPushButton" and w.get("text") in ("完成", "返回首页"))
    if done:
        screen.click(done)
    screen.wait("the dispenser's home screen", lambda: screen.find(
        "dispenser", lambda w: w.get("name") == "title" and w.get("text", "").startswith("请选择")), 40)
    started = time.monotonic()
    hall.send("idcard", person)
    screen.wait("the dispenser asks the card holder for a business",
                lambda: screen.find("dispenser", lambda w: w.get("name") == "title"
                                    and w.get("text", "").startswith("身份证")), 20)
    tile = screen.find("dispenser", lambda w: w.get("text") == business)
    screen.click(tile)
    tickets = screen.wait("the printer simulator to print a ticket",
                          lambda: len(printed_tickets(hall)) > before and printed_tickets(hall), 30)
    screen.figure(f"{label}: swipe → printed", time.monotonic() - started)
    return tickets[-1]


def call_next(screen: Screen, ticket: str, label: str, *, display: bool = True) -> None:
    # As a clerk does: press when the panel shows someone waiting (the hall's tickets reached this counter).
    screen.wait("the clerk's panel to show a person waiting", lambda: re.search(
        r"：[1-9]\d* 人", screen.texts("clerk")), 60)
    started = time.monotonic()
    screen.hall.send("keypad", "next")
    screen.wait(f"the clerk's calling panel shows {ticket}",
                lambda: screen.find("clerk", lambda w: w.get("text") == ticket), 30)
    screen.figure(f"{label}: keypad → clerk panel", time.monotonic() - started)
    if display:
        screen.wait(f"the hall display shows {ticket}", lambda: ticket in screen.texts("display"), 30)
        screen.figure(f"{label}: keypad → hall display", time.monotonic() - started)
        shown = f"card {WINDOW} shows: {ticket} / 请到{WINDOW}号窗口"
        led = screen.hall.paths.led_log
        screen.wait(f"window {WINDOW}'s LED screen shows {ticket}",
                    lambda: led.exists() and shown in led.read_text("utf-8", errors="replace"), 30)
        screen.figure(f"{label}: keypad → window LED", time.monotonic() - started)


def announced(screen: Screen, ticket: str) -> None:
    from drivers.tts.playlist import build_call_playlist, speech_text
    said = speech_text(build_call_playlist(ticket, str(WINDOW)))
    spoken = screen.hall.paths.spoken
    screen.wait(f"the display to say {said!r}", lambda: spoken.exists() and said in spoken.read_text("utf-8"), 40)


def accept_and_finish(screen: Screen, ticket: str) -> str:
    step(f"the clerk accepts a case for {ticket} and finishes")
    screen.focus("clerk")
    screen.key("F3")  # 开始办理: acceptance starts from the called ticket
    screen.wait("the acceptance form for the ticket", lambda: screen.find(
        "clerk", lambda w: ticket in w.get("text", "") and w["class"] == "QLabel" and "办理" not in w["text"]
        or False) and screen.find("clerk", lambda w: "拼音首字母" in w.get("placeholder", "")), 20)
    screen.hall.send("idcard-clerk", "swipe")
    screen.wait("the applicant read from the ID card", lambda: "已读取身份证" in screen.texts("clerk"), 20)
    query = screen.find("clerk", lambda w: "拼音首字母" in w.get("placeholder", ""))
    screen.click(query)
    screen.type("dt")  # 电梯: pinyin initials
    results = screen.wait("items found", lambda: screen.find(
        "clerk", lambda w: w["class"] == "QListWidget" and w.get("rows") and "电梯" in w["rows"][0]), 20)
    screen.click(results, dy=14)
    situations = screen.wait("the item's situations", lambda: [w for w in screen.widgets("clerk")
                                                                if w["class"] == "QListWidget" and w.get("rows")
                                                                and w is not None][1:2], 20)[0]
    screen.click(situations, dy=14)
    checks = screen.wait("the materials checklist", lambda: [w for w in screen.widgets("clerk")
                                                              if w["class"] == "QCheckBox" and w["enabled"]], 20)
    for check in checks:
        screen.click(check, dx=min(10, check["rect"][2] // 2))  # the indicator: a check box takes clicks only there
    button = screen.wait("受理 enabled", lambda: screen.find("clerk", lambda w: w["class"] == "QPushButton"
                                                             and w.get("text") == "受理" and w["enabled"]), 20)
    screen.shoot("acceptance")
    screen.click(button)
    case_text = screen.wait("the case number", lambda: re.search(r"SL\d{10}", screen.texts("clerk")), 30)
    screen.focus("clerk")
    screen.key("F8")  # 办结: the evaluator asks for a rating
    screen.wait("the calling panel free again", lambda: not screen.find("clerk", lambda w: w.get("text") == ticket),
                20)
    return case_text.group(0)


def server_holds(screen: Screen, ticket: str, case_no: str, *, rated: bool = True) -> None:
    hall = screen.hall

    def held() -> bool:
        tickets = server_rows(hall, "SELECT id FROM queue_ticket WHERE display = ?", ticket)
        calls = server_rows(hall, "SELECT c.id FROM queue_call c JOIN queue_ticket t ON t.id = c.ticket_id "
                                  "WHERE t.display = ?", ticket)
        cases = server_rows(hall, "SELECT id FROM approval_case WHERE case_number = ?", case_no) if case_no else [1]
        ratings = (server_rows(hall, "SELECT r.id FROM queue_rating r JOIN queue_ticket t ON t.id = r.ticket_id "
                                     "WHERE t.display = ?", ticket) if rated else [1])
        return bool(tickets and calls and cases and ratings)
    screen.wait(f"the server to hold ticket {ticket}, its call, case {case_no or '-'} and rating", held, 30)


# -- the back office ---------------------------------------------------------------------------------------
# The demo licence definition's steps for the approver's roles: (action, step, stage of the shots, opinion).
# Short opinions without punctuation: xdotool types each character outside the keyboard map by remapping a key,
# which every client on the screen re-reads (a long opinion took tens of seconds on a busy machine), and "。"
# (which it types as the kana full stop key) was at times lost.
APPROVAL = (("pass_step", "审查", "review", "同意"), ("pass_step", "审核", "verify", "同意"),
            ("grant", "决定", "decide", "准予许可"))


def approver_login(screen: Screen) -> None:
    """The approver types name and password at the approval workstation and presses Enter (approver_signed_in
    waits for the main window)."""
    step("the approver logs in by keyboard at the approval workstation")
    screen.wait("the approver's login dialog", lambda: screen.find("approver", lambda w: w["class"] == "QLineEdit"))
    screen.arrange("approver", resize=False)
    user = screen.wait("the approver's login dialog in place", lambda: screen.find(
        "approver", lambda w: w["class"] == "QLineEdit" and w["rect"][0] > LAYOUT["approver"][0]))
    screen.focus("approver")
    screen.click(user)
    screen.type("approver")
    screen.key("Tab")
    screen.type(PASSWORD)
    screen.shoot("approver-login", ("approver",))
    screen.key("Return")


def approver_signed_in(screen: Screen) -> None:
    screen.wait("the approver's main window", lambda: any(w["class"] == "MainWindow"
                                                          for w in screen.probe("approver")), 60)
    screen.arrange("approver")
    screen.wait("the approver's worklists", lambda: _tab_bar(screen, "approver", "待办"), 30)
    screen.shoot("approver-signed-in", ("approver",))


def _tab_bar(screen: Screen, name: str, first: str) -> dict | None:
    return screen.find(name, lambda w: w["class"] == "QTabBar" and bool(w["tabs"])
                       and w["tabs"][0].startswith(first), "MainWindow")


def _case_row(screen: Screen, name: str, case_no: str, *words: str) -> tuple[dict, int] | None:
    """The worklist table showing the case (with these words in its row), and the row's index."""
    for w in screen.widgets(name, "MainWindow"):
        if w["class"] == "QTableView":
            for i, row in enumerate(w["rows"]):
                if row.startswith(case_no) and all(word in row for word in words):
                    return w, i
    return None


def _typed(screen: Screen, box: Callable[[], dict | None], text: str) -> None:
    """Click the text box and type; once more if the screen does not show exactly the text (xdotool types
    characters outside the keyboard map by remapping a key, which a busy program may read late)."""
    for _attempt in range(2):
        screen.click(box())
        screen.key("ctrl+a", "BackSpace")
        screen.type(text)
        try:
            screen.wait(f"{text!r} typed", lambda: (b := box()) is not None and b.get("text") == text, 5)
            return
        except JourneyFailed:
            pass
    raise JourneyFailed(f"the text box does not show {text!r}")


def clerk_cases_tab(screen: Screen) -> None:
    """The clerk opens the 办件 tab (its 待办 shows the counter's steps: 制证 once the case is decided)."""
    tabs = screen.wait("the clerk's tabs", lambda: _tab_bar(screen, "clerk", "收件受理"), 20)
    x, y, w, h = tabs["tab_rects"][1]
    screen.xdo("mousemove", "--sync", str(x + w // 2), str(y + h // 2))
    screen.xdo("click", "1")
    screen.wait("the clerk's 办件 tab with its worklists", lambda: _tab_bar(screen, "clerk", "待办"), 20)


def approve(screen: Screen, case_no: str) -> float:
    """The approver finds the case (it arrived by sync), opens it and takes each step; the clerk's open 办件
    tab shows the decision. Answers when the approver pressed 准予许可."""
    step(f"the approver finds {case_no} in 待办 (arrived by sync) and takes "
         + ", ".join(f"{shown} {'准予许可' if action == 'grant' else '通过'}" for action, shown, _, _ in APPROVAL))
    screen.wait(f"{case_no} in the approver's 待办", lambda: _case_row(screen, "approver", case_no), 60)
    screen.focus("approver")
    _typed(screen, lambda: screen.find("approver", lambda w: "搜索办件编号" in w.get("placeholder", "")), case_no)
    table, row = screen.wait("the search to list the case alone", lambda: (
        (found := _case_row(screen, "approver", case_no)) and len(found[0]["rows"]) == 1 and found), 20)
    screen.shoot("approver-todo", ("approver",))
    x, y, w, h = table["row_rects"][row]
    screen.xdo("mousemove", "--sync", str(x + w // 2), str(y + h // 2))
    screen.xdo("click", "1")
    decided = 0.0
    for action, shown, stage, opinion in APPROVAL:
        button = screen.wait(f"the case open at {shown}, its {action} button", lambda s=shown, a=action: any(
            w.get("text", "").startswith(case_no) for w in screen.widgets("approver")) and any(
            f"当前环节：{s}" in w.get("text", "") for w in screen.widgets("approver")) and screen.find(
            "approver", lambda w: w.get("name") == f"action_{a}" and w["enabled"]), 30)
        _typed(screen, lambda: screen.find("approver", lambda w: w["class"] == "QPlainTextEdit"
                                           and "办理意见" in w.get("placeholder", "")), opinion)
        screen.shoot(f"approver-{stage}", ("approver",))
        decided = time.monotonic()
        screen.click(button)
    screen.wait("the decision's notice (准予行政许可决定书) on the approver's screen", lambda: any(
        win["class"] == "NoticePreviewDialog" for win in screen.probe("approver")), 30)
    screen.wait("the notice's pages", lambda: "正在生成预览" not in screen.texts("approver"), 30)
    screen.shoot("approver-decided", ("approver",))
    close = screen.find("approver", lambda w: w.get("text") == "关闭", "NoticePreviewDialog")
    screen.click(close)
    screen.wait("the notice closed", lambda: not any(win["class"] == "NoticePreviewDialog"
                                                     for win in screen.probe("approver")), 20)
    return decided


def decision_reached(screen: Screen, case_no: str, decided: float) -> None:
    hall = screen.hall
    screen.wait(f"the clerk's 待办 to list {case_no} as 准予许可 at 制证", lambda: _case_row(
        screen, "clerk", case_no, "准予许可", "制证"), 60)
    screen.figure("approver's 准予许可 → clerk's 待办", time.monotonic() - decided)
    screen.shoot("approved", ("clerk", "approver"))

    def held() -> bool:
        case = server_rows(hall, "SELECT id, status FROM approval_case WHERE case_number = ?", case_no)
        if not case or case[0][1] != "decided_granted":
            return False
        events = server_rows(hall, "SELECT action, json_extract(body, '$.actor.user_id'), "
                                   "json_extract(body, '$.opinion') FROM approval_event WHERE case_id = ? "
                                   "ORDER BY seq", case[0][0])
        return events[-3:] == [(a, "approver", o) for a, _, _, o in APPROVAL]
    screen.wait(f"the server to hold {case_no} granted by the approver, with the opinions", held, 30)
    step(f"the server holds {case_no} as 准予许可 by the approver; the clerk's 待办 shows it")


def run_journey(screen: Screen) -> None:
    from installers import journey_oversight as oversight  # it builds on this module's helpers
    hall = screen.hall
    start(screen)
    screen.shoot("started")
    login(screen)
    screen.shoot("logged-in")
    set_pin(screen)
    keypad_login(screen, "online")
    screen.shoot("keypad-signed-in")
    approver_login(screen)
    # its main window opens maximized over the hall's windows: nothing else is tapped until it is in place
    approver_signed_in(screen)
    oversight.staff_login(screen, "supervisor")
    business = window_business_names(hall)[0]
    step(f"an ID card swipe at the dispenser, then a tap on {business}")
    first = issue(screen, "swipe", business, "online")
    second = issue(screen, SECOND_PERSON, business, "online, second person")
    screen.shoot("issued")
    step(f"keypad next at window {WINDOW} calls {first}")
    call_next(screen, first, "online")
    announced(screen, first)
    screen.shoot("called")
    case_no = accept_and_finish(screen, first)
    screen.shoot("finished")
    oversight.rate_bad(screen)  # a 差评 with its reason: a 差评整改 record opens
    screen.shoot("rated")
    server_holds(screen, first, case_no)
    department = oversight.record_opened(screen, first)
    clerk_cases_tab(screen)
    decided = approve(screen, case_no)
    decision_reached(screen, case_no, decided)
    oversight.dashboard(screen, first)
    oversight.supervisor_lists(screen, first, department)
    oversight.handler_verifies(screen, first)
    paper_out(screen)
    step("the network is cut: the server stops")
    hall.stop_process(hall.process("server"))
    third = issue(screen, THIRD_PERSON, business, "offline")
    keypad_login(screen, "offline")
    screen.wait("the 离线登录 badge", lambda: screen.find("clerk", lambda w: w.get("text") == "离线登录",
                                                       "MainWindow"), 10)
    call_next(screen, second, "offline", display=False)
    screen.shoot("offline")
    step("the server is back")
    restarted = time.monotonic()
    hall.start_server()
    screen.wait(f"the server to hold offline ticket {third} and the call of {second}", lambda: server_rows(
        hall, "SELECT 1 FROM queue_ticket WHERE display = ?", third) and server_rows(
        hall, "SELECT 1 FROM queue_call c JOIN queue_ticket t ON t.id = c.ticket_id WHERE t.display = ?", second), 90)
    screen.wait(f"the hall display to show {second}", lambda: second in screen.texts("display"), 60)
    screen.figure("reconnect → converged", time.monotonic() - restarted)
    screen.shoot("converged", (*GUIS, *BACK_OFFICE))
    for process in {p.name: p for p in hall.processes}.values():  # the newest of each (the restarted server)
        if not process.alive:
            raise JourneyFailed(f"the {process.name} is not running at the end (code {process.popen.returncode})")
    step("every process is still running")


def run_check(hall: Hall, shots: Path | None) -> int:
    """Start a virtual screen, the hall on it and the journey; 0 when every step passed."""
    xvfb = None
    try:
        xvfb, display = start_xvfb(SCREEN)
        hall.base_env["DISPLAY"] = display
        hall.base_env.pop("QT_QPA_PLATFORM", None)
        ok, detail = xcb_loads(hall.base_env)
        if not ok:
            print(f"FAILED: Qt's xcb platform plugin does not load on {display}:\n{detail}")
            return 1
        print(f"  Qt's xcb plugin loads on the virtual screen {display}", flush=True)
        screen = Screen(hall, display, shots or hall.data_dir / "screenshots")
        started = STARTED[0] = time.monotonic()
        try:
            run_journey(screen)
        except HallError as exc:
            try:
                screen.shoot("failure")
            except Exception:  # noqa: BLE001  a failed screenshot must not hide the failure itself
                pass
            print(f"FAILED: {exc}", flush=True)
            return 1
        print(f"journey passed in {time.monotonic() - started:.1f} s; screenshots in {screen.shots}")
        print("figures: " + json.dumps({k: round(v, 2) for k, v in screen.figures.items()}, ensure_ascii=False),
              flush=True)
        return 0
    finally:
        hall.stop()
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(10)
