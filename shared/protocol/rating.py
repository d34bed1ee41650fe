"""The 差评整改 loop's wire contract through hall sync (shared/rating/rectification.py holds the rules).

- `rating.verify|rectify|feedback|appeal|review` are COMMANDS on one record, each with
  `base = {record, expected_version, from_state}`: the server applies one only if the record is still as
  its author saw it, otherwise refuses it (`stale_record`) with who moved it on.
- `rating.rate_case` (一事一评) is a FACT like `queue.rate`: the citizen's rating of a closed case, sent by
  the counter's workstation (the citizen rates on its screen, or the clerk enters a paper form); the phone
  page records the same rating through POST /api/v1/citizen/progress/rating (case number + query code).
  When a case may be rated is shared.rating.case_rating; a 差评 opens a record as a ticket's 差评 does.
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


ACTION_COMMANDS: dict[str, type[RecordArgs]] = {
    "rating.verify": VerifyArgs, "rating.rectify": RectifyArgs, "rating.feedback": FeedbackArgs,
    "rating.appeal": AppealArgs, "rating.review": ReviewArgs,
}
COMMANDS: dict[str, type[Request]] = {**ACTION_COMMANDS, "rating.rate_case": RateCaseArgs}


def case_rating_row(*, rating_id: str, hall_id: int, case_id: str, level: str, reason: str, at: dt.datetime,
                    by: str) -> dict:
    return {"id": rating_id, "hall_id": hall_id, "case_id": case_id, "level": level, "reason": reason,
            "at": at.isoformat(), "by": by}
