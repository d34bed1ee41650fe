"""The text of every notification, per event, in Chinese. A template names its parameters in order: the HTTP
gateway sends them as the provider's TemplateParamSet (providers keep approved templates on their side under
an id); CMPP sends the rendered text."""

from __future__ import annotations

from dataclasses import dataclass

CITIZEN, STAFF = "citizen", "staff"


@dataclass(frozen=True)
class Template:
    event: str
    audience: str
    text: str                  # str.format with the params below
    params: tuple[str, ...]

    def render(self, values: dict) -> str:
        missing = [p for p in self.params if values.get(p) in (None, "")]
        if missing:
            raise ValueError(f"template {self.event}: missing {', '.join(missing)}")
        return self.text.format(**{p: values[p] for p in self.params})

    def ordered(self, values: dict) -> list[str]:
        return [str(values[p]) for p in self.params]


OPT_OUT_HINT = "回复TD退订"
TEMPLATES = {t.event: t for t in (
    Template("booking_confirmed", CITIZEN,
             "您已预约{business}，时间{slot}，请按时到大厅取号。" + OPT_OUT_HINT, ("business", "slot")),
    Template("booking_cancelled", CITIZEN, "您预约的{business}（{slot}）已取消。" + OPT_OUT_HINT, ("business", "slot")),
    Template("near_call", CITIZEN,
             "您的号码{ticket}前面还有{ahead}人，请留意叫号，及时到窗口办理。" + OPT_OUT_HINT, ("ticket", "ahead")),
    Template("correction_requested", CITIZEN,
             "您申请的{item}（办件号{case_no}）需补正材料{count}项，请按补正告知书办理。" + OPT_OUT_HINT,
             ("item", "case_no", "count")),
    Template("decision_made", CITIZEN, "您申请的{item}（办件号{case_no}）已作出决定：{outcome}。" + OPT_OUT_HINT,
             ("item", "case_no", "outcome")),
    Template("licence_ready", CITIZEN, "您申请的{item}（办件号{case_no}）证照已制作完成，请凭受理回执领取。"
             + OPT_OUT_HINT, ("item", "case_no")),
    Template("rating_feedback", CITIZEN, "您对{business}的评价已核实整改：{feedback}。感谢监督。" + OPT_OUT_HINT,
             ("business", "feedback")),
    Template("new_todo", STAFF, "新待办：{item}（办件号{case_no}），环节：{step}", ("item", "case_no", "step")),
    Template("urged", STAFF, "催办：办件{case_no}——{message}", ("case_no", "message")),
    Template("supervised", STAFF, "督办：办件{case_no}——{message}（{days}个工作日内书面回复）",
             ("case_no", "message", "days")),
    Template("near_due", STAFF, "临近时限：办件{case_no}将于{due}到期", ("case_no", "due")),
)}
