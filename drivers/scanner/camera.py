"""Camera scanner: OpenCV capture (device index, or a video file in tests) feeding a decoder.

Decoder: pyzbar (needs libzbar0; QR and 1-D barcodes) with OpenCV's own QR/barcode detectors as the fallback
when libzbar is missing. zbar guesses text encodings and garbles GBK payloads: decode its raw bytes as UTF-8
ourselves. A code held in front of the camera is reported once, not once per frame."""

from __future__ import annotations

import time
from collections.abc import Callable

from drivers.core.errors import ConfigError, DeviceUnavailable


def pyzbar_available() -> bool:
    try:
        from pyzbar import pyzbar  # noqa: F401  (raises ImportError when libzbar0 is missing)
    except (ImportError, OSError):
        return False
    return True


def _decode_bytes(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _gray(image):
    import cv2

    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image


def decode_pyzbar(image) -> list[str]:
    from pyzbar import pyzbar

    return [_decode_bytes(s.data) for s in pyzbar.decode(_gray(image))]


def decode_opencv(image) -> list[str]:
    import cv2

    gray = _gray(image)
    found: list[str] = []
    ok, texts, _, _ = cv2.QRCodeDetector().detectAndDecodeMulti(gray)
    if ok:
        found += [t for t in texts if t]
    if hasattr(cv2, "barcode"):
        try:
            ok, texts, _, _ = cv2.barcode.BarcodeDetector().detectAndDecodeMulti(gray)
        except cv2.error:
            ok, texts = False, ()
        if ok:
            found += [t for t in texts if t]
    return found


def make_decoder(backend: str = "auto") -> Callable:
    if backend == "auto":
        backend = "pyzbar" if pyzbar_available() else "opencv"
    if backend == "pyzbar":
        if not pyzbar_available():
            raise ConfigError("pyzbar needs libzbar0 (apt-get install libzbar0)", device="camera")
        return decode_pyzbar
    if backend == "opencv":
        return decode_opencv
    raise ConfigError(f"unknown decoder {backend!r}", device="camera")


class CameraScanner:
    def __init__(self, source: int | str, decoder: Callable | None = None, repeat_after: float = 3.0,
                 reopen_delay: float = 1.0) -> None:
        self.source = source
        self.decoder = decoder or make_decoder()
        self.repeat_after = repeat_after  # the same code again only after this many seconds without it
        self.reopen_delay = reopen_delay
        self._seen: dict[str, float] = {}
        self._capture = None

    def open(self) -> None:
        import cv2

        capture = cv2.VideoCapture(self.source)
        if not capture.isOpened():
            capture.release()
            raise DeviceUnavailable(f"cannot open camera {self.source!r}", device="camera")
        self._capture = capture

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    def read_frame(self):
        """Next frame, or None at the end of a video file. A camera that stops delivering is unavailable."""
        if self._capture is None:
            self.open()
        ok, frame = self._capture.read()
        if ok:
            return frame
        self.close()
        if isinstance(self.source, str):
            return None
        raise DeviceUnavailable(f"camera {self.source!r} stopped delivering frames", device="camera")

    def new_codes(self, frame, now: float | None = None) -> list[str]:
        now = time.monotonic() if now is None else now
        fresh = []
        for code in dict.fromkeys(self.decoder(frame)):
            last = self._seen.get(code)
            if last is None or now - last > self.repeat_after:
                fresh.append(code)
            self._seen[code] = now
        return fresh

    def run(self, on_code: Callable[[str], None], stop: Callable[[], bool],
            on_error: Callable[[Exception], None] | None = None) -> None:
        """Loop until `stop()` or the end of a video file; a lost camera is reported and reopened."""
        while not stop():
            try:
                frame = self.read_frame()
            except DeviceUnavailable as exc:
                if on_error:
                    on_error(exc)
                time.sleep(self.reopen_delay)
                continue
            if frame is None:
                return
            for code in self.new_codes(frame):
                on_code(code)
        self.close()
