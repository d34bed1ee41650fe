"""The demo catalogue is complete (every item, sub-item and situation of the seed plan) and loading it twice
changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.store.database import Database
from shared.approval.defaults import licence_definition, public_service_definition
from shared.db.models import (Business, Department, Material, ServiceItem, Situation, StaffUser, SubItem, Town,
                              Window)
from shared.demo.loader import load_demo
from shared.validation import is_valid_uscc
from tests.pg import pg_schema_engine


def _counts(session) -> dict[str, int]:  # noqa: ANN001
    models = (ServiceItem, SubItem, Situation, Material, Business, Window, StaffUser, Town, Department)
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in models}


def _check(db: Database) -> None:
    db.migrate()
    with db.session() as session:
        first = load_demo(session, password_iterations=1000)
    with db.session() as session:
        before = _counts(session)
        hashes = dict(session.execute(select(StaffUser.username, StaffUser.password_hash)).all())
    with db.session() as session:
        second = load_demo(session, password_iterations=1000)
    assert first.created > 400
    assert (second.created, second.updated) == (0, 0)
    with db.session() as session:
        assert _counts(session) == before
        assert dict(session.execute(select(StaffUser.username, StaffUser.password_hash)).all()) == hashes

        online = session.scalars(select(ServiceItem).where(ServiceItem.online)).all()
        assert len(online) == 12
        # 30 rows of the plan's table: each sub-item, or the item itself where it has none
        assert sum(max(1, len(i.sub_items)) for i in online) == 30
        assert session.scalar(select(func.count()).select_from(Situation)) == 64
        codes = {i.code for i in session.scalars(select(ServiceItem).where(ServiceItem.official_code))}
        assert codes == {"00785", "00790", "00775", "00780", "00777", "000791"}
        lift = session.scalars(select(SubItem).where(SubItem.name == "特种设备使用登记（电梯）")).one()
        assert lift.item.code == "00790"
        licence = session.scalars(select(ServiceItem).where(ServiceItem.code == "00785")).one()
        assert [s.name for s in licence.situations] == ["发证", "延续", "许可范围变更", "名称变更", "补领",
                                                        "申请撤回", "申请注销"]
        assert all(s.materials and any(m.required for m in s.materials) for s in licence.situations)
        assert session.scalar(select(func.count()).select_from(Window)) == 10
        assert sorted(b.prefix for b in session.scalars(select(Business))) == list("ABCDEF")
        assert all(is_valid_uscc(d.uscc) for d in session.scalars(select(Department)))
        held = {u.username: set(u.role_names) for u in session.scalars(select(StaffUser))}
        assert held["approver"] == {"approver", "reviewer", "verifier", "head"}
        assert held["clerk"] == {"clerk", "licence_officer"}
        # Every step of the default workflows has someone in the hall who holds its role.
        steps = licence_definition("00785", "00785-S01").steps + public_service_definition("00777", "x").steps
        assert {s.role for s in steps} <= set().union(*held.values())


def test_demo_on_sqlite(tmp_path: Path) -> None:
    _check(Database(f"sqlite:///{tmp_path / 'demo.sqlite3'}"))


@pytest.mark.pg
def test_demo_on_postgresql() -> None:
    with pg_schema_engine() as engine:
        _check(Database(engine.url.render_as_string(hide_password=False), engine=engine))
