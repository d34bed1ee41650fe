"""The oversight part of the whole-hall journey (issue 16), in the real programs: the citizen's 差评 at the
evaluator (a level and its reason, tapped) opens a 差评整改 record on the server; the supervisor's
`python -m client` signs in by keyboard, its 大厅看板 shows today's tickets issued and served and today's 差评
as the server's own statistics API counts them, and its 差评整改与申诉复核 tab lists the record with the
department it is assigned to; the department's handler (the approver of 特种设备安全监察科, whom the shared rules
let act on the department's records) records the 回访核实 on its 差评整改 screen, and the server and the
supervisor's screen show the record advanced to 待整改."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import requests

from installers.journey import LAYOUT, PASSWORD, JourneyFailed, Screen, _tab_bar, server_rows, step

BAD_LEVEL, BAD_REASON = "非常不满意", "等候时间太长"
# Few Chinese characters: xdotool types each by remapping a key, which every program on the screen re-reads
# (2-3 s a character on a busy machine; see journey.APPROVAL and _typed_by_character). Digits are on the keyboard.
CONTACT, FINDINGS = "10:05 电话", "属实"
RECORD = "SELECT r.id, r.status, d.name, json_extract(r.row, '$.verification.by') FROM rating_rectification r " \
         "JOIN queue_rating q ON q.id = r.rating_id JOIN queue_ticket t ON t.id = q.ticket_id " \
         "LEFT JOIN department d ON d.id = r.department_id WHERE t.display = ?"


def rate_bad(screen: Screen) -> None:
    """The citizen taps 非常不满意, then the reason; the evaluator thanks them."""
    step(f"the evaluator asks; the citizen taps {BAD_LEVEL}, then the reason {BAD_REASON}")
    level = screen.wait("the evaluator's rating buttons", lambda: screen.find(
        "evaluator", lambda w: w.get("text", "").split("\n")[-1] == BAD_LEVEL  # ★ above the words
        and w["class"] in ("QPushButton", "QToolButton")), 40)
    screen.shoot("evaluator-asks")
    screen.click(level)
    reason = screen.wait("the evaluator asks why", lambda: screen.find(
        "evaluator", lambda w: w.get("text") == BAD_REASON and w["class"] == "QPushButton"), 20)
    screen.shoot("evaluator-reason")
    screen.click(reason)
    screen.wait("the evaluator thanks", lambda: "谢谢" in screen.texts("evaluator") or "感谢" in
                screen.texts("evaluator"), 20)


def record_opened(screen: Screen, ticket: str) -> str:
    """The server holds the 差评整改 record of the ticket's rating, open; answers its department's name."""
    found = screen.wait(f"the server to open a 差评整改 record for {ticket}", lambda: server_rows(
        screen.hall, RECORD, ticket), 30)
    _, status, department, _ = found[0]
    if status != "open" or not department:
        raise JourneyFailed(f"the 差评 of {ticket} opened a record {status!r} of department {department!r}")
    step(f"the server opened the 差评整改 record of {ticket}, assigned to {department}")
    return department


def staff_login(screen: Screen, name: str) -> None:
    """The member types name and password in the client's login dialog (moved to its place) and presses Enter;
    the main window is waited for, put in its place, and its first tabs shown."""
    step(f"the {name} logs in by keyboard at the {name}'s workstation")
    screen.wait(f"the {name}'s login dialog", lambda: screen.find(name, lambda w: w["class"] == "QLineEdit"), 60)
    screen.arrange(name, resize=False)
    x0, y0 = LAYOUT[name][:2]
    user = screen.wait(f"the {name}'s login dialog in place", lambda: screen.find(
        name, lambda w: w["class"] == "QLineEdit" and w["rect"][0] > x0 and w["rect"][1] > y0))
    screen.focus(name)
    screen.click(user)
    screen.type(name)
    screen.key("Tab")
    screen.type(PASSWORD)
    screen.shoot(f"{name}-login", (name,))
    screen.key("Return")
    screen.wait(f"the {name}'s main window", lambda: any(w["class"] == "MainWindow" for w in screen.probe(name)), 60)
    screen.arrange(name)
    screen.wait(f"the {name}'s workspace", lambda: _tab_bar(screen, name, "督查督办"), 30)
    screen.shoot(f"{name}-signed-in", (name,))


def _click_tab(screen: Screen, name: str, first: str, text: str) -> None:
    bar = screen.wait(f"the {name}'s tabs {first}…", lambda: _tab_bar(screen, name, first), 20)
    x, y, w, h = bar["tab_rects"][bar["tabs"].index(text)]
    screen.xdo("mousemove", "--sync", str(x + w // 2), str(y + h // 2))
    screen.xdo("click", "1")


def _tile(screen: Screen, label: str) -> str | None:
    """The figure of a dashboard tile: the label under its title (same column, the next one down)."""
    widgets = [w for w in screen.widgets("supervisor", "MainWindow") if w["class"] == "QLabel"]
    title = next((w for w in widgets if w.get("text") == label), None)
    if title is None:
        return None
    x, y, width, _ = title["rect"]
    below = [w for w in widgets if w["rect"][0] == x and w["rect"][2] == width and w["rect"][1] > y]
    return min(below, key=lambda w: w["rect"][1])["text"] if below else None


def server_counts(screen: Screen, ticket: str) -> dict[str, int]:
    """Today's tickets issued and served and today's 差评, as the server's queue statistics API answers them
    (the hall's day: the one the server filed the ticket under)."""
    hall = screen.hall
    (hall_id, day), = server_rows(hall, "SELECT hall_id, day FROM queue_ticket WHERE display = ?", ticket)
    r = requests.get(f"{hall.url}/api/v1/queue/halls/{hall_id}/statistics", params={"day": day}, timeout=20,
                     headers={"Authorization": f"Bearer {hall.admin_token()}"})
    if r.status_code != 200:
        raise JourneyFailed(f"the server's statistics of {day}: {r.status_code} {r.text[:500]}")
    totals = r.json()["totals"]
    return {"今日取号": totals["issued"], "今日办结": totals["by_outcome"].get("finished", 0),
            "今日差评": totals["bad_ratings"]}


def dashboard(screen: Screen, ticket: str) -> None:
    step("the supervisor's 大厅看板 against the server's own counts of the day")
    counts = server_counts(screen, ticket)
    if counts["今日取号"] < 1 or counts["今日办结"] < 1 or counts["今日差评"] != 1:
        raise JourneyFailed(f"the server counts {counts} for the day: a ticket issued, served and rated 差评 is missing")
    screen.focus("supervisor")
    _click_tab(screen, "supervisor", "督查督办", "大厅看板")
    screen.wait(f"the dashboard to show {counts}", lambda: all(
        _tile(screen, label) == str(n) for label, n in counts.items()), 45)
    step(f"the dashboard shows what the server counts: {counts}")
    screen.shoot("supervisor-dashboard", ("supervisor",))


def _record_row(screen: Screen, name: str, ticket: str, *words: str) -> tuple[dict, int] | None:
    for w in screen.widgets(name, "MainWindow"):
        if w["class"] == "QTableWidget":
            for i, row in enumerate(w["rows"]):
                if f"号票 {ticket} |" in row and all(word in row for word in words):
                    return w, i
    return None


def supervisor_lists(screen: Screen, ticket: str, department: str) -> None:
    step(f"the supervisor's 差评整改 tab lists the record of {ticket} ({department})")
    _click_tab(screen, "supervisor", "督查督办", "督查督办")
    _click_tab(screen, "supervisor", "预警总览", "差评整改与申诉复核")
    screen.wait(f"the supervisor's 差评整改 lists {ticket}, {department}, 待回访核实", lambda: _record_row(
        screen, "supervisor", ticket, BAD_LEVEL, department, "待回访核实", BAD_REASON), 45)
    screen.shoot("supervisor-rectification", ("supervisor",))


def _typed_by_character(screen: Screen, name: str, box: Callable[[], dict | None], text: str) -> int:
    """Click the text box, empty it and type it a character at a time (a run of keyboard characters at once),
    each seen on screen before the next.
    xdotool types a character outside the keyboard map by remapping a key, which every client on the screen
    re-reads; on a busy machine the program at times reads the key before the new map and the character is
    lost (and a whole text typed again loses others). A lost character is typed again, alone; answers how many
    were."""
    screen.click(box())
    screen.key("ctrl+a", "BackSpace")
    shown, lost = "", 0
    for part in re.findall(r"[ -~]+|[^ -~]", text):  # keyboard characters in a run, any other alone
        for attempt in range(4):
            lost += bool(attempt)
            screen.xdo("type", "--delay", "30", part)
            try:
                screen.wait(f"{shown + part!r} typed", lambda: (b := box()) is not None
                            and b.get("text") == shown + part, 3)
                break
            except JourneyFailed:
                now = (box() or {}).get("text")
                if now != shown:  # not lost but typed wrong: no retry would mend it
                    raise JourneyFailed(f"the {name}'s text box shows {now!r} after typing {shown + part!r}")
        else:
            raise JourneyFailed(f"the {name}'s text box does not take {part!r} (it shows {shown!r})")
        shown += part
    return lost


def handler_verifies(screen: Screen, ticket: str) -> None:
    """The approver (the department's handler) opens 差评整改 from the header, selects the record and records
    the 回访核实; the server holds it as verified by the approver, and the supervisor's list shows 待整改."""
    hall = screen.hall
    step(f"the approver records the 回访核实 of {ticket} on its 差评整改 screen")
    screen.focus("approver")
    toggle = screen.wait("the approver's header 差评整改", lambda: screen.find(
        "approver", lambda w: w["class"] == "QToolButton" and w.get("text") == "差评整改", "MainWindow"), 20)
    screen.click(toggle)
    table, row = screen.wait(f"the approver's 差评整改 lists {ticket}", lambda: _record_row(
        screen, "approver", ticket, "待回访核实"), 45)
    step("  the approver's 差评整改 lists it: the approver selects it and types 联系情况 and 核实情况")
    x, y, w, h = table["row_rects"][row]
    screen.xdo("mousemove", "--sync", str(x + w // 2), str(y + h // 2))
    screen.xdo("click", "1")
    screen.wait("the form offers 回访核实 (its 联系情况 and 核实情况 fields)", lambda: screen.find(
        "approver", lambda w: w["class"] == "QLabel" and w.get("text") == "核实情况") and screen.find(
        "approver", lambda w: w["class"] == "QLineEdit" and w.get("placeholder", "").startswith("如：")
        and w["enabled"]), 20)
    started = time.monotonic()
    lost = _typed_by_character(screen, "approver", lambda: screen.find(
        "approver", lambda w: w["class"] == "QLineEdit" and w.get("placeholder", "").startswith("如：")), CONTACT)
    lost += _typed_by_character(screen, "approver", lambda: screen.find(
        "approver", lambda w: w["class"] == "QPlainTextEdit", "MainWindow"), FINDINGS)
    step(f"  typed {CONTACT!r} and {FINDINGS!r} in {time.monotonic() - started:.1f} s ({lost} characters typed again)")
    screen.shoot("approver-verify-rating", ("approver",))
    submit = screen.find("approver", lambda w: w["class"] == "QPushButton" and w.get("text") == "提交"
                         and w["enabled"], "MainWindow")
    started = time.monotonic()
    screen.click(submit)
    screen.wait(f"the server to hold the record of {ticket} verified by the approver", lambda: (
        rows := server_rows(hall, RECORD, ticket)) and rows[0][1] == "verified" and rows[0][3] == "approver", 30)
    screen.wait("the approver's list shows 待整改", lambda: _record_row(screen, "approver", ticket, "待整改"), 20)
    screen.shoot("approver-verified", ("approver",))
    screen.wait("the supervisor's list shows 待整改 (by sync)", lambda: _record_row(
        screen, "supervisor", ticket, "待整改"), 45)
    screen.figure("approver's 回访核实 → supervisor's 差评整改", time.monotonic() - started)
    screen.shoot("supervisor-verified", ("supervisor",))
    step(f"the server holds the record of {ticket} as 回访核实 done by the approver; the supervisor sees 待整改")
