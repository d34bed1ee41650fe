"""PC/SC readers through pyscard: card presence, the ID card chip serial (`00 36 00 00 08`), and a general
APDU path (other cards, e.g. social security cards). A plain contactless reader cannot read the ID text: that
needs the police SAM (GA 467 readers, see ga467.py)."""

from __future__ import annotations

from drivers.core.errors import CardError, CardNotPresent, DeviceUnavailable

CHIP_SERIAL_APDU = bytes.fromhex("00 36 00 00 08")


class ApduError(CardError):
    """The card answered with a status word other than 90 00."""

    code = "pcsc_apdu_status"


def _pyscard():
    try:
        from smartcard import Exceptions, System
        from smartcard.scard import SCARD_SHARE_SHARED  # noqa: F401
    except ImportError as exc:
        raise DeviceUnavailable("pyscard is not installed (pip install pyscard; needs libpcsclite-dev, swig)",
                                device="pcsc") from exc
    return System, Exceptions


class PcscReader:
    """`reader` selects the first reader whose name contains it (empty: the first reader)."""

    def __init__(self, reader: str = "") -> None:
        self.reader_filter = reader
        self._connection = None

    def readers(self) -> list[str]:
        System, Exceptions = _pyscard()
        try:
            return [str(r) for r in System.readers()]
        except Exceptions.ListReadersException as exc:
            raise DeviceUnavailable(f"PC/SC service not reachable: {exc}", device="pcsc") from exc
        except Exception as exc:  # EstablishContextException when pcscd is not running
            raise DeviceUnavailable(f"PC/SC service not reachable: {exc}", device="pcsc") from exc

    def _reader(self):
        System, _ = _pyscard()
        try:
            for r in System.readers():
                if self.reader_filter in str(r):
                    return r
        except Exception as exc:
            raise DeviceUnavailable(f"PC/SC service not reachable: {exc}", device="pcsc") from exc
        raise DeviceUnavailable(f"no PC/SC reader matching {self.reader_filter!r}", device="pcsc")

    def card_present(self) -> bool:
        try:
            self.atr()
            return True
        except CardNotPresent:
            return False

    def atr(self) -> bytes:
        return bytes(self._on_card(lambda c: c.getATR()))

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send one APDU; returns (data, SW1SW2). A card pulled away gives CardNotPresent."""
        data, sw1, sw2 = self._on_card(lambda c: c.transmit(list(apdu)))
        return bytes(data), (sw1 << 8) | sw2

    def _on_card(self, operation):
        """Run `operation(connection)`; a stale connection (card removed and maybe presented again) is dropped
        and reconnected once, so a card that comes back works again without the caller doing anything."""
        _, Exceptions = _pyscard()
        for attempt in (0, 1):
            connection = self._connect()
            try:
                return operation(connection)
            except Exceptions.CardConnectionException as exc:
                self.disconnect()
                if attempt:
                    raise CardNotPresent(f"card removed: {exc}", device="pcsc") from exc
        raise AssertionError("unreachable")

    def command(self, apdu: bytes) -> bytes:
        data, sw = self.transmit(apdu)
        if sw != 0x9000:
            raise ApduError(f"card answered SW {sw:04X}", device="pcsc", sw=f"{sw:04X}")
        return data

    def chip_serial(self) -> bytes:
        serial = self.command(CHIP_SERIAL_APDU)
        if len(serial) != 8:
            raise ApduError(f"chip serial has {len(serial)} bytes, expected 8", device="pcsc", sw="9000")
        return serial

    def disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            for step in (connection.disconnect, getattr(connection, "release", lambda: None)):
                try:
                    step()  # release() too, or pyscard releases the context in __del__ after pcscd is gone
                except Exception:  # the card, the reader or the service is already gone
                    pass

    def _connect(self):
        if self._connection is not None:
            return self._connection
        _, Exceptions = _pyscard()
        connection = self._reader().createConnection()
        try:
            connection.connect()
        except Exceptions.NoCardException as exc:
            raise CardNotPresent("no card on the PC/SC reader", device="pcsc") from exc
        except Exceptions.CardConnectionException as exc:
            raise CardNotPresent(f"card not reachable: {exc}", device="pcsc") from exc
        self._connection = connection
        return connection
