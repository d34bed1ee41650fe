"""The archive's providers from other parts of the server: the citizen's uploaded material files (attachments)
and the licence certificate. Registered by the archive domain with the running app's state, which holds the
settings (its file storage) and the keys (one app per server process)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import select

from server.approval.identity import pii_keys
from server.archive.providers import ArchiveDocument, CaseContext, DocumentProvider, register_provider
from server.attachments.models import CaseAttachment
from server.attachments.service import file_chunks, store_of
from server.licences.certificate import certificate_pdf
from server.licences.models import Licence
from shared.archive import LICENCE, MATERIAL


def materials_provider(state: object) -> DocumentProvider:
    def provide(ctx: CaseContext) -> Iterable[ArchiveDocument]:
        keys = getattr(state, "pii_keys", None) or pii_keys()
        rows = ctx.session.scalars(select(CaseAttachment).where(
            CaseAttachment.case_id == ctx.case.id, CaseAttachment.state == "complete")
            .order_by(CaseAttachment.ordinal, CaseAttachment.id))
        for row in rows:
            data = b"".join(file_chunks(store_of(state.settings), keys, row))
            if hashlib.sha256(data).hexdigest() != row.sha256:  # never file a scan that is not what was received
                raise ValueError(f"attachment {row.id} of case {ctx.case.id} does not match its SHA-256")
            day = (row.completed_at or row.created_at).date()
            yield ArchiveDocument(MATERIAL, f"{row.material}（{row.file_name}）", day, data, row.mime)
    return provide


def licence_provider(ctx: CaseContext) -> Iterable[ArchiveDocument]:
    for lic in ctx.session.scalars(select(Licence).where(Licence.case_id == ctx.case.id)
                                   .order_by(Licence.issued_on, Licence.id)):
        yield ArchiveDocument(LICENCE, f"证照 {lic.number}", lic.issued_on, certificate_pdf(ctx.session, lic),
                              "application/pdf")


def register(state: object) -> None:
    register_provider("materials", materials_provider(state))
    register_provider("licence", licence_provider)
