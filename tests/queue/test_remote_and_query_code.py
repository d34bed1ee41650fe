"""Pure rules of issue 17: the distance rule of 到厅取号 and the receipt's progress query code."""

from __future__ import annotations

import pytest

from shared.approval.query_code import code_matches, derive_query_key, query_code
from shared.crypto.keys import keys_from_environment
from shared.queue.errors import InvalidConfiguration, IssueRefused
from shared.queue.remote import check_near, distance_m
from shared.queue.rules import MAX_REMOTE_RADIUS_M, RemoteRules

HALL = RemoteRules(enabled=True, latitude=23.0205, longitude=113.7518, radius_m=300)
KEYS = keys_from_environment({"GOVHALL_PII_KEYS": f"k1:{'11' * 16}", "GOVHALL_PII_INDEX_KEY": "22" * 32})


def test_distance_is_the_great_circle_distance() -> None:
    assert distance_m(23.0, 113.0, 23.0, 113.0) == 0
    assert distance_m(23.0, 113.0, 23.01, 113.0) == pytest.approx(1112, rel=0.01)  # 0.01° of latitude


def test_near_far_vague_and_not_offered() -> None:
    assert check_near(HALL, 23.0215, 113.7518, 20) < 300
    cases = [(RemoteRules(), 23.0205, 113.7518, 10, "remote_not_offered"),
             (HALL, 23.0305, 113.7518, 10, "remote_too_far"),
             (HALL, 23.0205, 113.7518, 500, "remote_position_inaccurate"),
             (HALL, 91.0, 113.7518, 10, "remote_position_invalid")]
    for rules, lat, lon, accuracy, code in cases:
        with pytest.raises(IssueRefused) as refused:
            check_near(rules, lat, lon, accuracy)
        assert refused.value.code == code


def test_the_radius_has_an_upper_bound() -> None:
    with pytest.raises(InvalidConfiguration) as bad:
        RemoteRules(enabled=True, radius_m=MAX_REMOTE_RADIUS_M + 1)
    assert bad.value.code == "invalid_remote_rules"


def test_query_codes_differ_by_case_and_hall_and_read_back_as_typed() -> None:
    key1, key2 = derive_query_key(KEYS, 1), derive_query_key(KEYS, 2)
    code = query_code(key1, "DG2026000001")
    assert len(code) == 8 and code.isalnum() and code.isupper()
    assert code != query_code(key1, "DG2026000002") and code != query_code(key2, "DG2026000001")
    assert code_matches(key1, "dg2026000001", f" {code[:4].lower()} {code[4:]} ")
    assert not code_matches(key1, "DG2026000001", "AAAAAAAA" if code != "AAAAAAAA" else "BBBBBBBB")
