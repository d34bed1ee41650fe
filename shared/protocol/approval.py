"""The approval engine's wire contract through hall sync: the commands devices send and the rows the server
publishes.

Commands:
- Every approval action is the sync command `approval.<snake_name>` (`approval.accept`,
  `approval.pass_step`, …; the names of shared.approval.serialization.COMMANDS), version 1.
  `args` = `command_to_dict(cmd)["args"]`, `base` = `command_to_dict(cmd)["base"]`
  (`{case, expected_version, from_state}`). `actor` is NOT sent: the server derives it from the device's
  staff login (user name + the role the step or action needs among the user's roles); `args.device` is
  replaced by the token's device id.
- `approval.receive` adds to the command's args what only the counter knows (RECEIVE_EXTRAS below): the case
  number printed on the receipt, issued offline from a leased block of series "case" (prefix = the office's
  two-letter code, day = the first day of the year: one series per office and year), the applicant's
  identity (resident ID or USCC, sent clear over TLS, sealed with SM4-GCM by the server and only ever
  published masked with its blind index), the submitted files (name + SHA-256), and the linked ticket.
  The case id is a client-made UUID; the case number is what people read.
- A stale base is rejected `stale_command` with details {current_version, current_state, changed_by,
  changed_at}. Urge, supervise, reply_supervision and mark_urgent are annotations: their base is not
  compared (only that the case exists and is open), so a leader's urge is not refused while the case moves.

Rows (published to `hall:<hall id>`, and to `role:<hall id>:<role>` for each role that may act at one of the
case's current steps; clients cache them under the same table names and primary keys):
- `approval_case` (pk = case id): CaseRow
- `approval_event` (pk = event id): EventRow = `event_to_dict(e)` (never the personal part)
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, Field

from shared.protocol.base import Request, Response, sane_date

VERSION = 1
PREFIX = "approval."
CASE_SERIES = "case"
CASE_NUMBER_PATTERN = r"^[A-Za-z0-9-]+$"  # SL2026000123, fallbacks SL2026-3FA2C1-001
UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
Moment = Annotated[AwareDatetime, Field(strict=False), AfterValidator(sane_date)]  # ISO text with an offset; naive times are refused
Text = Annotated[str, Field(max_length=2000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]

Card = Literal["green", "yellow_card", "red_card"]
ApplicantKind = Literal["person", "company"]  # person: resident ID (GB 11643); company: USCC (GB 32100)


def case_display(prefix: str, year: int, number: int) -> str:
    """The printed case number of a leased number: prefix, year, 6 digits — e.g. SL2026000123."""
    return f"{prefix}{year}{number:06d}"


def series_day(year: int) -> str:
    """The lease series' `day` for case numbers: one series per office and year."""
    return f"{year}-01-01"


# --- command args (name → model) ----------------------------------------------------------------------------

class CommandArgs(Request):
    """The fields every approval command carries (shared.approval.commands.Command minus base and actor)."""
    command_id: str = Field(pattern=UUID)
    case_id: str = Field(pattern=UUID)
    device: str = Field(default="", max_length=36)
    at: Moment
    opinion: Text = ""
    attachments: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=50)


class SubmittedFile(Request):
    material: Name            # the material's name as the situation lists it
    file_name: Name
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(default=0, ge=0)


class ReceiveArgs(CommandArgs):
    item_code: Name
    situation_code: Name
    materials: list[Name] = Field(default_factory=list, max_length=100)
    channel: str = Field(default="counter", max_length=20)
    town: str = Field(default="", max_length=50)
    department: str = Field(default="", max_length=100)
    applicant_name: str = Field(default="", max_length=200)
    # RECEIVE_EXTRAS: not part of shared.approval's Receive command
    # as printed: case_display(...) or a fallback; a safe alphabet, since it names files and reaches headers
    case_number: str = Field(min_length=3, max_length=40, pattern=CASE_NUMBER_PATTERN)
    series_prefix: str = Field(min_length=1, max_length=2)
    number: int | None = Field(default=None, ge=1)         # None only for a device-suffixed fallback number
    block_id: int | None = None
    applicant_kind: ApplicantKind
    applicant_id: str = Field(min_length=15, max_length=20)  # resident ID or USCC, clear (sealed on arrival)
    applicant_phone: str = Field(default="", max_length=20)
    files: list[SubmittedFile] = Field(default_factory=list, max_length=100)
    ticket_id: str | None = Field(default=None, pattern=UUID)
    sub_item_code: str | None = Field(default=None, max_length=40)
    # 延续/变更: the licence (by its number) this application renews or changes; the server checks it at receipt
    licence_action: Literal["", "renew", "change"] = ""
    licence_no: str = Field(default="", max_length=60)


RECEIVE_EXTRAS = ("case_number", "series_prefix", "number", "block_id", "applicant_kind", "applicant_id",
                  "applicant_phone", "files", "ticket_id", "sub_item_code", "licence_action", "licence_no")


class Materials(CommandArgs):
    """`approval.accept` (further materials checked in), `approval.receive_correction`."""
    materials: list[Name] = Field(default_factory=list, max_length=100)


class CorrectionItemWire(Request):
    material: Name
    problem: Text


class RequestCorrectionArgs(CommandArgs):
    items: list[CorrectionItemWire] = Field(min_length=1, max_length=100)
    step: str = Field(default="", max_length=50)


class StepArgs(CommandArgs):
    """`approval.pass_step`, `approval.grant`."""
    step: str = Field(max_length=50)


class ReturnToStepArgs(CommandArgs):
    step: str = Field(max_length=50)
    target: str = Field(max_length=50)


class WithdrawArgs(CommandArgs):
    reason: Text  # the applicant's written request


class ReasonArgs(CommandArgs):
    """`approval.reject_application`, `approval.terminate`."""
    reason: Text
    legal_basis: Text


class RefuseArgs(CommandArgs):
    step: str = Field(max_length=50)
    reason: Text
    legal_basis: Text


class StartSpecialProcedureArgs(CommandArgs):
    step: str = Field(max_length=50)
    category: str = Field(max_length=40)
    expected_days: int = Field(ge=0, le=3650)
    reason: Text


class EndSpecialProcedureArgs(CommandArgs):
    result: Text


class ExtendArgs(CommandArgs):
    days: int = Field(ge=-3650, le=3650)  # range checks (legal maximum) are the engine's: extension_too_long
    reason: Text


class MakeLicenceArgs(CommandArgs):
    licence_no: str = Field(default="", max_length=60)  # "" = the server numbers it by the item's rule


class DeliverArgs(CommandArgs):
    method: str = Field(max_length=20)
    receiver_name: str = Field(default="", max_length=200)
    receiver_id: str = Field(default="", max_length=20)
    tracking_no: str = Field(default="", max_length=40)


class ServeNoticeArgs(CommandArgs):
    """送达 of a written notice; the clear recipient is sealed with the event (payload: masked)."""
    notice: str = Field(max_length=40)
    method: str = Field(max_length=20)
    recipient: str = Field(max_length=200)
    served_on: str = Field(default="", max_length=10)
    reference: str = Field(default="", max_length=200)
    digest: str = Field(pattern=r"^[0-9a-f]{64}$")
    signature: str = Field(pattern=r"^[0-9a-f]{16,400}$")
    signer_key: str = Field(pattern=r"^[0-9a-f]{32,400}$")


class MessageArgs(CommandArgs):
    """`approval.urge`."""
    message: Text


class SuperviseArgs(CommandArgs):
    message: Text
    reply_within_days: int = Field(default=2, ge=-100, le=365)


class ReplySupervisionArgs(CommandArgs):
    supervision_id: str = Field(max_length=80)
    reply: Text


class MarkUrgentArgs(CommandArgs):
    reason: Text


COMMANDS: dict[str, type[CommandArgs]] = {
    "approval.receive": ReceiveArgs,
    "approval.pre_accept": CommandArgs,
    "approval.request_correction": RequestCorrectionArgs,
    "approval.receive_correction": Materials,
    "approval.accept": Materials,
    "approval.deem_accepted": CommandArgs,
    "approval.reject_application": ReasonArgs,
    "approval.pass_step": StepArgs,
    "approval.return_to_step": ReturnToStepArgs,
    "approval.start_special_procedure": StartSpecialProcedureArgs,
    "approval.end_special_procedure": EndSpecialProcedureArgs,
    "approval.extend": ExtendArgs,
    "approval.grant": StepArgs,
    "approval.refuse": RefuseArgs,
    "approval.make_licence": MakeLicenceArgs,
    "approval.issue_licence": CommandArgs,
    "approval.close": CommandArgs,
    "approval.deliver": DeliverArgs,
    "approval.serve_notice": ServeNoticeArgs,
    "approval.withdraw": WithdrawArgs,
    "approval.terminate": ReasonArgs,
    "approval.urge": MessageArgs,
    "approval.supervise": SuperviseArgs,
    "approval.reply_supervision": ReplySupervisionArgs,
    "approval.mark_urgent": MarkUrgentArgs,
}

# Annotations: checked against "exists and open", never against the base's version.
ANNOTATIONS = frozenset({"approval.urge", "approval.supervise", "approval.reply_supervision",
                         "approval.mark_urgent"})


class Base(Request):
    case: str = Field(pattern=UUID)
    expected_version: int = Field(ge=0)
    from_state: str | None


# --- rows the server publishes ------------------------------------------------------------------------------

class ClocksSummary(Response):
    statutory_due: dt.date | None = None      # None before acceptance or while the clock is stopped
    remaining_working_days: int | None = None
    promised_due: dt.date | None = None
    stopped: bool = False
    provisional: bool = False                 # a deadline falls in a year whose holidays are not published
    card: Card = "green"                      # worst of the statutory, promised and issue clocks
    issue_due: dt.date | None = None          # Art. 44: the decision served (送达) by this day
    served_late: bool = False                 # the decision was served after issue_due: shown red in lists
    as_of: dt.date                            # the day the summary was worked out
    due: dt.date | None = None                # earliest due day of the running clocks: 即将超期/超期 judge by it
    due_rule: int = 0                         # shared.approval.overdue.DUE_RULE when `due` is set by it


class CaseRow(Response):
    """Table `approval_case`, pk = case id (UUID)."""
    id: str
    hall_id: int
    case_number: str
    item_code: str
    sub_item_code: str | None = None
    situation_code: str
    definition_version: int
    applicant_name: str
    applicant_kind: ApplicantKind
    applicant_id_masked: str                  # e.g. 110105********002X; the clear value stays on the server
    applicant_key: str                        # blind index (HMAC-SM3) for search by ID/USCC
    status: str                               # shared.approval.lifecycle.CaseStatus value
    version: int
    current_steps: list[str]
    step_roles: list[str]                     # roles that act at the current steps
    clocks: ClocksSummary
    urgent: bool = False
    received_on: dt.date
    accepted_on: dt.date | None = None
    last_changed_by: str | None = None
    last_changed_role: str | None = None
    last_changed_at: dt.datetime | None = None
    department: str = ""
    town: str = ""
    channel: str = ""
    ticket_id: str | None = None
    mismatches: list[dict] = Field(default_factory=list)  # 信息比对 warnings found at receipt/acceptance
    licence_action: Literal["", "renew", "change"] = ""  # 延续 / 变更 of the licence numbered named_licence_no
    named_licence_no: str = ""


class EventRow(Response):
    """Table `approval_event`, pk = event id: shared.approval.serialization.event_to_dict without personal."""
    event_id: str
    case_id: str
    seq: int
    action: str
    actor: dict
    device: str
    at: str
    day: str
    command_id: str
    status_before: str | None
    status_after: str
    steps_after: list[str]
    opinion: str = ""
    attachments: list[str] = Field(default_factory=list)
    payload: dict = Field(default_factory=dict)


TABLES: dict[str, type[Response]] = {"approval_case": CaseRow, "approval_event": EventRow}
