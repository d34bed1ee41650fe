"""The shared model. Importing this package registers every reference table on `Base.metadata`."""

from shared.db.models.calendar import CalendarOverride, CalendarYear
from shared.db.models.catalogue import Material, ServiceItem, Situation, SubItem
from shared.db.models.org import (Business, Centre, Department, Floor, Hall, Quota, Town, Window,
                                  WindowBusiness)
from shared.db.models.staff import Device, StaffRole, StaffUser

__all__ = [
    "Business", "CalendarOverride", "CalendarYear", "Centre", "Department", "Device", "Floor", "Hall",
    "Material", "Quota", "ServiceItem", "Situation", "StaffRole", "StaffUser", "SubItem", "Town", "Window",
    "WindowBusiness",
]
