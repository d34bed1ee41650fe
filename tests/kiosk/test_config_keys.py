"""A kiosk config reads the hall's ticket key; an old file's person_index_key (the server's blind-index key,
issue 18) is not used, and the log says to provision the dispenser again."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kiosk.config import load


def test_the_ticket_key_is_read_and_the_old_index_key_ignored(tmp_path: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "dispenser.toml"
    path.write_text('[kiosk]\nserver = "http://h:1"\nticket_key = "' + "ab" * 32 + '"\n', encoding="utf-8")
    assert load(path, "dispenser").ticket_key == bytes.fromhex("ab" * 32)
    path.write_text('[kiosk]\nserver = "http://h:1"\nperson_index_key = "' + "cd" * 32 + '"\n', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="govhall.kiosk"):
        config = load(path, "dispenser")
    assert config.ticket_key is None and not hasattr(config, "person_index_key")
    assert "provision this dispenser again" in caplog.text


def test_the_follow_url_defaults_to_the_servers_phone_page(tmp_path: Path) -> None:
    """Issue 17: a dispenser file written before provisioning set follow_url prints the ticket's phone page
    (/m/q/<ticket id>, what server/api/citizen_pages.py serves) on its own server; a hall's public address
    written in the file wins."""
    path = tmp_path / "dispenser.toml"
    path.write_text('[kiosk]\nserver = "http://h:1/"\n', encoding="utf-8")
    assert load(path, "dispenser").follow_url.format(ticket="abc") == "http://h:1/m/q/abc"
    assert load(path, "display").follow_url == ""  # only a dispenser prints tickets
    path.write_text('[kiosk]\nserver = "http://h:1"\nfollow_url = "https://hall.example.cn/m/q/{ticket}"\n',
                    encoding="utf-8")
    assert load(path, "dispenser").follow_url == "https://hall.example.cn/m/q/{ticket}"


def test_the_dispenser_prints_under_the_halls_public_url_once_synced() -> None:
    """Issue 17: the hall's public base URL (synced with the hall) wins over the provisioned follow_url; unset
    or not valid (checked again on the device), the provisioned one stays."""
    from kiosk.dispenser import follow_template_for
    configured = "http://10.0.0.5:8765/m/q/{ticket}"
    assert follow_template_for("", configured) == configured
    assert follow_template_for("https://zwfw.example.cn/", configured) == "https://zwfw.example.cn/m/q/{ticket}"
    assert follow_template_for("https://zwfw.example.cn/../x", configured) == configured
    assert follow_template_for("", "") == ""
