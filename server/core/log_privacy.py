"""No personal data in logs: the access log writes each request's path and query, so the values of query
parameters that name a person are replaced before any handler formats the line. Personal data is refused in
URLs anyway (e.g. GET /api/v1/cases answers personal_data_in_url): this keeps the refused request's line clean."""

from __future__ import annotations

import logging
import re

PERSONAL_PARAMETERS = ("id_number", "name", "phone", "applicant_id", "applicant_name", "applicant_phone",
                       "receiver_id", "receiver_name", "person_key", "token")
_PATTERN = re.compile(r"(?<=[?&])(" + "|".join(PERSONAL_PARAMETERS) + r")=[^&#\s]*", re.IGNORECASE)
REDACTED = "(withheld)"


def redact(text: str) -> str:
    return _PATTERN.sub(lambda m: f"{m.group(1)}={REDACTED}", text) if "?" in text else text


class PersonalQueryFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


_FILTER = PersonalQueryFilter()


def install() -> None:
    """On uvicorn's access logger (idempotent; a filter added twice is kept once)."""
    logging.getLogger("uvicorn.access").addFilter(_FILTER)
