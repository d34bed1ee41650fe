"""A case's written notices on any workstation, offline from its cache: the approver's decision notices
(特别程序告知书, 延期通知书, 准予/不予许可决定书) and the counter's (受理/补正/不予受理), rendered through the
shared builder the server's notices route uses (shared.approval_notices.case_facts + notice_data), so the bytes
are the server's. Each PDF is signed SM2 over SM3 with this workstation's own key (shared.crypto.sm2); its 送达
is recorded as an `approval.serve_notice` command like every other case write. Blocking: call off the GUI
thread."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from client.services.cases import CaseStore
from client.services.notices import NoticeWriter
from shared.approval import commands as cmd
from shared.approval.outcome import serving_roles
from shared.approval.state import CaseState, replay
from shared.approval_notices import SOURCE, case_facts, notice_applicant, notice_data
from shared.notices.pdf_signature import embed
from shared.crypto.sm2 import NoticeSignature, Signer, load_or_create_signer
from shared.notices import NoticeKind, render_notice

KEY_FILE = "notice-signing.key"  # in the workstation's data folder, 0600, next to the cache key
TITLES = {NoticeKind.ACCEPTANCE: "受理通知书", NoticeKind.CORRECTION: "补正材料通知书",
          NoticeKind.REFUSAL_OF_ACCEPTANCE: "不予受理决定书", NoticeKind.SPECIAL_PROCEDURE: "特别程序告知书",
          NoticeKind.EXTENSION: "延长审批期限通知书", NoticeKind.GRANT: "准予行政许可决定书",
          NoticeKind.REFUSAL: "不予行政许可决定书"}
SERVABLE = tuple(TITLES)  # the receipt (收件回执) is handed over at once, not served


@dataclass(frozen=True)
class CaseNotice:
    case_id: str
    case_number: str
    kind: NoticeKind
    pdf: bytes                   # as rendered: the bytes the signature, the 送达 record and the archive name
    signature: NoticeSignature
    signer: Signer | None = field(default=None, compare=False, repr=False)  # signs the saved file too

    @property
    def title(self) -> str:
        return TITLES.get(self.kind, self.kind.value)

    @property
    def file_name(self) -> str:
        return f"{self.case_number}-{self.kind.value}.pdf"


def write_notice(notice: CaseNotice, path: Path) -> Path:
    """The PDF with its signature inside (shared.notices.pdf_signature: the notice as rendered, then an update
    attaching the SM2 signature of those bytes), and a detached signature of the file written next to it
    (`<name>.sig`: SM3 digest, SM2 signature, public key), so either can be checked alone. A notice with no
    signer at hand is written as rendered, its `.sig` the notice's own signature."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data, s = notice.pdf, notice.signature
    if notice.signer is not None:
        data = embed(notice.pdf, notice.signature)
        s = notice.signer.sign(data)
    path.write_bytes(data)
    path.with_name(path.name + ".sig").write_text(
        f"sm3={s.digest}\nsm2={s.signature}\npublic_key={s.public_key}\n", encoding="ascii")
    return path


class CaseNotices:
    def __init__(self, cases: CaseStore, writer: NoticeWriter, data_dir: Path,
                 registered_key: bytes | None = None) -> None:
        """`registered_key`: the PKCS#8 key provisioning registered with this device (workstation.toml); without
        one (an older config) the key in the data folder, made on first use, which the server binds to the
        device at its first 送达."""
        self.cases, self.writer = cases, writer
        self.key_path = data_dir / KEY_FILE
        self.registered_key = registered_key
        self._signer: Signer | None = None

    @property
    def signer(self) -> Signer:
        if self._signer is None:
            self._signer = (Signer.from_pkcs8(self.registered_key) if self.registered_key
                            else load_or_create_signer(self.key_path))
        return self._signer

    def available(self, case_id: str) -> tuple[NoticeKind, ...]:
        """The notices the case has an event for, in the order of SERVABLE."""
        actions = {e.action for e in self.cases.events(case_id)}
        return tuple(k for k in SERVABLE if actions & set(SOURCE[k]))

    def render(self, case_id: str, kind: NoticeKind) -> CaseNotice:
        """The notice as the server's route renders it, signed here. Raises NoticeNotAvailable or a
        NoticeError like the route."""
        events = self.cases.events(case_id)
        state = replay(events)
        if state is None:
            raise KeyError(case_id)
        row = self.cases.sql.by_pks("approval_case", [case_id]).get(case_id, {})
        definition = self.cases.definitions.get(state.item_code, state.situation_code, state.definition_version)
        applicant = notice_applicant(kind, row.get("applicant_name", ""), row.get("applicant_kind") == "company",
                                     row.get("applicant_id_masked", ""))
        settings = self.writer.settings()
        with Session(self.cases.sync.engine) as session:
            facts = case_facts(session, case_id=case_id, case_number=row.get("case_number", ""),
                               applicant=applicant, office=settings.office(self.writer.office), state=state,
                               definition=definition, events=events, calendar=self.cases.calendar,
                               verify_key=self.writer.verify_key)  # the hall's key: the QR verifies as the server's
        pdf = render_notice(notice_data(kind, events, facts, self.cases.calendar),
                            settings.template_set()[kind.value], seal_png=settings.seal_png)
        return CaseNotice(case_id, facts.case_number, kind, pdf, self.signer.sign(pdf), self.signer)

    def from_file(self, case_id: str, case_number: str, kind: NoticeKind, pdf: bytes) -> CaseNotice:
        """A notice the counter already wrote (client.services.notices), signed here for printing and 送达."""
        return CaseNotice(case_id, case_number, kind, pdf, self.signer.sign(pdf), self.signer)

    def serve(self, notice: CaseNotice, role: str, method: str, recipient: str, *, served_on: dt.date | None = None,
              reference: str = "") -> CaseState:
        """Record the 送达 of `notice` (queued for the server; the engine's checks apply here first)."""
        state = replay(self.cases.events(notice.case_id))
        s = notice.signature
        command = cmd.ServeNotice(
            command_id=str(uuid.uuid4()), case_id=notice.case_id, base=self.cases.base(state),
            actor=self.cases.actor(role), device=self.cases.sync.device_id, at=self.cases.clock(),
            notice=notice.kind.value, method=method, recipient=recipient,
            served_on=served_on.isoformat() if served_on else "", reference=reference, digest=s.digest,
            signature=s.signature, signer_key=s.public_key)
        return self.cases.act(command)

    def serving_role(self, case_id: str) -> str | None:
        """The role this user records a 送达 in: as the server picks it (server.approval.actors), the first of
        theirs that holds a step of the case's workflow."""
        state = replay(self.cases.events(case_id))
        if state is None:
            return None
        definition = self.cases.definitions.get(state.item_code, state.situation_code, state.definition_version)
        return next(iter(sorted(serving_roles(definition) & set(self.cases.roles))), None)
