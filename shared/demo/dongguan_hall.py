"""A demo centre: one hall on two floors, ten windows, six businesses with prefixes and quotas, the bureau's
departments, Dongguan's towns and street offices, and one demo user per role. Names are fictional except the
towns; department USCCs are made up (valid check characters, not real organisations)."""

from __future__ import annotations

import datetime as dt

CENTRE = ("DG-ZWFW", "东莞市政务服务中心")
HALL = ("DG-HALL-1", "市民服务中心一号大厅", "东莞市南城街道鸿福路 99 号（演示地址）")
FLOORS = ((1, "一楼"), (2, "二楼"))

# (code, name, 17-character USCC base; the check character is computed)
DEPARTMENTS = (
    ("DGZJ", "东莞市质量技术监督局", "11441900MB2C00010"),
    ("TZSB", "特种设备安全监察科", "11441900MB2C00028"),
    ("CPQ", "产品质量监督科", "11441900MB2C00036"),
    ("JL", "计量科", "11441900MB2C00044"),
    ("BZH", "标准化科", "11441900MB2C00052"),
    ("ZH", "行政审批综合窗口", "11441900MB2C00060"),
)
PARENT_DEPARTMENT = "DGZJ"

# 东莞 has no county level: 4 street offices and 28 towns report to the city directly; plus 松山湖.
STREETS = ("莞城街道", "南城街道", "东城街道", "万江街道")
TOWNS = ("石碣镇", "石龙镇", "茶山镇", "石排镇", "企石镇", "横沥镇", "桥头镇", "谢岗镇", "东坑镇", "常平镇",
         "寮步镇", "樟木头镇", "大朗镇", "黄江镇", "清溪镇", "塘厦镇", "凤岗镇", "大岭山镇", "长安镇", "虎门镇",
         "厚街镇", "沙田镇", "道滘镇", "洪梅镇", "麻涌镇", "望牛墩镇", "中堂镇", "高埗镇")
PARKS = ("松山湖",)

# (code, prefix, name, department, floor level, daily, am, pm)
BUSINESSES = (
    ("SE-REG", "A", "特种设备使用登记", "TZSB", 1, 200, 120, 80),
    ("PROD-LIC", "B", "工业产品生产许可", "CPQ", 1, 100, 60, 40),
    ("METRO", "C", "计量业务", "JL", 2, 120, 70, 50),
    ("SE-OPR", "D", "特种设备作业人员考核", "TZSB", 1, 150, 90, 60),
    ("STD", "E", "标准与守法证明", "BZH", 2, 80, 50, 30),
    ("GENERAL", "F", "综合咨询与出件", "ZH", 1, None, None, None),
)
OPENS_AT, CLOSES_AT = dt.time(9, 0), dt.time(17, 30)
LUNCH = (dt.time(12, 0), dt.time(13, 30))

# window number → (floor level, [(business code, priority)])
WINDOWS = {
    1: (1, [("SE-REG", 1), ("GENERAL", 2)]),
    2: (1, [("SE-REG", 1)]),
    3: (1, [("SE-REG", 1), ("SE-OPR", 2)]),
    4: (1, [("SE-OPR", 1)]),
    5: (1, [("SE-OPR", 1), ("SE-REG", 2)]),
    6: (1, [("PROD-LIC", 1), ("GENERAL", 2)]),
    7: (2, [("METRO", 1)]),
    8: (2, [("METRO", 1), ("STD", 2)]),
    9: (2, [("STD", 1), ("METRO", 2)]),
    10: (1, [("GENERAL", 1), ("PROD-LIC", 2)]),
}

DEMO_PASSWORD = "GovHall@2026"
# (username, display name, staff number, department, roles). Staff hold the workflow step roles they act in
# (shared.approval.defaults): the counter clerk accepts, makes the licence (制证), closes and delivers; the
# approver reviews, verifies and decides licences (审查/审核/决定) and decides public services (审核).
USERS = (
    ("clerk", "王晓敏", "DG0101", "ZH", ("clerk", "licence_officer")),
    ("approver", "李建国", "DG0201", "TZSB", ("approver", "reviewer", "verifier", "head")),
    ("supervisor", "陈志强", "DG0301", "DGZJ", ("supervisor",)),
    ("admin", "系统管理员", "DG0001", "DGZJ", ("admin",)),
    ("leader", "张明远", "DG0002", "DGZJ", ("leader",)),  # 领导: dashboard, statistics, overviews (read-only)
)
