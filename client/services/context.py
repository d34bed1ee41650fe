"""Everything a signed-in workstation works with, built once after login (off the GUI thread): the cache, the
sync client, reference data, the catalogue and its workflow definitions, and the domain services."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from client.services.acceptance import AcceptanceService
from client.services.attachments import (AttachmentFolder, AttachmentSync, AttachmentTransfer, CaseAttachments,
                                         cache_key)
from client.services.auth import StaffSession, offline_stores
from client.services.case_index import CaseIndex
from client.services.cases import CaseStore
from client.services.catalogue import CatalogueIndex
from client.services.definitions import PublishedDefinitions
from client.services.material_samples import MaterialSamples
from client.services.decision_notices import CaseNotices
from client.services.notices import NoticeWriter
from client.services.offline_accounts import follow_accounts
from client.services.queue_desk import QueueDesk
from client.services.reference import PublishedCalendar, Reference, load_reference
from client.services.workstation import Workstation
from shared.approval.lifecycle import TERMINAL_NAMES
from shared.calendar import WorkCalendar
from shared.notices.settings import TABLE as NOTICE_SETTINGS
from shared.org_rows import USUAL_WINDOW_TABLE, usual_window_number
from shared.sync.client import SyncClient
from shared.sync.errors import SyncFailed
from shared.sync.transport import HttpTransport, Transport

UNREGISTERED = "unregistered-workstation"
log = logging.getLogger("govhall.client")


@dataclass
class Services:
    workstation: Workstation
    session: StaffSession
    engine: Engine
    sync: SyncClient
    reference: Reference
    catalogue: CatalogueIndex
    cases: CaseStore
    acceptance: AcceptanceService
    desk: QueueDesk | None
    clock: Callable[[], dt.datetime]
    registered: bool
    case_index: CaseIndex
    notices: CaseNotices | None = None  # a case's notices rendered, signed and served offline
    # The case files on this PC (the approver's MaterialSource) and the thread that moves them (open_main starts it)
    attachments: CaseAttachments | None = None
    attachment_sync: AttachmentSync | None = None
    samples: MaterialSamples | None = None  # the catalogue's sample files (样表), opened offline once fetched


def _first_pull(sync: SyncClient, engine: Engine, empty: Reference) -> Reference:
    """A newly provisioned workstation's cache is empty: pull its hall now, so the window it is bound to, the
    catalogue and the staff are there when the main window opens. Offline, it opens empty and the sync loop
    keeps trying."""
    try:
        sync.sync_once()
    except SyncFailed as exc:
        log.warning("first pull failed (%s): the workstation opens with an empty cache", exc.code)
        return empty
    return load_reference(engine)


def _desk(sync: SyncClient, reference: Reference, session: StaffSession, clock: Callable[[], dt.datetime],
          number: int | None) -> QueueDesk | None:
    window = reference.window_by_number(number) if number else None
    return (QueueDesk(sync, window, session.username, clock, reference.hall_id)
            if window and "clerk" in session.roles else None)


def seat(services: Services, number: int | None) -> None:
    """The clerk sits at window `number` for this session (None: at no window, no calling panel)."""
    services.desk = _desk(services.sync, services.reference, services.session, services.clock, number)


def build_services(workstation: Workstation, session: StaffSession, engine: Engine, *,
                   transport: Transport | None = None, clock: Callable[[], dt.datetime] | None = None,
                   calendar: WorkCalendar | None = None) -> Services:
    clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
    transport = transport or HttpTransport(workstation.server_url, ca_file=workstation.server_ca)
    # An unregistered workstation still works locally: commands wait in the outbox until an admin registers it.
    sync = SyncClient(engine, device_id=workstation.device_id or UNREGISTERED,
                      token=workstation.device_token or "", transport=transport, staff_token=session.token,
                      staff_login=session.sign_in_online)
    reference = load_reference(engine)
    if workstation.registered and reference.hall_id is None:
        reference = _first_pull(sync, engine, reference)
    follow_accounts(sync, engine, list(offline_stores(workstation.data_dir)))  # disabled: no offline sign-in
    catalogue = CatalogueIndex.load(engine)
    # Definitions and calendar are the server's published rows, kept current by every pull: an offline decision
    # follows the step list and counts the days the server would.
    cases = CaseStore(sync, PublishedDefinitions(sync), calendar or PublishedCalendar(engine, sync), clock,
                      session.username,
                      session.roles)
    notices = NoticeWriter(cases, reference.centre_name, reference.hall_name, workstation.data_dir / "notices",
                           reference.hall_address, centre_code=reference.centre_code, hall_code=reference.hall_code,
                           published=lambda: sync.rows(NOTICE_SETTINGS), verify_key=workstation.verify_key)
    acceptance = AcceptanceService(cases, reference.hall_name, session.display_name,
                                   workstation.data_dir / "attachments", notices)
    # The window this workstation stands at (workstation.toml), else the one the admin set as the signed-in
    # clerk's usual window (synced: shared.org_rows) — so a hot desk needs no config file edited per clerk.
    # (At sign-in the clerk may confirm it or take another free window: client.dialogs.window_choice, seat().)
    number = workstation.window_number or usual_window_number(sync.rows(USUAL_WINDOW_TABLE), session.username)
    desk = _desk(sync, reference, session, clock, number)
    if "clerk" in session.roles:
        acceptance.track_numbers()
    index = CaseIndex(engine, session.username, {c.item_code: c.item_name for c in catalogue.choices},
                      workstation.data_dir / "case_index.bin")
    folder = AttachmentFolder(acceptance.attachments_dir, cache_key(engine, acceptance.attachments_dir))
    roles = frozenset(session.roles)

    def work_list() -> set[str]:  # the files of the cases at this user's steps are kept here, to open offline
        return {e.pk for e in index.entries() if e.status not in TERMINAL_NAMES and not roles.isdisjoint(e.roles)}

    transfer = AttachmentTransfer(sync, folder, wanted=work_list)
    samples = MaterialSamples(sync)
    return Services(workstation, session, engine, sync, reference, catalogue, cases, acceptance, desk, clock,
                    workstation.registered, index, CaseNotices(cases, notices, workstation.data_dir,
                                                                   workstation.signing_key),
                    CaseAttachments(engine, folder), AttachmentSync(transfer, samples=samples), samples)
