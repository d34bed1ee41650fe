"""The catalogue as the counter sees it: items and sub-items from the local cache, searchable by Chinese,
pinyin initials, full pinyin or code. Built once off the GUI thread; searching is then in-memory."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from shared.db.models import Department, ServiceItem, Situation
from shared.search import SearchKey, search


@dataclass(frozen=True)
class SituationChoice:
    code: str
    name: str
    materials: tuple[tuple[str, bool], ...]  # (name, required)
    samples: tuple[tuple[str, str, str], ...] = ()  # (material name, note, sample file name): 样表/示例, if any

    def sample_of(self, material: str) -> tuple[str, str]:
        """The material's sample (note, file name); ("", "") when it has none."""
        return next(((note, file) for name, note, file in self.samples if name == material), ("", ""))


@dataclass(frozen=True)
class CatalogueChoice:
    """One line of the picker: an item, or one of its sub-items."""
    item_code: str
    item_name: str
    sub_item_code: str | None
    sub_item_name: str | None
    category: str
    statutory_limit_days: int
    promised_limit_days: int
    situations: tuple[SituationChoice, ...]
    department: str = ""  # the item's department: cases are counted against it (supervision, statistics)

    @property
    def label(self) -> str:
        return self.sub_item_name or self.item_name


class CatalogueIndex:
    def __init__(self, choices: list[CatalogueChoice]) -> None:
        self.choices = choices
        self._entries = [(SearchKey.of(c.label, c.sub_item_code or c.item_code), c) for c in choices]

    @classmethod
    def load(cls, engine: Engine, *, online_only: bool = True) -> CatalogueIndex:
        with Session(engine) as session:
            stmt = (select(ServiceItem).order_by(ServiceItem.sort_order)
                    .options(selectinload(ServiceItem.sub_items),
                             selectinload(ServiceItem.situations).selectinload(Situation.materials)))
            if online_only:
                stmt = stmt.where(ServiceItem.online)
            choices = []
            departments = {d.id: d.name for d in session.scalars(select(Department))}
            for item in session.scalars(stmt):
                situations = tuple(SituationChoice(
                    s.code, s.name, tuple((m.name, m.required) for m in s.materials),
                    tuple((m.name, m.sample_note, m.sample_file) for m in s.materials
                          if m.sample_note or m.sample_file)) for s in item.situations)
                common = dict(item_code=item.code, item_name=item.name, category=item.category,
                              statutory_limit_days=item.statutory_limit_days,
                              promised_limit_days=item.promised_limit_days, situations=situations,
                              department=departments.get(item.department_id, ""))
                if not item.sub_items:
                    choices.append(CatalogueChoice(sub_item_code=None, sub_item_name=None, **common))
                for sub in item.sub_items:
                    choices.append(CatalogueChoice(sub_item_code=sub.code, sub_item_name=sub.name, **common))
        return cls(choices)

    def search(self, query: str, limit: int = 50) -> list[CatalogueChoice]:
        return search(self._entries, query, limit)
