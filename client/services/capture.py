"""拍照 a material at the counter: one still from the document camera (高拍仪 or a webcam) through the drivers'
OpenCV capture, saved as a JPEG the checklist attaches like a chosen file. Called off the GUI thread."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

from drivers.core.errors import DeviceError, DeviceUnavailable
from drivers.scanner.camera import CameraScanner

WARMUP_FRAMES = 3  # a camera's first frames are dark or unfocused while exposure settles


class CaptureFailed(DeviceError):
    code = "capture_failed"


class DocumentCamera:
    def __init__(self, source: int | str, folder: Path) -> None:
        """`source`: a camera index, or a video file (the simulator in tests); `folder`: where stills go."""
        self.source, self.folder = source, folder

    def capture(self, material: str) -> Path:
        """One still of `material`; DeviceUnavailable when the camera cannot be opened or gives no picture."""
        import cv2

        camera = CameraScanner(self.source, decoder=lambda frame: [])
        frame = None
        try:
            for _ in range(WARMUP_FRAMES + 1):
                latest = camera.read_frame()
                if latest is None:  # a video file ran out: keep the last picture it gave
                    break
                frame = latest
        finally:
            camera.close()
        if frame is None:
            raise DeviceUnavailable(f"camera {self.source!r} gave no picture", device="camera")
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        name = re.sub(r"[^\w]+", "_", material).strip("_")[:40] or "material"
        path = self.folder / f"{name}-{stamp}-{uuid.uuid4().hex[:6]}.jpg"
        ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 90])
        if not ok:
            raise CaptureFailed("the picture could not be encoded as JPEG", device="camera")
        path.write_bytes(data.tobytes())  # imwrite cannot write to non-ASCII paths on every platform
        return path
