"""A material's sample file (样表) at the counter: the admin uploads a PDF for a catalogue material; the clerk's
workstation learns of it from its next pull and fetches it beside the attachments, then — with the network down —
the acceptance screen's checklist offers 样表 on that material's row and opens it in the material viewer."""

from __future__ import annotations

import base64
import hashlib
import shutil

import pytest

from client.devices import Devices
from client.services.material_samples import SampleUnavailable
from client.widgets.style import stylesheet
from client.workspaces.clerk.workspace import ClerkWorkspace
from gui.ops import Ops
from gui.qt import QPushButton
from server.store.database import Database
from tests.client.test_attachments import PASSWORD, Hall, _served
from tests.sync.harness.world import template_db
from tests.gui.client_support import OPEN_OPS, shoot
from tests.gui.material_support import make_pdf
from tests.gui.test_clerk_journey import _pick_item


@pytest.fixture
def hall(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    """The demo hall's server in process (SQLite), as the attachment tests serve it."""
    shutil.copy(template_db(), tmp_path / "server.sqlite3")
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    yield from _served(db, tmp_path, monkeypatch, {})  # the default file storage: the sample is the point here
    db.dispose()


def _upload(hall: Hall, item_code: str, situation_code: str, material: str, data: bytes) -> int:
    token = hall.http.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD}).json()["token"]
    item = hall.http.get(f"/api/v1/catalogue/items/{item_code}").json()
    situation = next(s for s in item["situations"] if s["code"] == situation_code)
    material_id = next(m["id"] for m in situation["materials"] if m["name"] == material)
    r = hall.http.put(f"/api/v1/admin/catalogue/materials/{material_id}/sample",
                      headers={"Authorization": f"Bearer {token}"},
                      json={"file_name": "样表.pdf", "data": base64.b64encode(data).decode()})
    assert r.status_code == 200, r.text
    return material_id


def test_the_clerk_opens_a_sample_offline_after_sync(qtbot, hall: Hall, screenshot) -> None:  # noqa: ANN001
    counter = hall.workstation("clerk", "counter", window=1)
    choice = next(c for c in counter.catalogue.choices if "电梯" in c.label)
    situation = choice.situations[0]
    material = situation.materials[0][0]
    pdf = make_pdf(hall.tmp / "样表.pdf", 2).read_bytes()
    _upload(hall, choice.item_code, situation.code, material, pdf)

    counter.sync.sync_once()  # the row arrives with the pull …
    samples = counter.samples
    assert samples.refresh() and samples.has(situation.code, material)
    with pytest.raises(SampleUnavailable) as missing:  # … the file with the next pass of the transfer thread
        samples.open(situation.code, material)
    assert missing.value.code == "sample_not_synced"
    counter.attachment_sync.run_once()
    hall.net.down = True  # the counter works offline from here

    ops = Ops()
    OPEN_OPS.append(ops)
    devices = Devices({})
    ws = ClerkWorkspace(counter, ops, devices)
    ws.setStyleSheet(stylesheet(1.0))
    qtbot.addWidget(ws)
    ws.resize(1366, 768)
    ws.show()
    acceptance = ws.acceptance
    acceptance.start("")
    _pick_item(qtbot, acceptance, choice.sub_item_code or choice.item_code)
    assert acceptance.situation.code == situation.code
    names = [name for name, _ in acceptance.checklist.materials]
    row = names.index(material)
    button = acceptance.checklist.findChild(QPushButton, f"sample_{row}")
    assert button is not None and button.text() == "样表"
    others = [acceptance.checklist.findChild(QPushButton, f"sample_{i}") for i in range(len(names)) if i != row]
    assert others == [None] * (len(names) - 1)  # only the material with an uploaded file offers it
    shoot(qtbot, screenshot, ws, "clerk-material-sample-button")
    with qtbot.waitSignal(acceptance.sig_sample_opened, timeout=5000) as opened:
        button.click()
    viewer = opened.args[0].viewer
    qtbot.waitUntil(lambda: viewer.shown is not None, timeout=10000)
    assert viewer.doc.page_count == 2
    assert hashlib.sha256(viewer.doc.file.path.read_bytes()).hexdigest() == hashlib.sha256(pdf).hexdigest()
    assert opened.args[0].windowTitle().endswith(f"样表 · {material}")
    screenshot(opened.args[0], "client/clerk-material-sample-viewer")
    opened.args[0].close()
    devices.stop()
    ops.wait()
