"""Wire schemas of hall sync (`/api/v1/sync/...`), shared by the server and the client library."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from shared.protocol.base import Request, Response

PROTOCOL_VERSION = 1
SUPPORTED_PROTOCOLS = (1,)
MAX_COMMANDS_PER_PUSH = 500
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DEVICE_KINDS = ("workstation", "dispenser", "evaluator", "display", "controller")


def cursors_param(cursors: dict[str, int]) -> str:
    """A pull's `cursors` query parameter: scope@cursor, comma-separated (the server parses it back)."""
    return ",".join(f"{scope}@{cursor}" for scope, cursor in sorted(cursors.items()))


class DeviceRegistration(Request):
    kind: Literal["workstation", "dispenser", "evaluator", "display", "controller"]
    name: str = Field(min_length=1, max_length=100)
    hall_id: int
    window_id: int | None = None
    # a workstation's notice signing key (SM2 SubjectPublicKeyInfo DER, hex) it made itself: registered with the
    # device, so a 送达 signed with another key is refused (server/approval/signing_keys.py)
    signing_key: str | None = Field(default=None, pattern=r"^[0-9a-f]{32,400}$")


class DeviceRegistered(Response):
    device_id: str
    token: str
    hall_id: int
    scopes: list[str]


class ProvisionRequest(Request):
    """Register a device for a real installation and get its ready config file (admin)."""
    kind: str = Field(min_length=1, max_length=20)     # dispenser | display | evaluator | clerk | approver
    hall: str = Field(min_length=1, max_length=32)     # the hall's code, e.g. DG-HALL-1
    window: int | None = Field(default=None, ge=1)     # the window number (evaluator, clerk)
    server: str = Field(min_length=1, max_length=200)  # the URL the device will reach the server at
    name: str = Field(default="", max_length=100)
    devices: dict[str, dict[str, str | int | float | bool]] = Field(default_factory=dict)  # device sections
    server_ca: str = Field(default="", max_length=300)  # the hall CA file's path on the device (TLS pinning)


class DeviceProvisioned(Response):
    device_id: str
    kind: str
    hall_id: int
    scopes: list[str]
    file_name: str       # the conventional name: the client reads exactly workstation.toml
    config: str          # the file's text (TOML); it holds the token, shown only this once


class CommandIn(Request):
    seq: int = Field(ge=1)
    command_id: str = Field(pattern=UUID_PATTERN)
    name: str = Field(min_length=1, max_length=64)
    version: int = Field(ge=1, le=1000)
    args: dict[str, Any]
    base: dict[str, Any] | None = None
    hlc: str = Field(min_length=1, max_length=64)


class PushRequest(Request):
    device: str = Field(min_length=1, max_length=36)
    protocol_version: int
    commands: list[CommandIn] = Field(min_length=1, max_length=MAX_COMMANDS_PER_PUSH)


class CommandResult(Response):
    seq: int
    command_id: str
    status: Literal["accepted", "rejected"]
    code: str | None = None  # stable rejection code, e.g. "stale_base"
    message: str = ""
    http_status: int = 200  # what the rejection would be as a single request (403, 409, 422)
    details: dict[str, Any] = Field(default_factory=dict)
    result: dict[str, Any] = Field(default_factory=dict)
    server_seq: int = 0  # the hall cursor of the command's last change (0: it changed nothing)
    replayed: bool = False


class PushResponse(Response):
    last_seq: int
    results: list[CommandResult]
    server_time_ms: int


class Change(Response):
    scope: str
    seq: int
    table: str
    pk: str
    op: Literal["upsert", "delete"]
    row: dict[str, Any] | None


class PullResponse(Response):
    changes: list[Change]
    cursors: dict[str, int]
    has_more: bool
    scopes: list[str]  # every scope the device may read (new ones start at cursor 0)
    reset_required: list[str] = Field(default_factory=list)  # scopes whose cursor is older than the log
    last_seq: int
    server_time_ms: int


class SnapshotResponse(Response):
    scope: str
    cursor: int
    rows: list[Change]
    server_time_ms: int


class LeaseAsk(Request):
    request_id: str = Field(pattern=UUID_PATTERN)  # idempotency key: a repeated ask gets the same block
    series: str = Field(min_length=1, max_length=20)
    prefix: str = Field(min_length=1, max_length=2)
    day: str = Field(pattern=DAY_PATTERN)
    kind: Literal["live", "reserve"]
    size: int = Field(ge=1, le=200)


class LeaseReturn(Request):
    block_id: int
    high_water: int = Field(ge=0)  # highest number used from the block; 0 = none


class LeaseRequest(Request):
    device: str = Field(min_length=1, max_length=36)
    protocol_version: int
    asks: list[LeaseAsk] = Field(default_factory=list, max_length=50)
    returns: list[LeaseReturn] = Field(default_factory=list, max_length=50)


class Block(Response):
    block_id: int
    request_id: str
    series: str
    prefix: str
    day: str
    kind: Literal["live", "reserve"]
    first: int
    last: int


class RefusedAsk(Response):
    request_id: str
    code: str  # series_exhausted
    message: str


class LeaseResponse(Response):
    blocks: list[Block]
    refused: list[RefusedAsk] = Field(default_factory=list)
    returned: list[int]
    server_time_ms: int


class EventsResponse(Response):
    changed: bool
    seq: int  # the hall's latest cursor as far as the event hub knows


class CompactionRequest(Request):
    retention_days: int = Field(default=30, ge=1, le=3650)  # at least the longest offline period supported


class CompactionReport(Response):
    dropped: dict[str, int]  # entries dropped per scope
