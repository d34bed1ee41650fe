"""The citizens' phone pages under load: `python -m bench.citizen [--phones 200] [--each 10] [--workers 1]`.

Starts the real server (`python -m server serve`, bench.load_server) on a fresh demo database, then:
- page weight: the bytes of the page, its script and its style sheet as served;
- first render: a headless Chromium at 360×740 opens /m/?hall=… on loopback; first-contentful-paint and
  DOMContentLoaded from the browser's performance timing (median of 3 loads; skipped without a browser);
- bookings: `--phones` simulated phones at once, each opening the page (CSRF cookie), then `--each` times
  asking a captcha and booking a slot through /api/v1/citizen/bookings with its own ID number.
All phones come from 127.0.0.1, so the hall's per-client hourly allowance is raised first through the admin
API (it is a per-address limit: 200 phones behind one address would otherwise be 30 bookings an hour).
`--db pg` runs the server on a throw-away PostgreSQL schema (GOVHALL_TEST_PG_URL), as bench.load does.
Last line: page_bytes=<n> fcp_ms=<ms> dcl_ms=<ms> bookings_per_s=<n> ok=<n> refused=<n> errors=<n>"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

from bench.load_server import API, LoadServer
from bench.day import WORKING_DAY
from shared.validation import resident_id_check_character

HALL = "DG-HALL-1"
RETRIES = 5


def person(n: int) -> str:
    """A distinct valid resident ID for every n (a thousand a birth day from 1980-01-01)."""
    born = dt.date(1980, 1, 1) + dt.timedelta(days=n // 1000)
    first17 = f"441900{born:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_character(first17)


def open_up(srv: LoadServer) -> None:
    """Per-client allowance and slot capacity high enough for every phone on one address."""
    admin = {"Authorization": f"Bearer {srv.admin_token}"}
    rules = requests.get(f"{srv.base}{API}/queue/halls/{srv.hall_id}/config", timeout=30).json()["rules"]
    rules["appointment"].update(requests_per_client_per_hour=1_000_000, capacity_per_slot=100_000,
                                bookings_per_person_per_day=100, per_person_daily_limit=1)
    r = requests.put(f"{srv.base}{API}/queue/admin/halls/{srv.hall_id}/rules", json=rules, headers=admin, timeout=30)
    r.raise_for_status()


def page_bytes(base: str) -> int:
    return sum(len(requests.get(base + path, timeout=30).content)
               for path in (f"/m/?hall={HALL}", "/m/static/app.js", "/m/static/app.css"))


def first_render(base: str) -> tuple[float | None, float | None]:
    from tests.browser import browser_available, open_browser
    if browser_available():
        return None, None
    driver = open_browser((360, 740))
    fcp, dcl = [], []
    try:
        for _ in range(3):
            driver.get(f"{base}/m/?hall={HALL}")
            time.sleep(0.5)
            fcp.append(driver.execute_script(
                "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : null"))
            dcl.append(driver.execute_script(
                "const n = performance.getEntriesByType('navigation')[0]; return n.domContentLoadedEventEnd"))
    finally:
        driver.quit()
    return statistics.median(x for x in fcp if x is not None), statistics.median(dcl)


def slots(srv: LoadServer) -> list[tuple[int, str]]:
    """(business, slot start) pairs far enough ahead: the hall's unlimited business on the coming days."""
    info = requests.get(f"{srv.base}{API}/citizen/halls/{HALL}", timeout=30).json()
    business = next(b["id"] for b in info["businesses"] if b["prefix"] == "F")
    out = []
    for day in info["days"][1:]:  # working days only (the hall's calendar)
        for s in requests.get(f"{srv.base}{API}/queue/businesses/{business}/slots", params={"day": day},
                              timeout=30).json():
            out.append((business, s["start"]))
    return out


def phone(base: str, n: int, each: int, offers: list[tuple[int, str]], tally: Counter, lock: threading.Lock) -> None:
    s = requests.Session()
    s.get(f"{base}/m/?hall={HALL}", timeout=60)
    token = s.cookies.get("gh_csrf")
    for i in range(each):
        pid = n * each + i
        business, start = offers[pid % len(offers)]
        try:
            for attempt in range(RETRIES + 1):
                c = s.get(f"{base}{API}/citizen/captcha", timeout=60).json()
                a, b = map(int, re.findall(r"\d+", c["question"]))
                r = s.post(f"{base}{API}/citizen/bookings", headers={"X-CSRF-Token": token}, timeout=60, json={
                    "business_id": business, "slot_start": start, "id_number": person(pid + 1), "name": "测试",
                    "captcha_token": c["token"], "captcha_answer": str(a + b)})
                if r.status_code != 503 or attempt == RETRIES:
                    break
                with lock:
                    tally["retried_503"] += 1
                time.sleep(0.2 * (attempt + 1))  # the server said busy: try again, as bench.load's devices do
            outcome = "ok" if r.status_code == 201 else r.json().get("error", {}).get("code", str(r.status_code))
        except (requests.RequestException, ValueError) as exc:
            outcome = f"error:{type(exc).__name__}"
        with lock:
            tally[outcome] += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.citizen", description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--each", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--db", choices=("sqlite", "pg"), default="sqlite")
    parser.add_argument("--day", type=dt.date.fromisoformat, default=WORKING_DAY)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-citizen-") as tmp:
        srv = LoadServer("postgresql" if args.db == "pg" else "sqlite", Path(tmp), args.day, args.workers)
        srv.start()
        try:
            open_up(srv)
            weight = page_bytes(srv.base)
            print(f"page weight: {weight} bytes (HTML + JS + CSS, uncompressed)")
            fcp, dcl = first_render(srv.base)
            print(f"first render on loopback: first-contentful-paint {fcp} ms, DOMContentLoaded {dcl} ms")
            offers = slots(srv)
            tally: Counter = Counter()
            lock = threading.Lock()
            threads = [threading.Thread(target=phone, args=(srv.base, n, args.each, offers, tally, lock))
                       for n in range(args.phones)]
            began = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - began
            errors = srv.server_errors()
            load = os.getloadavg()
        finally:
            srv.close()
    retried = tally.pop("retried_503", 0)
    ok = tally.pop("ok", 0)
    failed = sum(n for k, n in tally.items() if k.startswith("error:"))
    print(f"{args.phones} phones × {args.each} bookings in {elapsed:.1f} s; refusals and errors: {dict(tally)}; "
          f"server exceptions: {errors or 'none'}; 503 busy answers retried: {retried}; "
          f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"page_bytes={weight} fcp_ms={fcp if fcp is None else round(fcp)} dcl_ms={dcl if dcl is None else round(dcl)} "
          f"bookings_per_s={ok / elapsed:.1f} ok={ok} refused={sum(tally.values()) - failed} errors={failed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
