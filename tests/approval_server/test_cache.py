"""The calendar and definition caches the approval handlers read through: reused while nothing changed, and
never stale — an admin's calendar edit, a row written directly, a new definition version, and an id that a
rolled-back insert handed on to another situation are all seen at once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, event, select

from server.approval import cache, definitions
from server.approval.models import ApprovalDefinition
from server.store.database import Database
from shared.approval.defaults import public_service_definition
from shared.db.models import CalendarOverride, ServiceItem, Situation

MAKE_UP_SATURDAY = dt.date(2026, 10, 10)
NOW = dt.datetime(2026, 10, 1, tzinfo=dt.timezone.utc)


def test_the_calendar_is_reused_until_an_admin_or_anyone_changes_it(client, admin, database) -> None:  # noqa: ANN001
    with database.session() as session:
        first = cache.calendar(session)
        assert cache.calendar(session) is first and first.is_workday(MAKE_UP_SATURDAY)
    r = client.put(f"/api/v1/admin/calendar/days/{MAKE_UP_SATURDAY}", headers=admin,
                   json={"is_workday": False, "notice": "测试更正"})
    assert r.status_code == 200, r.text
    with database.session() as session:
        edited = cache.calendar(session)
        assert edited is not first and not edited.is_workday(MAKE_UP_SATURDAY)
        session.get(CalendarOverride, MAKE_UP_SATURDAY).is_workday = True  # not through the API
    with database.session() as session:
        assert cache.calendar(session).is_workday(MAKE_UP_SATURDAY)


def _two_situations(session) -> tuple[tuple[str, str], tuple[str, str]]:  # noqa: ANN001
    """Two catalogue situations without a definition yet. Publishing seeds every situation's version 1, so the
    first two lose theirs here: as if they had been added to the catalogue since the last publish."""
    pairs = session.execute(select(ServiceItem.code, Situation.code).join(Situation.item)
                            .order_by(ServiceItem.code, Situation.code).limit(2)).all()
    for item, situation in pairs:
        session.execute(delete(ApprovalDefinition).where(ApprovalDefinition.item_code == item,
                                                         ApprovalDefinition.situation_code == situation))
    return tuple(pairs[0]), tuple(pairs[1])


def test_definitions_are_parsed_once_and_new_versions_are_seen(database) -> None:  # noqa: ANN001
    with database.session() as session:
        (item, situation), _ = _two_situations(session)
        definitions.ensure_default(session, item, situation, NOW)
        assert definitions.catalogue_for(session, item, situation).latest(item, situation).version == 1
        v1 = definitions.catalogue_for(session, item, situation).get(item, situation, 1)
        assert definitions.catalogue_for(session, item, situation).get(item, situation, 1) is v1  # parsed once
        body = definitions.definition_to_dict(v1)
        definitions.publish_version(session, {**body, "promised_limit_days": 1}, "admin", NOW)
        catalogue = definitions.catalogue_for(session, item, situation)
        assert catalogue.latest(item, situation).version == 2
        assert catalogue.get(item, situation, 2).promised_limit_days == 1 and catalogue.get(item, situation, 1) is v1


def test_an_id_reused_after_a_rollback_is_not_mistaken_for_the_old_row(database) -> None:  # noqa: ANN001
    with database.session() as session:
        (item_a, sit_a), (item_b, sit_b) = _two_situations(session)
        nested = session.begin_nested()  # a refused receive: its default definition is rolled back
        definitions.ensure_default(session, item_a, sit_a, NOW)
        assert definitions.catalogue_for(session, item_a, sit_a).latest(item_a, sit_a).item_code == item_a
        nested.rollback()
        definitions.store(session, public_service_definition(item_b, sit_b, statutory_limit_days=7,
                                                             promised_limit_days=3), "admin", NOW)
        found = definitions.catalogue_for(session, item_b, sit_b).latest(item_b, sit_b)
        assert (found.item_code, found.situation_code, found.statutory_limit_days) == (item_b, sit_b, 7)


def _reads(database, table: str):  # noqa: ANN001, ANN202
    """The statements that read `table`'s rows, as they run."""
    seen: list[str] = []

    def record(conn, cursor, statement, *rest) -> None:  # noqa: ANN001, ANN002
        if f"FROM {table}" in statement:
            seen.append(statement)
    event.listen(database.engine, "before_cursor_execute", record)
    return seen


def _definition_reads(database):  # noqa: ANN001, ANN202
    return _reads(database, "approval_definition")


def test_the_calendar_is_kept_between_requests_until_any_process_writes_it(database) -> None:  # noqa: ANN001
    wednesday = dt.date(2026, 10, 14)
    with database.read_session() as session:
        first = cache.calendar(session)
    reads = _reads(database, "calendar_override")
    with database.read_session() as session:
        assert cache.calendar(session) is first and first.is_workday(wednesday)
    assert reads == []  # kept: checked by its version alone
    other = Database(database.url)  # another process's engine: nothing of this one's kept copies
    try:
        with other.session() as session:
            session.add(CalendarOverride(day=wednesday, is_workday=False, updated_at=NOW))
    finally:
        other.dispose()
    with database.read_session() as session:
        assert not cache.calendar(session).is_workday(wednesday)


def test_a_calendar_edit_in_a_rolled_back_savepoint_is_seen_inside_it_only(database) -> None:  # noqa: ANN001
    wednesday = dt.date(2026, 10, 14)
    with database.session() as session:
        assert cache.calendar(session).is_workday(wednesday)
        nested = session.begin_nested()
        session.add(CalendarOverride(day=wednesday, is_workday=False, updated_at=NOW))
        session.flush()
        assert not cache.calendar(session).is_workday(wednesday)
        nested.rollback()
        assert cache.calendar(session).is_workday(wednesday)
    with database.read_session() as session:
        assert cache.calendar(session).is_workday(wednesday)


def test_the_whole_set_is_kept_between_requests_until_any_unit_writes_a_definition(database) -> None:  # noqa: ANN001
    with database.session() as session:
        (item, situation), _ = _two_situations(session)
    reads = _definition_reads(database)
    with database.read_session() as session:
        first = definitions.load_all(session)
    assert reads and (item, situation, 1) not in first
    reads.clear()
    with database.read_session() as session:
        assert definitions.load_all(session) is first  # kept: no definition row read again
    assert reads == []
    with database.session() as session:  # another unit (any process, a job, SQL) adds one
        definitions.ensure_default(session, item, situation, NOW)
    with database.read_session() as session:
        assert definitions.load_all(session)[(item, situation, 1)].item_code == item


def test_a_definition_stored_in_a_rolled_back_savepoint_leaves_the_set(database) -> None:  # noqa: ANN001
    with database.session() as session:
        (item, situation), _ = _two_situations(session)
        nested = session.begin_nested()  # a refused receive
        definitions.ensure_default(session, item, situation, NOW)
        assert (item, situation, 1) in definitions.load_all(session)
        nested.rollback()
        assert (item, situation, 1) not in definitions.load_all(session)
    with database.read_session() as session:
        assert (item, situation, 1) not in definitions.load_all(session)


def test_a_reading_unit_asks_the_versions_once_however_often_it_looks_things_up(database) -> None:  # noqa: ANN001
    """A to-do list looks up the calendar and the definitions for every case; a unit of work that only reads
    writes neither, so one read of the versions serves all its look-ups (a writing unit asks at each one)."""
    versions_asked = _reads(database, "cache_version")
    with database.read_session() as session:
        for _ in range(3):
            cache.calendar(session)
            cache.all_definitions(session)
    assert len(versions_asked) == 1
    versions_asked.clear()
    with database.session() as session:
        for _ in range(3):
            cache.calendar(session)
            cache.all_definitions(session)
    assert len(versions_asked) == 6
