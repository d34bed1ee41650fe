"""One rule, for the server and the workstation alike: a rating whose 差评 a reviewer voided on appeal (撤销差评)
leaves every statistic — the queue figures and their stored projections, the rating figures, the dashboard's
差评 today — while its rectification record keeps the reason. It is read from the rectification records
(the rows the server stores and publishes to the hall's workstations); a record's id is its rating's
(server/rating/store.open_for), so the record of a rating is found by the rating's id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from shared.rating.rectification import VOIDED


def is_voided(record: Mapping) -> bool:
    """Whether this rectification record's rating is out of the statistics."""
    return record.get("status") == VOIDED


def voided_ratings(records: Iterable[Mapping]) -> frozenset[str]:
    """The ids of the ratings these records void."""
    return frozenset(r["rating_id"] for r in records if is_voided(r))

