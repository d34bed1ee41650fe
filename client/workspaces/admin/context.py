"""What every admin page works with: the services of the signed-in workstation, the background runner, the
server API and one place to show what went wrong (in Chinese, by error code)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from client.i18n.errors import error_text
from client.services.admin_api import OFFLINE, AdminApi, AdminError
from client.services.context import Services
from gui.ops import Ops
from gui.qt import QMessageBox, QWidget


@dataclass
class AdminContext:
    services: Services
    ops: Ops
    api: AdminApi

    def call(self, job: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
             parent: QWidget | None = None, on_error: Callable[[AdminError], None] | None = None) -> None:
        """Run a server call off the GUI thread; on failure show its reason (or hand it to on_error)."""
        def failed(error: Exception) -> None:
            if not isinstance(error, AdminError):
                error = AdminError("internal", str(error))
            if on_error is not None:
                on_error(error)
            else:
                QMessageBox.warning(parent, "系统管理", describe(error))
        self.ops.run(job, on_done=on_done, on_error=failed)


def describe_with_reason(error: AdminError) -> str:
    """The code's Chinese text followed by the server's own message when it says more (a line, a field)."""
    text = describe(error)
    return f"{text}：{error.message}" if error.message and error.message not in text else text


def describe(error: AdminError) -> str:
    """The Chinese text for an admin refusal: known codes by name, others with the server's message."""
    if error.code == OFFLINE:
        return error_text(OFFLINE)
    text = error_text(error.code, error.message)
    return text if text else error.code
