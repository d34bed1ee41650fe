"""The files of a case's materials as the approver's screens see them: where each one is on this PC, once synced.
Attachment storage (client.services.attachments) produces them; the material viewer shows them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class MaterialFile:
    material: str  # the catalogue material's name (申请书, 身份证明 …)
    file_name: str
    sha256: str
    size: int
    mime: str  # application/pdf, image/jpeg, image/png …
    path: Path | None  # the local copy; None while it is not on this PC yet


class MaterialSource(Protocol):
    def files(self, case_id: str) -> list[MaterialFile]:
        """Every file received for the case, in the order the counter attached them (reads the local cache)."""
        ...
