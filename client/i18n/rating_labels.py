"""Chinese words for the 差评 loop's codes (record status, awaited stage, rating level, actions, decisions)."""

from __future__ import annotations

from client.i18n.labels import tr
from shared.rating import messages

STATUS = {"open": "待回访核实", "verified": "待整改", "rectified": "待反馈", "closed": "已办结",
          "appealed": "申诉待复核", "voided": "已撤销（申诉成立）"}
STAGES = {"verification": "回访核实", "rectification": "整改或说明", "feedback": "反馈群众"}
LEVELS = {"very_satisfied": "非常满意", "satisfied": "满意", "basically_satisfied": "基本满意",
          "dissatisfied": "不满意", "very_dissatisfied": "非常不满意"}
ACTIONS = {"verify": "回访核实", "rectify": "整改 / 说明", "feedback": "反馈群众", "appeal": "申诉",
           "review": "复核申诉"}
KINDS = {"rectified": "已整改", "explained": "情况说明"}
DECISIONS = {"upheld": "维持差评", "voided": "撤销差评"}
SOURCES = {"ticket": "号票", "case": "办件"}


def label(table: dict[str, str], code: str | None) -> str:
    return tr(table.get(code or "", code or ""))


def refusal(code: str) -> str:
    return tr(messages.message(code))
