"""A connected demo hall in real processes: the server, the device simulators and the programs, each its own
process, provisioned through the admin API a real installation uses. Used by `installers/dev.sh run`
(installers/demo.py), its `--check` journey and the acceptance test, so all three start the hall the same way.

Everything lives under the data dir: `devices/` (the config files), `sim/` (the simulators' ptys, their
input pipes and the printer's capture), `logs/` (every process's output, the display's spoken texts)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from installers import faketime
from shared.china_time import CHINA_TZ

ROOT = Path(__file__).resolve().parent.parent
HALL = "DG-HALL-1"
WINDOW = 1
ADMIN = ("admin", "GovHall@2026")
LED_WINDOWS = tuple(range(1, 11))  # the demo hall's windows, each with its LED screen (card address = number)
LED_STRIP = 200                     # the hall strip's card
# What staff read in device lists and fault banners (设备故障：演示取号机：打印机缺纸).
# The demo's provincial identity gateway simulator (kiosk/identity/sim.py): the hall's app id and key there.
IDENTITY_APP_ID, IDENTITY_APP_KEY = "dg-hall-1-demo", "5a" * 16
SAMPLE_PERSON = "11010519491231002X"
DEVICE_NAMES = {"dispenser": "演示取号机", "display": "演示集中显示屏", "evaluator": f"演示评价器（{WINDOW}号窗口）",
                "clerk": f"演示窗口工作站（{WINDOW}号窗口）", "approver": "演示审批工作站", "supervisor": "演示督查工作站",
                "controller": "演示大厅控制器"}
CLIENTS = ("clerk", "approver", "supervisor")  # workstation clients, each on its own data dir
CHINA = CHINA_TZ  # shared.china_time: the one China time-zone constant


class HallError(RuntimeError):
    """The hall could not be started or a step of it failed; the message says which."""


def real_epoch() -> float:
    """The machine's real clock, even when this process runs under libfaketime (CI fakes the whole tree):
    a child without the preload tells it."""
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")}
    out = subprocess.run(["date", "+%s.%N"], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def pinned_clock_env(at: dt.datetime) -> dict[str, str]:
    """Environment that makes a child's wall clock read `at` now and run on from there. One offset for every
    process (not `@time`, which restarts at each process's start), so the server restarted mid-journey and
    the devices agree on what time it is. Monotonic clocks stay real (timers, timeouts)."""
    offset = int(round(at.timestamp() - real_epoch()))
    try:
        env = faketime.preload({}, f"{offset:+d}", "Asia/Shanghai")
    except (OSError, RuntimeError) as exc:
        raise HallError(f"pinning the clock needs libfaketime and a C compiler: {exc}") from None
    return {**env, "FAKETIME_NO_CACHE": "1"}


def _die_with_parent() -> None:
    """In the child before exec (Linux): SIGTERM when the demo dies, even by SIGKILL, so nothing is left."""
    if sys.platform.startswith("linux"):
        import ctypes
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class Paths:
    data: Path

    @property
    def devices(self) -> Path:
        return self.data / "devices"

    @property
    def sim(self) -> Path:
        return self.data / "sim"

    @property
    def logs(self) -> Path:
        return self.data / "logs"

    def config(self, name: str) -> Path:
        """dispenser/display/evaluator/controller: a kiosk file; a client (clerk, approver, supervisor): its data
        dir's workstation.toml."""
        if name in CLIENTS:
            return self.data / name / "workstation.toml"
        return self.devices / f"{name}.toml"

    @property
    def printed(self) -> Path:
        return self.sim / "printer.bin"

    @property
    def led_log(self) -> Path:
        """What the LED card simulators were sent, a line per screen: `card 1 shows: A001 / 请到1号窗口`."""
        return self.logs / "sim-led.log"

    @property
    def spoken(self) -> Path:
        return self.logs / "spoken.txt"

    def probe(self, name: str) -> Path:
        return self.logs / f"{name}.screen.json"

    def pipe(self, name: str) -> Path:
        return self.sim / f"{name}.in"

    def pty(self, name: str) -> Path:
        return self.sim / name


@dataclass
class Hall:
    data_dir: Path
    port: int
    base_env: dict[str, str]
    clock_env: dict[str, str] = field(default_factory=dict)
    probes: bool = False              # GOVHALL_UI_PROBE for each GUI (the journey reads what is on screen)
    record_speech: bool = True        # WAV files instead of the loudspeaker (no sound card needed)
    processes: list[Process] = field(default_factory=list)
    printer_port: int = 0
    identity_url: str = ""            # the provincial identity gateway simulator (粤省事码)
    identity_code: str = ""           # a 粤省事码 it issued for the demo's sample person
    identity_public_key: str = ""     # the simulator's answer key (public half): the dispenser checks answers

    def __post_init__(self) -> None:
        self.paths = Paths(self.data_dir)
        for d in (self.paths.devices, self.paths.sim, self.paths.logs):
            d.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- processes -----------------------------------------------------------------------------------------
    def _env(self, extra: dict[str, str] | None = None, pinned: bool = True) -> dict[str, str]:
        # An inherited fake clock (CI runs the whole tree under one) is replaced by the hall's, or removed.
        env = {k: v for k, v in self.base_env.items() if k not in ("FAKETIME", "LD_PRELOAD")}
        if pinned:
            env.update(self.clock_env)
        env.update(extra or {})
        env.setdefault("GOVHALL_DEMO_MODE", "1")  # the demo hall: its published passwords are accepted
        return env

    def spawn(self, name: str, args: list[str], *, stdin: Path | None = None,
              extra_env: dict[str, str] | None = None, pinned: bool = True) -> Process:
        log = self.paths.logs / f"{name}.log"
        out = log.open("ab")
        # A pipe opened read-write never reports end of file: the simulators read commands from it for as
        # long as they run, whoever writes (the journey, or a person with `echo swipe > …`).
        fd = os.open(stdin, os.O_RDWR) if stdin else subprocess.DEVNULL
        try:
            popen = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=self._env(extra_env, pinned), stdin=fd,
                                     stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        finally:
            out.close()
            if stdin:
                os.close(fd)
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def process(self, name: str) -> Process:
        return next(p for p in reversed(self.processes) if p.name == name)

    def stop_process(self, process: Process, timeout: float = 10) -> None:
        if process.alive:
            process.popen.send_signal(signal.SIGTERM)
            try:
                process.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait(5)

    def stop(self) -> None:
        """Every process this hall started, newest first (the programs before the server they talk to)."""
        for process in reversed(self.processes):
            self.stop_process(process)

    # -- the server ----------------------------------------------------------------------------------------
    def load_demo(self) -> str:
        done = subprocess.run([sys.executable, "-m", "server", "load-demo"], cwd=ROOT, env=self._env(),
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise HallError(f"loading the demo hall failed:\n{done.stdout}{done.stderr}")
        return done.stdout.strip().splitlines()[-1]

    def start_server(self, timeout: float = 60) -> dict:
        server = self.spawn("server", ["-m", "server", "serve", "--port", str(self.port)])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not server.alive:
                raise HallError(f"the server exited with code {server.popen.returncode}; see {server.log}")
            try:
                return requests.get(f"{self.url}/healthz", timeout=1).json()
            except requests.RequestException:
                time.sleep(0.2)
        raise HallError(f"the server did not answer {self.url}/healthz within {timeout:.0f} s")

    # -- provisioning through the admin API ------------------------------------------------------------------
    def admin_token(self) -> str:
        r = requests.post(f"{self.url}/api/v1/auth/login", json={"username": ADMIN[0], "password": ADMIN[1]},
                          timeout=10)
        if r.status_code != 200:
            raise HallError(f"admin login failed: {r.status_code} {r.text}")
        return r.json()["token"]

    def provision(self, name: str, kind: str, window: int | None, devices: dict) -> Path:
        """POST /api/v1/sync/provision and write the file it answers; kept when it exists (a restarted demo
        keeps its devices, their caches and tokens)."""
        path = self.paths.config(name)
        if path.exists():
            return path
        r = requests.post(f"{self.url}/api/v1/sync/provision", timeout=10,
                          headers={"Authorization": f"Bearer {self.admin_token()}"},
                          json={"kind": kind, "hall": HALL, "window": window, "server": self.url,
                                "name": DEVICE_NAMES[name], "devices": devices})
        if r.status_code != 201:
            raise HallError(f"provisioning the {name} failed: {r.status_code} {r.text}")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(r.json()["config"])
        return path

    def device_sections(self) -> dict[str, dict]:
        p = self.paths
        tts: dict = {"transcript": str(p.spoken)}
        if self.record_speech:
            tts["record_dir"] = str(p.sim / "announcements")
        return {
            "dispenser": {"idcard": {"port": str(p.pty("idcard"))}, "scanner": {"port": str(p.pty("scanner"))},
                          "printer": {"transport": "network", "host": "127.0.0.1", "port": self.printer_port},
                          "identity_code": self.identity_section()},
            "display": {"tts": tts},
            "evaluator": {},
            "clerk": {"keypad": {"port": str(p.pty("keypad"))}, "idcard": {"port": str(p.pty("idcard-clerk"))}},
            "approver": {},
            "supervisor": {},
        }

    def led_cards(self) -> dict[str, dict]:
        """The hall controller's cards: each window's screen and the strip, each on its simulator's pty."""
        cards = {f"card-w{n}": {"role": "window", "window": n, "protocol": "bx", "address": n,
                                "port": str(self.paths.pty(f"led-{n}"))} for n in LED_WINDOWS}
        cards["card-strip"] = {"role": "strip", "protocol": "bx", "address": LED_STRIP,
                               "port": str(self.paths.pty(f"led-{LED_STRIP}")), "width": 192, "height": 16}
        return cards

    def provision_all(self) -> dict[str, Path]:
        sections = {**self.device_sections(), "controller": self.led_cards()}
        kinds = {"dispenser": ("dispenser", None), "display": ("display", None), "evaluator": ("evaluator", WINDOW),
                 "clerk": ("clerk", WINDOW), "approver": ("approver", None), "controller": ("controller", None),
                 "supervisor": ("approver", None)}  # a back-office workstation (no window), as the approver's
        return {name: self.provision(name, kind, window, sections[name]) for name, (kind, window) in kinds.items()}

    # -- simulators --------------------------------------------------------------------------------------------
    def _pipe(self, name: str) -> Path:
        path = self.paths.pipe(name)
        if path.exists() and not path.is_fifo():
            path.unlink()
        if not path.exists():
            os.mkfifo(path, 0o600)
        return path

    def _listening(self, process: Process, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in process.log.read_text(encoding="utf-8", errors="replace").splitlines():
                if "listening on" in line:
                    return line.rsplit(" ", 1)[1]
            if not process.alive:
                break
            time.sleep(0.1)
        raise HallError(f"the {process.name} simulator did not start; see {process.log}")

    def start_simulators(self) -> None:
        p = self.paths
        for name in ("idcard", "idcard-clerk", "keypad", "scanner", "printer", "led"):
            (p.logs / f"sim-{name}.log").unlink(missing_ok=True)
        p.printed.unlink(missing_ok=True)
        sims = [("idcard", ["idcard", "--pty", "--link", str(p.pty("idcard")), "--stdin", "--read-delay", "0.3"]),
                ("idcard-clerk", ["idcard", "--pty", "--link", str(p.pty("idcard-clerk")), "--stdin",
                                  "--read-delay", "0.3"]),
                ("keypad", ["keypad", "--pty", "--link", str(p.pty("keypad")), "--address", "1", "--stdin"]),
                ("scanner", ["scanner", "--pty", "--link", str(p.pty("scanner")), "--stdin"])]
        for name, args in sims:
            for stale in (p.pty(name),):
                if stale.is_symlink():
                    stale.unlink()
            # Devices keep no calendar: the simulators run on the real clock.
            self._listening(self.spawn(f"sim-{name}", ["-m", "drivers.sim", *args], stdin=self._pipe(name),
                                       pinned=False))
        for stale in p.sim.glob("led-*"):
            if stale.is_symlink():
                stale.unlink()
        addresses = ",".join(str(a) for a in (*LED_WINDOWS, LED_STRIP))
        self._listening(self.spawn("sim-led", ["-m", "drivers.sim", "led", "--pty", "--link", str(p.pty("led")),
                                               "--address", addresses], pinned=False))
        printer = self.spawn("sim-printer", ["-m", "drivers.sim", "printer", "--tcp", "0", "--capture",
                                             str(p.printed), "--stdin"], stdin=self._pipe("printer"), pinned=False)
        self.printer_port = int(self._listening(printer).rsplit(":", 1)[1])
        self.start_identity_gateway()
        self._rewire_printer()

    def start_identity_gateway(self) -> None:
        """The provincial gateway's simulator, on the hall's clock (requests are timed, codes expire), with a
        粤省事码 for the sample card's holder."""
        (self.paths.logs / "sim-identity.log").unlink(missing_ok=True)
        gateway = self.spawn("sim-identity", ["-m", "kiosk.identity.sim", "--app-id", IDENTITY_APP_ID,
                                              "--app-key", IDENTITY_APP_KEY, "--port", "0", "--ttl", "43200",
                                              "--answer-key", str(self.paths.sim / "identity-gateway.key"),
                                              "--person", f"{SAMPLE_PERSON},王小明"])
        self.identity_url = self._listening(gateway)
        deadline = time.monotonic() + 20
        while not self.identity_code and time.monotonic() < deadline:
            for line in gateway.log.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("code for "):
                    self.identity_code = line.rsplit(" ", 1)[1]
                elif line.startswith("answer public key: "):
                    self.identity_public_key = line.rsplit(" ", 1)[1]
            time.sleep(0.05)

    def identity_section(self) -> dict:
        return {"gateway": self.identity_url, "app_id": IDENTITY_APP_ID, "app_key": IDENTITY_APP_KEY,
                "gateway_public_key": self.identity_public_key, "timeout": 3}

    def _rewire_printer(self) -> None:
        """The printer simulator takes a free port each start: point an existing dispenser file at it."""
        path = self.paths.config("dispenser")
        if not path.exists():
            return
        import tomllib

        from shared.config_toml import render_toml
        sections = tomllib.loads(path.read_text(encoding="utf-8"))
        sections.setdefault("printer", {}).update(transport="network", host="127.0.0.1", port=self.printer_port)
        if self.identity_url:
            sections["identity_code"] = self.identity_section()  # its port changes each start too
        path.write_text(render_toml(sections, header="GovHall demo dispenser (printer port follows the simulator)"),
                        encoding="utf-8")

    def holds(self, name: str, device: str) -> bool:
        """Whether the named program has the simulator's pty open (Linux /proc): a key sent before is lost, as
        pyserial empties the input of a port it has just opened. True where /proc cannot tell."""
        target = os.path.realpath(self.paths.pty(device))
        fds = f"/proc/{self.process(name).popen.pid}/fd"
        if not os.path.isdir("/proc/self/fd"):
            return True
        try:
            links = [os.readlink(f"{fds}/{fd}") for fd in os.listdir(fds)]
        except OSError:  # the process is gone, or a descriptor closed while being read
            return False
        return target in links

    def send(self, device: str, line: str) -> None:
        """Type a line into a simulator's pipe: `swipe` to the idcard, `next` (or a digit, `enter`) to the keypad,
        a code to the scanner, `paper-out` / `refill` to the printer — what a person does by hand with echo."""
        with open(self.paths.pipe(device), "w", encoding="utf-8") as f:
            f.write(line + "\n")

    # -- the programs ----------------------------------------------------------------------------------------
    def start_programs(self, *, windowed: bool = True) -> list[Process]:
        p = self.paths
        started = []
        for mode in ("dispenser", "display", "evaluator"):
            args = ["-m", "kiosk", "--mode", mode, "--config", str(p.config(mode)), "--cache",
                    str(p.devices / f"{mode}.sqlite3")] + (["--windowed"] if windowed else [])
            started.append(self.spawn(mode, args, extra_env=self._probe_env(mode)))
        # The hall controller drives the LED screens (headless: no window, no probe; its log says what it sent).
        started.append(self.spawn("controller", ["-m", "kiosk", "--mode", "controller", "--config",
                                                 str(p.config("controller")), "--cache",
                                                 str(p.devices / "controller.sqlite3")]))
        started.append(self.start_client("clerk"))
        return started

    def start_client(self, name: str) -> Process:
        """A workstation client (clerk, approver, supervisor) on its data dir; also to start one again after it closed."""
        self.paths.probe(name).unlink(missing_ok=True)  # a closed client's last screen is not this one's
        return self.spawn(name, ["-m", "client", "--data-dir", str(self.paths.config(name).parent)],
                          extra_env=self._probe_env(name))

    def _probe_env(self, name: str) -> dict[str, str]:
        return {"GOVHALL_UI_PROBE": str(self.paths.probe(name))} if self.probes else {}


def xcb_loads(env: dict[str, str]) -> tuple[bool, str]:
    """Whether Qt's xcb platform plugin loads on env's DISPLAY (a missing libxcb-* library fails here)."""
    code = ("import sys; from PySide6.QtWidgets import QApplication; app = QApplication(sys.argv[:1]); "
            "print(app.platformName())")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**env, "QT_QPA_PLATFORM": "xcb"})
    ok = done.returncode == 0 and done.stdout.strip() == "xcb"
    return ok, (done.stdout + done.stderr).strip()


def start_xvfb(size: str = "3200x2100x24") -> tuple[subprocess.Popen, str]:
    """A virtual screen for --check and the acceptance test; answers its display number on a pipe."""
    if shutil.which("Xvfb") is None:
        raise HallError("the headless check needs Xvfb (apt-get install xvfb)")
    # Each caller asks for a display number of its own (from its pid) rather than letting Xvfb search up from :0:
    # with two servers searching at once (the acceptance tests on two test workers), twice a program found no
    # display :0 moments after a check had passed on it. A number in use makes Xvfb exit: try the next.
    first = 100 + os.getpid() % 800
    for number in range(first, first + 20):
        read, write = os.pipe()
        xvfb = subprocess.Popen(["Xvfb", f":{number}", "-displayfd", str(write), "-screen", "0", size,
                                 "-nolisten", "tcp"], pass_fds=(write,), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as f:
            ready = f.readline().strip()
        if ready:
            return xvfb, f":{ready}"
        xvfb.kill()
        xvfb.wait()
    raise HallError("Xvfb did not start")
