"""GovHall desktop client for clerks, approvers, supervisors and admins (PySide6)."""
