"""GA 467 status byte SW3 → typed errors. Every code a reader documents maps to its own class and `code`."""

from __future__ import annotations

from drivers.core.errors import (CardError, CardNotPresent, ChecksumError, DeviceError, FrameError,
                                 ProtocolError)


class CardSelectFailed(CardError):
    code = "idcard_select_failed"


class CardReadFailed(CardError):
    code = "idcard_read_failed"


class CardAuthFailed(CardError):
    code = "idcard_auth_failed"


class CardVerifyFailed(CardError):
    code = "idcard_verify_failed"


class WrongCard(CardError):
    code = "idcard_wrong_card"


class NoSuchContent(CardError):
    code = "idcard_no_such_content"


class CardDataError(CardError):
    """The text block was read but its content is not a valid card record (bad date, bad ID number...)."""

    code = "idcard_bad_data"


class ReaderChecksumError(ChecksumError):
    """The reader says OUR frame had a bad checksum (SW3 10)."""

    code = "idcard_reader_checksum_error"


class ReaderLengthError(FrameError):
    code = "idcard_reader_length_error"


class UnknownCommand(ProtocolError):
    code = "idcard_bad_command"


class SamSelfTestFailed(DeviceError):
    code = "idcard_sam_self_test_failed"


class ReaderNotAuthorised(DeviceError):
    code = "idcard_reader_not_authorised"


class NoCard(CardNotPresent):
    code = "card_not_present"


class UnknownStatus(ProtocolError):
    code = "idcard_unknown_status"


STATUS_ERRORS: dict[int, tuple[type[DeviceError], str]] = {
    0x80: (NoCard, "no card on the reader"),
    0x81: (CardSelectFailed, "card selection failed"),
    0x41: (CardReadFailed, "reading the card failed"),
    0x31: (CardAuthFailed, "card authentication failed (card to SAM)"),
    0x32: (CardAuthFailed, "card authentication failed (SAM to card)"),
    0x33: (CardVerifyFailed, "information verification error"),
    0x40: (WrongCard, "not a resident ID card"),
    0x10: (ReaderChecksumError, "reader received a frame with a bad checksum"),
    0x11: (ReaderLengthError, "reader received a frame with a bad length"),
    0x21: (UnknownCommand, "reader does not know the command"),
    0x60: (SamSelfTestFailed, "SAM self-test failed"),
    0x66: (ReaderNotAuthorised, "reader is not authorised"),
    0x91: (NoSuchContent, "the card has no such content"),
}


def error_for_status(sw3: int) -> DeviceError:
    cls, message = STATUS_ERRORS.get(sw3, (UnknownStatus, "unknown reader status"))
    return cls(f"{message} (SW3 {sw3:02X})", device="idcard", status=sw3)
