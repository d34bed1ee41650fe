"""Nothing personal in the access log: a request that puts an ID number or a name in its URL is refused
(personal_data_in_url) and its log line carries neither."""

from __future__ import annotations

import logging

from server.core import log_privacy

PERSON_ID = "11010519491231002X"


def _access_record(path: str) -> logging.LogRecord:
    # The shape of uvicorn's access records: (client, method, path with query, http version, status).
    return logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                             ("127.0.0.1:5000", "GET", path, "1.1", 400), None)


def test_personal_query_values_are_withheld_from_access_lines() -> None:
    record = _access_record(f"/api/v1/cases?status=received&id_number={PERSON_ID}&name=%E5%BC%A0%E4%B8%89")
    assert log_privacy.PersonalQueryFilter().filter(record)
    line = record.getMessage()
    assert PERSON_ID not in line and "%E5%BC%A0" not in line
    assert "status=received" in line and "id_number=(withheld)" in line


def test_the_filter_sits_on_uvicorns_access_logger_once_the_app_exists(client) -> None:  # noqa: ANN001
    access = logging.getLogger("uvicorn.access")
    assert any(isinstance(f, log_privacy.PersonalQueryFilter) for f in access.filters)
    record = _access_record(f"/api/v1/cases?id_number={PERSON_ID}")
    assert all(f.filter(record) for f in access.filters) and PERSON_ID not in record.getMessage()
