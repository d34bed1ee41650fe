"""受理 at the counter: number the case from this workstation's lease (works offline), record the receipt of
materials, then accept, ask for corrections (everything at once, Art. 32(4)) or refuse to accept — each as
shared.approval commands through CaseStore — and describe the receipt to print."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from client.services.applicant import Applicant
from client.services.attachments import AttachmentFolder, Prepared, cache_key, record_uploads
from client.services.cases import CaseStore
from client.services.catalogue import CatalogueChoice
from client.services.notices import NoticeWriter
from client.services.receipts import Receipt
from shared.approval.query_code import query_code, query_key_of
from shared.approval import commands as cmd
from shared.approval.state import CaseState
from shared.china_time import CHINA_TZ
from shared.errors import DomainError
from shared.protocol.approval import CASE_SERIES, case_display, series_day

PREFIX = "SL"  # the office's two-letter case-number prefix (受理)
NOTICE_NOT_SAVED = "notice_not_saved"  # the PDF could not be written to the data folder
NOTICE_FAILED = "notice_failed"        # rendering failed for a reason without its own code
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Application:
    choice: CatalogueChoice
    situation_code: str
    applicant: Applicant
    received: tuple[str, ...]                       # material names checked as received
    attachments: dict[str, tuple[str, ...]] = field(default_factory=dict)  # material → file paths
    ticket: str = ""                                # the queue ticket's number it came from, if any
    ticket_id: str | None = None
    # 延续 (renew) / 变更 (change) of a licence named by its number; "" = a new licence. The server checks the
    # number at receipt (only it knows every licence and whether it is still in force); offline it is queued.
    licence_action: str = ""
    licence_no: str = ""

    @property
    def situation(self):  # noqa: ANN201
        return next(s for s in self.choice.situations if s.code == self.situation_code)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(name for name, required in self.situation.materials if required and name not in self.received)


@dataclass(frozen=True)
class Outcome:
    case_id: str
    case_no: str
    state: CaseState
    receipt: Receipt
    offline_number: bool   # numbered from the reserve block or a fallback: visibly issued offline
    notice: Path | None = None  # the written notice (PDF)
    notice_error: str = ""      # why there is none: an error code (e.g. notice_missing_placeholder)
    notice_missing: tuple[str, ...] = ()  # with notice_missing_placeholder: the values the hall data lacks


class AcceptanceService:
    def __init__(self, cases: CaseStore, hall_name: str, clerk_name: str, attachments_dir: Path,
                 notices: NoticeWriter | None = None) -> None:
        self.cases, self.hall_name, self.clerk_name = cases, hall_name, clerk_name
        self.notices = notices
        self.attachments_dir = attachments_dir
        self.attachments = AttachmentFolder(attachments_dir, cache_key(cases.sync.engine, attachments_dir))
        self.sync = cases.sync

    def track_numbers(self) -> None:
        """Keep a block of case numbers leased for today (the sync loop fetches it)."""
        self.sync.leases.track(CASE_SERIES, PREFIX, series_day(self.cases.today().year))

    def accept(self, app: Application) -> Outcome:
        case_id, case_no, offline, state = self._receive(app)
        state = self.cases.act(cmd.Accept(**self._common(state, case_id, "clerk")))
        due = self.cases.sql.by_pks("approval_case", [case_id])[case_id]["clocks"].get("promised_due")
        lines = [f"已收材料：{len(app.received)} 份"] + ([f"承诺办结日期：{due}"] if due else [])
        return self._outcome(app, case_id, case_no, offline, state, "accepted", lines)

    def request_correction(self, app: Application, problems: dict[str, str]) -> Outcome:
        """`problems`: every material to correct with what is wrong, told at once."""
        case_id, case_no, offline, state = self._receive(app)
        items = tuple(cmd.CorrectionItem(m, p) for m, p in problems.items())
        state = self.cases.act(cmd.RequestCorrection(items=items, **self._common(state, case_id, "clerk")))
        lines = ["请补正以下材料："] + [f"{i}. {m}：{p}" for i, (m, p) in enumerate(problems.items(), start=1)]
        return self._outcome(app, case_id, case_no, offline, state, "correction", lines)

    def reject(self, app: Application, reason: str, legal_basis: str) -> Outcome:
        case_id, case_no, offline, state = self._receive(app)
        state = self.cases.act(cmd.RejectApplication(reason=reason, legal_basis=legal_basis,
                                                     **self._common(state, case_id, "clerk")))
        lines = [f"不予受理理由：{reason}", f"依据：{legal_basis}"]
        return self._outcome(app, case_id, case_no, offline, state, "rejected", lines)

    # -- steps -------------------------------------------------------------------------------------------
    def _receive(self, app: Application) -> tuple[str, str, bool, CaseState]:
        case_id = str(uuid.uuid4())
        prepared = self._store_files(case_id, app)  # a refused file (type, size) stops here, before the case
        files = [p.wire() for p in prepared]
        year = self.cases.today().year
        with self.sync.engine.begin() as conn:  # the number and the receipt of materials in one transaction
            issued = self.sync.leases.issue(conn, CASE_SERIES, PREFIX, series_day(year))
            case_no = (case_display(PREFIX, year, issued.number) if issued.number is not None
                       else f"{PREFIX}{year}-{issued.display.split('-', 1)[1]}")  # fallback: visibly offline
            receive = cmd.Receive(item_code=app.choice.item_code, situation_code=app.situation_code,
                                  materials=app.received, applicant_name=app.applicant.name,
                                  department=app.choice.department,
                                  attachments=tuple(f["file_name"] for f in files),
                                  **self._common(None, case_id, "clerk"))
            fields = {"case_number": case_no, "sub_item_code": app.choice.sub_item_code,
                      "applicant_name": app.applicant.name,  # as the server publishes it (screens mask)
                      "applicant_id_masked": app.applicant.masked_identifier, "applicant_kind": app.applicant.kind,
                      "ticket_id": app.ticket_id, "channel": "counter"}
            extras = {"case_number": case_no, "series_prefix": PREFIX, "number": issued.number,
                      "block_id": issued.block_id, "applicant_kind": app.applicant.kind,
                      "applicant_id": app.applicant.identifier, "applicant_phone": app.applicant.phone,
                      "files": files, "ticket_id": app.ticket_id, "sub_item_code": app.choice.sub_item_code}
            if app.licence_action:
                extras.update(licence_action=app.licence_action, licence_no=app.licence_no.strip())
                fields.update(licence_action=app.licence_action, named_licence_no=app.licence_no.strip())
            state = self.cases.act(receive, case_fields=fields, wire_extras=extras, conn=conn)
            record_uploads(conn, case_id, prepared)  # they go up once the server has accepted this 收件
        return case_id, case_no, issued.kind != "live", state

    def _common(self, state: CaseState | None, case_id: str, role: str) -> dict:
        return {"command_id": str(uuid.uuid4()), "case_id": case_id, "base": self.cases.base(state),
                "actor": self.cases.actor(role), "device": self.sync.device_id, "at": self.cases.clock()}

    def _store_files(self, case_id: str, app: Application) -> list[Prepared]:
        """Sealed copies of the attached files under the data folder (the scanner's own files are left as they
        are); the command lists them with their SHA-256. AttachmentRefused names a file of the wrong type or
        size."""
        return [self.attachments.seal_source(case_id, material, path)
                for material, paths in app.attachments.items() for path in map(Path, paths)]

    def _query_code(self, case_no: str) -> str:
        """The receipt's 查询码, made offline from the hall key provisioning gave this PC (none without it)."""
        key = self.notices.verify_key if self.notices is not None else None
        return query_code(query_key_of(key), case_no) if key else ""

    def _outcome(self, app: Application, case_id: str, case_no: str, offline: bool, state: CaseState, kind: str,
                 lines: list[str]) -> Outcome:
        receipt = Receipt(kind, self.hall_name, case_no, app.choice.label, app.applicant.masked_name,
                          self.cases.clock().astimezone(CHINA_TZ), self.clerk_name,
                          tuple(lines), self.notices.verification_url(kind, case_id) if self.notices else "",
                          self._query_code(case_no))
        notice, problem, missing = None, "", ()
        if self.notices is not None:
            # The command is already in the outbox: whatever goes wrong with the PDF, the case and its receipt
            # stand, and the clerk is told why there is no notice.
            try:
                notice = self.notices.write(kind, case_id, case_no, app.choice, app.situation_code, app.applicant)
            except DomainError as exc:
                problem, missing = exc.code, tuple(getattr(exc, "names", ()))
            except OSError:
                log.exception("notice for %s could not be saved", case_no)
                problem = NOTICE_NOT_SAVED
            except Exception:  # a template or rendering fault must not take the receipt with it
                log.exception("notice for %s could not be rendered", case_no)
                problem = NOTICE_FAILED
        return Outcome(case_id, case_no, state, receipt, offline, notice, problem, missing)
