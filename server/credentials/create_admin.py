"""`python -m server create-admin --username NAME [--hall CODE] [--name 显示名]`: an admin account made (or an
existing one's password reset) on the server's database. The password is read twice from the terminal, or
from stdin with --password-stdin; it must meet the policy and must be changed at the first login."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys

from sqlalchemy import select

from server.core.settings import Settings
from server.credentials.passwords import PasswordRefused, set_password
from server.credentials.sessions import revoke_all
from server.store.audit import audit
from server.store.database import Database
from shared.db.models import Hall, StaffRole, StaffUser


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("new password: ")
    if getpass.getpass("again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def run(args: argparse.Namespace, settings: Settings, database: Database) -> int:
    try:
        password = _password(args)
    except (ValueError, EOFError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    now = dt.datetime.now(dt.timezone.utc)
    try:
        with database.session() as session:
            hall_id = None
            if args.hall:
                hall = session.scalars(select(Hall).filter_by(code=args.hall)).one_or_none()
                if hall is None:
                    raise LookupError(f"no hall with code {args.hall}")
                hall_id = hall.id
            user = session.scalars(select(StaffUser).filter_by(username=args.username)).one_or_none()
            created = user is None
            if created:
                user = StaffUser(username=args.username, display_name=args.name,
                                 staff_no=args.staff_no or args.username,
                                 hall_id=hall_id, active=True, password_hash="", failed_attempts=0)
                session.add(user)
                session.flush()
                session.add(StaffRole(user_id=user.id, role="admin"))
            elif "admin" not in user.role_names:
                raise LookupError(f"{args.username} exists and is not an admin")
            set_password(session, user, password, settings=settings, now=now, must_change=True)
            user.active = True
            revoke_all(session, user.id)
            audit(session, action="staff.create_admin", outcome="created" if created else "reset", actor="cli",
                  target=user.username)
    except PasswordRefused as exc:
        print(f"error: password refused: {', '.join(exc.details['problems'])} (at least "
              f"{settings.password_min_length} characters of {settings.password_min_classes} kinds: lower case, "
              "upper case, digits, others; not one of the last ones)", file=sys.stderr)
        return 2
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"admin {args.username} {'created' if created else 'password reset'}; "
          "the password must be changed at the first login")
    return 0
