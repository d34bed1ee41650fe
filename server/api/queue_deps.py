"""Shared pieces of the queue routes: refusals as error envelopes (Chinese message, specific status), the
PII keys, and publishing to a hall scope with a wake-up for waiting devices once the change is committed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import BackgroundTasks, Request
from sqlalchemy.orm import Session

from server.api.errors import ApiError
from server.queue.errors import message
from server.sync import changes
from server.sync.registry import Rejected
from shared.crypto.keys import KeyProvider, KeyUnavailable, keys_from_environment
from shared.errors import DomainError
from shared.queue.errors import BookingRefused, InvalidConfiguration, IssueRefused
from shared.validation import InvalidIdentifier


@contextmanager
def refusals() -> Iterator[None]:
    """Typed refusals from server/queue and shared/queue become the error envelope with a Chinese message."""
    try:
        yield
    except Rejected as exc:
        raise ApiError(exc.status, exc.code, exc.message, **exc.details) from None
    except InvalidIdentifier as exc:
        raise ApiError(422, exc.code, message(exc.code), **exc.details) from None
    except InvalidConfiguration as exc:
        raise ApiError(422, exc.code, message(exc.code), **exc.details, reason=exc.message) from None
    except (BookingRefused, IssueRefused) as exc:
        raise ApiError(409, exc.code, message(exc.code), **exc.details) from None
    except KeyUnavailable as exc:
        raise ApiError(503, exc.code, "个人信息加密密钥未配置（PII keys unavailable）") from None
    except DomainError as exc:
        raise ApiError(409, exc.code, message(exc.code), **exc.details) from None


def pii_keys(request: Request) -> KeyProvider:
    """The app's keys when set (app.state.pii_keys), else GOVHALL_PII_KEYS / GOVHALL_PII_INDEX_KEY."""
    keys = getattr(request.app.state, "pii_keys", None)
    if keys is not None:
        return keys
    try:
        return keys_from_environment()
    except KeyUnavailable:
        raise ApiError(503, "key_unavailable", "个人信息加密密钥未配置（PII keys unavailable）") from None


class HallPublisher:
    """Publishes rows to `hall:<id>` in the request's transaction and, after the response (the unit of work
    has committed by then), tells waiting devices to pull."""

    def __init__(self, session: Session, request: Request, tasks: BackgroundTasks, now: dt.datetime) -> None:
        self.session, self.request, self.tasks, self.now = session, request, tasks, now
        self.latest: dict[int, int] = {}

    def for_hall(self, hall_id: int):  # noqa: ANN201
        def emit(table: str, pk: str, row: dict) -> None:
            seq = changes.publish(self.session, hall_id, f"hall:{hall_id}", table, pk, row, now=self.now)
            if hall_id not in self.latest:
                self.tasks.add_task(self._notify, hall_id)
            self.latest[hall_id] = seq
        return emit

    def _notify(self, hall_id: int) -> None:
        self.request.app.state.sync_hub.notify(hall_id, self.latest[hall_id])
