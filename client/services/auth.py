"""Signing in: online through the server, or offline with the workstation's stored verifier when (and only
when) the server cannot be reached. A refusal from the server is final: it never falls back to offline. The
same holds for keypad login (staff number digits + PIN, shared.pins)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from client.services.offline_logins import OfflineLoginStore
from shared.errors import DomainError
from shared.pins import PIN_PATTERN, check_pin, keypad_number

TIMEOUT = (3.05, 10)  # connect, read
UNLOCK_CODES = {"offline_wrong_password": "unlock_wrong_password", "offline_locked": "unlock_locked",
                "offline_unknown_user": "unlock_unavailable", "offline_expired": "unlock_unavailable",
                "offline_account_disabled": "account_disabled"}


class LoginRefused(DomainError):
    """The server (or the offline store) said no. `code` is the server's error code."""
    code = "login_refused"


@dataclass(frozen=True)
class StaffSession:
    username: str
    display_name: str
    staff_no: str
    roles: tuple[str, ...]
    hall_id: int | None
    department_id: int | None
    token: str | None  # None when signed in offline
    offline: bool
    must_change_password: bool = False  # the server allows nothing else until it is changed
    idle_lock_minutes: float = 10       # the screen locks after this long without input
    # Signed in offline: the online sign-in with what the member typed, for the sync client to make once the
    # server answers (a staff token; None while it cannot be reached; LoginRefused when it says no).
    sign_in_online: Callable[[], str | None] | None = field(default=None, repr=False, compare=False)

    @property
    def primary_role(self) -> str:
        for role in ("admin", "supervisor", "leader", "approver", "clerk"):
            if role in self.roles:
                return role
        return self.roles[0] if self.roles else ""


class AuthService:
    def __init__(self, server_url: str, offline: OfflineLoginStore, *, http: requests.Session | None = None,
                 device_id: str | None = None, clock: Callable[[], dt.datetime] | None = None,
                 pins: OfflineLoginStore | None = None) -> None:
        self.server_url = server_url.rstrip("/")
        self.offline = offline
        self.pins = pins  # keypad-login PIN verifiers, keyed by the staff number's digits
        self.http = http or requests.Session()
        self.device_id = device_id
        self.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))

    def login(self, username: str, password: str) -> StaffSession:
        username = username.strip()
        if not username or not password:
            raise LoginRefused("username and password are required", code="missing_credentials")
        body = {"username": username, "password": password}
        if self.device_id:
            body["device_id"] = self.device_id
        try:
            response = self.http.post(f"{self.server_url}/api/v1/auth/login", json=body, timeout=TIMEOUT)
        except requests.RequestException:
            return self._offline(username, password)
        if response.status_code >= 500:
            return self._offline(username, password)
        if response.status_code != 200:
            error = _error(response)
            raise LoginRefused(error.get("message", "login refused"), code=error.get("code", "login_refused"),
                               **(error.get("details") or {}))
        payload = response.json()
        user = payload["user"]
        must_change = bool(payload.get("password_change_required"))
        if not must_change:  # a temporary password never becomes an offline login
            self.offline.remember(username, password, user, self.clock())
        return _session(user, payload["token"], offline=False, must_change=must_change,
                        idle_lock_minutes=float(payload.get("idle_lock_minutes") or 10))

    def change_password(self, session: StaffSession, current: str, new: str) -> StaffSession:
        """Change the signed-in member's password on the server; the offline login follows the new one."""
        if session.token is None:
            raise LoginRefused("a password is changed online only", code="change_needs_server")
        try:
            response = self.http.post(f"{self.server_url}/api/v1/auth/password", json={
                "current_password": current, "new_password": new},
                headers={"Authorization": f"Bearer {session.token}"}, timeout=TIMEOUT)
        except requests.RequestException:
            raise LoginRefused("the server cannot be reached", code="change_needs_server") from None
        if response.status_code != 204:
            error = _error(response)
            raise LoginRefused(error.get("message", "refused"), code=error.get("code", "password_refused"),
                               **(error.get("details") or {}))
        profile = {"username": session.username, "display_name": session.display_name,
                   "staff_no": session.staff_no, "roles": list(session.roles), "hall_id": session.hall_id,
                   "department_id": session.department_id}
        self.offline.remember(session.username, new, profile, self.clock())
        return dataclasses.replace(session, must_change_password=False)

    def unlock(self, session: StaffSession, password: str) -> None:
        """The screen lock: the member's own password, checked against the workstation's stored verifier, so
        it works offline too (failures lock it as an offline login would). Raises LoginRefused when wrong."""
        try:
            self.offline.verify(session.username, password, self.clock())
        except DomainError as exc:
            code = UNLOCK_CODES.get(exc.code, exc.code)
            raise LoginRefused(exc.message, code=code, **exc.details) from None

    def login_pin(self, staff_no: str, pin: str) -> StaffSession:
        """Keypad login: the digits of a staff number and a PIN; offline from the PIN store when (and only when)
        the server cannot be reached."""
        if not staff_no.isdigit() or not re.match(PIN_PATTERN, pin):
            raise LoginRefused("staff number digits and a 4-8 digit PIN are required", code="missing_credentials")
        body = {"staff_no": staff_no, "pin": pin}
        if self.device_id:
            body["device_id"] = self.device_id
        try:
            response = self.http.post(f"{self.server_url}/api/v1/auth/pin-login", json=body, timeout=TIMEOUT)
        except requests.RequestException:
            return self._offline_pin(staff_no, pin)
        if response.status_code >= 500:
            return self._offline_pin(staff_no, pin)
        if response.status_code != 200:
            error = _error(response)
            raise LoginRefused(error.get("message", "login refused"), code=error.get("code", "login_refused"),
                               **(error.get("details") or {}))
        payload = response.json()
        if self.pins is not None:
            self.pins.remember(staff_no, pin, payload["user"], self.clock())
        return _session(payload["user"], payload["token"], offline=False)

    def set_pin(self, session: StaffSession, password: str, pin: str) -> None:
        """Set the signed-in staff member's PIN on the server (online only) and keep its offline verifier."""
        check_pin(pin)
        if session.token is None:
            raise LoginRefused("a PIN can only be set while online", code="pin_needs_server")
        try:
            response = self.http.put(f"{self.server_url}/api/v1/auth/pin", json={"password": password, "pin": pin},
                                     headers={"Authorization": f"Bearer {session.token}"}, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise LoginRefused("the server cannot be reached", code="pin_needs_server") from exc
        if response.status_code != 204:
            error = _error(response)
            raise LoginRefused(error.get("message", "refused"), code=error.get("code", "login_refused"))
        if self.pins is not None:
            profile = {"username": session.username, "display_name": session.display_name,
                       "staff_no": session.staff_no, "roles": list(session.roles), "hall_id": session.hall_id,
                       "department_id": session.department_id}
            self.pins.remember(keypad_number(session.staff_no), pin, profile, self.clock())

    def _offline_pin(self, staff_no: str, pin: str) -> StaffSession:
        if self.pins is None:
            raise LoginRefused("the server cannot be reached", code="offline_unknown_user")
        session = _session(self.pins.verify(staff_no, pin, self.clock()), None, offline=True)
        return dataclasses.replace(session, sign_in_online=self._later("pin-login", {"staff_no": staff_no,
                                                                                     "pin": pin}))

    def _offline(self, username: str, password: str) -> StaffSession:
        profile = self.offline.verify(username, password, self.clock())
        session = _session(profile, None, offline=True)
        return dataclasses.replace(session, sign_in_online=self._later("login", {"username": username,
                                                                                 "password": password}))

    def online_sign_in(self, username: str, password: str) -> Callable[[], str | None]:
        """A sign-in for the sync client to make on its own thread before its next cycle (SyncClient.staff_login):
        after the server refused the session's token (idle too long), the password typed at the screen lock."""
        return self._later("login", {"username": username, "password": password})

    def _later(self, route: str, body: dict) -> Callable[[], str | None]:
        """The online sign-in an offline one stands for, made when the server answers; the credentials are kept
        in memory only until it succeeds."""
        if self.device_id:
            body = {**body, "device_id": self.device_id}
        kept = {"body": body}

        def sign_in() -> str | None:
            try:
                response = self.http.post(f"{self.server_url}/api/v1/auth/{route}", json=kept["body"],
                                          timeout=TIMEOUT)
            except requests.RequestException:
                return None
            if response.status_code >= 500:
                return None
            if response.status_code != 200:
                error = _error(response)
                raise LoginRefused(error.get("message", "login refused"), code=error.get("code", "login_refused"))
            kept["body"] = None
            return response.json()["token"]
        return sign_in


def _error(response: requests.Response) -> dict:
    try:
        return response.json().get("error") or {}
    except ValueError:
        return {"code": f"http_{response.status_code}", "message": response.text[:200]}


def _session(user: dict, token: str | None, *, offline: bool, must_change: bool = False,
             idle_lock_minutes: float = 10) -> StaffSession:
    return StaffSession(username=user["username"], display_name=user["display_name"], staff_no=user["staff_no"],
                        roles=tuple(user["roles"]), hall_id=user.get("hall_id"),
                        department_id=user.get("department_id"), token=token, offline=offline,
                        must_change_password=must_change, idle_lock_minutes=idle_lock_minutes)


def offline_stores(data_dir: Path) -> tuple[OfflineLoginStore, OfflineLoginStore]:
    """A workstation's offline password verifiers and PIN verifiers, in its data directory."""
    return (OfflineLoginStore(data_dir / "offline_logins.json"),
            OfflineLoginStore(data_dir / "offline_pins.json", wrong_code="offline_wrong_pin"))


def workstation_auth(workstation, http=None) -> AuthService:  # noqa: ANN001  (a Workstation)
    """The workstation's AuthService: its server (through `http`, e.g. a session pinned to the hall CA), its
    offline password and PIN verifiers."""
    passwords, pins = offline_stores(workstation.data_dir)
    return AuthService(workstation.server_url, passwords, device_id=workstation.device_id, http=http, pins=pins)
