"""A hall's queue configuration as `shared.queue` value objects, loaded from the reference tables (businesses,
windows, quotas) and the hall's rules document. `load_hall_config` is the one way in; the rules document is
validated by building the value objects (shared.queue.hall_rules, the codec devices read the published rules
with), so a bad document never reaches the database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from shared.calendar import WorkCalendar, load_calendar
from shared.db.models import Business as BusinessRow
from shared.db.models import Quota as QuotaRow
from shared.db.models import Window as WindowRow
from shared.db.models import WindowBusiness
from shared.queue.config import Business, Quota, Window, WindowService
# Re-exported: the server's modules take the hall rules' codec from here with the rest of the configuration.
from shared.queue.hall_rules import HallRules, quota_of, rules_from_json, rules_from_row  # noqa: F401
from server.queue.models import QueueHallRules
from server.store import versions

SERIES = "ticket"  # the number series of queue tickets: (ticket, hall, business prefix, day)


@dataclass(frozen=True)
class HallConfig:
    hall_id: int
    businesses: dict[int, Business]
    prefixes: dict[int, str]
    quotas: dict[int, Quota]
    windows: dict[int, Window]
    rules: HallRules

    def business(self, business_id: int) -> Business | None:
        return self.businesses.get(business_id)

    def window(self, window_id: int) -> Window | None:
        return self.windows.get(window_id)


_RULES = select(QueueHallRules.rules).where(QueueHallRules.hall_id == bindparam("hall_id"))
_BUSINESSES = (select(BusinessRow.id, BusinessRow.prefix, BusinessRow.name, BusinessRow.active,
                      *QuotaRow.__table__.columns)
               .outerjoin(QuotaRow, QuotaRow.business_id == BusinessRow.id)
               .where(BusinessRow.hall_id == bindparam("hall_id")))
_WINDOWS = (select(WindowRow.id, WindowRow.number, WindowRow.name, WindowRow.active,
                   WindowBusiness.business_id, WindowBusiness.priority)
            .join(WindowBusiness, WindowBusiness.window_id == WindowRow.id)
            .where(WindowRow.hall_id == bindparam("hall_id"))
            .order_by(WindowRow.id, WindowBusiness.priority, WindowBusiness.business_id))


def load_rules(session: Session, hall_id: int) -> HallRules:
    doc = session.connection().scalar(_RULES, {"hall_id": hall_id})
    return rules_from_row(None if doc is None else {"hall_id": hall_id, "rules": doc})


def load_hall_config(session: Session, hall_id: int) -> HallConfig:
    """The hall's queue configuration. Kept by the process while the database's configuration version holds
    (server/store/versions.py: any write to the businesses, quotas, windows, their services or the hall rules,
    through any process, replaces it), and in the session for the length of one unit of work (a push applies
    many commands against the same configuration). Read with plain column queries, not ORM entities."""
    cache = session.info.setdefault("queue_config", {})
    if hall_id in cache:
        return cache[hall_id]
    if session.new or session.dirty or session.deleted:
        session.flush()  # what the ORM's autoflush would do: Core reads below see this unit's own edits
        versions.forget(session)  # ... and the version they moved
    version = versions.read(session).get(versions.HALL_CONFIG)
    kept = versions.kept(session, versions.HALL_CONFIG)
    config = kept.get(hall_id, version)
    if config is None:
        config = _load(session, hall_id)
        kept.put(hall_id, version, config)
    cache[hall_id] = config
    return config


def _load(session: Session, hall_id: int) -> HallConfig:
    rules = load_rules(session, hall_id)
    # Core execution (session.connection()): plain rows, none of the ORM's per-statement work.
    run = session.connection().execute
    # Three statements (built once): the rules, each business with its quota, each window with its services.
    rows = run(_BUSINESSES, {"hall_id": hall_id}).all()
    businesses = {b.id: Business(b.id, b.prefix, b.name, b.active) for b in rows}
    quotas = {q.business_id: quota_of(q, rules) for q in rows if q.business_id is not None}
    windows: dict[int, Window] = {}
    services: list[WindowService] = []
    # A window serving nothing cannot call: the inner join leaves it out, as it should.
    for w in run(_WINDOWS, {"hall_id": hall_id}):
        if w.id not in windows:
            services = []
        services.append(WindowService(w.business_id, w.priority))
        windows[w.id] = Window(w.id, w.number, tuple(services), w.name, w.active)
    return HallConfig(hall_id, businesses, {b.id: b.prefix for b in rows}, quotas, windows, rules)


def forget_config(session: Session) -> None:
    """Drop the configuration this unit of work holds (after an admin change inside the same unit of work): the
    next load asks the database's version again, which the change replaced."""
    session.info.pop("queue_config", None)
    versions.forget(session)


def work_calendar(session: Session) -> WorkCalendar:
    """The working-day calendar with the admins' overrides (rectification deadlines, appointment days)."""
    return load_calendar(session)
