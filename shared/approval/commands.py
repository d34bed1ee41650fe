"""Commands: what a user (or the system's Art. 32 sweep) asks to do with a case.

Every command carries `base`: the case version and status its author saw (SYNC.md). The decider rejects
it with StaleCommand when either no longer matches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.approval.events import Actor
from shared.approval.lifecycle import CaseStatus


@dataclass(frozen=True)
class Base:
    expected_version: int
    from_state: CaseStatus | None

    @classmethod
    def new_case(cls) -> Base:
        return cls(0, None)


@dataclass(frozen=True, kw_only=True)
class Command:
    command_id: str
    case_id: str
    base: Base
    actor: Actor
    device: str
    at: dt.datetime
    opinion: str = ""
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True)
class CorrectionItem:
    material: str
    problem: str


# --- intake (受理) -------------------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class Receive(Command):
    item_code: str
    situation_code: str
    materials: tuple[str, ...]
    channel: str = "counter"     # counter / online / post …
    town: str = ""               # the applicant's 镇街, for statistics
    department: str = ""
    applicant_name: str = ""


@dataclass(frozen=True, kw_only=True)
class PreAccept(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class RequestCorrection(Command):
    items: tuple[CorrectionItem, ...]  # Art. 32(4): everything to correct, at once
    step: str = ""                     # empty: the only active step


@dataclass(frozen=True, kw_only=True)
class ReceiveCorrection(Command):
    materials: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Accept(Command):
    materials: tuple[str, ...] = ()  # further materials checked in at acceptance


@dataclass(frozen=True, kw_only=True)
class DeemAccepted(Command):
    """The system's sweep: Art. 32(4) window passed with no correction request."""


@dataclass(frozen=True, kw_only=True)
class RejectApplication(Command):
    reason: str
    legal_basis: str


# --- review steps ------------------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class PassStep(Command):
    step: str


@dataclass(frozen=True, kw_only=True)
class ReturnToStep(Command):
    step: str     # the step returning the case
    target: str   # a named earlier step


@dataclass(frozen=True, kw_only=True)
class StartSpecialProcedure(Command):
    step: str
    category: str           # one of SPECIAL_PROCEDURE_CATEGORIES
    expected_days: int      # told to the applicant in writing (Art. 45)
    reason: str


@dataclass(frozen=True, kw_only=True)
class EndSpecialProcedure(Command):
    result: str


@dataclass(frozen=True, kw_only=True)
class Extend(Command):
    days: int
    reason: str             # Art. 42: the reason is told to the applicant


@dataclass(frozen=True, kw_only=True)
class Grant(Command):
    step: str


@dataclass(frozen=True, kw_only=True)
class Refuse(Command):
    step: str
    reason: str
    legal_basis: str


# --- after the decision ------------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class MakeLicence(Command):
    licence_no: str


@dataclass(frozen=True, kw_only=True)
class IssueLicence(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class Close(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class Deliver(Command):
    method: str                   # "counter" (窗口领取) or "post" (邮寄)
    receiver_name: str = ""
    receiver_id: str = ""         # counter: resident ID, validated (GB 11643)
    tracking_no: str = ""         # post: the EMS tracking number


@dataclass(frozen=True, kw_only=True)
class ServeNotice(Command):
    """送达: a written notice of the case (its NoticeKind value) was served on someone, on a day, one way."""
    notice: str                   # acceptance / correction / refusal_of_acceptance / special_procedure / extension / grant / refusal
    method: str                   # direct (直接送达) / post (邮寄送达) / electronic (电子送达) / public (公告送达)
    recipient: str                # to whom (clear: kept out of the payload, sealed with the event)
    served_on: str = ""           # ISO day it was served; empty: the command's day
    reference: str = ""           # post: tracking number; electronic: the address; public: where it was posted
    digest: str = ""              # SM3 of the PDF bytes served (shared.crypto.sm2)
    signature: str = ""           # the detached SM2 signature of those bytes
    signer_key: str = ""          # the signer's public key (SubjectPublicKeyInfo DER, hex)


@dataclass(frozen=True, kw_only=True)
class Withdraw(Command):
    reason: str                   # the applicant's written request


@dataclass(frozen=True, kw_only=True)
class Terminate(Command):
    reason: str
    legal_basis: str


# --- urging and supervision (催办督办) -------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class Urge(Command):
    message: str


@dataclass(frozen=True, kw_only=True)
class Supervise(Command):
    message: str
    reply_within_days: int = 2


@dataclass(frozen=True, kw_only=True)
class ReplySupervision(Command):
    supervision_id: str
    reply: str


@dataclass(frozen=True, kw_only=True)
class MarkUrgent(Command):
    reason: str
