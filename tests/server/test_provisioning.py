"""Provisioning a real installation's devices: the admin API and `python -m server provision` register the
device and hand back the config file the kiosk / client read; the device can sync with it at once."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from client.services.workstation import load_workstation
from kiosk.config import load as load_kiosk_config
from tests.fixtures.server import login

ROOT = Path(__file__).resolve().parents[2]
URL = "http://10.0.0.5:8765"


def _provision(client, headers, **body):  # noqa: ANN001, ANN201
    return client.post("/api/v1/sync/provision", json={"hall": "DG-HALL-1", "server": URL, **body}, headers=headers)


@pytest.mark.parametrize("kind,window,mode", [("dispenser", None, "dispenser"), ("display", None, "display"),
                                              ("evaluator", 1, "evaluator")])
def test_a_kiosk_config_is_what_the_kiosk_reads_and_its_token_pulls_the_hall(client, tmp_path, kind, window,
                                                                             mode) -> None:  # noqa: ANN001
    admin = login(client)
    r = _provision(client, admin, kind=kind, window=window,
                   devices={"printer": {"transport": "network", "host": "127.0.0.1", "port": 9100}}
                   if kind == "dispenser" else {})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["file_name"] == f"{kind}.toml" and body["kind"] == kind
    path = tmp_path / body["file_name"]
    path.write_text(body["config"], encoding="utf-8")
    config = load_kiosk_config(path, mode)
    assert (config.server, config.device_id, config.hall, config.window) == (URL, body["device_id"], "DG-HALL-1",
                                                                             window or 0)
    if kind == "dispenser":
        assert config.devices["printer"].get("host") == "127.0.0.1" and config.devices["printer"].get_int("port", 0)
        # the ticket's QR code opens its phone page on this server (issue 17)
        assert 'follow_url = "http://10.0.0.5:8765/m/q/{ticket}"' in body["config"]
        assert config.follow_url.format(ticket="t-1") == f"{URL}/m/q/t-1"
    else:
        assert "follow_url" not in body["config"]
    pulled = client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {config.token}"})
    assert pulled.status_code == 200
    assert {c["table"] for c in pulled.json()["changes"]} >= {"hall", "window", "business"}
    assert body["scopes"] == pulled.json()["scopes"]
    assert (len(body["scopes"]) == 2) == (window is not None)  # an evaluator also reads its window's scope


def test_a_dispenser_config_holds_its_halls_ticket_key_never_the_blind_index_key(  # noqa: ANN001
        client, tmp_path, monkeypatch) -> None:
    """Issue 18: the blind-index key sat in every kiosk's config (a leak gave every case's ID number by brute
    force over the birth date); now the dispenser holds its hall's ticket key, derived one-way."""
    index_key = "22" * 32
    monkeypatch.setenv("GOVHALL_PII_KEYS", "k1:" + "11" * 16)
    monkeypatch.setenv("GOVHALL_PII_INDEX_KEY", index_key)
    body = _provision(client, login(client), kind="dispenser").json()
    assert index_key not in body["config"] and "person_index_key" not in body["config"]
    path = tmp_path / body["file_name"]
    path.write_text(body["config"], encoding="utf-8")
    config = load_kiosk_config(path, "dispenser")
    from shared.crypto.keys import keys_from_environment
    from shared.crypto.ticket_key import derive_ticket_key
    assert config.ticket_key == derive_ticket_key(keys_from_environment(), body["hall_id"])
    for kind, window in (("display", None), ("evaluator", 1)):  # no key at all for the others
        other = _provision(client, login(client), kind=kind, window=window).json()["config"]
        assert "key" not in other.replace("token", "")


def test_a_clerk_workstation_file_binds_the_window_and_registers_the_workstation(client, tmp_path,  # noqa: ANN001
                                                                                 monkeypatch) -> None:
    monkeypatch.setenv("GOVHALL_PII_KEYS", "k1:" + "11" * 16)
    monkeypatch.setenv("GOVHALL_PII_INDEX_KEY", "33" * 16)
    r = _provision(client, login(client), kind="clerk", window=1)
    assert r.status_code == 201, r.text
    assert r.json()["file_name"] == "workstation.toml"
    (tmp_path / "workstation.toml").write_text(r.json()["config"], encoding="utf-8")
    ws = load_workstation(tmp_path)
    assert ws.registered and ws.window_number == 1 and ws.server_url == URL
    assert ws.device_id == r.json()["device_id"]
    from shared.crypto.keys import keys_from_environment
    from shared.verification import derive_hall_key
    # the hall's key that signs notice QR codes offline (shared/verification.py), never the blind-index key
    assert ws.verify_key == derive_hall_key(keys_from_environment(), r.json()["hall_id"])
    assert keys_from_environment().index_key().hex() not in r.json()["config"]
    approver = _provision(client, login(client), kind="approver")
    assert approver.status_code == 201
    assert "window" not in tomllib.loads(approver.json()["config"])["workstation"]


@pytest.mark.parametrize("body,status,code", [
    ({"kind": "printer"}, 422, "device_kind_unknown"),
    ({"kind": "dispenser", "hall": "NO-SUCH-HALL"}, 422, "hall_unknown"),
    ({"kind": "evaluator"}, 422, "window_required"),
    ({"kind": "clerk", "window": 99}, 422, "window_unknown"),
    ({"kind": "display", "window": 1}, 422, "window_not_applicable"),
    ({"kind": "dispenser", "devices": {"fax": {"port": "/dev/ttyS0"}}}, 422, "device_section_unknown"),
    ({"kind": "display", "devices": {"identity_code": {"app_id": "x"}}}, 422, "device_section_unknown"),
])
def test_refusals_name_what_is_wrong(client, body, status, code) -> None:  # noqa: ANN001
    r = _provision(client, login(client), **body)
    assert (r.status_code, r.json()["error"]["code"]) == (status, code), r.text


def test_only_an_admin_provisions(client) -> None:  # noqa: ANN001
    r = _provision(client, login(client, "clerk"), kind="dispenser")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "role_required")
    r = _provision(client, {}, kind="dispenser")
    assert r.status_code == 401


def test_config_values_survive_quoting() -> None:
    from shared.config_toml import render_toml
    odd = 'a "quoted" \\ path\nwith 中文\t'
    text = render_toml({"kiosk": {"notice": odd, "n": 3, "on": True, "x": 1.5}}, header="two\nlines")
    assert tomllib.loads(text) == {"kiosk": {"notice": odd, "n": 3, "on": True, "x": 1.5}}


def _command(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GOVHALL_DATA_DIR": str(tmp_path),
           "GOVHALL_PII_KEYS": "k1:" + "11" * 16, "GOVHALL_PII_INDEX_KEY": "22" * 32}
    return subprocess.run([sys.executable, "-m", "server", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.slow
def test_the_provision_command_writes_a_private_ready_file(tmp_path: Path) -> None:
    assert _command(tmp_path, "load-demo").returncode == 0
    out = tmp_path / "kiosks" / "dispenser.toml"
    done = _command(tmp_path, "provision", "--kind", "dispenser", "--hall", "DG-HALL-1", "--out", str(out),
                    "--server", URL)
    assert done.returncode == 0, done.stderr
    assert f"config written to {out}" in done.stdout and "python -m kiosk --mode dispenser" in done.stdout
    assert out.stat().st_mode & 0o077 == 0
    config = load_kiosk_config(out, "dispenser")
    assert config.server == URL and config.hall == "DG-HALL-1" and config.token
    # The hall's ticket key (matches appointments and tickets by ID card), never the blind-index key itself.
    assert config.ticket_key and len(config.ticket_key) == 32 and config.ticket_key != bytes.fromhex("22" * 32)
    assert "22" * 32 not in out.read_text(encoding="utf-8")
    clerk = tmp_path / "clerk" / "workstation.toml"
    done = _command(tmp_path, "provision", "--kind", "clerk", "--hall", "DG-HALL-1", "--window", "1",
                    "--out", str(clerk))
    assert done.returncode == 0, done.stderr
    ws = load_workstation(clerk.parent)
    assert ws.registered and ws.window_number == 1 and ws.server_url == "http://127.0.0.1:8765"
    bad = _command(tmp_path, "provision", "--kind", "evaluator", "--hall", "DG-HALL-1", "--window", "42",
                   "--out", str(tmp_path / "e.toml"))
    assert bad.returncode == 2 and "window_unknown" in bad.stderr and not (tmp_path / "e.toml").exists()


@pytest.mark.parametrize("body,code", [
    ({"kind": "display", "server": "http://x\x7f"}, "server_url_invalid"),
    ({"kind": "display", "server": "http://x\n[kiosk]"}, "server_url_invalid"),
    ({"kind": "display", "server": "ftp://x"}, "server_url_invalid"),
    ({"kind": "display", "devices": {"printer": {"a = 1\n[kiosk]\ntoken": "x"}}}, "device_option_invalid"),
])
def test_values_that_would_break_the_config_file_are_refused(client, body: dict, code: str) -> None:  # noqa: ANN001
    """Issue 18: a DEL in the server URL or a key with a line break gave a config file no device could read."""
    r = client.post("/api/v1/sync/provision", json={"hall": "DG-HALL-1", "server": URL, **body},
                    headers=login(client))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == code


def test_every_string_value_is_written_as_valid_toml_and_the_hall_ca_is_handed_over(client, tmp_path) -> None:  # noqa: ANN001
    hostile = 'a\x7fb"\\\n[kiosk]\x01'
    r = _provision(client, login(client), kind="display", name=hostile, server_ca="/etc/govhall/hall-ca.pem",
                   devices={"printer": {"transport": "network", "host": hostile}})
    assert r.status_code == 201, r.text
    parsed = tomllib.loads(r.json()["config"])
    assert parsed["printer"]["host"] == hostile
    path = tmp_path / "display.toml"
    path.write_text(r.json()["config"], encoding="utf-8")
    assert load_kiosk_config(path, "display").server_ca == Path("/etc/govhall/hall-ca.pem")


def test_a_controller_file_lists_a_card_per_window_and_the_strip(client, tmp_path) -> None:  # noqa: ANN001
    """Without card sections the hall's windows are wired on one RS-485 bus (edited on site); with them, the
    admin's own cards are written as given; a section that is neither a card nor a device is refused."""
    from kiosk.controller.config import load as load_controller
    admin = login(client)
    r = _provision(client, admin, kind="controller")
    assert r.status_code == 201, r.text
    path = tmp_path / r.json()["file_name"]
    assert path.name == "controller.toml"
    path.write_text(r.json()["config"], encoding="utf-8")
    config = load_controller(path)
    assert config.kiosk.device_id == r.json()["device_id"] and config.kiosk.hall == "DG-HALL-1"
    windows = sorted(c.window for c in config.cards if c.role == "window")
    assert windows == list(range(1, 11))
    assert all(c.url == "/dev/ttyUSB0" and c.protocol == "bx" for c in config.cards)
    assert [c.address for c in config.cards if c.role == "strip"] == [200]
    pulled = client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {config.kiosk.token}"})
    assert pulled.status_code == 200 and pulled.json()["scopes"] == r.json()["scopes"]

    own = _provision(client, admin, kind="controller", devices={
        "card-w3": {"role": "window", "window": 3, "address": 3, "host": "10.0.0.53", "tcp_port": 5005}})
    assert own.status_code == 201, own.text
    path.write_text(own.json()["config"], encoding="utf-8")
    cards = load_controller(path).cards
    assert [(c.name, c.window, c.url) for c in cards] == [("w3", 3, "socket://10.0.0.53:5005")]

    bad = _provision(client, admin, kind="controller", devices={"screen-w3": {"window": 3}})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "device_section_unknown"
    not_here = _provision(client, admin, kind="display", devices={"card-w3": {"window": 3}})
    assert not_here.status_code == 422 and not_here.json()["error"]["code"] == "device_section_unknown"


@pytest.mark.slow
def test_the_cli_provisions_a_controller_on_the_given_led_port(tmp_path) -> None:  # noqa: ANN001
    from kiosk.controller.config import load as load_controller
    out = tmp_path / "controller.toml"
    assert _command(tmp_path, "load-demo").returncode == 0
    done = _command(tmp_path, "provision", "--kind", "controller", "--hall", "DG-HALL-1", "--out", str(out),
                    "--server", URL, "--led-port", "/dev/ttyS1")
    assert done.returncode == 0, done.stderr
    assert "python -m kiosk --mode controller --config" in done.stdout
    assert {c.url for c in load_controller(out).cards} == {"/dev/ttyS1"}


def test_a_dispenser_file_carries_the_identity_gateway(client) -> None:  # noqa: ANN001
    """粤省事码 / 粤商码: the provincial gateway's address and keys reach the dispenser's file (kiosk/identity)."""
    section = {"gateway": "https://gw.example/", "app_id": "dg-hall-1", "app_key": "5a" * 16,
               "gateway_public_key": "3059" + "ab" * 89, "timeout": 3}
    r = _provision(client, login(client), kind="dispenser", devices={"identity_code": section})
    assert r.status_code == 201, r.text
    assert tomllib.loads(r.json()["config"])["identity_code"] == section


def test_the_halls_public_url_is_the_base_of_the_follow_qr(client, tmp_path) -> None:  # noqa: ANN001
    """Issue 17: an admin sets the hall's public base URL; provisioning writes the dispenser's follow_url under
    it and the hall's synced row carries it (the dispenser prints under it without a new file); unset, the
    server's LAN address stays; a tricky address is refused with its reason and changes nothing."""
    admin = login(client)
    hall = next(h for h in client.get("/api/v1/halls").json() if h["code"] == "DG-HALL-1")
    assert hall["public_url"] == ""
    for bad, reason in (("https://hall.example.cn/../admin", "path"), ("https://u@evil.example", "userinfo"),
                        ("ftp://hall.example.cn", "scheme"), ("https://hall.example.cn/?x=1", "query")):
        r = client.patch(f"/api/v1/admin/halls/{hall['id']}", json={"public_url": bad}, headers=admin)
        assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_public_url"), r.text
        assert r.json()["error"]["details"]["reason"] == reason and "公网地址有误" in r.json()["error"]["message"]
    assert _provision(client, admin, kind="dispenser").json()["config"].count(f'"{URL}/m/q/{{ticket}}"') == 1
    r = client.patch(f"/api/v1/admin/halls/{hall['id']}", json={"public_url": "HTTPS://Zwfw.Example.cn/govhall/"},
                     headers=admin)
    assert r.status_code == 200 and r.json()["public_url"] == "https://zwfw.example.cn/govhall", r.text
    body = _provision(client, admin, kind="dispenser").json()
    path = tmp_path / body["file_name"]
    path.write_text(body["config"], encoding="utf-8")
    config = load_kiosk_config(path, "dispenser")
    assert config.server == URL  # the device still talks to the LAN address
    assert config.follow_url.format(ticket="t-1") == "https://zwfw.example.cn/govhall/m/q/t-1"
    pulled = client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {config.token}"}).json()
    row = [c["row"] for c in pulled["changes"] if c["table"] == "hall" and c["row"]["code"] == "DG-HALL-1"][-1]
    assert row["public_url"] == "https://zwfw.example.cn/govhall"
    client.patch(f"/api/v1/admin/halls/{hall['id']}", json={"public_url": ""}, headers=admin)
    assert f'"{URL}/m/q/{{ticket}}"' in _provision(client, admin, kind="dispenser").json()["config"]
