"""What each simulated staff member does with the cases in its device's cache (shared.protocol.approval
CaseRow): mostly the right next action, sometimes a wrong one on purpose (bad step, missing opinion, too
long an extension, another role's action). Offline devices act on stale rows, which makes stale bases."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from shared.approval import commands as cmd
from shared.approval.events import CHINA_TZ, Actor
from shared.approval.lifecycle import CLOSED_OR_TERMINAL_NAMES, CaseStatus

INVALID_RATE = 0.08
OPINION = "经审查，符合规定"


def moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9 + rng.randrange(8), rng.randrange(60)), CHINA_TZ)


def _new(kind: type[cmd.Command], row: dict, device: str, at: dt.datetime, **fields: object) -> cmd.Command:
    return kind(command_id=str(uuid.uuid4()), case_id=row["id"],
                base=cmd.Base(row["version"], CaseStatus(row["status"])), actor=Actor("sim", "sim"),
                device=device, at=at, **fields)


def choose(role: str, row: dict, rng: random.Random, device: str, at: dt.datetime,
           required: tuple[str, ...]) -> cmd.Command | None:
    """The command this role sends for this case now, or None when it has nothing to do with it."""
    status, steps = row["status"], row["current_steps"]
    wrong = rng.random() < INVALID_RATE
    new = lambda kind, **f: _new(kind, row, device, at, **f)  # noqa: E731
    if role == "clerk":
        if status == "received":
            roll = rng.random()
            if roll < 0.06:
                items = (cmd.CorrectionItem(required[0], "复印件不清晰"),)
                return new(cmd.RequestCorrection, items=items)
            if roll < 0.09:
                return new(cmd.RejectApplication, reason="不属于本机关职权范围", legal_basis="《行政许可法》第三十二条")
            return new(cmd.Accept, materials=() if wrong else required)
        if status == "correction_requested":
            return new(cmd.ReceiveCorrection, materials=required[:1])
        if "close" in steps:
            return new(cmd.Close)
        if "deliver" in steps:
            return new(cmd.Deliver, method="post", tracking_no="" if wrong else "EMS1234567890CN")
        if wrong and status == "in_review":
            return new(cmd.Grant, step="decide", opinion=OPINION)  # not the clerk's step
        return None
    if role in ("reviewer", "verifier"):
        step = "review" if role == "reviewer" else "verify"
        if status == "special_procedure" and steps == [step]:
            return new(cmd.EndSpecialProcedure, result="鉴定完成")
        if status != "in_review" or step not in steps:
            return None
        roll = rng.random()
        if role == "reviewer" and roll < 0.08:
            return new(cmd.StartSpecialProcedure, step=step, category="appraisal", expected_days=3,
                       reason="需鉴定")
        if role == "verifier" and roll < 0.08:
            return new(cmd.ReturnToStep, step=step, target="review", opinion="请补充审查意见")
        opinion = "" if rng.random() < 0.03 else OPINION
        return new(cmd.PassStep, step="decide" if wrong else step, opinion=opinion)
    if role in ("head", "approver"):
        if status != "in_review" or "decide" not in steps:
            return None
        roll = rng.random()
        if role == "head" and roll < 0.08:
            return new(cmd.Extend, days=rng.choice((5, 10, 15)), reason="情况复杂")  # 15 is over the maximum
        if roll < 0.15:
            return new(cmd.Refuse, step="decide", reason="不符合条件", legal_basis="相关规定", opinion=OPINION)
        return new(cmd.Grant, step="decide", opinion="" if wrong else "同意")
    if role == "licence_officer":
        if status == "decided_granted" and "make_licence" in steps:
            return new(cmd.MakeLicence, licence_no=f"L{rng.randrange(10**8):08d}")
        if status == "licence_made":
            return new(cmd.IssueLicence)
        return None
    if role == "supervisor":
        if status in CLOSED_OR_TERMINAL_NAMES:
            return None
        if rng.random() > 0.04:
            return None
        return new(cmd.Urge, message="请加快办理")
    return None
