"""ID card reader driver over GA 467: find → select → read, with timeouts, retries and typed errors.

Only transport faults are retried (no answer, corrupted answer, reader saying our frame was corrupted); card
states (no card, read failed, wrong card...) are answers and surface at once as their typed error. After a
successful read the card must be lifted and presented again before `find` succeeds; `wait_for_card` therefore
returns each presented card once."""

from __future__ import annotations

import time
from dataclasses import dataclass

from drivers.core.errors import ChecksumError, DeviceError, DeviceTimeout
from drivers.core.transport import SerialLink
from drivers.idcard import ga467
from drivers.idcard.errors import NoCard, ReaderChecksumError, ReaderLengthError
from drivers.idcard.records import CardRecord, parse_text_block


@dataclass(frozen=True)
class IdCardRead:
    record: CardRecord
    photo: bytes  # WLT, opaque: only the vendor library decodes it
    text_block: bytes
    fingerprint: bytes = b""


class IdCardReader:
    """Small interface: `sam_status()`, `read_card()`, `wait_for_card()`, `close()`."""

    RETRYABLE = (DeviceTimeout, ChecksumError, ReaderChecksumError, ReaderLengthError)

    def __init__(self, link: SerialLink, *, timeout: float = 0.5, read_timeout: float = 3.0,
                 retries: int = 2, poll_interval: float = 0.2) -> None:
        self.link = link
        self.timeout = timeout  # find/select answer within ~100 ms on real readers
        self.read_timeout = read_timeout  # a read takes 1–2 s
        self.retries = retries
        self.poll_interval = poll_interval
        self._parser = ga467.Ga467Parser(min_body=3)

    def close(self) -> None:
        self.link.close()

    # --- commands -------------------------------------------------------------------------------------
    def sam_status(self) -> None:
        self.command(ga467.SAM_STATUS).raise_for_status()

    def sam_id(self) -> bytes:
        return self.command(ga467.SAM_ID).raise_for_status().data

    def find(self) -> None:
        self.command(ga467.FIND_CARD).raise_for_status()

    def select(self) -> None:
        self.command(ga467.SELECT_CARD).raise_for_status()

    def read(self, with_fingerprint: bool = False) -> IdCardRead:
        cmd = ga467.READ_TEXT_PHOTO_FP if with_fingerprint else ga467.READ_TEXT_PHOTO
        data = self.command(cmd, timeout=self.read_timeout).raise_for_status().data
        payload = ga467.split_read_payload(data, with_fingerprint)
        return IdCardRead(parse_text_block(payload.text), payload.photo, payload.text, payload.fingerprint)

    def read_card(self, with_fingerprint: bool = False) -> IdCardRead:
        """One find → select → read cycle. Raises NoCard (card_not_present) when no fresh card is there."""
        self.find()
        self.select()
        return self.read(with_fingerprint)

    def wait_for_card(self, timeout: float, stop=lambda: False) -> IdCardRead:
        """Poll until a card is read, `timeout` passes (NoCard) or `stop()` is true."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.read_card()
            except NoCard:
                if time.monotonic() + self.poll_interval > deadline or stop():
                    raise
            time.sleep(self.poll_interval)

    # --- transaction ----------------------------------------------------------------------------------
    def command(self, command: tuple[int, int], data: bytes = b"",
                timeout: float | None = None) -> ga467.Response:
        last: DeviceError | None = None
        for _ in range(self.retries + 1):
            try:
                response = self._transact(ga467.build_frame(*command, data), timeout or self.timeout)
                if response.sw3 in (0x10, 0x11):
                    response.raise_for_status()
                return response
            except self.RETRYABLE as exc:
                last = exc
        assert last is not None
        raise last

    def _transact(self, frame: bytes, timeout: float) -> ga467.Response:
        self._parser.reset()
        self.link.reset_input()  # drop a late answer to an earlier, timed-out command
        self.link.write(frame)
        found: list[bytes] = []
        defects: list[DeviceError] = []

        def done(chunk: bytes) -> bool:
            for item in self._parser.feed(chunk):
                (found if isinstance(item, bytes) else defects).append(item)
            # A whole answer with a bad checksum will not be followed by a good one: retry at once.
            return bool(found) or any(isinstance(d, ChecksumError) for d in defects)

        self.link.read_until(done, timeout)
        if found:
            return ga467.decode_response(found[0])
        if defects:
            raise defects[-1]
        raise DeviceTimeout(f"ID card reader did not answer within {timeout:.1f} s", device="idcard")
