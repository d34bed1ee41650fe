"""The catalogue of the Dongguan quality and technical supervision bureau (东莞市质量技术监督局), from its
approval-system plan §3.2.1.2: 12 major items / 30 sub-items handled online (table 4-4-1, rows 1-30), the
four items moved elsewhere (rows 31-34), the 15 business types with their 64 business situations
(§3.2.1.2.2) and the item codes of §3.2.1.2.3.

Where the source table's rows are shifted by text extraction (situations 40, 46 and 50 printed one row above
their type), the situations are assigned by count: each type keeps the situations numbered for it.
Items without an official code get a local code `DG-Qnn` (nn = row in the code table), marked unofficial.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LICENCE = "administrative_licence"
SERVICE = "public_service"


@dataclass(frozen=True)
class ItemSpec:
    code: str
    official_code: bool
    name: str
    category: str
    department: str  # department code, see DEPARTMENTS in dongguan_hall
    sub_items: tuple[str, ...] = ()
    situations: tuple[str, ...] = ()
    online: bool = True
    note: str = ""
    statutory_limit_days: int = 20
    promised_limit_days: int = 10
    extra: dict = field(default_factory=dict)


ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec("00785", True, "工业产品生产许可证核发", LICENCE, "CPQ",
             ("摩托车乘员头盔", "橡胶制品", "危险化学品包装物、容器"),
             ("发证", "延续", "许可范围变更", "名称变更", "补领", "申请撤回", "申请注销")),
    ItemSpec("00790", True, "特种设备使用登记", LICENCE, "TZSB",
             ("特种设备使用登记（锅炉）", "特种设备使用登记（压力容器含气瓶）", "特种设备使用登记（压力管道）",
              "特种设备使用登记（电梯）", "特种设备使用登记（起重机械）", "特种设备使用登记（客运索道）",
              "特种设备使用登记（大型游乐设施）", "特种设备使用登记（场<厂>内专用机动车辆）"),
             ("特种设备使用登记", "移装申请", "变更", "停用", "启用", "换证", "补证", "报废", "申请撤回",
              "申请注销"), promised_limit_days=5),
    ItemSpec("00775", True, "特种设备作业人员考核", LICENCE, "TZSB",
             ("特种设备相关管理人员资格认定", "电梯作业人员资格认定", "起重机械作业人员资格认定",
              "特种设备焊接作业人员资格认定", "锅炉作业人员资格认定", "压力容器作业人员资格认定",
              "压力管道作业人员资格认定", "场（厂）内专用机动车辆作业人员资格认定"),
             ("新办", "复审", "变更", "换证", "补证", "申请撤回", "申请注销")),
    ItemSpec("00780", True, "计量标准器具核准", LICENCE, "JL", (),
             ("新建", "复查", "更换", "封存", "恢复使用", "补领", "申请撤回", "申请注销")),
    ItemSpec("00777", True, "承担国家法定计量检定机构任务的授权", LICENCE, "JL",
             ("专项计量授权考核", "单位内部强检计量器具检定的授权考核"),
             ("新建", "复查", "扩项", "名称变更", "申请撤回", "申请注销")),
    ItemSpec("000791", True, "气瓶、移动式压力容器充装单位许可", LICENCE, "TZSB", (),
             ("首次", "换证", "增项", "名称变更", "补领", "申请撤回", "申请注销")),
    ItemSpec("DG-Q24", False, "工业产品生产许可证年度自查", SERVICE, "CPQ", (),
             ("年度自查申请", "年度自查申请撤回"), statutory_limit_days=10, promised_limit_days=5),
    ItemSpec("DG-Q25", False, "企业产品标准备案", SERVICE, "BZH", (),
             ("新标准备案", "复审备案", "名称变更", "申请废止", "备案申请撤回"),
             statutory_limit_days=10, promised_limit_days=5),
    ItemSpec("DG-Q26", False, "特种设备施工告知", SERVICE, "TZSB", ("特种设备施工告知",),
             ("特种设备告知", "申请撤回"), statutory_limit_days=5, promised_limit_days=1),
    ItemSpec("DG-Q27", False, "守法证明", SERVICE, "ZH", (),
             ("守法证明申请", "守法证明撤回"), statutory_limit_days=10, promised_limit_days=3),
    ItemSpec("DG-Q28", False, "企业产品执行标准登记", SERVICE, "BZH", (),
             ("标准登记", "标准登记撤回"), statutory_limit_days=10, promised_limit_days=5),
    ItemSpec("DG-Q29", False, "计量保证体系确认合格证书颁发", SERVICE, "JL",
             ("二级计量保证体系确认合格证书颁发", "三级计量保证体系确认合格证书颁发"),
             ("新建", "确认", "申请撤回")),
    # Rows 31-34: not handled in the approval system any more (kept so that the catalogue is complete).
    ItemSpec("DG-Q31", False, "“C”标志", SERVICE, "CPQ", (), ("新建",), online=False,
             note="不属于行政审批业务，调整为在局网站企业服务模块实现"),
    ItemSpec("DG-Q32", False, "防伪产品备案", SERVICE, "CPQ", (), ("新建",), online=False),
    ItemSpec("DG-Q33", False, "地理标志使用申请", SERVICE, "BZH", (), ("新建",), online=False),
    ItemSpec("DG-Q34", False, "强制计量", SERVICE, "JL", (), (), online=False, note="下放到计量院办理"),
)


def materials_for(item: ItemSpec, situation: str) -> list[tuple[str, bool, str, int]]:
    """Demo materials (name, required, form, copies) for a situation. The seed names no materials, so these
    follow the common pattern of the bureau's published guides: an application form, the applicant's
    identity, and what the situation itself needs."""
    personal = item.code == "00775"  # operator qualifications are applied for by people, not companies
    out: list[tuple[str, bool, str, int]] = [("申请表", True, "original", 1)]
    out.append(("申请人身份证明", True, "copy", 1) if personal else ("营业执照或统一社会信用代码证书", True, "copy", 1))
    if not personal:
        out.append(("法定代表人身份证明及授权委托书", False, "original", 1))
    if "撤回" in situation or "废止" in situation:
        out.append(("撤回（废止）申请书", True, "original", 1))
    elif "注销" in situation or situation == "报废":
        out.append(("原证书（证件）原件", True, "original", 1))
    elif "补" in situation:
        out.append(("遗失声明或损毁证书", True, "original", 1))
    elif "变更" in situation or "更换" in situation or "扩项" in situation or "增项" in situation:
        out.append(("变更（扩项）事项证明材料", True, "copy", 1))
        out.append(("原证书复印件", True, "copy", 1))
    elif situation in ("延续", "换证", "复审", "复查", "复审备案", "确认"):
        out.append(("原证书复印件", True, "copy", 1))
        out.append(("有效期内情况说明", False, "original", 1))
    if personal and situation in ("新办", "复审", "换证"):
        out.append(("近期免冠照片", True, "original", 2))
        out.append(("学历证明", situation == "新办", "copy", 1))
    if item.code == "00790" and situation in ("特种设备使用登记", "移装申请"):
        out.append(("特种设备产品合格证及监督检验证明", True, "copy", 1))
    if item.code == "00780" and situation == "新建":
        out.append(("计量标准技术报告", True, "original", 1))
    return out
