"""拍照 of a material through the drivers' OpenCV capture, against a generated video file standing in for the
document camera (the drivers' camera simulator), and a camera that cannot be opened."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from client.services.capture import DocumentCamera
from drivers.core.errors import DeviceUnavailable


def document_video(path: Path, frames: int = 6) -> Path:
    """A 'camera' showing a page: dark while exposure settles, then a white sheet with a black block."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (640, 480), True)
    assert writer.isOpened()
    for i in range(frames):
        page = np.full((480, 640, 3), 30 if i == 0 else 245, np.uint8)
        page[200:280, 260:380] = 0
        writer.write(page)
    writer.release()
    return path


def test_a_still_is_saved_as_jpeg_after_the_camera_settles(tmp_path: Path) -> None:
    camera = DocumentCamera(str(document_video(tmp_path / "cam.avi")), tmp_path / "captures")
    path = camera.capture("申请人身份证明")
    assert path.parent == tmp_path / "captures" and path.suffix == ".jpg" and "申请人身份证明" in path.name
    image = cv2.imdecode(np.frombuffer(path.read_bytes(), np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image.shape == (480, 640)
    assert image[10, 10] > 200 and image[240, 320] < 60  # the settled page, not the dark first frame
    assert camera.capture("申请人身份证明") != path  # every still is a file of its own


def test_a_camera_that_cannot_be_opened_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(DeviceUnavailable):
        DocumentCamera(str(tmp_path / "no-such-camera.avi"), tmp_path / "captures").capture("申请表")
    assert not (tmp_path / "captures").exists() or not any((tmp_path / "captures").iterdir())
