"""Assembly on 办结, verification and disposal.

A case is archived once, by the `archive.assemble` job (domain.py), when its status is 办结 or 送达 (closed,
delivered): the job finds closed cases without an archive row and builds each in a savepoint, so one failing
case neither stops the others nor leaves a half row. The row's primary key is the case id: a second build
(another process, a retry) cannot add a second archive.

Stored under the archive number: `<archive no>/<document no>.<ext>` for each document and
`<archive no>/manifest.json`, whose canonical bytes' SM3 is recorded in the row and signed (SM2) with the
server's notice signing key (server/approval/signing_keys.py)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from server.approval.definitions import load_all
from server.approval.models import ApprovalCase
from server.approval.signing_keys import server_signer
from server.approval.store import events_of
from server.archive.models import ARCHIVED, DISPOSED, ArchiveDisposal, CaseArchive
from server.archive.providers import NOTICE_TITLES, ArchiveDocument, CaseContext, providers
from server.archive.storage import ArchiveStorage, StoredMissing, StoredUnreadable
from shared.approval.events import CHINA_TZ
from shared.approval.lifecycle import Action, CaseStatus
from shared.approval.state import replay
from shared.archive import (
    KIND_NAMES, MANIFEST_FORMAT, SERVICE, ArchivePolicy, archive_no, canonical, document_no, filing_order, may_dispose,
    retention_until,
)
from shared.crypto.sm2 import sm3_hex, verify_digest
from shared.db.models import Hall
from shared.notices import NoticeKind
from shared.errors import DomainError

log = logging.getLogger("govhall.server.archive")
FINISHED = (CaseStatus.CLOSED.value, CaseStatus.DELIVERED.value)  # 办结, and delivered after it
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/tiff": "tif"}
POLICY_FILE = "archive-policy.json"


class ArchiveError(DomainError):
    code = "archive_error"


def policy_of(data_dir: Path) -> ArchivePolicy:
    """<data_dir>/archive-policy.json (shared.archive.ArchivePolicy.from_dict), or the defaults."""
    path = data_dir / POLICY_FILE
    if not path.is_file():
        return ArchivePolicy()
    return ArchivePolicy.from_dict(json.loads(path.read_text(encoding="utf-8")))


def manifest_key(number: str) -> str:
    return f"{number}/manifest.json"


def pending_cases(session: Session, limit: int = 50) -> list[str]:
    """Finished cases not yet archived, oldest first."""
    return list(session.scalars(
        select(ApprovalCase.id).outerjoin(CaseArchive, CaseArchive.case_id == ApprovalCase.id)
        .where(ApprovalCase.status.in_(FINISHED), CaseArchive.case_id.is_(None))
        .order_by(ApprovalCase.last_at, ApprovalCase.id).limit(limit)))


def build_pending(session: Session, now: dt.datetime, storage: ArchiveStorage, data_dir: Path,
                  limit: int = 50) -> int:
    """The job: archive every finished case that has no archive yet; returns how many were built."""
    built = 0
    policy = policy_of(data_dir)
    for case_id in pending_cases(session, limit):
        try:
            with session.begin_nested():
                build_archive(session, case_id, now, storage, data_dir, policy)
            built += 1
        except Exception:  # noqa: BLE001 - one case's failure must not stop the others; retried next run
            log.exception("archive of case %s failed", case_id)
    return built


def build_archive(session: Session, case_id: str, now: dt.datetime, storage: ArchiveStorage, data_dir: Path,
                  policy: ArchivePolicy | None = None,
                  extra: list[ArchiveDocument] | None = None) -> CaseArchive:
    """Build and record the archive of one finished case; the existing row when it has one (never twice).
    `extra`: documents given beside the providers' (the bench's stand-in materials)."""
    existing = session.get(CaseArchive, case_id)
    if existing is not None:
        return existing
    policy = policy or policy_of(data_dir)
    case = session.get(ApprovalCase, case_id)
    if case is None or case.status not in FINISHED:
        raise ArchiveError(f"case {case_id} is not finished", case_id=case_id)
    events = events_of(session, case.id)
    state = replay(events)
    hall = session.get(Hall, case.hall_id)
    definition = load_all(session)[(case.item_code, case.situation_code, case.definition_version)]
    ctx = CaseContext(session, case, events, state, definition, hall, now)
    docs: list[ArchiveDocument] = []
    for provider in providers().values():
        docs.extend(provider(ctx))
    docs.extend(extra or ())
    docs = [docs[i] for i in filing_order([d.kind for d in docs], policy.order_of(hall.code))]

    closed_on = state.closed_on or state.delivered_on or now.astimezone(CHINA_TZ).date()
    year = closed_on.year
    seq = (session.scalar(select(func.max(CaseArchive.seq)).where(CaseArchive.hall_id == hall.id,
                                                                  CaseArchive.year == year)) or 0) + 1
    number = archive_no(hall.code, year, seq)
    # The row first: its keys (the case, the number) are taken before any file is written, so a build racing
    # this one fails here instead of writing over files of the archive that holds the number.
    row = CaseArchive(case_id=case.id, hall_id=hall.id, archive_no=number, year=year, seq=seq,
                      case_number=case.case_number, item_code=case.item_code, closed_on=closed_on, built_at=now,
                      document_count=0, manifest_sm3="", manifest_signature="", signer_key="",
                      retention_until=closed_on, status=ARCHIVED)
    session.add(row)
    session.flush()
    written: list[str] = []
    try:
        body, entries, until = _store_documents(storage, written, docs, number, case, hall, closed_on, policy,
                                                ctx.item_name, now, events)
        signature = server_signer(data_dir).sign(body)
    except Exception:  # the caller's savepoint drops the row: drop the files written for it too
        _forget(storage, written)
        raise
    row.document_count, row.retention_until = len(entries), until
    row.manifest_sm3, row.manifest_signature, row.signer_key = (signature.digest, signature.signature,
                                                                signature.public_key)
    session.flush()
    return row


def _store_documents(storage: ArchiveStorage, written: list[str], docs: list[ArchiveDocument], number: str,
                     case: ApprovalCase, hall: Hall, closed_on: dt.date, policy: ArchivePolicy, item_name: str,
                     now: dt.datetime, events: list) -> tuple[bytes, list[dict], dt.date]:
    """Store each document and the manifest under the archive number (`written` names each file stored)."""
    entries = []
    for n, doc in enumerate(docs, start=1):
        doc_no = document_no(number, n)
        key = f"{number}/{doc_no}.{EXTENSIONS.get(doc.mime, 'bin')}"
        storage.put(key, doc.data)
        written.append(key)
        years = policy.years_of(case.item_code, doc.kind)
        entries.append({"no": doc_no, "seq": n, "kind": doc.kind, "kind_name": KIND_NAMES.get(doc.kind, doc.kind),
                        "title": doc.title, "date": doc.date.isoformat(), "mime": doc.mime, "file": key,
                        "size": len(doc.data), "sm3": sm3_hex(doc.data), "retention_years": years,
                        **({"notice": doc.notice} if doc.notice else {})})
    until = retention_until(closed_on, [e["retention_years"] for e in entries])
    manifest = {"format": MANIFEST_FORMAT, "archive_no": number, "case_id": case.id,
                "case_number": case.case_number, "hall": hall.code, "item_code": case.item_code,
                "item_name": item_name, "applicant": case.applicant_name,
                "closed_on": closed_on.isoformat(), "built_at": now.astimezone(dt.timezone.utc).isoformat(),
                "retention_until": until.isoformat(), "documents": entries, "services": served_digests(events)}
    body = canonical(manifest)
    storage.put(manifest_key(number), body)
    written.append(manifest_key(number))
    return body, entries, until


def _forget(storage: ArchiveStorage, keys: list[str]) -> None:
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # noqa: BLE001 - best effort (a failed build's files are written over by the next)
            log.warning("archive file %s could not be deleted", key)


def served_digests(events: list) -> list[dict]:
    """Each 送达 record that names the SM3 of the notice served (older ones recorded none): what verification
    checks against the archived notices."""
    out = []
    for e in events:
        p = e.payload
        if e.action is Action.SERVE_NOTICE and p.get("digest"):
            out.append({"event_id": e.event_id, "notice": p.get("notice", ""), "method": p.get("method", ""),
                        "served_on": p.get("served_on") or e.day.isoformat(), "digest": p["digest"]})
    return out


@dataclass
class Verification:
    archive_no: str
    manifest: str = "ok"          # ok / changed (its SM3 or signature no longer match) / missing / unreadable
    documents: int = 0
    # {"no", "title", "problem": changed/missing/unreadable, or service_mismatch: a 送达 record's SM3 that no
    # archived notice of its kind has (its "no" is the 送达记录 document's)}
    problems: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.manifest == "ok" and not self.problems

    def as_dict(self) -> dict:
        return {"archive_no": self.archive_no, "ok": self.ok, "manifest": self.manifest,
                "documents": self.documents, "problems": self.problems}


def read_manifest(storage: ArchiveStorage, row: CaseArchive) -> tuple[bytes, dict]:
    body = storage.get(manifest_key(row.archive_no))
    return body, json.loads(body)


def verify_archive(storage: ArchiveStorage, row: CaseArchive) -> Verification:
    """Re-read every stored document and the manifest: a changed byte, a missing file or a changed manifest
    is reported (documents are checked against the stored manifest even when it changed)."""
    result = Verification(row.archive_no)
    if row.status == DISPOSED:
        result.manifest = "disposed"
        return result
    try:
        body, manifest = read_manifest(storage, row)
    except StoredMissing:
        result.manifest = "missing"
        return result
    except (StoredUnreadable, ValueError):
        result.manifest = "unreadable"
        return result
    digest = sm3_hex(body)
    if digest != row.manifest_sm3 or not verify_digest(digest, row.manifest_signature, row.signer_key):
        result.manifest = "changed"
    entries = manifest.get("documents", [])
    result.documents = len(entries)
    if len(entries) != row.document_count:
        result.manifest = "changed"
    held: dict[str, set[str]] = {}  # notice kind → the SM3 of each archived text of it, as read back now
    for entry in entries:
        try:
            data = storage.get(entry["file"])
        except StoredMissing:
            problem = "missing"
        except StoredUnreadable:
            problem = "unreadable"  # the sealed file's bytes were altered: GCM refuses it
        else:
            actual = sm3_hex(data)
            problem = None if actual == entry["sm3"] else "changed"
            if entry.get("notice"):
                held.setdefault(entry["notice"], set()).add(actual)
        if problem:
            result.problems.append({"no": entry["no"], "title": entry["title"], "problem": problem})
    result.problems.extend(_service_problems(manifest, entries, held))
    return result


def _service_problems(manifest: dict, entries: list[dict], held: dict[str, set[str]]) -> list[dict]:
    """Each 送达 record against the archived notices: the bytes served must be a notice the archive holds."""
    record = next((e for e in entries if e.get("kind") == SERVICE), None)
    out = []
    for s in manifest.get("services", []):
        if s["digest"] in held.get(s["notice"], set()):
            continue
        try:
            title = NOTICE_TITLES[NoticeKind(s["notice"])]
        except ValueError:
            title = s["notice"]
        out.append({"no": record["no"] if record else manifest.get("archive_no", ""),
                    "title": f"{title}送达记录（{s['served_on']}）", "problem": "service_mismatch",
                    "digest": s["digest"]})
    return out


class DisposalRefused(DomainError):
    code = "archive_retention_running"


def dispose(session: Session, storage: ArchiveStorage, row: CaseArchive, *, by: str, reason: str,
            approved_by: str, approval_ref: str, now: dt.datetime) -> ArchiveDisposal:
    """销毁 after the retention period: the record and the archive's status in the caller's unit of work, the
    files deleted when it commits. Refused before the period ends."""
    today = now.astimezone(CHINA_TZ).date()
    if row.status == DISPOSED:
        raise DisposalRefused("already disposed", code="archive_disposed")
    if not may_dispose(row.retention_until, today):
        raise DisposalRefused(f"kept until {row.retention_until}", retention_until=row.retention_until.isoformat())
    try:
        _, manifest = read_manifest(storage, row)
        files = [e["file"] for e in manifest.get("documents", [])]
    except (StoredMissing, StoredUnreadable, ValueError):
        files = []
    record = ArchiveDisposal(case_id=row.case_id, disposed_by=by, disposed_at=now, reason=reason,
                             approved_by=approved_by, approval_ref=approval_ref)
    session.add(record)
    row.status = DISPOSED
    session.flush()
    files.append(manifest_key(row.archive_no))

    def remove(_session: Session) -> None:  # only once the record is committed: a failed commit keeps them
        _forget(storage, files)
    event.listen(session, "after_commit", remove, once=True)
    return record
