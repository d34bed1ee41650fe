"""The 差评整改 loop's wire contract through hall sync (shared/rating/rectification.py holds the rules).

- `rating.verify|rectify|feedback|appeal|review` are COMMANDS on one record, each with
  `base = {record, expected_version, from_state}`: the server applies one only if the record is still as
  its author saw it, otherwise refuses it (`stale_record`) with who moved it on.
- `rating.rate_case` (一事一评) is a FACT like `queue.rate`: the citizen's rating of a closed case, sent by
  the counter's workstation (the citizen rates on its screen, or the clerk enters a paper form); the phone
  page records the same rating through POST /api/v1/citizen/progress/rating (case number + query code).
  When a case may be rated is shared.rating.case_rating; a 差评 opens a record as a ticket's 差评 does.
- `rating.ask_case` (一事一评 on the counter's evaluator): a clerk at a window workstation has finished (办结) a
  case for the citizen at the counter; the server publishes a `case_rating_ask` row (pk = the window id: one
  asked case per window, a newer one replaces it) that only that window's evaluator (and the workstations)
  read. It names the case by a short reference and its item, no personal data. The evaluator sends the
  citizen's choice as `rating.rate_case` — the one recording path — accepted from an evaluator only for the
  case asked at its window; the ask row then turns `rated`.
- The server publishes `rating_rectification` (pk = record id) and `case_rating` (pk = rating id) rows to the
  hall scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, Field

from shared.protocol.base import Request, sane_date
from shared.protocol.queue import UUID, RatingLevel

VERSION = 1
PREFIX = "rating."
RECORD_TABLE = "rating_rectification"
CASE_RATING_TABLE = "case_rating"
CASE_ASK_TABLE = "case_rating_ask"
Moment = Annotated[AwareDatetime, Field(strict=False), AfterValidator(sane_date)]
Text = Annotated[str, Field(max_length=1000)]


class Base(Request):
    record: str = Field(max_length=36)
    expected_version: int
    from_state: str = Field(max_length=20)


class RecordArgs(Request):
    record_id: str = Field(max_length=36)
    at: Moment


class VerifyArgs(RecordArgs):
    contact: Text    # 回访: how and when the citizen was reached
    findings: Text   # 核实: what was found


class RectifyArgs(RecordArgs):
    kind: Literal["rectified", "explained"]
    text: Text


class FeedbackArgs(RecordArgs):
    text: Text       # what the citizen was told


class AppealArgs(RecordArgs):
    reason: Text     # why the rating is mistaken or malicious


class ReviewArgs(RecordArgs):
    decision: Literal["upheld", "voided"]
    reason: Text


class RateCaseArgs(Request):
    rating_id: str = Field(pattern=UUID)
    case_id: str = Field(max_length=36)
    level: RatingLevel
    reason: str = Field(default="", max_length=500)
    at: Moment


class AskCaseArgs(Request):
    ask_id: str = Field(pattern=UUID)
    case_id: str = Field(max_length=36)
    window_id: int | None = None  # the window the clerk sits at (a hot desk's seat); None: the device's own
    at: Moment


ACTION_COMMANDS: dict[str, type[RecordArgs]] = {
    "rating.verify": VerifyArgs, "rating.rectify": RectifyArgs, "rating.feedback": FeedbackArgs,
    "rating.appeal": AppealArgs, "rating.review": ReviewArgs,
}
COMMANDS: dict[str, type[Request]] = {**ACTION_COMMANDS, "rating.rate_case": RateCaseArgs,
                                      "rating.ask_case": AskCaseArgs}


def case_rating_row(*, rating_id: str, hall_id: int, case_id: str, level: str, reason: str, at: dt.datetime,
                    by: str) -> dict:
    return {"id": rating_id, "hall_id": hall_id, "case_id": case_id, "level": level, "reason": reason,
            "at": at.isoformat(), "by": by}


def case_reference(case_number: str) -> str:
    """What the evaluator shows of a case number: its last six characters (enough for the citizen to know
    their case at the counter, too little to look it up by)."""
    return "…" + case_number[-6:] if len(case_number) > 6 else case_number


def case_ask_row(*, ask_id: str, hall_id: int, window_id: int, case_id: str, case_number: str, item_name: str,
                 at: dt.datetime, state: str = "open", rating_id: str | None = None) -> dict:
    """The `case_rating_ask` row (pk: str(window_id)); `state` open / rated."""
    return {"id": str(window_id), "ask_id": ask_id, "hall_id": hall_id, "window_id": window_id, "case_id": case_id,
            "reference": case_reference(case_number), "item_name": item_name, "at": at.isoformat(),
            "state": state, "rating_id": rating_id}
