"""Hall-local time: the one China time-zone constant every node reads days and clock faces with.

China has had no daylight saving since 1991, so a fixed +08:00 offset is exact (and needs no tz database on
a kiosk). Standard library only: the pure cores (shared.queue, shared.approval) may import it.
"""

from __future__ import annotations

import datetime as dt

CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")
