"""The 差评整改 record (国办发〔2019〕51号 as restated by provincial rules): every 差评 opens one, assigned to the
department of the business (or case) rated. A named person of that department records the 回访核实 (contact
made, findings) within 1 working day, the rectification or an explanation within the hall's configured
working days, and the feedback to the citizen; an appeal (申诉) against a mistaken or malicious rating goes
to a supervisor, who upholds it (the record goes on) or voids the rating (it leaves the statistics, the
reason kept).

A record is one JSON-safe dict — the row the server stores and publishes and the client caches — and every
action is a pure function from (record, args, actor, time, base) to the next record, run by the server on
push and by the client for its optimistic row. A base that no longer matches (the record moved on) is
refused, never applied (SYNC.md)."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from shared.approval.counting import EstimatingCalendar
from shared.calendar import WorkCalendar
from shared.china_time import CHINA_TZ
from shared.rating.errors import RectificationRefused, StaleRecord

VERIFY_WORKDAYS = 1  # 回访核实 within one working day of the rating
MAX_TEXT = 1000
HANDLER_ROLES = frozenset({"clerk", "approver"})
REVIEWER_ROLES = frozenset({"supervisor"})

OPEN, VERIFIED, RECTIFIED, CLOSED, APPEALED, VOIDED = (
    "open", "verified", "rectified", "closed", "appealed", "voided")
FINAL = frozenset({CLOSED, VOIDED})
VERIFY, RECTIFY, FEEDBACK, APPEAL, REVIEW = "verify", "rectify", "feedback", "appeal", "review"
ACTIONS = (VERIFY, RECTIFY, FEEDBACK, APPEAL, REVIEW)
# status → what may be done in it (an appeal once, from any stage before the loop is closed)
ALLOWED: dict[str, frozenset[str]] = {
    OPEN: frozenset({VERIFY, APPEAL}), VERIFIED: frozenset({RECTIFY, APPEAL}),
    RECTIFIED: frozenset({FEEDBACK, APPEAL}), APPEALED: frozenset({REVIEW}),
    CLOSED: frozenset(), VOIDED: frozenset(),
}
NEXT = {VERIFY: VERIFIED, RECTIFY: RECTIFIED, FEEDBACK: CLOSED, APPEAL: APPEALED}
STAGE_KEY = {VERIFY: "verification", RECTIFY: "rectification", FEEDBACK: "feedback", APPEAL: "appeal",
             REVIEW: "review"}
# what each action must carry (all free text but `kind` and `decision`)
FIELDS = {VERIFY: ("contact", "findings"), RECTIFY: ("kind", "text"), FEEDBACK: ("text",), APPEAL: ("reason",),
          REVIEW: ("decision", "reason")}
RECTIFY_KINDS = ("rectified", "explained")  # 整改 / 说明（不属实或无需整改时的解释）
DECISIONS = ("upheld", "voided")            # 维持差评 / 撤销差评


@dataclass(frozen=True)
class Actor:
    user: str
    roles: frozenset[str]
    department_id: int | None


def local_day(at: dt.datetime) -> dt.date:
    if at.tzinfo is None:
        raise ValueError("times must carry a time zone")
    return at.astimezone(CHINA_TZ).date()


def open_record(*, record_id: str, hall_id: int, rating_id: str, source: str, subject_id: str, subject: str,
                department_id: int | None, window_id: int | None, clerk: str, level: str, reason: str,
                rated_at: dt.datetime, workdays: int, calendar: WorkCalendar) -> dict:
    """The record a 差评 opens. Its due days are counted like a case's (Art. 82 walking, an unpublished
    year counted by the weekday rule and marked provisional)."""
    opened = local_day(rated_at)
    est = EstimatingCalendar(calendar)
    verify_due = est.add_workdays(opened, VERIFY_WORKDAYS)
    rectify_due = est.add_workdays(opened, max(workdays, VERIFY_WORKDAYS))
    return {"id": record_id, "hall_id": hall_id, "rating_id": rating_id, "source": source,
            "subject_id": subject_id, "subject": subject, "department_id": department_id, "window_id": window_id,
            "clerk": clerk, "level": level, "reason": reason, "rated_at": rated_at.isoformat(),
            "opened_on": opened.isoformat(), "verify_due": verify_due.isoformat(),
            "rectify_due": rectify_due.isoformat(), "provisional": sorted(est.unknown_years),
            "status": OPEN, "version": 1, "verification": None, "rectification": None, "feedback": None,
            "appeal": None, "review": None, "updated_by": "", "updated_at": rated_at.isoformat()}


def base_of(record: dict) -> dict:
    """What an action's author saw: sent with the command, checked by the server."""
    return {"record": record["id"], "expected_version": record["version"], "from_state": record["status"]}


def may(record: dict, action: str, actor: Actor) -> bool:
    """Whether `actor` may take `action` on the record now (what the screens offer)."""
    try:
        _check_actor(record, action, actor)
    except RectificationRefused:
        return False
    return action in ALLOWED[record["status"]] and not (action == APPEAL and record["appeal"] is not None)


def apply(record: dict, action: str, args: dict, actor: Actor, at: dt.datetime, base: dict | None) -> dict:
    """The record after `action`; a refusal raises RectificationRefused (StaleRecord for a moved-on base)."""
    if at.tzinfo is None:
        raise ValueError("times must carry a time zone")
    _check_base(record, base)
    if action not in ACTIONS:
        raise RectificationRefused(f"unknown action {action}", code="action_not_allowed", action=action)
    _check_actor(record, action, actor)
    if action not in ALLOWED[record["status"]]:
        raise RectificationRefused(f"{action} is not allowed while {record['status']}", code="action_not_allowed",
                                   action=action, current_status=record["status"])
    if action == APPEAL and record["appeal"] is not None:
        raise RectificationRefused("one appeal per rating", code="appeal_already_made")
    stage = {"by": actor.user, "at": at.isoformat(), "on": local_day(at).isoformat(), **_fields(action, args)}
    new = copy.deepcopy(record)
    new[STAGE_KEY[action]] = stage
    if action == APPEAL:
        stage["from_status"] = record["status"]
    if action == REVIEW:
        new["status"] = VOIDED if stage["decision"] == "voided" else record["appeal"]["from_status"]
    else:
        new["status"] = NEXT[action]
    new["version"] = record["version"] + 1
    new["updated_by"], new["updated_at"] = actor.user, at.isoformat()
    return new


def _check_base(record: dict, base: dict | None) -> None:
    if base is None:
        return
    if base.get("record") not in (None, record["id"]) or base.get("expected_version") != record["version"] \
            or base.get("from_state") != record["status"]:
        raise StaleRecord("the record moved on", current_status=record["status"], version=record["version"],
                          by=record["updated_by"], at=record["updated_at"])


def _check_actor(record: dict, action: str, actor: Actor) -> None:
    if action == REVIEW:
        if not REVIEWER_ROLES & actor.roles:
            raise RectificationRefused("a supervisor reviews appeals", code="reviewer_role_required")
        return
    if not HANDLER_ROLES & actor.roles:
        raise RectificationRefused("the department's handler acts", code="handler_role_required")
    if record["department_id"] is None or actor.department_id != record["department_id"]:
        raise RectificationRefused("another department's rating", code="not_your_department",
                                   department_id=record["department_id"])


def _fields(action: str, args: dict) -> dict:
    out = {}
    for name in FIELDS[action]:
        value = str(args.get(name) or "").strip()
        if not value:
            raise RectificationRefused(f"{name} is required", code="text_required", field=name)
        if len(value) > MAX_TEXT:
            raise RectificationRefused(f"{name} is too long", code="text_too_long", field=name, limit=MAX_TEXT)
        out[name] = value
    if action == RECTIFY and out["kind"] not in RECTIFY_KINDS:
        raise RectificationRefused("kind is rectified or explained", code="bad_rectification_kind")
    if action == REVIEW and out["decision"] not in DECISIONS:
        raise RectificationRefused("decision is upheld or voided", code="bad_decision")
    return out
