"""The evaluator shows the photo the admin uploaded for the clerk at its window: uploaded through the admin API,
read by the evaluator with its own token (If-None-Match on the next change of clerk), kept in its cache so it
shows offline too; a clerk without a photo keeps the surname placeholder. The evaluator reads the photo of the
clerk on its window's badge only: another staff member's answers as no photo."""

from __future__ import annotations

import base64
import datetime as dt
import uuid

import requests
from sqlalchemy import select

from gui.qt import QBuffer, QByteArray, QColor, QImage, QIODevice, QPainter, Qt
from kiosk.services.rating import RatingDesk
from kiosk.services.reference import Clerk, load_directory
from kiosk.services.staff_photos import StaffPhotos
from server.queue.badges import TABLE, badge_row
from server.sync import changes
from shared.db.models import StaffUser
from tests.kiosk.test_evaluator import evaluator, publish_ticket  # noqa: F401  (fixture)


def portrait_png() -> bytes:
    """A small portrait: a face on a blue background, as an ID-style staff photo."""
    image = QImage(220, 280, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a6ea5"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#f1c9a5"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(60, 50, 100, 120)
    painter.setBrush(QColor("#1b2430"))
    painter.drawRect(30, 200, 160, 80)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def admin_token(url: str) -> str:
    r = requests.post(f"{url}/api/v1/auth/login", json={"username": "admin", "password": "GovHall@2026"},
                      timeout=10)
    return r.json()["token"]


def staff_id(url: str, token: str, hall_id: int, username: str) -> int:
    listed = requests.get(f"{url}/api/v1/admin/halls/{hall_id}/staff", headers={"Authorization": f"Bearer {token}"},
                          timeout=10).json()
    return next(s["id"] for s in listed if s["username"] == username)


def seat_on_server(db, hall_id: int, window_id: int, username: str, at: dt.datetime) -> None:  # noqa: ANN001
    """What the server publishes when this clerk calls at the window (server.queue.badges)."""
    with db.session() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.username == username)).one()
        changes.publish(session, hall_id, f"hall:{hall_id}", TABLE, str(window_id),
                        badge_row(user, hall_id=hall_id, window_id=window_id, day=at.date()),
                        now=at.astimezone(dt.timezone.utc))


def upload(url: str, token: str, user_id: int, photo: bytes) -> None:
    r = requests.put(f"{url}/api/v1/admin/staff/{user_id}/photo",
                     headers={"Authorization": f"Bearer {token}"},
                     json={"content_type": "image/png", "data": base64.b64encode(photo).decode()}, timeout=10)
    assert r.status_code == 204, r.text


def test_the_clerks_photo_shows_and_stays_offline(qtbot, evaluator, hall, now, screenshot) -> None:  # noqa: ANN001, F811
    window, desk, network = evaluator
    db, url, hall_id, _ = hall
    token = admin_token(url)
    user_id = staff_id(url, token, hall_id, "clerk")
    photo = portrait_png()
    upload(url, token, user_id, photo)
    seat_on_server(db, hall_id, desk.window_id, "clerk", now[0])
    desk.sync.sync_once()  # the badge arrives (and the ticket below)
    assert desk.sync.confirmed("window_badge")[str(desk.window_id)]["user_id"] == user_id
    publish_ticket(desk.sync, hall_id, desk.window_id, "serving", str(uuid.uuid4()), 1, now[0])
    qtbot.waitUntil(lambda: window.clerk.has_photo, timeout=5000)
    shown = window.clerk.photo.pixmap()
    assert window.clerk.name.text() == "王晓敏" and window.clerk.photo.text() == ""
    assert not shown.isNull() and shown.toImage().pixelColor(5, 5).name() == "#3a6ea5"  # the uploaded picture
    screenshot(window, "evaluator/clerk-photo")
    qtbot.waitUntil(lambda: StaffPhotos(desk.sync).cached(user_id) == photo, timeout=3000)  # kept for offline
    # offline, a restarted evaluator still names the clerk (the badge kept in its cache) and shows the photo
    network.down = True
    restarted = RatingDesk(desk.sync, load_directory(desk.sync.engine), desk.window_id, now=lambda: now[0])
    assert restarted.clerk_at_window() == Clerk("王晓敏", "DG0101", user_id)
    fetched, changed = StaffPhotos(desk.sync).fetch(user_id)
    assert (fetched, changed) == (photo, False)
    network.down = False
    # online and unchanged: the server answers 304 and the kept photo is used
    assert StaffPhotos(desk.sync).fetch(user_id) == (photo, False)


def test_only_the_photo_of_the_clerk_at_its_window(evaluator, hall, now) -> None:  # noqa: ANN001, F811
    _, desk, _ = evaluator
    db, url, hall_id, windows = hall
    token = admin_token(url)
    clerk, other = staff_id(url, token, hall_id, "clerk"), staff_id(url, token, hall_id, "supervisor")
    for user_id in (clerk, other):
        upload(url, token, user_id, portrait_png())
    photos = StaffPhotos(desk.sync)
    assert photos.fetch(clerk) == (None, False)  # nobody has served at its window yet
    seat_on_server(db, hall_id, windows[0], "clerk", now[0])  # at another window
    assert photos.fetch(clerk) == (None, False)
    seat_on_server(db, hall_id, desk.window_id, "clerk", now[0])
    assert photos.fetch(clerk) == (portrait_png(), True)
    assert photos.fetch(other) == (None, False)  # not at this window: as if there were none
    seat_on_server(db, hall_id, desk.window_id, "supervisor", now[0])  # the next clerk takes the window
    assert photos.fetch(other) == (portrait_png(), True)
    assert photos.fetch(clerk) == (None, False)


def test_a_clerk_without_a_photo_shows_the_surname(qtbot, evaluator, hall, now) -> None:  # noqa: ANN001, F811
    window, desk, _ = evaluator
    publish_ticket(desk.sync, hall[2], desk.window_id, "serving", str(uuid.uuid4()), 1, now[0])
    qtbot.waitUntil(lambda: window.clerk.name.text() == "王晓敏", timeout=3000)
    qtbot.wait(300)  # the server's answer (no_photo) has arrived
    assert window.clerk.photo.text() == "王" and not window.clerk.has_photo
    user_id = desk.clerk_at_window().user_id
    assert StaffPhotos(desk.sync).fetch(user_id) == (None, False)


def test_a_removed_or_unreadable_photo_is_not_kept(hall, cache, monkeypatch) -> None:  # noqa: ANN001
    """The shared rule checks what arrives: anything but a PNG or JPEG is dropped, the kept one stays."""
    from shared.sync.transport import Reply
    from tests.kiosk.conftest import make_device
    sync, _ = make_device(hall, cache, "evaluator", window_index=2)
    photos = StaffPhotos(sync)
    photos.keep(7, portrait_png())
    monkeypatch.setattr(sync, "call", lambda *a, **k: Reply(200, b"GIF89a" + b"\x00" * 10))
    assert photos.fetch(7) == (portrait_png(), False)
    monkeypatch.setattr(sync, "call", lambda *a, **k: Reply(404, {"error": {"code": "no_photo"}}))
    assert photos.fetch(7) == (None, True)
    photos.keep(7, None)
    assert photos.cached(7) is None
