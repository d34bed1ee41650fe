"""Camera scanner on generated QR images and a generated video file; pyzbar and the OpenCV fallback."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
import segno

from drivers.core.errors import ConfigError, DeviceUnavailable
from drivers.scanner import camera
from drivers.scanner.camera import CameraScanner, decode_opencv, decode_pyzbar, make_decoder
from tests.conftest import IN_CI

needs_zbar = pytest.mark.skipif(not camera.pyzbar_available() and not IN_CI,
                                reason="libzbar0 is not installed")


def qr_image(data: str, scale: int = 6) -> np.ndarray:
    buf = io.BytesIO()
    segno.make_qr(data).save(buf, kind="png", scale=scale, border=4)  # make_qr: never Micro QR
    return cv2.imdecode(np.frombuffer(buf.getvalue(), np.uint8), cv2.IMREAD_GRAYSCALE)


def on_canvas(img: np.ndarray, size=(480, 640)) -> np.ndarray:
    canvas = np.full(size, 255, np.uint8)
    h, w = img.shape
    y, x = (size[0] - h) // 2, (size[1] - w) // 2
    canvas[y:y + h, x:x + w] = img
    return canvas


PAYLOADS = ["https://q.example.cn/t/A023", "APPT-20261122-0042", "预约号：A023"]


@needs_zbar
@pytest.mark.parametrize("payload", PAYLOADS)
def test_pyzbar_decodes_generated_codes(payload):
    assert decode_pyzbar(on_canvas(qr_image(payload))) == [payload]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_opencv_fallback_decodes_generated_codes(payload):
    assert decode_opencv(on_canvas(qr_image(payload))) == [payload]


def test_blank_frame_has_no_codes():
    assert decode_opencv(np.full((240, 320), 255, np.uint8)) == []


def test_fallback_is_chosen_when_libzbar_is_missing(monkeypatch):
    monkeypatch.setattr(camera, "pyzbar_available", lambda: False)
    assert make_decoder("auto") is decode_opencv
    with pytest.raises(ConfigError):
        make_decoder("pyzbar")


def write_video(path, frames, fps=10):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (640, 480), False)
    assert writer.isOpened()
    for f in frames:
        writer.write(f)
    writer.release()


@pytest.mark.parametrize("backend", [pytest.param("pyzbar", marks=needs_zbar), "opencv"])
def test_video_file_reports_each_code_once_in_order(tmp_path, backend):
    blank = np.full((480, 640), 255, np.uint8)
    a, b = on_canvas(qr_image("TICKET-A023")), on_canvas(qr_image("TICKET-B101"))
    path = tmp_path / "scan.avi"
    write_video(path, [blank] * 3 + [a] * 5 + [blank] * 2 + [b] * 5 + [blank] * 2)
    scanner = CameraScanner(str(path), make_decoder(backend))
    codes: list[str] = []
    scanner.run(codes.append, stop=lambda: False)
    assert codes == ["TICKET-A023", "TICKET-B101"]


def test_same_code_again_after_quiet_period():
    scanner = CameraScanner(0, decoder=lambda frame: frame, repeat_after=2.0)
    assert scanner.new_codes(["X"], now=0.0) == ["X"]
    assert scanner.new_codes(["X"], now=1.0) == []
    assert scanner.new_codes(["X"], now=5.0) == ["X"]


def test_missing_camera_is_typed(tmp_path):
    scanner = CameraScanner(str(tmp_path / "no-such-camera.avi"), decode_opencv)
    with pytest.raises(DeviceUnavailable):
        scanner.open()
