"""The photo of the clerk serving at this evaluator's window: asked of the server when the clerk changes (with
If-None-Match, so an unchanged photo costs one empty answer), checked by the shared photo rule, and kept in the
device's cache so the photo still shows offline and after a restart. Only the photos of clerks who served at
this window are ever fetched. `fetch` reads (network, cache) off the GUI thread; `keep` writes the cache, on
the single local-write worker."""

from __future__ import annotations

import base64
import logging

from shared.staff_photo import PhotoRefused, check_photo, photo_etag
from shared.sync import store
from shared.sync.client import SyncClient
from shared.sync.transport import TransportError

log = logging.getLogger(__name__)
TIMEOUT = 3.0
KEY = "staff_photo:{user_id}"


class StaffPhotos:
    def __init__(self, sync: SyncClient) -> None:
        self.sync = sync

    def cached(self, user_id: int) -> bytes | None:
        with self.sync.engine.connect() as conn:
            kept = store.get_meta(conn, KEY.format(user_id=user_id))
        return base64.b64decode(kept) if kept else None

    def keep(self, user_id: int, data: bytes | None) -> None:
        """Remember the clerk's photo for offline (None: forget it)."""
        with self.sync.engine.begin() as conn:
            if data is None:
                store.delete_meta(conn, KEY.format(user_id=user_id))
            else:
                store.set_meta(conn, KEY.format(user_id=user_id), base64.b64encode(data).decode())

    def fetch(self, user_id: int) -> tuple[bytes | None, bool]:
        """The clerk's photo — the server's when it answers, else the one kept; None when there is none — and
        whether the kept one must change (`keep`)."""
        kept = self.cached(user_id)
        headers = {"If-None-Match": photo_etag(kept)} if kept else {}
        try:
            reply = self.sync.call("GET", f"/staff/{user_id}/photo", headers=headers, timeout=TIMEOUT)
        except TransportError:
            return kept, False  # offline: the photo the evaluator last had
        if reply.status == 304:
            return kept, False
        if reply.status == 404 and reply.error_code == "no_photo":
            return None, kept is not None  # the admin removed it (or the clerk left the hall)
        if reply.status != 200 or not isinstance(reply.body, bytes):
            log.warning("staff photo %s not read (%s)", user_id, reply.error_code or reply.status)
            return kept, False
        try:
            check_photo(reply.body)
        except PhotoRefused as exc:
            log.warning("staff photo %s refused: %s", user_id, exc.code)
            return kept, False
        return reply.body, reply.body != kept
