"""A second hall beside the demo hall (its own window, supervisor, clerk and admin) and devices in either hall,
for tests of hall confinement and of the authorisation matrix."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from server.store.database import Database
from server.sync.devices import register_device
from shared.db.models import Centre, Hall, StaffRole, StaffUser, Window
from shared.passwords import hash_password

PASSWORD = "GovHall@2026"  # the demo password: the suite runs in demo mode (tests/conftest.py)


@dataclass(frozen=True)
class OtherHall:
    hall_id: int
    window_id: int
    demo_hall_id: int
    demo_window_id: int


def add_staff(session, username: str, hall_id: int | None, *roles: str) -> StaffUser:  # noqa: ANN001
    user = StaffUser(username=username, display_name=username, staff_no=username.upper(), hall_id=hall_id,
                     active=True, password_hash=hash_password(PASSWORD, iterations=1000), failed_attempts=0)
    session.add(user)
    session.flush()
    for role in roles:
        session.add(StaffRole(user_id=user.id, role=role))
    session.flush()
    return user


def add_other_hall(db: Database) -> OtherHall:
    with db.session() as s:
        demo = s.scalars(select(Hall).order_by(Hall.id)).first()
        demo_window = s.scalars(select(Window).where(Window.hall_id == demo.id).order_by(Window.number)).first()
        centre = s.scalars(select(Centre)).first()
        hall = Hall(centre_id=centre.id, code="TEST-HALL-2", name="第二大厅", address="")
        s.add(hall)
        s.flush()
        window = Window(hall_id=hall.id, number=1, name="1号窗口", active=True)
        s.add(window)
        s.flush()
        add_staff(s, "supervisor2", hall.id, "supervisor")
        add_staff(s, "clerk2", hall.id, "clerk")
        add_staff(s, "admin2", hall.id, "admin")
        return OtherHall(hall.id, window.id, demo.id, demo_window.id)


def device(db: Database, kind: str, hall_id: int, window_id: int | None = None) -> tuple[str, str]:
    with db.session() as s:
        dev, token = register_device(s, kind=kind, name=kind, hall_id=hall_id, window_id=window_id)
        return dev.id, token
