"""The queue wire contract refuses malformed commands and round-trips rows."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from pydantic import ValidationError

from shared.protocol.queue import COMMANDS, CallArgs, IssueArgs, TicketRow

AT = "2026-11-02T09:30:00+08:00"


def _issue(**over) -> dict:  # noqa: ANN003
    body = {"ticket_id": str(uuid.uuid4()), "business_id": 1, "display": "A023", "number": 23, "block_id": 4,
            "day": "2026-11-02", "channel": "dispenser", "at": AT, "printed": True,
            "issued_at": {"physical_ms": 1, "logical": 0, "device_id": "k1", "device_seq": 7}}
    body.update(over)
    return body


def test_issue_parses() -> None:
    args = IssueArgs.model_validate(_issue())
    assert args.day == dt.date(2026, 11, 2) and args.at.utcoffset() == dt.timedelta(hours=8)


@pytest.mark.parametrize("bad", [
    {"ticket_id": "not-a-uuid"}, {"channel": "fax"}, {"business_id": "1"}, {"printed": "yes"},
    {"unexpected": 1}, {"display": "A"}, {"number": 0},
])
def test_issue_refuses_malformed(bad: dict) -> None:
    with pytest.raises(ValidationError):
        IssueArgs.model_validate(_issue(**bad))


def test_every_command_has_a_strict_schema() -> None:
    assert set(COMMANDS) >= {"queue.issue", "queue.call", "queue.rate", "queue.transfer", "queue.pause"}
    with pytest.raises(ValidationError):
        CallArgs.model_validate({"call_id": str(uuid.uuid4()), "ticket_id": str(uuid.uuid4()), "window_id": 3,
                                 "mode": "random", "at": AT})


def test_ticket_row_round_trip() -> None:
    row = {"id": "t1", "hall_id": 1, "business_id": 1, "display": "A023", "day": "2026-11-02",
           "channel": "dispenser", "priority_class": 3, "issued_at": [1, 0, "k1", 7], "queue_key": [1, 0, "k1", 7],
           "state": "waiting", "periods": [{"kind": "waiting", "start": AT}]}
    parsed = TicketRow.model_validate(row)
    assert TicketRow.model_validate(parsed.model_dump(mode="json")) == parsed


def test_times_without_an_offset_are_refused() -> None:
    with pytest.raises(ValidationError):
        IssueArgs.model_validate(_issue(at="2026-11-02T09:30:00"))
