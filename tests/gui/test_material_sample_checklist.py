"""A material's sample (样表/示例), pulled with the catalogue, shows under the material's name in the clerk's
acceptance checklist (and is the tooltip), so the clerk can tell the citizen how to fill it in."""

from __future__ import annotations

from sqlalchemy import select

from client.services.catalogue import CatalogueIndex
from shared.db.models import Material, Situation
from tests.client.support import Clock, publish_row, services, staff
from tests.gui.client_support import open_window, shoot
from tests.gui.test_clerk_journey import _pick_item

NOTE = "按样表填写，申请人签名并加盖公章"


def test_the_clerk_sees_the_materials_sample(qtbot, tmp_path, screenshot) -> None:  # noqa: ANN001
    s = services(tmp_path, staff(), Clock())
    choice = CatalogueIndex.load(s.engine, online_only=False).search("电梯")[0]  # what the picker shows first
    situation, (name, _) = choice.situations[0], choice.situations[0].materials[0]
    with s.engine.connect() as conn:
        material = conn.execute(select(Material).join(Situation).where(
            Situation.code == situation.code, Material.name == name)).one()
    row = {**dict(material._mapping), "sample_note": NOTE, "sample_file": "申请表样表.pdf"}
    publish_row(s.engine, "material", str(row["id"]), row)  # as a pull applies the admin's edit
    offered = CatalogueIndex.load(s.engine, online_only=False)
    assert any(sit.sample_of(name) == (NOTE, "申请表样表.pdf")
               for c in offered.choices for sit in c.situations if sit.code == situation.code)
    s.catalogue = offered  # the workstation loads its catalogue when it starts
    window, ops, _ = open_window(qtbot, s)
    acceptance = window.workspace.acceptance
    _pick_item(qtbot, acceptance)
    names = [acceptance.checklist.item(r, 1).text() for r in range(acceptance.checklist.rowCount())]
    shown = next(n for n in names if n.startswith(name))
    assert shown == f"{name}\n样表：{NOTE}；申请表样表.pdf"
    assert acceptance.checklist.received() == ()  # the sample line is no part of the material's name
    acceptance.checklist.set_received(name, True)
    assert acceptance.checklist.received() == (name,)
    shoot(qtbot, screenshot, window, "clerk-acceptance-sample")
    ops.wait()
