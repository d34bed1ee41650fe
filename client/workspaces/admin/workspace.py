"""系统管理: the hall administrator's workspace — one tab a page (client/workspaces/admin/pages.py), each built
the first time it is shown. Edits go to the server directly (AdminApi); offline they are refused with a reason,
while the rest of the hall keeps working from its caches."""

from __future__ import annotations

import importlib

from client.services.admin_api import AdminApi
from client.services.context import Services
from client.widgets.calendar_banner import CalendarBanner
from client.workspaces.admin.context import AdminContext
from client.workspaces.admin.pages import PAGES
from gui.ops import Ops
from gui.qt import QTabWidget, QVBoxLayout, QWidget
from shared.approval.events import local_day


def load_page(target: str):  # noqa: ANN201
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


class AdminWorkspace(QWidget):
    def __init__(self, services: Services, ops: Ops, parent: QWidget | None = None,
                 api: AdminApi | None = None) -> None:
        super().__init__(parent)
        self.context = AdminContext(services, ops, api or AdminApi(services.sync))
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.pages: dict[int, QWidget] = {}
        for title, _ in PAGES:
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(holder, self.tr(title))
        self.tabs.currentChanged.connect(self._show)
        # next year's calendar missing (from 1 November): the admin is the one who can enter it
        self.banner = CalendarBanner(services.cases.calendar, lambda: local_day(services.clock()), admin=True)
        self.tabs.currentChanged.connect(lambda _: self.banner.refresh())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs)
        self._show(0)

    def page(self, title: str) -> QWidget:
        """The page under a tab title, built now if it was not yet shown (tests and journeys go through it)."""
        index = [t for t, _ in PAGES].index(title)
        self.tabs.setCurrentIndex(index)
        self._show(index)
        return self.pages[index]

    def _show(self, index: int) -> None:
        if index < 0 or index in self.pages:
            return
        page = load_page(PAGES[index][1])(self.context)
        self.pages[index] = page
        changed = getattr(page, "sig_changed", None)
        if changed is not None:  # an edit that may have entered a year: the banner asks the calendar again
            changed.connect(lambda _: self.banner.refresh())
        self.tabs.widget(index).layout().addWidget(page)
