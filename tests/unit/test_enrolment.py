"""shared/enrolment.py, the one place a kiosk and the desktop client redeem a scanned registration code: what
is refused before the network is used, what a refusal from the server becomes, and the file written with the
server's answer keeping the device's own sections, owner-only."""

from __future__ import annotations

import stat
import tomllib

import pytest

from shared.enrolment import EnrolFailed, merged, redeem, write_private
from shared.protocol.registration import REGISTER_PATH, RegistrationQr
from shared.sync.transport import Reply, TransportError

CODE = "A" * 32


def qr(kind: str) -> str:
    return RegistrationQr("http://10.0.0.5:8765", "DG-HALL-1", kind, CODE).text()


def test_a_code_for_another_kind_is_refused_without_asking_the_server() -> None:
    asked = []
    with pytest.raises(EnrolFailed) as refused:
        redeem(qr("dispenser"), ("clerk", "approver"), lambda *a: asked.append(a))
    assert refused.value.code == "registration_kind_mismatch" and "approver or clerk" in refused.value.message
    assert asked == []
    with pytest.raises(EnrolFailed) as damaged:
        redeem("GOVHALL-REG:{not json", ("clerk",), lambda *a: asked.append(a))
    assert damaged.value.code == "registration_qr_invalid" and asked == []


def test_the_code_goes_to_the_server_it_names_and_its_refusals_keep_their_code() -> None:
    asked = []

    def post(server: str, path: str, body: dict) -> Reply:
        asked.append((server, path, body))
        return Reply(201, {"config": "[workstation]\ndevice_id = \"d\"\n"})
    assert redeem(qr("approver"), ("clerk", "approver"), post).startswith("[workstation]")
    assert asked == [("http://10.0.0.5:8765", REGISTER_PATH, {"code": CODE, "kind": "approver"})]
    used = Reply(409, {"error": {"code": "registration_code_used", "message": "该登记码已使用"}})
    with pytest.raises(EnrolFailed) as refused:
        redeem(qr("clerk"), ("clerk",), lambda *a: used)
    assert (refused.value.code, refused.value.message) == ("registration_code_used", "该登记码已使用")
    with pytest.raises(EnrolFailed) as odd:
        redeem(qr("clerk"), ("clerk",), lambda *a: Reply(201, ["not", "a", "config"]))
    assert odd.value.code == "http_201"

    def down(*_: object) -> Reply:
        raise TransportError("connection refused")
    with pytest.raises(EnrolFailed) as unreachable:
        redeem(qr("clerk"), ("clerk",), down)
    assert unreachable.value.code == "enrol_server_unreachable"


def test_the_written_file_keeps_the_devices_sections_and_is_owner_only(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "workstation.toml"
    path.write_text('[workstation]\nlarge_type = true\n[scanner]\nport = "/dev/ttyACM0"\n', encoding="utf-8")
    path.chmod(0o644)
    given = '[workstation]\nserver = "http://10.0.0.5:8765"\ndevice_id = "ws-9"\ndevice_token = "t"\nwindow = 3\n'
    write_private(path, merged(path, given, "workstation", "registered\nkeep it private"))
    written = tomllib.loads(path.read_text(encoding="utf-8"))
    assert written["workstation"] == {"large_type": True, "server": "http://10.0.0.5:8765", "device_id": "ws-9",
                                      "device_token": "t", "window": 3}
    assert written["scanner"] == {"port": "/dev/ttyACM0"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not path.with_name("workstation.toml.new").exists()


def test_the_client_redeems_exactly_the_kinds_provisioning_makes_workstations_of() -> None:
    from client.services.workstation import CLIENT_KINDS
    from server.sync.provisioning import KINDS
    assert set(CLIENT_KINDS) == {k.name for k in KINDS.values() if k.device_kind == "workstation"}
