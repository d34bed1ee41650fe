"""扫码登记本机 by the camera (issue 14): a new PC whose workstation.toml names only a camera reads the admin's
registration QR code — the image 设备管理 draws (client.services.device_handover.qr_png) held in front of the
camera simulator (a video file of it) — through OpenCV capture + pyzbar (drivers/scanner/camera.py), registers
and writes workstation.toml. Against a live server."""

from __future__ import annotations

import stat
import tomllib

from client.services.device_handover import qr_png
from client.services.workstation import load_workstation
from client.windows.enrol import EnrolDialog
from gui.ops import Ops
from tests.gui.client_support import OPEN_OPS
from tests.gui.test_kiosk_enrol_screen import _video_of
from tests.gui.test_workstation_enrol import registration_code


def test_a_new_pc_registers_by_its_camera(qtbot, server_url, tmp_path, screenshot) -> None:  # noqa: ANN001
    data = tmp_path / "ws"
    data.mkdir()
    code = registration_code(server_url)
    video = _video_of(qr_png(code), tmp_path / "qr.avi")
    path = data / "workstation.toml"
    path.write_text(f'[camera]\nsource = "{video}"\n', encoding="utf-8")  # no scanner, nothing pasted
    ops = Ops()
    OPEN_OPS.append(ops)
    dialog = EnrolDialog(load_workstation(data), ops, wedge=False)
    qtbot.addWidget(dialog)
    assert dialog.camera is not None and dialog.scanner is None
    with qtbot.waitSignal(dialog.sig_enrolled, timeout=30000) as enrolled:
        dialog.show()
        screenshot(dialog, "client/enrol-camera")
    assert dialog.code_edit.toPlainText() == code  # what the camera read
    section = tomllib.loads(path.read_text(encoding="utf-8"))
    assert section["workstation"]["device_id"] and section["workstation"]["device_token"]
    assert section["camera"]["source"] == str(video)  # the PC's own device sections are kept
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert enrolled.args[0].registered and enrolled.args[0].window_number == 3
    assert dialog.camera is None  # closed once registered
    ops.wait()
