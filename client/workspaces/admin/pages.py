"""The admin workspace's pages, in tab order. Each entry is (tab title, "module:Class"); the class is built as
Class(context) with an AdminContext and must be a QWidget. Pages are imported lazily, when first shown, so the
workspace opens at once however many there are."""

from __future__ import annotations

PAGES: list[tuple[str, str]] = [
    ("概览", "client.workspaces.admin.overview:OverviewPage"),
    ("组织机构", "client.workspaces.admin.organisation:OrganisationPage"),
    ("人员", "client.workspaces.admin.staff:StaffPage"),
    ("角色权限", "client.workspaces.admin.role_matrix:RoleMatrixPage"),
    ("排队规则", "client.workspaces.admin.queue_rules:QueueRulesPage"),
    ("节假日历", "client.workspaces.admin.calendar_page:CalendarPage"),
    ("事项目录", "client.workspaces.admin.catalogue_page:CataloguePage"),
    ("证照规则", "client.workspaces.admin.licence_rules_page:LicenceRulesPage"),
    ("审批流程", "client.workspaces.admin.definitions_page:DefinitionsPage"),
    ("设备管理", "client.workspaces.admin.devices:DevicesPage"),
    ("文书设置", "client.workspaces.admin.notice_settings:NoticeSettingsPage"),
    ("电子档案", "client.workspaces.admin.archive_page:ArchiveAdminPage"),
    ("审计日志", "client.workspaces.admin.audit:AuditPage"),
]
