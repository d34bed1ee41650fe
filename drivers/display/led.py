"""Window LED display driver (BX-5/6): sends dynamic-area text, waits for the controller's answer, retries."""

from __future__ import annotations

from drivers.core.errors import ChecksumError, DeviceError, DeviceTimeout, FrameError, ProtocolError
from drivers.core.transport import SerialLink
from drivers.display import bx


class LedDisplay:
    def __init__(self, link: SerialLink, *, address: int = 1, escape: bool = True, encoding: str = "gbk",
                 timeout: float = 0.5, retries: int = 2, width: int = 64, height: int = 16) -> None:
        self.link = link
        self.address = address
        self.escape = escape
        self.encoding = encoding or "gbk"
        self.timeout = timeout
        self.retries = retries
        self.size = (width, height)

    def close(self) -> None:
        self.link.close()

    def show(self, text: str, *, area_id: int = 0, mode: int = 1, stay: int = 5) -> None:
        area = bx.TextArea(text, area_id, 0, 0, *self.size, mode=mode, stay=stay)
        self.send(bx.encode_dynamic_text([area], self.encoding))

    def send(self, data: bytes) -> None:
        frame = bx.encode_frame(self.address, data, esc=self.escape)
        last: DeviceError | None = None
        for _ in range(self.retries + 1):
            try:
                self._transact(frame, data[:2])
                return
            except (DeviceTimeout, FrameError) as exc:  # FrameError covers ChecksumError
                last = exc
        assert last is not None
        raise last

    def _transact(self, frame: bytes, command: bytes) -> None:
        parser = bx.BxParser(self.escape)
        self.link.reset_input()
        self.link.write(frame)
        answers: list[bx.BxFrame] = []
        defects: list[DeviceError] = []

        def done(chunk: bytes) -> bool:
            for item in parser.feed(chunk):
                (answers if isinstance(item, bx.BxFrame) else defects).append(item)
            # A whole answer with a bad checksum will not be followed by a good one: retry at once.
            return bool(answers) or any(isinstance(d, ChecksumError) for d in defects)

        self.link.read_until(done, self.timeout)
        if not answers:
            if defects:
                raise defects[-1]
            raise DeviceTimeout(f"LED controller {self.address} did not answer", device="led")
        data = answers[0].data
        if data[:2] != command or len(data) < 3:
            raise ProtocolError(f"unexpected LED answer {data.hex(' ')}", device="led")
        if data[2] != 0:
            raise ProtocolError(f"LED controller refused the command (status {data[2]:02X})", device="led",
                                status=data[2])
