"""What every approval command reads, kept between commands: the working-day calendar and the parsed workflow
definitions. Both are re-validated against the database on each use, so a change is seen at once.

- The calendar is kept at the calendar's cache version (migration 0059), read afresh at each use like the
  definitions' below; when it moved, the shared loader reads it whole, keyed by its content (shared/calendar.py):
  an admin's edit, or a row written by any other means, gives a fresh calendar at once. Equal content reuses one
  WorkCalendar, whose memo of days already looked up is what saves the time.
- Definitions are immutable versions (a new version is a new row), so a parsed one is kept by its row's
  identity — id, item, situation, version and creation time — per database engine; only rows not seen
  before are read in full and parsed. The key is that wide because a rolled-back insert (a refused
  `receive` creates version 1 in its savepoint) may hand its id to another situation's row in SQLite.
- The whole set (`all_definitions`, which lists and case pages read) is kept at the definitions' cache version
  (server/store/versions.py, migration 0058): checking it costs one primary-key read, not a read of every row.
  It is read afresh at each use, not once per unit of work: a definition stored in a savepoint that then rolls
  back puts the version back, and the set made inside it is not used again."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from types import MappingProxyType

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from server.approval.models import ApprovalDefinition
from server.store import versions
from shared.approval.definition import WorkflowDefinition
from shared.approval.definition_rows import definition_from_dict
from shared.calendar import WorkCalendar, forget_calendars, load_calendar


_lock = threading.Lock()
_definitions: weakref.WeakKeyDictionary[Engine, dict[tuple, WorkflowDefinition]] = weakref.WeakKeyDictionary()
_D = ApprovalDefinition


def calendar(session: Session) -> WorkCalendar:
    """The calendar as the database holds it now: the shared loader every node uses (shared.calendar), called
    only when the calendar's version moved since this process last loaded it."""
    version = versions.current(session, versions.CALENDAR)
    kept = versions.kept(session, versions.CALENDAR)
    found = kept.get("calendar", version)
    if found is None:
        found = load_calendar(session)
        kept.put("calendar", version, found)
    return found


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def definitions(session: Session, *where) -> list[WorkflowDefinition]:  # noqa: ANN002
    """The definitions matching `where` (all when empty), parsed once per row."""
    identity = (_D.id, _D.item_code, _D.situation_code, _D.version, _D.created_at)
    keys = [tuple(r) for r in session.execute(select(*identity).where(*where).order_by(_D.id))]
    with _lock:
        cache = _definitions.setdefault(_engine(session), {})
        missing = {k[0]: k for k in keys if k not in cache}
    if missing:
        rows = session.execute(select(_D.id, _D.body).where(_D.id.in_(list(missing))))
        parsed = {missing[row_id]: definition_from_dict(body) for row_id, body in rows}
        with _lock:
            cache.update(parsed)
    return [cache[k] for k in keys]


def all_definitions(session: Session) -> Mapping[tuple[str, str, int], WorkflowDefinition]:
    """Every definition by (item, situation, version), as the session sees them."""
    version = versions.current(session, versions.DEFINITIONS)
    kept = versions.kept(session, versions.DEFINITIONS)
    found = kept.get("all", version)
    if found is None:
        found = MappingProxyType({d.key: d for d in definitions(session)})
        kept.put("all", version, found)
    return found


def clear() -> None:
    """Forget everything (tests; never needed for correctness)."""
    with _lock:
        _definitions.clear()
    forget_calendars()
